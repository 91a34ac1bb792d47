"""The issue's "done when", in Chromium on the demo: on 7 December 2026 the demo's finance partner
imports November's ledger extract (the finance system's own columns, mapped on the import
screen), with a £40,000 supplier invoice on PSN compliance remediation (budget £180,000, cost
tolerance 10%). The portfolio roll-up and the project's earned value count November at once; the
project's EAC passes its cost tolerance, so the exception is raised there and then with its
earned value figures (CPI, SPI(t), EAC); the register's approved budget is finance's BAC and the
project manager's new highlight report forecasts finance's EAC; the finance views export to
Excel and open back with the figures. The mapping screen, the roll-up, the Finance tab, the
exception and the report form pass axe (screenshots kept). Run on SQLite and on PostgreSQL
(``DATABASE_URL``) like every test."""

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Sum
from openpyxl import Workbook, load_workbook
from playwright.sync_api import FilePayload, Page, expect

from pmo.conftest import assert_accessible, screenshot
from pmo.core import formatting
from pmo.core.models import User
from pmo.finance import selectors
from pmo.finance.evm import project_evms
from pmo.finance.models import ActualLine, BudgetLine, CostCode
from pmo.portfolio.demo import DEMO_PASSWORD
from pmo.portfolio.models import Project
from pmo.reporting.choices import ToleranceState
from pmo.reporting.models import HighlightReport, ProjectException, ToleranceCheck

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo"),
    pytest.mark.today("2026-12-07"),
]

TODAY = dt.date(2026, 12, 7)
NOV = dt.date(2026, 11, 1)
CODE = "IT-131"  # PSN compliance remediation: the demo's pm's, on budget, no November report yet
INVOICE = Decimal(40_000)
FILENAME = "gl-extract-nov-2026.xlsx"
DRAFT = "gl-extract-nov-2026-draft.xlsx"
# The finance system's own headers (the template's are Cost code, Month, Amount…).
HEADERS = ("Account", "Period", "Net value", "Narrative", "Journal")
MAPPING = {
    "Account": "Cost code",
    "Period": "Month",
    "Net value": "Amount",
    "Narrative": "Description",
    "Journal": "Reference",
}


def november_extract(*late: list[Any]) -> tuple[bytes, int, Decimal]:
    """November's ledger as the finance system exports it: each cost code's November spend as
    its project's budget phases it (every project on budget), and a supplier's invoice of
    £40,000 on PSN compliance remediation's contractors (then any ``late`` rows). The workbook,
    its lines and total (of November's)."""
    budgets = selectors.current_budgets(list(Project.objects.values_list("pk", flat=True)))
    planned: dict[tuple[int | None, int, str], Decimal] = {
        (version_project, category, spend_type): amount
        for version_project, category, spend_type, amount in BudgetLine.objects.filter(
            version__in=list(budgets.values()), month=NOV
        )
        .values_list("version__project_id", "category_id", "spend_type")
        .annotate(total=Sum("amount"))
        .values_list("version__project_id", "category_id", "spend_type", "total")
    }
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "GL extract"
    sheet.append(list(HEADERS))
    lines, total = 0, Decimal(0)
    for code in CostCode.objects.filter(active=True).exclude(project=None).order_by("code"):
        amount = planned.get((code.project_id, code.category_id, code.spend_type))
        if not amount:
            continue
        sheet.append([code.code, "2026-11", float(amount), code.description[:100], f"J2611-{lines + 1:05d}"])
        lines, total = lines + 1, total + amount
    sheet.append(
        [
            f"{CODE.replace('-', '')}-CON",
            "30/11/2026",
            float(INVOICE),
            "Remediation supplier: invoice 4471",
            "INV-4471",
        ]
    )
    for row in late:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue(), lines + 1, total + INVOICE


def money(value: Decimal) -> str:
    return formatting.money(value)


def roll_up_row(page: Page) -> Any:
    return (
        page.get_by_test_id("roll-up")
        .locator("tbody tr")
        .filter(has=page.get_by_role("link", name=CODE, exact=True))
    )


def figure(page: Page, label: str) -> str:
    """A figure of the Finance tab's earned value list, by its label."""
    return page.get_by_test_id("evm").locator(f"dt:text-is('{label}') + dd").inner_text().strip()


def download(page: Page, link: Any) -> Any:
    """Click an "Export to Excel" link and open what downloads with openpyxl."""
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename.endswith(".xlsx")
    return load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()), read_only=True).active


def rows_of(sheet: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_a_finance_partner_imports_a_month_and_the_breach_reaches_the_exception_register_and_report(
    live_server: Any, sign_in: Any
) -> None:
    base = live_server.url
    project = Project.objects.get(code=CODE)
    finance = User.objects.get(username="finance")
    before = selectors.project_finance(project=project).whole_life
    assert selectors.finance_settings().cost_tolerance_on_eac  # the demo judges finance's EAC
    assert not ProjectException.objects.filter(project=project).exists()
    assert ToleranceCheck.objects.get(project=project, dimension="cost").status == ToleranceState.WITHIN
    workbook, lines, total = november_extract()
    # a draft of it that also holds a correction to October, which finance has closed
    draft, _lines, _total = november_extract(
        [f"{CODE.replace('-', '')}-STF", "2026-10", 500, "Late timesheet", ""]
    )

    # Given the finance partner signed in, on the portfolio roll-up by project and the project's
    # Finance tab: November's ledger is not in yet
    page: Page = sign_in(finance, DEMO_PASSWORD)
    page.goto(f"{base}/finance/?by=project")
    row = roll_up_row(page)
    expect(row.locator("td").nth(1)).to_have_text(money(before.actual_to_date))
    page.goto(f"{base}/finance/projects/{CODE}/")
    ac_before = figure(page, "Actual cost (AC)")

    # When they import the draft extract from the menu: its columns are the finance system's, so
    # the import asks what each holds; they say so (kept for next time) and choose the file again
    page.get_by_role("button", name="Reporting").click()
    page.get_by_role("link", name="Import actuals").click()
    expect(page.get_by_role("heading", name="Import actuals from the ledger")).to_be_visible()
    drafted: FilePayload = {"name": DRAFT, "mimeType": "application/octet-stream", "buffer": draft}
    page.get_by_label("Ledger extract (.xlsx or .csv)").set_input_files(drafted)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_test_id("import-mapping-needed")).to_contain_text(
        f"Which column holds what in {DRAFT}?"
    )
    for header, holds in MAPPING.items():
        page.get_by_label(header, exact=True).select_option(label=holds)
    assert_accessible(page, "finance-import-mapping")
    page.get_by_label("Ledger extract (.xlsx or .csv)").set_input_files(drafted)
    page.get_by_role("button", name="Import").click()

    # Then the closed month refuses the whole file, naming the row and the file's column
    expect(page.get_by_test_id("import-failed")).to_contain_text(
        f"Nothing was imported: 1 problem in {DRAFT}"
    )
    expect(page.get_by_test_id("import-errors").locator("tbody tr")).to_have_text(
        re.compile(
            rf"{lines + 2}\s*Period\s*October 2026 is closed by finance: its actuals can no longer change."
        )
    )
    assert not ActualLine.objects.filter(month=NOV).exists()
    assert not ProjectException.objects.filter(project=project).exists()

    # When they import November's extract itself: its columns are known now
    upload: FilePayload = {"name": FILENAME, "mimeType": "application/octet-stream", "buffer": workbook}
    page.get_by_label("Ledger extract (.xlsx or .csv)").set_input_files(upload)
    page.get_by_role("button", name="Import").click()

    # Then it is loaded, every line, and nothing of November was loaded before
    loaded = page.get_by_test_id("import-loaded")
    expect(loaded).to_contain_text(f"{FILENAME} is loaded")
    expect(loaded).to_contain_text(f"{lines} lines loaded, {money(total)} in all.")
    expect(loaded).to_contain_text("No month of it was loaded before.")
    screenshot(page, "finance-import-loaded")
    assert ActualLine.objects.filter(month=NOV).count() == lines

    # And the roll-up counts November: the project's actuals to date and EAC moved by its month
    after = selectors.project_finance(project=project).whole_life
    spent = ActualLine.objects.filter(project=project, month=NOV).aggregate(total=Sum("amount"))["total"]
    assert after.actual_to_date == before.actual_to_date + spent
    assert after.eac > before.budget * Decimal("1.1")  # beyond the 10% cost tolerance
    page.goto(f"{base}/finance/?by=project")
    row = roll_up_row(page)
    expect(row.locator("td").nth(1)).to_have_text(money(after.actual_to_date))
    expect(row.locator("td").nth(3)).to_have_text(money(after.eac))
    assert_accessible(page, "finance-roll-up-after-import")

    # And the project's earned value is measured at the end of November, with November's cost
    measured = project_evms([project], TODAY)[0]
    assert measured.ac is not None and measured.cpi is not None and measured.spi_t is not None
    page.goto(f"{base}/finance/projects/{CODE}/")
    expect(page.get_by_test_id("finance-summary")).to_contain_text("actuals to the end of November 2026")
    assert figure(page, "Actual cost (AC)") == money(measured.ac) != ac_before
    assert figure(page, "Cost performance (CPI)") == formatting.number(measured.cpi)
    assert figure(page, "Schedule performance in time (SPI(t))") == formatting.number(measured.spi_t)
    assert_accessible(page, "finance-project-evm-after-import")

    # And the import raised the exception then and there, keeping the earned value figures
    exception = ProjectException.objects.get(project=project)
    assert exception.dimensions == "cost"
    assert "(finance's EAC)" in exception.breach_summary
    evm = exception.evm
    assert (evm["eac"], evm["ac"]) == (f"{after.eac:.2f}", f"{measured.ac:.2f}")
    page.get_by_role("button", name="Reporting").click()
    page.get_by_role("link", name="Exceptions").click()
    page.get_by_role("link", name=str(project)).first.click()
    expect(page.get_by_test_id("evm-heading")).to_contain_text("Earned value at the breach")
    figures = page.get_by_test_id("evm")
    expect(figures.locator("tr").filter(has_text="Estimate at completion (EAC, finance)")).to_contain_text(
        money(after.eac)
    )
    expect(figures.locator("tr").filter(has_text="Cost performance index (CPI)")).to_contain_text(evm["cpi"])
    expect(figures.locator("tr").filter(has_text="SPI(t), earned schedule")).to_contain_text(evm["spi_t"])
    expect(page.locator("main")).to_contain_text(money(after.eac))  # the latest cost check's forecast
    assert_accessible(page, "finance-exception-with-evm")

    # And the register shows the project's approved budget as finance's BAC, its forecast cost as
    # finance's EAC (the figure the report takes below: one truth), and the breach
    page.goto(f"{base}/projects/?q={CODE}")
    register_row = page.locator("table tbody tr").filter(has=page.get_by_role("link", name=CODE, exact=True))
    expect(register_row).to_contain_text(f"{after.budget:,.0f}")
    expect(register_row.locator("td[data-label='Forecast cost (£, EAC)']")).to_have_text(money(after.eac))
    evidence = register_row.locator(".rating-red")
    expect(evidence).to_have_text("Red")
    expect(evidence).to_have_attribute("title", re.compile("cost", re.IGNORECASE))
    screenshot(page, "finance-register-after-import")

    # And the finance views export to Excel, holding the figures the pages show
    page.goto(f"{base}/finance/?by=project")
    sheet = rows_of(download(page, page.get_by_role("link", name="Export to Excel")))
    exported = next(r for r in sheet if r[0] == CODE)
    assert (Decimal(str(exported[2])), Decimal(str(exported[4]))) == (after.actual_to_date, after.eac)
    page.goto(f"{base}/finance/projects/{CODE}/")
    sheet = rows_of(download(page, page.get_by_role("link", name="Export to Excel")))
    assert sheet[0][:3] == ("Month", "Budget", "Actual")
    november = next(
        r for r in sheet if r and isinstance(r[0], str) and re.fullmatch(r"Nov(ember)? 2026", r[0])
    )
    assert Decimal(str(november[2])) == spent
    eac_row = next(r for r in sheet if r and r[:2] == ("Whole life", "Estimate at completion (EAC)"))
    assert Decimal(str(eac_row[2])) == after.eac
    cpi_row = next(r for r in sheet if r and r[:2] == ("Earned value", "Cost performance (CPI)"))
    assert round(Decimal(str(cpi_row[2])), 2) == round(measured.cpi, 2)
    page.goto(f"{base}/finance/earned-value/")
    sheet = rows_of(download(page, page.get_by_role("link", name="Export to Excel")))
    evm_row = next(r for r in sheet if r[0] == CODE)
    assert (Decimal(str(evm_row[6])), Decimal(str(evm_row[7]))) == (
        round(measured.ac, 2),
        round(measured.cpi, 2),
    )

    # When the project's manager starts November's highlight report
    page.context.clear_cookies()
    page = sign_in(User.objects.get(username="pm"), DEMO_PASSWORD)
    page.goto(f"{base}/reporting/projects/{CODE}/")
    page.get_by_role("link", name="Start the November 2026 report").click()
    page.get_by_role("button", name="Start report").click()
    report = HighlightReport.objects.get(project=project, period__start=NOV)
    page.goto(f"{base}/reporting/reports/{report.pk}/edit/")

    # Then its forecast cost is finance's EAC, saying so
    expect(page.locator("input[name='forecast_cost']")).to_have_value(f"{after.eac:.2f}")
    expect(page.locator("main")).to_contain_text(f"From finance (EAC {money(after.eac)}")
    assert_accessible(page, "finance-report-forecast-from-finance")
