"""Finance's part of the work queues (``pmo.finance.work``), on 4 December 2026 (financial year
2026/27), with the November period open (due 5 December): a project manager's forecasts due, a
finance partner's months to close or load, and the draft budgets awaiting approval; each gone
once done, in the same queries whatever the amount of work."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.core.models import User
from pmo.core.work import response_due, work_queue
from pmo.finance import services
from pmo.finance.choices import SpendType
from pmo.finance.models import CostCode
from pmo.finance.services import LedgerRow
from pmo.finance.tests.conftest import line
from pmo.finance.work import finance_work
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 4)
OCT, NOV, DEC = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)


def finance_items(user: User) -> list[tuple[str, str, str, str, str]]:
    return [
        (f"{item.due:%Y-%m-%d}", item.kind, item.project, item.title, item.url)
        for item in finance_work(user, TODAY)
    ]


@pytest.fixture
def period(books):
    books.cast.project.status = ProjectStatus.ACTIVE
    books.cast.project.save()
    return PeriodFactory(start=NOV)


def test_a_project_manager_forecasts_each_project_with_money_until_the_periods_forecast_is_made(
    books, period
):
    assert finance_items(books.cast.pm) == [
        (
            "2026-12-05",
            "forecast-due",
            "WEB",
            "Forecast the cost for November 2026",
            "/finance/projects/WEB/forecast/",
        )
    ]
    item = finance_work(books.cast.pm, TODAY)[0]
    assert (
        item.reason
        == "No forecast yet for November 2026: say what you expect to spend each month from November 2026."
    )

    services.forecast_make(
        actor=books.cast.pm, project=books.cast.project, period=period, lines=[line(DEC, books.software, 100)]
    )

    assert finance_items(books.cast.pm) == []


def test_a_project_without_money_or_not_active_asks_for_no_forecast(books, period):
    CostCode.objects.filter(project=books.cast.project).update(active=False)
    assert finance_items(books.cast.pm) == []
    CostCode.objects.filter(project=books.cast.project).update(active=True)
    books.cast.project.status = ProjectStatus.CLOSED
    books.cast.project.save()
    assert finance_items(books.cast.pm) == []


def test_a_finance_partner_closes_the_months_loaded_and_loads_the_months_without_actuals(books):
    services.actuals_load(
        actor=books.finance,
        rows=[LedgerRow("C1001", OCT, Decimal(10)), LedgerRow("C1001", NOV, Decimal(20))],
        reference="Ledger",
        year=2026,
    )
    services.month_lock(actor=books.finance, month=OCT)

    items = finance_items(books.finance)

    loads = [date(2026, m, 1) for m in range(4, 10)]
    assert items == [
        *(
            (f"{response_due(date(2026, m.month + 1, 1)):%Y-%m-%d}", "ledger-load", "",
             f"Load the ledger for {m:%B %Y}", "/finance/actuals/import/")
            for m in loads
        ),
        (f"{response_due(DEC):%Y-%m-%d}", "month-close", "", "Close November 2026", "/finance/months/"),
    ]  # fmt: skip
    assert [item[1] for item in finance_items(books.cast.head)] == []  # the PMO head: only budgets
    assert finance_items(books.cast.pm) == []  # nothing without an open period


def test_draft_budgets_wait_for_finance_and_the_pmo_until_approved(books):
    draft = services.budget_draft(
        actor=books.finance,
        project=books.cast.project,
        reason="Business case",
        lines=[line(DEC, books.software, 1500)],
    )
    expected = (
        f"{response_due(TODAY):%Y-%m-%d}",
        "budget-approve",
        "WEB",
        "Approve budget v1",
        "/finance/projects/WEB/budget/",
    )

    for user in (books.finance, books.cast.officer, books.cast.head):
        assert expected in finance_items(user)
    assert [item for item in finance_items(books.cast.pm) if item[1] == "budget-approve"] == []
    reason = next(item.reason for item in finance_work(books.finance, TODAY) if item.kind == "budget-approve")
    assert reason == "Drafted by finance 4 Dec 2026: £1,500. Business case"

    services.budget_approve(actor=books.finance, version=draft, expected_version=draft.version)

    assert expected not in finance_items(books.finance)


def test_finance_items_are_in_the_queue_the_home_page_and_the_api_show(books, period):
    services.budget_draft(actor=books.finance, project=books.cast.project, reason="v1", lines=[])
    kinds = {item.kind for item in work_queue(books.finance)}
    assert {"budget-approve", "ledger-load"} <= kinds
    assert "forecast-due" in {item.kind for item in work_queue(books.cast.pm)}


def queries(user: User) -> int:
    fresh = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as captured:
        finance_work(fresh, TODAY)
    return len(captured.captured_queries)


def add_money(books, n: int) -> None:
    """``n`` more managed projects with a cost code, each with a draft budget and a month loaded."""
    for _ in range(n):
        project = ProjectFactory(
            project_manager=books.cast.project.project_manager, status=ProjectStatus.ACTIVE
        )
        code = CostCode.objects.create(
            code=f"C{project.pk}", project=project, category=books.staff, spend_type=SpendType.REVENUE
        )
        services.budget_draft(
            actor=books.finance, project=project, reason="v1", lines=[line(DEC, books.staff, 5)]
        )
        month = date(2026, 4 + CostCode.objects.count() % 7, 1)
        services.actuals_load(
            actor=books.finance, rows=[LedgerRow(code.code, month, Decimal(1))], reference="L", year=2026
        )


# the pinned queries of each role's finance items: the person (once per user object) and the
# roles; the open period and the projects for a manager; the settings, the months' locks and
# loads for finance; the drafts for finance and the PMO; the cost centres each watches (none
# here: pmo/finance/tests/cost_centres/test_work.py pins those with cost centres)
PINNED = {"pm": 5, "finance": 7, "officer": 4}


def test_finance_items_cost_the_same_queries_with_four_times_the_work(books, period):
    users = {"pm": books.cast.pm, "finance": books.finance, "officer": books.cast.officer}
    add_money(books, 1)
    few = {name: queries(user) for name, user in users.items()}
    add_money(books, 4)
    many = {name: queries(user) for name, user in users.items()}

    assert len(finance_work(books.cast.pm, TODAY)) == 6 and len(finance_work(books.finance, TODAY)) > 5
    assert (few, many) == (PINNED, PINNED)
