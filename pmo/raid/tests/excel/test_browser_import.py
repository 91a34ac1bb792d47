"""In Chromium: a project manager downloads the risk template, uploads a file with a mistake,
reads the problem by row and column, checks the corrected file, then imports it; an executive
is refused the page."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from pmo.conftest import assert_accessible
from pmo.core.spreadsheets import CHECK_SUMMARY, SUMMARY, UNKNOWN_PERSON
from pmo.raid.imports import headers
from pmo.raid.models import Risk
from pmo.raid.tests.excel.conftest import risk_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pm_fixes_a_risk_register_and_imports_it(live_server, sign_in, cast, write_sheet, tmp_path):
    # Given the PM on the risk import page
    page = sign_in(cast.pm)
    page.goto(f"{live_server.url}/raid/risks/import/")
    expect(page.get_by_role("heading", name="Import risks from Excel")).to_be_visible()
    assert_accessible(page, "raid-risk-import")

    # When they download the template, it has the register's columns and the guidance
    with page.expect_download() as download:
        page.get_by_test_id("template-link").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    workbook = load_workbook(template)
    assert [c.value for c in workbook["Risks"][1]] == headers("risks")
    assert "Guidance" in workbook.sheetnames

    # When they upload a file whose second risk names an unknown owner
    bad = write_sheet([risk_row(), risk_row(title="Second", owner="Pat Nobody")], name="risks.xlsx")
    page.get_by_label("Excel file (.xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()

    # Then they read the problem by row and column, and nothing was imported
    expect(page.get_by_test_id("import-failed")).to_contain_text("Nothing was imported: 1 problem")
    table = page.get_by_role("table", name="Problems found in risks.xlsx, by row and column")
    expect(table.locator("tbody tr td")).to_have_text(
        ["3", "Owner", UNKNOWN_PERSON.format(value="'Pat Nobody'")]
    )
    assert_accessible(page, "raid-risk-import-errors")
    assert Risk.objects.count() == 0

    # When they correct it and check it first
    good = write_sheet([risk_row(), risk_row(title="Second")], name="risks-fixed.xlsx")
    page.get_by_label("Excel file (.xlsx)").set_input_files(str(good))
    page.get_by_label("Check only").check()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_test_id("import-checked")).to_contain_text(
        CHECK_SUMMARY.format(created=2, updated=0, unchanged=0)
    )
    assert Risk.objects.count() == 0

    # And then import it for real
    page.get_by_label("Excel file (.xlsx)").set_input_files(str(good))
    page.get_by_label("Check only").uncheck()
    page.get_by_role("button", name="Import").click()

    # Then the risks are in the WEB register
    expect(page.get_by_role("alert")).to_contain_text(SUMMARY.format(created=2, updated=0, unchanged=0))
    assert sorted(Risk.objects.filter(project=cast.project).values_list("title", flat=True)) == [
        "Second",
        "Supplier may go bust",
    ]


def test_an_executive_is_refused_the_import_page(live_server, sign_in, cast):
    page = sign_in(cast.executive)
    page.goto(f"{live_server.url}/raid/risks/import/")

    expect(page.get_by_test_id("reason")).to_have_text("You do not have permission to import risks.")
