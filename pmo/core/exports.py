"""Tabular exports (Excel and CSV) that are safe to open: text that looks like a formula
(``=HYPERLINK(...)``, ``+``, ``-``, ``@``) is written as text, never as a formula.

In CSV such text gets a leading apostrophe, the guard Excel honours; spreadsheet programs that
open the CSV keep the apostrophe in the cell, so the imports remove one leading apostrophe
before =, +, -, @, a tab or a carriage return (``unguard``). Text that itself starts with
apostrophes before one of those (``'=x``) is written with one more, in CSV and in .xlsx, so
that the export and the import undo each other exactly (ADR 0008)."""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_GUARDED = re.compile(r"'+[=+\-@\t\r]")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def is_guarded(value: Any) -> bool:
    """Whether text starts with the CSV guard: apostrophes before a formula's first character."""
    return isinstance(value, str) and _GUARDED.match(value) is not None


def unguard(value: Any) -> Any:
    """A cell's text with the export's guard (one leading apostrophe before =, +, -, @…)
    removed; any other value as it is."""
    return value[1:] if is_guarded(value) else value


# Numbers stay numbers in a workbook: pounds (a column whose header names £) shown as £1,250.00,
# other amounts grouped with two decimals.
MONEY_FORMAT = '"£"#,##0.00'
NUMBER_FORMAT = "#,##0.00"


def _excel_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_xlsx(
    stream: Any, *, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str = "Sheet1"
) -> None:
    """Write one sheet with a bold, frozen header row and sensible column widths."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="14284B")
    widths = [len(h) for h in headers]
    for row_index, row in enumerate(rows, start=2):
        for col_index, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_index, column=col_index, value=None)
            if is_guarded(value):
                cell.value = "'" + value  # the import removes one apostrophe (``unguard``)
            elif looks_like_formula(value):
                cell.value = value  # openpyxl would take it for a formula; make it text
                cell.data_type = "s"
                cell.quotePrefix = True
            else:
                cell.value = _excel_value(value)
                if isinstance(value, date):
                    cell.number_format = "dd/mm/yyyy"
                elif isinstance(value, Decimal | float):
                    cell.number_format = MONEY_FORMAT if "£" in headers[col_index - 1] else NUMBER_FORMAT
            widths[col_index - 1] = max(widths[col_index - 1], min(len(str(value or "")), 60))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 2
    sheet.freeze_panes = "A2"
    workbook.save(stream)


def csv_text_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return "'" + text if looks_like_formula(text) or is_guarded(text) else text


def xlsx_response(
    filename: str, *, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str
) -> HttpResponse:
    buffer = io.BytesIO()
    write_xlsx(buffer, headers=headers, rows=rows, sheet_title=sheet_title)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, *, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so Excel reads UTF-8
    writer = csv.writer(response)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([csv_text_value(v) for v in row])
    return response
