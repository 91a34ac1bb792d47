"""In Chromium: a PMO officer downloads the template, uploads a register with a mistake, reads
the problems, checks the corrected file, then imports it."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from pmo.conftest import assert_accessible
from pmo.portfolio.imports import CHECK_SUMMARY, HEADERS, SUMMARY, UNKNOWN_PERSON
from pmo.portfolio.models import Project
from pmo.portfolio.tests.imports.conftest import sheet_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_fixes_a_register_and_imports_it(
    live_server, sign_in, register, pmo_officer, write_xlsx, tmp_path
):
    # Given the PMO officer on the import page
    page = sign_in(pmo_officer)
    page.goto(f"{live_server.url}/projects/import/")
    expect(page.get_by_role("heading", name="Import projects from Excel")).to_be_visible()
    assert_accessible(page, "project-import")

    # When they download the template, it has the register's columns and its guidance
    with page.expect_download() as download:
        page.get_by_test_id("template-link").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    workbook = load_workbook(template)
    assert [c.value for c in workbook["Projects"][1]] == HEADERS
    assert "Guidance" in workbook.sheetnames

    # When they upload a register whose second project names an unknown sponsor
    bad = write_xlsx([sheet_row("ICT-001"), sheet_row("ICT-002", sponsor="Pat Nobody")], name="register.xlsx")
    page.get_by_label("Excel file (.xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()

    # Then they read the problem by row and column, and nothing was imported
    expect(page.get_by_test_id("import-failed")).to_contain_text("Nothing was imported: 1 problem")
    table = page.get_by_role("table", name="Problems found in register.xlsx, by row and column")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator("tbody tr td")).to_have_text(
        ["3", "Sponsor", UNKNOWN_PERSON.format(value="'Pat Nobody'")]
    )
    assert_accessible(page, "project-import-errors")
    assert Project.objects.count() == 0

    # When they correct it and check it first
    good = write_xlsx([sheet_row("ICT-001"), sheet_row("ICT-002")], name="register-fixed.xlsx")
    page.get_by_label("Excel file (.xlsx)").set_input_files(str(good))
    page.get_by_label("Check only").check()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_test_id("import-checked")).to_contain_text(
        CHECK_SUMMARY.format(created=2, updated=0, unchanged=0)
    )
    assert Project.objects.count() == 0

    # And then import it for real
    page.get_by_label("Excel file (.xlsx)").set_input_files(str(good))
    page.get_by_label("Check only").uncheck()
    page.get_by_role("button", name="Import").click()

    # Then the projects are in the register
    expect(page.get_by_role("alert")).to_contain_text(SUMMARY.format(created=2, updated=0, unchanged=0))
    assert sorted(Project.objects.values_list("code", flat=True)) == ["ICT-001", "ICT-002"]
