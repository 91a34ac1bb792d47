"""The roll-up's sums are taken in the database, a row per project (and key), not a row per
month; they must come to what the engine's month-by-month maths (``engine.finance.roll_up``)
gives from the same lines, split where ``project_finance`` splits each project. The books here
are the tricky ones: lines on both sides of a project's split, a closed month that moves a split
past an older forecast, capital and revenue, funding sources, an approved budget superseded by
a later approved one with a newer draft after it (only the latest approved counts), a project
with no forecast (its budget from the split stands) and one with nothing but ledger lines. Run
on 4 December 2026 (financial year 2026/27)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.engine.finance import FinancialYear, MoneyRow, MonthSums, SumsRow, month_sums, roll_up, roll_up_sums
from pmo.finance import selectors, services
from pmo.finance.choices import BudgetStatus, SpendType
from pmo.finance.models import ActualLine, BudgetVersion, CostCode, ForecastVersion
from pmo.finance.selectors import ROLL_UP_BY
from pmo.finance.services import LedgerRow
from pmo.finance.tests.conftest import line
from pmo.portfolio.models import Project
from pmo.reporting.models import ReportingPeriod
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db
SEP, OCT, NOV, DEC = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)
JAN, MAR, APR, MAY = date(2027, 1, 1), date(2027, 3, 1), date(2027, 4, 1), date(2027, 5, 1)
CAPITAL, REVENUE = SpendType.CAPITAL, SpendType.REVENUE


@pytest.fixture
def tricky(money):
    """``money`` (WEB: budget £3,000 Oct-Dec, £1,200 spent in October, a December forecast;
    HR: £1,000 in November, £300 spent in October, no forecast), and then:

    - WEB's budget approved again (v2: capital and revenue, some funded, September to May) and a
      bigger draft after it (v3, never approved: it must not count);
    - WEB's ledger: £400 in November and £250 in December as well (on and after its split);
    - an older WEB forecast, for October, made before the December one (only the latest counts);
    - October closed by finance: HR's split stays at December (this month), WEB's at December;
    - LIB, a project with nothing but ledger lines (£90 in September, £10 in November)."""
    finance, web, hr = money.finance, money.cast.project, money.cast.other_project
    v2 = services.budget_draft(
        actor=finance,
        project=web,
        reason="Re-planned",
        lines=[
            line(SEP, money.software, 800, spend_type=CAPITAL, funding_source=money.capital),
            line(OCT, money.software, 900, spend_type=CAPITAL, funding_source=money.capital),
            line(OCT, money.staff, 150),
            line(NOV, money.staff, 300),
            line(DEC, money.software, 700, spend_type=CAPITAL, funding_source=money.capital),
            line(JAN, money.staff, 200),
            line(MAR, money.staff, 100),
            line(MAY, money.software, 450, spend_type=CAPITAL),
        ],
    )
    services.budget_approve(actor=finance, version=v2, expected_version=1)
    services.budget_draft(
        actor=finance, project=web, reason="Wishful", lines=[line(m, money.staff, 99_999) for m in (NOV, DEC)]
    )
    services.forecast_make(
        actor=money.cast.pm,
        project=web,
        period=PeriodFactory(start=OCT),
        lines=[line(m, money.software, 5_000) for m in (OCT, NOV, DEC, APR)],
    )
    services.actuals_load(
        actor=finance,
        rows=[LedgerRow("C1001", NOV, Decimal("400.10")), LedgerRow("C1001", DEC, Decimal("250.05"))],
        reference="Ledger 2",
        year=2026,
    )
    library = Project.objects.get(pk=hr.pk)
    library.pk, library.code, library.name, library.programme = None, "LIB", "Library move", None
    library.save()
    CostCode.objects.create(code="L3001", project=library, category=money.staff, spend_type=REVENUE)
    services.actuals_load(
        actor=finance,
        rows=[LedgerRow("L3001", SEP, Decimal(90)), LedgerRow("L3001", NOV, Decimal(10))],
        reference="Ledger 3",
        year=2026,
    )
    services.month_lock(actor=finance, month=OCT)
    assert BudgetVersion.objects.filter(project=web).count() == 3
    assert ForecastVersion.objects.filter(project=web).count() == 2
    return money


def key_of(by, project, line):
    """What ``by`` names for a line of ``project``, as the roll-up names it."""
    return {
        "project": lambda: project.code,
        "portfolio": lambda: project.portfolio.name if project.portfolio_id else None,
        "programme": lambda: project.programme.code if project.programme_id else None,
        "department": lambda: project.department.name if project.department_id else None,
        "category": lambda: line.category.name,
        "spend_type": lambda: line.spend_type,
        "funding_source": lambda: line.funding_source.name if line.funding_source_id else None,
    }[by]()


def reference(by, year=None, day=date(2026, 12, 4)):
    """The roll-up the slow way: every line read by month and handed to ``engine.roll_up``,
    each project split where its own ``project_finance`` says."""
    budget, forecast, unforecast, actuals, splits = [], [], [], [], {}
    for project in Project.objects.all():
        approved = project.budget_versions.filter(status=BudgetStatus.APPROVED).order_by("-number").first()
        latest = project.forecast_versions.order_by("-period__start").first()
        budgeted = [
            MoneyRow(project.pk, key_of(by, project, each), each.month, each.amount)
            for each in (approved.lines.all() if approved else [])
        ]
        budget += budgeted
        if latest is None:
            unforecast += budgeted
        else:
            forecast += [
                MoneyRow(project.pk, key_of(by, project, each), each.month, each.amount)
                for each in latest.lines.all()
            ]
        actuals += [
            MoneyRow(project.pk, key_of(by, project, each), each.month, each.amount)
            for each in ActualLine.objects.filter(project=project)
        ]
        splits[project.pk] = selectors.project_finance(project=project, day=day).whole_life.split
    return roll_up(
        budget=budget, actuals=actuals, forecast=[*forecast, *unforecast], splits=splits, year=year
    )


def figures(rolled):
    return {
        key: (o.budget, o.actual_to_date, o.forecast_remaining, o.eac, o.variance)
        for key, o in rolled.items()
    }


@pytest.mark.parametrize("by", ROLL_UP_BY)
@pytest.mark.parametrize("year", [None, FinancialYear(2026), FinancialYear(2027)])
def test_the_database_s_sums_come_to_the_engine_s_month_by_month_roll_up(tricky, by, year):
    found = selectors.portfolio_roll_up(user=tricky.finance, by=by, year=year)
    assert figures(found) == figures(reference(by, year))


@pytest.mark.parametrize("by", ROLL_UP_BY)
def test_the_profile_to_date_is_the_year_s_budget_before_each_project_s_split(tricky, by):
    year = FinancialYear(2026)
    rolled, profile = selectors.portfolio_roll_up_profiled(user=tricky.finance, by=by, year=year)
    assert figures(rolled) == figures(reference(by, year))
    # the slow way: each project's current budget lines of the year before its own split
    expected: dict = {}
    for project in Project.objects.all():
        finance = selectors.project_finance(project=project, day=date(2026, 12, 4))
        split = finance.whole_life.split
        for each in finance.budget_version.lines.all() if finance.budget_version else []:
            if year.start <= each.month < split:
                key = key_of(by, project, each)
                expected[key] = expected.get(key, Decimal(0)) + each.amount
    assert profile == expected
    # WEB: v2's September to November (£800 + £900 + £150 + £300) before its December split;
    # HR: its November £1,000 before December (no forecast)
    if by == "project":
        assert profile == {"WEB": Decimal(2_150), "HR": Decimal(1_000)}
    # over the whole life there is no profile, and the roll-up is the same
    whole, none = selectors.portfolio_roll_up_profiled(user=tricky.finance, by=by)
    assert none is None and figures(whole) == figures(reference(by))


def test_each_project_is_split_at_its_own_month(tricky):
    by_project = selectors.portfolio_roll_up(user=tricky.finance, by="project")
    # WEB: v2's budget (£3,600; not v1's £3,000 nor the draft's); October's and November's
    # actuals before its December split (the latest forecast's period; December's £250.05 is
    # not counted); that forecast's £1,500 + £500 from December (not October's older one)
    assert figures(by_project)["WEB"][:3] == (Decimal(3_600), Decimal("1600.10"), Decimal(2_000))
    # HR: no forecast, so its budget from December stands (nothing: its £1,000 is November's)
    assert figures(by_project)["HR"][:3] == (Decimal(1_000), Decimal(300), Decimal(0))
    # LIB: ledger lines only, both before its December split
    assert figures(by_project)["LIB"][:3] == (Decimal(0), Decimal(100), Decimal(0))
    by_type = selectors.portfolio_roll_up(user=tricky.finance, by="spend_type")
    assert by_type[CAPITAL].budget == Decimal(2_850) and by_type[REVENUE].budget == Decimal(1_750)


def test_a_closed_month_moves_the_split_past_an_older_forecast(tricky):
    hr = tricky.cast.other_project
    services.forecast_make(
        actor=tricky.finance,
        project=hr,
        period=ReportingPeriod.objects.get(start=OCT),
        lines=[line(NOV, tricky.staff, 600), line(DEC, tricky.staff, 50)],
    )
    # HR's forecast is October's, but October is closed: it splits at November
    assert figures(selectors.portfolio_roll_up(user=tricky.finance, by="project"))["HR"][:3] == (
        Decimal(1_000),
        Decimal(300),
        Decimal(650),
    )
    services.month_lock(actor=tricky.finance, month=NOV)
    by_project = selectors.portfolio_roll_up(user=tricky.finance, by="project")
    assert figures(by_project)["HR"][:3] == (Decimal(1_000), Decimal(300), Decimal(50))
    assert figures(by_project) == figures(reference("project"))


def test_sums_to_the_penny_and_a_fixed_number_of_queries(tricky):
    tricky.finance._pmo_role_names = frozenset({"Finance partner"})
    with CaptureQueriesContext(connection) as context:
        found = selectors.portfolio_roll_up(user=tricky.finance, by="category")
    assert len(context.captured_queries) == 6
    # WEB's code charges software: £1,200 + £400.10, to the penny (SQLite sums as floats)
    assert str(found["Software"].actual_to_date) == "1600.10"
    assert str(selectors.portfolio_roll_up(user=tricky.finance, by="project")["WEB"].budget) == "3600.00"


def test_month_sums_split_as_the_months_do():
    amounts = {OCT: Decimal(5), DEC: Decimal(7), APR: Decimal(11)}
    sums = month_sums(amounts, [NOV, DEC, MAY])
    assert (sums.until(NOV), sums.after(NOV), sums.until(DEC), sums.after(MAY)) == (5, 18, 5, 0)
    assert sums.before[NOV] == 5 and sums.since[MAY] is None
    no_total = MonthSums(total=None, before={DEC: Decimal(5)})
    assert no_total.until(DEC) == 5
    with pytest.raises(ValueError, match="without their total"):
        no_total.after(DEC)


def test_rows_with_nothing_on_their_side_of_the_split_add_no_key():
    """As ``roll_up``: an actual only from its project's split, or a forecast only before it,
    makes no key of its own."""
    splits = {1: DEC}
    actual = [SumsRow(1, "late", month_sums({DEC: Decimal(3)}, [DEC]))]
    early = [SumsRow(1, "early", month_sums({NOV: Decimal(4)}, [DEC]))]
    assert roll_up_sums(budget=[], actuals=actual, forecast=early, splits=splits) == {}
    assert (
        roll_up(
            budget=[],
            actuals=[MoneyRow(1, "late", DEC, Decimal(3))],
            forecast=[MoneyRow(1, "early", NOV, Decimal(4))],
            splits=splits,
        )
        == {}
    )
