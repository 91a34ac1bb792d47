"""In Chromium: the head of PMO on a new install follows the Getting started checklist to the
Moving in page, imports the organisation units (a mistake first), and sees the step tick once
the register has its departments, people and a portfolio."""

import pytest
from playwright.sync_api import expect

from pmo.conftest import assert_accessible
from pmo.core.spreadsheets import CHECK_SUMMARY, SUMMARY
from pmo.portfolio.models import OrgUnit
from pmo.portfolio.reference_imports import KINDS, UNKNOWN_PARENT, reference_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STEP = "Load departments, people, objectives, portfolios and programmes"


def test_the_head_moves_in_from_the_checklist(live_server, sign_in, pmo_head, write_xlsx):
    headers = KINDS["org-units"].headers

    def units(rows, name):
        return write_xlsx(
            [dict(zip(headers, r, strict=True)) for r in rows],
            headers=headers, name=name, sheet_title="Organisation units",
        )  # fmt: skip

    # Given the head on the home page of an empty install: every step to do
    page = sign_in(pmo_head)
    page.goto(f"{live_server.url}/")
    checklist = page.get_by_test_id("first-run")
    expect(checklist.locator("li[data-done='no']")).to_have_count(6)
    assert_accessible(page, "first-run-checklist")

    # When they follow the reference-data step to the Moving in page and on to the units' import
    checklist.get_by_role("link", name=STEP).click()
    expect(page.get_by_role("heading", name="Moving in: load the register from Excel")).to_be_visible()
    page.get_by_role("link", name="Import organisation units").click()
    expect(page.get_by_role("heading", name="Import organisation units from Excel")).to_be_visible()

    # And upload units whose parent is misspelt
    bad = units(
        [["Housing", "Department", "Place Directorat"], ["Place Directorate", "Directorate", ""]],
        "units.xlsx",
    )
    page.get_by_label("Excel file (.xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()

    # Then the problem is named by row, column and value, and nothing was imported
    table = page.get_by_role("table", name="Problems found in units.xlsx, by row and column")
    expect(table.locator("tbody tr td")).to_have_text(
        ["2", "Parent", UNKNOWN_PARENT.format(value="'Place Directorat'")]
    )
    assert_accessible(page, "reference-import-errors")
    assert OrgUnit.objects.count() == 0

    # When they check the corrected file, then import it
    good = units(
        [["Housing", "Department", "Place Directorate"], ["Place Directorate", "Directorate", ""]],
        "fixed.xlsx",
    )
    page.get_by_label("Excel file (.xlsx)").set_input_files(str(good))
    page.get_by_label("Check only").check()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_test_id("import-checked")).to_contain_text(
        CHECK_SUMMARY.format(created=2, updated=0, unchanged=0)
    )
    page.get_by_label("Excel file (.xlsx)").set_input_files(str(good))
    page.get_by_label("Check only").uncheck()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text(SUMMARY.format(created=2, updated=0, unchanged=0))
    assert OrgUnit.objects.get(name="Housing").parent.name == "Place Directorate"

    # And once people and a portfolio follow (here from the command line's import), the step ticks
    for kind, row in (
        ("people", ["jo@council.example", "Jo Bloggs", "", "Housing"]),
        ("portfolios", ["IT Portfolio", "", "Jo Bloggs"]),
    ):
        path = write_xlsx([dict(zip(KINDS[kind].headers, row, strict=True))], headers=KINDS[kind].headers,
                          name=f"{kind}.xlsx", sheet_title=KINDS[kind].sheet)  # fmt: skip
        assert reference_import(kind, actor=pmo_head, file=path).ok
    page.goto(f"{live_server.url}/")
    step = page.get_by_test_id("first-run").locator("li", has_text=STEP)
    expect(step).to_have_attribute("data-done", "yes")
