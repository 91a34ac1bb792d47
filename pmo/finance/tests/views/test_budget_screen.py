"""Finance drafts a project's budget in a month grid and approves it, through the budget
services: filled in from the draft or the approved budget, every bad cell named and nothing
saved, a stale form gives the conflict; others are refused. Run on 4 December 2026."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from pmo.finance import services
from pmo.finance.choices import BudgetStatus
from pmo.finance.models import BudgetVersion, CostCode
from pmo.finance.tests.conftest import line
from pmo.finance.tests.views.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/finance/projects/{code}/budget/"
KEY = "Software (capital, Capital programme)"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace("&#x27;", "'")


def test_finance_drafts_a_first_budget_in_the_grid_of_the_projects_cost_codes(books):
    client = client_for(books.finance)
    page = client.get(URL.format(code="WEB"))

    assert page.status_code == 200
    assert f"Apr 2026, {KEY}, £" in page.content.decode()  # from the financial year's first month
    response = client.post(
        URL.format(code="WEB"), {"reason": "Business case", "b-0-2026-12": "1,000", "b-0-2027-01": "£500.50"}
    )

    assert response.status_code == 302
    draft = BudgetVersion.objects.get()
    assert (draft.number, draft.status, draft.reason) == (1, BudgetStatus.DRAFT, "Business case")
    assert sorted((each.month, each.amount) for each in draft.lines.all()) == [
        (date(2026, 12, 1), Decimal("1000.00")),
        (date(2027, 1, 1), Decimal("500.50")),
    ]


def test_bad_cells_are_named_and_nothing_is_saved(books):
    response = client_for(books.finance).post(
        URL.format(code="WEB"), {"reason": "", "b-0-2026-12": "lots", "b-0-2027-01": "-5"}
    )

    assert response.status_code == 400
    page = text(response)
    assert f"Dec 2026, {KEY}: “lots” is not an amount of money" in page
    assert "Say why the budget is drafted" in page
    assert not BudgetVersion.objects.exists()
    response = client_for(books.finance).post(URL.format(code="WEB"), {"reason": "x", "b-0-2027-01": "-5"})
    assert f"Jan 2027, {KEY}: A budget cannot be negative (got \N{MINUS SIGN}£5)." in text(response)
    assert not BudgetVersion.objects.exists()


def test_the_draft_is_changed_then_approved_and_a_stale_form_gives_the_conflict(books):
    draft = services.budget_draft(
        actor=books.finance,
        project=books.cast.project,
        reason="v1",
        lines=[line(date(2026, 12, 1), books.software, 100)],
    )
    client = client_for(books.finance)
    page = client.get(URL.format(code="WEB")).content.decode()
    assert 'name="version" value="1"' in page and "Approve budget v1" in page

    changed = client.post(URL.format(code="WEB"), {"version": "1", "b-0-2026-12": "", "b-1-2026-12": "250"})
    assert changed.status_code == 302
    draft.refresh_from_db()
    assert draft.version == 2 and [each.amount for each in draft.lines.all()] == [Decimal("250.00")]

    stale_lines = client.post(URL.format(code="WEB"), {"version": "1", "b-1-2026-12": "999"})
    assert stale_lines.status_code == 409
    assert [each.amount for each in BudgetVersion.objects.get().lines.all()] == [Decimal("250.00")]
    stale = client.post(URL.format(code="WEB"), {"version": "1", "approve": "1"})
    assert stale.status_code == 409
    assert "Not saved: this budget changed while you were editing" in text(stale)
    assert BudgetVersion.objects.get().status == BudgetStatus.DRAFT

    approved = client.post(URL.format(code="WEB"), {"version": "2", "approve": "1"})
    assert approved.status_code == 302 and approved["Location"] == "/finance/projects/WEB/"
    assert BudgetVersion.objects.get().status == BudgetStatus.APPROVED
    again = client.get(URL.format(code="WEB"))
    assert "Filled in from the approved budget v1" in text(again)
    assert "Approve budget" not in text(again)


def test_only_finance_and_the_pmo_draft_budgets(books):
    for user in (books.cast.pm, books.cast.sponsor):
        client = client_for(user)
        assert client.get(URL.format(code="WEB")).status_code == 403
        assert client.post(URL.format(code="WEB"), {"reason": "x", "b-0-2026-12": "5"}).status_code == 403
    assert client_for(books.cast.officer).get(URL.format(code="WEB")).status_code == 200
    assert not BudgetVersion.objects.exists()


def template(*rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Budget"
    for row in (("Month", "Category", "Capital or revenue", "Funding source", "Amount"), *rows):
        sheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return SimpleUploadedFile("budget.xlsx", stream.getvalue())


def test_the_budget_exports_as_its_template_and_an_uploaded_template_is_the_draft(books):
    draft = services.budget_draft(
        actor=books.finance,
        project=books.cast.project,
        reason="v1",
        lines=[line(date(2026, 12, 1), books.software, 100)],
    )
    client = client_for(books.finance)
    exported = client.get(URL.format(code="WEB") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(exported.content))["Budget"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Month", "Category", "Capital or revenue", "Funding source", "Amount"],
        ["Dec 2026", "Software", "Revenue (opex)", None, 100],
    ]

    response = client.post(
        URL.format(code="WEB"),
        {
            "version": "1",
            "file": template(
                ("Dec 2026", "Software", "Revenue", "", 150),
                ("2027-01", "Staff", "Capital (capex)", "Capital programme", "£2,000"),
            ),
        },
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert sorted(
        (each.month, each.category.name, each.spend_type, each.amount) for each in draft.lines.all()
    ) == [
        (date(2026, 12, 1), "Software", "revenue", Decimal("150.00")),
        (date(2027, 1, 1), "Staff", "capital", Decimal("2000.00")),
    ]


def test_an_uploaded_templates_problems_are_named_by_row_and_column_and_nothing_is_saved(books):
    client = client_for(books.finance)
    response = client.post(
        URL.format(code="WEB"),
        {
            "reason": "v1",
            "file": template(("Dec 2026", "Gold", "Revenue", "", 1), ("Dec 2026", "Staff", "Both", "", 1)),
        },
    )

    assert response.status_code == 400
    page = text(response)
    assert "Row 2, column 'Category': 'Gold' is not a cost category" in page
    assert (
        "Row 3, column 'Capital or revenue': 'Both' is not one of: Capital (capex), Revenue (opex)." in page
    )
    response = client.post(
        URL.format(code="WEB"),
        {
            "reason": "v1",
            "file": template(
                ("Dec 2026", "Staff", "Revenue", "", -1), ("Jan 2027", "Staff", "Revenue", "", 1)
            ),
        },
    )
    assert "Row 2, column 'Amount': A budget cannot be negative (got \N{MINUS SIGN}£1)." in text(response)
    assert not BudgetVersion.objects.exists()


def test_the_budget_page_costs_the_same_queries_with_three_years_of_lines(books):
    client = client_for(books.finance)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL.format(code="WEB")).status_code == 200
        return len(captured.captured_queries)

    draft = services.budget_draft(
        actor=books.finance,
        project=books.cast.project,
        reason="v1",
        lines=[line(date(2026, 12, 1), books.staff, 1)],
    )
    count()  # the first read of the settings rows makes them
    few = count()
    months = [date(2026 + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(4, 40)]
    lines = [line(month, category, 10) for month in months for category in (books.staff, books.software)]
    services.budget_lines_replace(
        actor=books.finance, version=draft, lines=lines, expected_version=draft.version
    )
    CostCode.objects.create(
        code="C1002", project=books.cast.project, category=books.staff, spend_type="capital"
    )

    # session, user, roles, the project, the draft, the approved budget, the draft's lines, the
    # cost codes, the settings, the closed months, unread notices
    assert (few, count()) == (11, 11)
