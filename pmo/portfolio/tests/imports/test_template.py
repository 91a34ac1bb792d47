"""The import template: the header row, a Guidance sheet and dropdowns of today's values."""

import io

import pytest
from openpyxl import load_workbook

from pmo.portfolio.imports import COLUMNS, HEADERS, SUMMARY, project_import, write_project_template
from pmo.portfolio.tests.factories import PortfolioFactory
from pmo.portfolio.tests.imports.conftest import sheet_row

pytestmark = pytest.mark.django_db


def template():
    buffer = io.BytesIO()
    write_project_template(buffer)
    buffer.seek(0)
    return load_workbook(buffer)


def test_the_template_has_the_header_row_and_no_data(register):
    sheet = template()["Projects"]

    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.max_row == 1


def test_the_guidance_sheet_explains_every_column_with_todays_values(register):
    guidance = template()["Guidance"]
    rows = {row[0]: row for row in guidance.iter_rows(values_only=True) if row[0] in HEADERS}

    assert list(rows) == HEADERS
    assert rows["Code"][1] == "Yes" and rows["Description"][1] == "No"
    assert [c.header for c in COLUMNS if c.required] == [h for h, row in rows.items() if row[1] == "Yes"]
    assert "IT Portfolio" in rows["Portfolio"][3] and "Estates Portfolio" in rows["Portfolio"][3]
    assert rows["Stage"][3] == "Pipeline; Initiation; Planning; Delivery; Closure; Benefits"
    assert "Technical / infrastructure" in rows["Category"][3] and "technical" in rows["Category"][3]
    assert "SO1" in rows["Strategic objectives"][3]


def test_columns_with_a_fixed_list_have_dropdowns(register):
    sheet = template()["Projects"]
    validated = {
        str(v.sqref).split(":")[0].rstrip("0123456789") for v in sheet.data_validations.dataValidation
    }
    letters = {h: chr(ord("A") + i) for i, h in enumerate(HEADERS)}

    for header in (
        "Portfolio",
        "Department",
        "Category",
        "Methodology",
        "Stage",
        "Status",
        "Priority",
        "Confidential",
    ):
        assert letters[header] in validated, header


def test_names_that_look_like_formulas_are_written_as_text_in_the_template(register):
    PortfolioFactory(name='=HYPERLINK("http://evil.example","x")')

    lists = template()["Lists"]
    cells = [c for row in lists.iter_rows() for c in row if c.value and str(c.value).startswith("=HYPERLINK")]

    assert cells and all(c.data_type == "s" for c in cells)


def test_a_filled_in_template_imports(register, pmo_officer, tmp_path):
    workbook = template()
    workbook["Projects"].append([sheet_row()[h] for h in HEADERS])
    path = tmp_path / "filled.xlsx"
    workbook.save(path)

    result = project_import(actor=pmo_officer, file=path)

    assert result.summary == SUMMARY.format(created=1, updated=0, unchanged=0)
