"""In Chromium: a PMO officer imports the project register from Excel: a file that is not a
workbook and a workbook with a bad row are refused whole, with the problem named by row and
column; the corrected workbook is checked, then imported."""

from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import Locator, Page, expect

from pmo.conftest import assert_accessible
from pmo.core.choices import Role
from pmo.portfolio.imports import CHECK_SUMMARY, NOT_XLSX, SUMMARY, UNKNOWN_DEPARTMENT
from pmo.portfolio.models import Project
from pmo.portfolio.tests.browser.conftest import column_values, results_count
from pmo.portfolio.views_import import IMPORTED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = ["Code", "Name", "Portfolio", "Department", "Sponsor", "Project manager", "Category", "Stage",
          "Budget"]


REFUSED = "Nothing was imported: 1 problem in register.xlsx"


def workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Projects"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def upload(page: Page, path: Path, *, check_only: bool = False) -> None:
    page.get_by_label("Excel file (.xlsx)").set_input_files(path)
    page.get_by_label("Check only").set_checked(check_only)
    page.get_by_role("button", name="Import").click()


def problem_cells(page: Page) -> Locator:
    """The cells of the problems table (row, column, problem; row after row)."""
    return page.get_by_test_id("import-errors").locator("tbody td")


def test_officer_imports_a_register_after_fixing_its_problems(live_server, sign_in, make_user, register,
                                                               tmp_path):
    # Given a PMO officer who opens the import page from the register
    page = sign_in(make_user(Role.PMO_OFFICER, username="olly", first_name="Olly", last_name="Officer"))
    page.goto(f"{live_server.url}/projects/")
    page.get_by_role("link", name="Import from Excel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import projects from Excel")
    assert_accessible(page, "import")
    before = Project.objects.count()

    # When they upload a text file that was merely renamed .xlsx
    text_file = tmp_path / "register.xlsx"
    text_file.write_text("Code,Name\nNEW-001,Parking permits online\n")
    upload(page, text_file)

    # Then they are told it is not an Excel workbook
    expect(problem_cells(page)).to_have_text(["—", "—", NOT_XLSX])
    expect(page.get_by_test_id("import-failed")).to_contain_text(REFUSED)

    # When they upload a workbook with two new projects and a budget change, one row with a
    # department that does not exist
    good = ["IT Portfolio", "Digital Services", "sara@council.example", "Max Manager", "Service improvement",
            "Initiation"]
    rows = [
        ["NEW-001", "Parking permits online", *good, 85000],
        ["NEW-002", "Libraries Wi-Fi", "IT Portfolio", "Digital Service", *good[2:], 40000],
        ["DFD-001", "Resident portal", *good[:-1], "Delivery", 420000],
    ]
    upload(page, workbook(tmp_path / "register.xlsx", rows))

    # Then the problem is named by row and column, and nothing at all was imported
    expect(problem_cells(page)).to_have_text(
        ["3", "Department", UNKNOWN_DEPARTMENT.format(value="'Digital Service'")]
    )
    expect(page.get_by_test_id("import-failed")).to_contain_text(REFUSED)
    assert_accessible(page, "import-errors")
    assert Project.objects.count() == before
    assert Project.objects.get(code="DFD-001").budget == 400000

    # When they correct the department and check the file first
    rows[1][3] = "Digital Services"
    upload(page, workbook(tmp_path / "register.xlsx", rows), check_only=True)

    # Then they see what importing would do, and still nothing is written
    expect(page.get_by_test_id("import-checked")).to_contain_text(
        CHECK_SUMMARY.format(created=2, updated=1, unchanged=0)
    )
    assert Project.objects.count() == before

    # When they import it
    upload(page, workbook(tmp_path / "register.xlsx", rows))

    # Then the page sums up what changed, and the register shows it
    summary = SUMMARY.format(created=2, updated=1, unchanged=0)
    expect(page.get_by_role("alert")).to_contain_text(IMPORTED.format(file="register.xlsx", summary=summary))
    page.goto(f"{live_server.url}/projects/?q=NEW")
    expect(results_count(page)).to_have_text("2 projects")
    assert column_values(page, "Name") == ["Parking permits online", "Libraries Wi-Fi"]
    page.get_by_role("searchbox", name="Search").fill("DFD-001")
    expect(results_count(page)).to_have_text("1 project")
    assert column_values(page, "Approved budget (£)") == ["£420,000"]
