"""The cost centre pages: the list, the year (budget vs actual vs forecast, staff and non-staff,
the non-staff limit in view), the budget grid finance and the PMO set, the form and the
history; exports to Excel; a reader who may not see a cost centre gets the 404, one who may not
keep its books the 403. Their queries do not grow with the rows."""

import html
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from pmo.core.choices import Role
from pmo.finance import services
from pmo.finance.choices import SpendType
from pmo.finance.models import (
    CostCategory,
    CostCentre,
    CostCentreBudget,
    CostCentreBudgetLine,
    CostCentreForecast,
    CostCentreForecastLine,
    CostCode,
)
from pmo.finance.selectors import finance_settings
from pmo.finance.services import LedgerRow
from pmo.finance.tests.cost_centres.conftest import DEC, JAN, NOV, OCT
from pmo.finance.tests.views.conftest import client_for

pytestmark = pytest.mark.django_db
LIST = "/finance/cost-centres/"
PAGE = "/finance/cost-centres/PMO/"
BUDGET = "/finance/cost-centres/PMO/budget/2026/"


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_the_year_shows_budget_actual_and_forecast_and_the_non_staff_limit(pmo_centre):
    services.actuals_load(
        actor=pmo_centre.books.finance,
        rows=[LedgerRow("PMO-STF", OCT, Decimal(10_000)), LedgerRow("PMO-TRN", OCT, Decimal(5_500))],
        reference="Ledger",
        year=2026,
    )

    shown = text(client_for(pmo_centre.books.cast.head).get(PAGE))

    assert "IT Portfolio Management Office: 2026/27" in shown
    assert (
        "Spend outside staff costs is forecast to land at £13,500 against a limit of £50,000 : "
        "£36,500 under it (£5,500 spent so far). Non-staff outturn, 27% of the limit" in shown
    )
    assert "Non-staff £16,000 £5,500 £8,000 £13,500 +£2,500" in shown
    assert "Staff £40,000 £10,000 £20,000 £30,000 +£10,000" in shown
    assert "Nov 2026 £14,000 £0 —" in shown and "Dec 2026 £14,000 — £14,000" in shown
    assert "PMO-STF" in shown and "Set the 2026/27 budget" in shown


def test_the_year_exports_to_excel_and_a_project_manager_cannot_see_it(pmo_centre):
    response = client_for(pmo_centre.books.finance).get(PAGE, {"year": "2026", "export": "xlsx"})
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert rows[0] == ["Month", "Budget", "Actual", "Forecast", "Closed"]
    assert rows[7] == ["Oct 2026", 14000, 0, None, "No"]
    assert ["Non-staff", "Limit", 50000, None, None] in rows

    assert client_for(pmo_centre.books.cast.pm).get(PAGE).status_code == 404
    assert client_for(pmo_centre.books.cast.pm).get(BUDGET).status_code == 404
    assert client_for(pmo_centre.books.cast.executive).get(PAGE).status_code == 200
    assert client_for(pmo_centre.books.cast.executive).get(BUDGET).status_code == 403
    assert client_for(pmo_centre.books.finance).get(PAGE, {"year": "20x6"}).status_code == 404


def test_finance_sets_the_years_budget_in_the_grid_and_sees_it(pmo_centre):
    client = client_for(pmo_centre.books.finance)
    page = text(client.get(BUDGET))
    assert "Set (version 1): £56,000 in all." in page
    keys = re.findall(r'name="(c-\d+-2026-10)"', client.get(BUDGET).content.decode())
    assert len(keys) == 2  # staff and services, from the budget's lines (and the codes')

    response = client.post(
        BUDGET,
        {"version": "1", "non_staff_limit": "45,000", "note": "Revised", keys[0]: "12000", keys[1]: "£1,000"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?year=2026"
    budget = CostCentreBudget.objects.get()
    assert (budget.version, budget.non_staff_limit, budget.note) == (2, Decimal(45_000), "Revised")
    assert sorted(CostCentreBudgetLine.objects.values_list("amount", flat=True)) == [
        Decimal(1_000),
        Decimal(12_000),
    ]
    assert "Budget of PMO for 2026/27 saved: £13,000, non-staff limit £45,000." in text(
        client.get(response["Location"])
    )
    assert "Budget set: 2 lines" not in text(client.get("/finance/cost-centres/PMO/history/"))
    assert "Budget for 2026/27 set: 2 lines, £13,000" in text(
        client.get("/finance/cost-centres/PMO/history/")
    )


def test_a_bad_cell_or_a_stale_form_saves_nothing(pmo_centre):
    client = client_for(pmo_centre.books.finance)
    keys = re.findall(r'name="(c-\d+-2026-11)"', client.get(BUDGET).content.decode())

    bad = client.post(BUDGET, {"version": "1", "non_staff_limit": "lots", keys[0]: "-5"})
    assert bad.status_code == 400
    assert "The non-staff limit is an amount in pounds (or blank for none), not 'lots'." in text(bad)
    stale = client.post(BUDGET, {"version": "0", keys[0]: "5"})
    assert stale.status_code == 409
    negative = client.post(BUDGET, {"version": "1", keys[0]: "-5"})
    assert negative.status_code == 400
    assert "Nov 2026, Staff (revenue): A budget cannot be negative (got \N{MINUS SIGN}£5)." in text(negative)
    assert CostCentreBudget.objects.get().version == 1


def test_finance_adds_a_cost_centre_and_a_cost_code_for_it(pmo_centre):
    client = client_for(pmo_centre.books.finance)
    made = client.post(
        "/finance/cost-centres/new/",
        {"code": "EITG", "name": "Enterprise IT governance", "holder": "", "active": "on"},
    )
    assert made.status_code == 302 and made["Location"] == "/finance/cost-centres/EITG/"
    centre = CostCentre.objects.get(code="EITG")
    code = client.post(
        "/finance/cost-codes/new/",
        {
            "code": "EITG-OTH",
            "cost_centre": centre.pk,
            "project": "",
            "category": CostCategory.objects.get(name="Other").pk,
            "spend_type": "revenue",
            "active": "on",
        },
    )
    assert code.status_code == 302
    assert CostCode.objects.get(code="EITG-OTH").cost_centre == centre
    assert "Cost centre EITG Enterprise IT governance" in text(client.get("/finance/cost-codes/EITG-OTH/"))
    both = client.post(
        "/finance/cost-codes/new/",
        {
            "code": "BOTH",
            "cost_centre": centre.pk,
            "project": pmo_centre.books.cast.project.pk,
            "category": CostCategory.objects.get(name="Other").pk,
            "spend_type": "revenue",
            "active": "on",
        },
    )
    assert both.status_code == 400
    assert "A cost code charges a project or a cost centre: give one of them, not both." in text(both)
    assert client_for(pmo_centre.books.cast.pm).get("/finance/cost-centres/new/").status_code == 403


def add_centres(n: int, staff: CostCategory) -> None:
    for _ in range(n):
        number = CostCentre.objects.count() + 1
        centre = CostCentre.objects.create(code=f"CC{number}", name=f"Centre {number}")
        budget = CostCentreBudget.objects.create(cost_centre=centre, year=2026, non_staff_limit=Decimal(1))
        CostCentreBudgetLine.objects.create(
            budget=budget, month=OCT, category=staff, spend_type=SpendType.REVENUE, amount=Decimal(5)
        )
        CostCode.objects.create(
            code=f"CC{number}-X", cost_centre=centre, category=staff, spend_type=SpendType.REVENUE
        )
        for month in (NOV, DEC):  # a forecast made last month and this month's
            forecast = CostCentreForecast.objects.create(
                cost_centre=centre, year=2026, month=month, made_at=timezone.now()
            )
            CostCentreForecastLine.objects.create(
                forecast=forecast, month=JAN, category=staff, spend_type=SpendType.REVENUE, amount=Decimal(7)
            )


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("url", "role", "pinned"),
    [
        # session, user, the settings row (the current year), roles, the count, the page (the
        # centres with their holder and the year's budget, actuals and limit), unread notices
        (LIST, Role.FINANCE_PARTNER, 7),
        # ... an export: neither the count nor notices
        (f"{LIST}?export=xlsx", Role.EXECUTIVE, 5),
        # session, user, roles, the centre, the settings row; the year's figures (seven: the
        # closed months (the year's and the last), the budget, its lines, the forecasts made, the
        # latest's lines, the actuals by month and category, the codes); the forecast grid's
        # lines (the latest forecast's from this month); the year's forecasts; the years
        # (budgets', actuals'); unread notices
        ("/finance/cost-centres/CC1/", Role.FINANCE_PARTNER, 17),
        # session, user, roles, the centre, the settings row, the year's budget, its lines, the
        # codes, the closed months, the budget's history (and the names it shows), unread notices
        ("/finance/cost-centres/CC1/budget/2026/", Role.FINANCE_PARTNER, 12),
    ],
)
def test_cost_centre_pages_do_not_grow_with_the_rows(make_user, url, role, pinned):
    finance_settings()
    staff = CostCategory.objects.get(name="Staff")
    client = client_for(make_user(role))
    add_centres(2, staff)
    few = count(client, url)

    add_centres(12, staff)
    many = count(client, url)

    assert (few, many) == (pinned, pinned)


def test_a_year_over_its_non_staff_limit_says_so(pmo_centre):
    CostCentreBudget.objects.filter(pk=pmo_centre.budget.pk).update(non_staff_limit=Decimal(10_000))
    services.actuals_load(
        actor=pmo_centre.books.finance,
        rows=[LedgerRow("PMO-TRN", OCT, Decimal(9_000))],
        reference="Ledger",
        year=2026,
    )

    shown = text(client_for(pmo_centre.books.finance).get(PAGE))

    assert (
        "Spend outside staff costs is forecast to land at £17,000 against a limit of £10,000 : "
        "\N{MINUS SIGN}£7,000, over the limit (£9,000 spent so far)." in shown
    )
    CostCentreBudget.objects.filter(pk=pmo_centre.budget.pk).update(non_staff_limit=None)
    assert "No non-staff limit is set for 2026/27: set one with the year's budget." in text(
        client_for(pmo_centre.books.finance).get(PAGE)
    )


def test_the_years_budget_goes_out_to_excel_and_comes_back_from_it(pmo_centre):
    client = client_for(pmo_centre.books.finance)
    exported = client.get(BUDGET, {"export": "xlsx"})
    workbook = load_workbook(io.BytesIO(exported.content))
    sheet = workbook["Budget"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Month", "Category", "Capital or revenue", "Funding source", "Amount"]
    assert len(rows) == 1 + 8 and ["Oct 2026", "Staff", "Revenue (opex)", None, 10000] in rows
    sheet.append(["Feb 2027", "Services", "Revenue", "", 2500])
    sheet.append(["Apr 2027", "Services", "Revenue", "", 1])  # next year's: refused by its row
    upload = io.BytesIO()
    workbook.save(upload)

    upload.seek(0)
    upload.name = "pmo-budget.xlsx"
    refused = client.post(BUDGET, {"version": "1", "non_staff_limit": "50000", "file": upload})
    assert refused.status_code == 400
    assert "Row 11, column 'Month': April 2027 is not in 2026/27 (April 2026 to March 2027)." in text(refused)
    assert CostCentreBudget.objects.get().version == 1

    sheet.delete_rows(11)
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = "pmo-budget.xlsx"
    saved = client.post(BUDGET, {"version": "1", "non_staff_limit": "50000", "file": upload})
    assert saved.status_code == 302
    assert sum(CostCentreBudgetLine.objects.values_list("amount", flat=True)) == Decimal(58_500)


def test_the_cost_codes_list_filters_by_cost_centre(pmo_centre):
    shown = text(client_for(pmo_centre.books.finance).get("/finance/cost-codes/", {"cost_centre": "pmo"}))
    assert "2 cost codes found" in shown and "PMO-STF" in shown and "C1001" not in shown
