"""Cost centres in the work queues, on 4 December 2026 (financial year 2026/27): a cost centre whose
non-staff spend will land over the year's limit (the year page's figures) is its budget holder's
and every finance partner's to see to at once; a cost centre without a budget for the year is for
those of them who may set it, due ten days into the year. Each is gone once seen to, in the same
queries however many cost centres there are."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.core.models import User
from pmo.core.work import response_due, work_queue
from pmo.engine.finance import FinancialYear
from pmo.finance import cost_centres, services
from pmo.finance.choices import SpendType
from pmo.finance.models import CostCentre, CostCentreBudget, CostCode
from pmo.finance.services import LedgerRow
from pmo.finance.tests.conftest import line
from pmo.finance.tests.cost_centres.conftest import JAN, LIMIT, OCT, year_lines
from pmo.finance.work import finance_work

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]
TODAY = date(2026, 12, 4)
YEAR = FinancialYear(2026, 4)
OVER = "Non-staff spend on IT Portfolio Management Office will land over its £50,000 limit"


def centre_items(user: User) -> list[tuple[str, str, str, str]]:
    """The user's cost-centre items as the queue lists them: due, kind, title, link."""
    return [
        (f"{item.due:%Y-%m-%d}", item.kind, item.title, item.url)
        for item in finance_work(user, TODAY)
        if item.kind.startswith("centre-")
    ]


def readers(books) -> dict[str, User]:
    return {
        "finance": books.finance,
        "head (the PMO's budget holder)": books.cast.head,
        "officer": books.cast.officer,
        "executive": books.cast.executive,
        "pm": books.cast.pm,
    }


def spend(pmo_centre, amount: int) -> None:
    services.actuals_load(
        actor=pmo_centre.books.finance,
        rows=[LedgerRow("PMO-TRN", OCT, Decimal(amount))],
        reference="Ledger",
        year=2026,
    )


def set_limit(pmo_centre, limit: Decimal | None) -> None:
    budget = CostCentreBudget.objects.get(pk=pmo_centre.budget.pk)
    cost_centres.cost_centre_budget_set(
        actor=pmo_centre.books.finance,
        cost_centre=pmo_centre.centre,
        year=2026,
        lines=year_lines(pmo_centre.books, pmo_centre.services),
        fields={"non_staff_limit": limit},
        expected_version=budget.version,
    )


def test_a_cost_centre_within_its_limit_and_budgeted_asks_nothing(pmo_centre):
    assert {name: centre_items(user) for name, user in readers(pmo_centre.books).items()} == {
        name: [] for name in readers(pmo_centre.books)
    }


def test_non_staff_spend_landing_over_the_limit_is_for_the_holder_and_finance_until_seen_to(
    pmo_centre, client
):
    spend(pmo_centre, 45_000)  # October's training, then £4,000 a month budgeted for December and January
    expected = ("2026-12-04", "centre-over-limit", OVER, "/finance/cost-centres/PMO/?year=2026")

    assert {name: centre_items(user) for name, user in readers(pmo_centre.books).items()} == {
        "finance": [expected],
        "head (the PMO's budget holder)": [expected],
        "officer": [],
        "executive": [],
        "pm": [],
    }
    item = next(item for item in work_queue(pmo_centre.books.cast.head) if item.kind == "centre-over-limit")
    assert item.reason == (
        "Cost centre PMO's spend outside staff costs is forecast to land at £53,000 for 2026/27 "
        "(£45,000 spent, the rest at budget): £3,000 over the limit."
    )
    # the year page's own figures, and the page the item links to says the same
    year = cost_centres.cost_centre_year(cost_centre=pmo_centre.centre, year=YEAR, day=TODAY)
    assert (year.non_staff.eac, year.limit_headroom) == (Decimal(53_000), Decimal(-3_000))
    client.force_login(pmo_centre.books.cast.head)
    page = client.get(item.url).content.decode()
    assert "£53,000" in page and "over the limit" in page

    set_limit(pmo_centre, Decimal(60_000))  # finance raises the limit

    assert centre_items(pmo_centre.books.finance) == centre_items(pmo_centre.books.cast.head) == []


def test_spend_landing_exactly_on_the_limit_counts_as_over_it_as_the_year_page_says(pmo_centre):
    spend(pmo_centre, 42_000)  # £42,000 + £8,000 to come = the £50,000 limit

    [item] = [
        item for item in finance_work(pmo_centre.books.finance, TODAY) if item.kind == "centre-over-limit"
    ]

    assert item.reason == (
        "Cost centre PMO's spend outside staff costs is forecast to land at its limit for 2026/27: "
        "nothing more may be spent outside the budget."
    )


def test_no_limit_set_means_no_item_however_much_is_spent(pmo_centre):
    set_limit(pmo_centre, None)
    spend(pmo_centre, 500_000)

    assert centre_items(pmo_centre.books.finance) == centre_items(pmo_centre.books.cast.head) == []


def test_a_cost_centre_in_use_without_this_years_budget_asks_those_who_may_set_it(pmo_centre):
    books = pmo_centre.books
    ops = cost_centres.cost_centre_create(
        actor=books.finance,
        fields={"code": "OPS", "name": "Service operations", "holder": books.cast.officer},
    )
    cost_centres.cost_centre_budget_set(
        actor=books.finance, cost_centre=ops, year=2025, lines=[]
    )  # last year's
    cost_centres.cost_centre_create(  # its holder may read it but not set its budget: finance's to set
        actor=books.finance, fields={"code": "DEL", "name": "Delivery", "holder": books.cast.pm}
    )
    cost_centres.cost_centre_create(
        actor=books.finance, fields={"code": "OLD", "name": "Closed unit", "active": False}
    )
    due = f"{response_due(date(2026, 4, 1)):%Y-%m-%d}"
    delivery = (
        due,
        "centre-budget",
        "Set Delivery's budget for 2026/27",
        "/finance/cost-centres/DEL/budget/2026/",
    )
    operations = (
        due,
        "centre-budget",
        "Set Service operations's budget for 2026/27",
        "/finance/cost-centres/OPS/budget/2026/",
    )

    assert {name: centre_items(user) for name, user in readers(books).items()} == {
        "finance": [delivery, operations],
        "head (the PMO's budget holder)": [],  # the PMO's own is set
        "officer": [operations],  # its holder, who may set it
        "executive": [],
        "pm": [],  # holds Delivery but may not set budgets
    }
    item = next(item for item in finance_work(books.cast.officer, TODAY) if item.kind == "centre-budget")
    assert item.reason == (
        "Cost centre OPS has no budget for 2026/27 yet: phase it by month and category, "
        "with its non-staff limit."
    )
    assert due < "2026-12-04"  # overdue: the year began in April

    cost_centres.cost_centre_budget_set(
        actor=books.finance,
        cost_centre=ops,
        year=2026,
        lines=[line(date(2027, 1, 1), books.staff, 1_000)],
        fields={"non_staff_limit": LIMIT},
    )

    assert centre_items(books.finance) == [delivery] and centre_items(books.cast.officer) == []


def add_centres(books, n: int) -> None:
    """``n`` more cost centres held by the head of the PMO: half over their limit, half without a
    budget for the year."""
    for _ in range(n):
        number = CostCentre.objects.count()
        centre = CostCentre.objects.create(
            code=f"CC{number}", name=f"Centre {number}", holder=books.cast.head
        )
        if number % 2:
            continue
        code = CostCode.objects.create(
            code=f"CC{number}-X", cost_centre=centre, category=books.software, spend_type=SpendType.REVENUE
        )
        cost_centres.cost_centre_budget_set(
            actor=books.finance,
            cost_centre=centre,
            year=2026,
            lines=[],
            fields={"non_staff_limit": Decimal(10)},
        )
        services.actuals_load(
            actor=books.finance, rows=[LedgerRow(code.code, OCT, Decimal(20))], reference="L", year=2026
        )
        cost_centres.cost_centre_forecast_make(
            actor=books.finance,
            cost_centre=centre,
            year=2026,
            lines=[line(JAN, books.software, 5)],
            day=TODAY,
        )


def queries(user: User) -> int:
    fresh = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as captured:
        finance_work(fresh, TODAY)
    return len(captured.captured_queries)


# the queries of each role's finance items (pmo/finance/tests/test_work.py's pins, with no open
# period here) and of the cost centres they watch: one for the cost centres, then the settings
# (the year) where not read already, and the year page's seven for them all (the closed
# months, the year's and the last, the budgets, their lines, the forecasts made, the latest's
# lines, the actuals, the cost codes); nothing more for someone who holds none
PINNED = {"finance": 14, "head": 12, "pm": 4}


def test_cost_centre_items_cost_the_same_queries_with_four_times_the_cost_centres(pmo_centre):
    books = pmo_centre.books
    users = {"finance": books.finance, "head": books.cast.head, "pm": books.cast.pm}
    add_centres(books, 2)
    few = {name: queries(user) for name, user in users.items()}
    add_centres(books, 6)
    many = {name: queries(user) for name, user in users.items()}

    assert [kind for _, kind, _, _ in centre_items(books.cast.head)].count("centre-over-limit") == 4
    assert [kind for _, kind, _, _ in centre_items(books.cast.head)].count("centre-budget") == 4
    assert (few, many) == (PINNED, PINNED)
