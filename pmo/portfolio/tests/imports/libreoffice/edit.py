"""What a person does to the export before LibreOffice saves it (make.sh): types TRUE in
ICT-002's Confidential cell, and names ICT-003's sponsor by a decomposed "Zoë Adams" ("e" and a
combining diaeresis, as some keyboards and Macs type it) instead of the e-mail address."""

import sys
import unicodedata

from openpyxl import load_workbook

source, target = sys.argv[1:]
workbook = load_workbook(source)
sheet = workbook.active
header = [cell.value for cell in sheet[1]]
rows = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
sheet.cell(row=rows["ICT-002"], column=header.index("Confidential") + 1, value=True)
sheet.cell(
    row=rows["ICT-003"], column=header.index("Sponsor") + 1, value=unicodedata.normalize("NFD", "Zoë Adams")
)
workbook.save(target)
