"""Earned value of many projects reads their budgets, actuals and forecasts summed in the
database (``evm.evm_figures``), and their budget by month only where the measurement needs the
months (a plan or key milestones, or a trend). Its figures must be what the month-by-month path
gives: ``project_finances`` (each project's ``project_finance``), the budget's phasing as the
baseline (``adapters.pv_baseline``) and ``adapters.project_measurement``. On the roll-up's tricky
books (lines both sides of the split, a closed month, capital and revenue, superseded budgets)
and a budget that starts and ends with months planning nothing. Run on 4 December 2026."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.engine.earned_value import Baseline, MonthlyShape
from pmo.engine.finance import month_end
from pmo.finance import services
from pmo.finance.adapters import project_measurement, pv_baseline
from pmo.finance.choices import SpendType
from pmo.finance.evm import NO_BUDGET, project_evms, project_finances
from pmo.finance.feeds import finance_eacs
from pmo.finance.models import CostCode
from pmo.finance.services import LedgerRow
from pmo.finance.tests.api.test_evm import plan_of
from pmo.finance.tests.conftest import line
from pmo.finance.tests.selectors.test_roll_up_sums import tricky  # noqa: F401 (the same books)
from pmo.portfolio.models import Project

pytestmark = pytest.mark.django_db
AUG, SEP, OCT, NOV = date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)
DEC, JAN, FEB = date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)
DAYS = (date(2026, 7, 20), date(2026, 12, 4), date(2027, 2, 10), date(2028, 1, 5))


@pytest.fixture
def books(tricky):  # noqa: F811
    """The tricky books, and LIB's budget: nothing planned in November, £500 in December,
    nothing again in February (its first month has a line, its last month with money is December)."""
    library = Project.objects.get(code="LIB")
    draft = services.budget_draft(
        actor=tricky.finance,
        project=library,
        reason="v1",
        lines=[line(NOV, tricky.staff, 0), line(DEC, tricky.staff, 500), line(FEB, tricky.staff, 0)],
    )
    services.budget_approve(actor=tricky.finance, version=draft, expected_version=1)
    return tricky


def projects():
    return list(Project.objects.order_by("code"))


def reference(project, day):
    """BAC, PD, AT, PV, AC and the status date the month-by-month way (None without a budget)."""
    figures = project_finances([project], day)[project.pk]
    baseline = pv_baseline(figures.budget)
    if baseline is None:
        return None
    status = figures.whole_life.split - timedelta(days=1)
    at = baseline.time_at(status)
    return (
        baseline.bac,
        baseline.planned_duration,
        at,
        baseline.pv_at(at),
        figures.whole_life.actual_to_date,
        status,
    )


def measured(each):
    return (each.bac, each.planned_duration, each.actual_time, each.pv, each.ac, each.status_date)


@pytest.mark.parametrize("day", DAYS)
def test_without_earned_value_the_sums_give_the_month_by_month_figures(books, day):
    found = {each.project.code: each for each in project_evms(projects(), day)}
    assert set(found) == {"HR", "LIB", "WEB"}
    for project in projects():
        expected = reference(project, day)
        each = found[project.code]
        assert each.baseline is None  # the months were not read
        if expected is None:
            assert each.undefined["bac"] == NO_BUDGET
        else:
            assert measured(each) == expected, project.code
    library = found["LIB"]
    if day == date(2026, 12, 4):
        # November to December plans it all; measured at the end of November: a month in,
        # nothing planned yet
        assert measured(library)[:4] == (Decimal(500), 2, Decimal(1), Decimal(0))


@pytest.mark.parametrize("day", DAYS)
def test_with_a_plan_the_months_are_read_and_the_measurement_is_the_adapter_s(books, day):
    web = Project.objects.get(code="WEB")
    plan_of(web, (60, 100), (90, 0))  # 40 % complete
    each = next(e for e in project_evms(projects(), day) if e.project.code == "WEB")
    figures = project_finances([web], day)[web.pk]
    expected = project_measurement(figures, ev=figures.whole_life.budget * Decimal("0.4"))
    assert each.baseline == pv_baseline(figures.budget)
    assert (each.ev, each.es, each.spi_t, each.cpi, each.ieac_t, each.forecast_finish) == (
        expected.ev,
        expected.es,
        expected.spi_t,
        expected.cpi,
        expected.ieac_t,
        expected.forecast_finish,
    )
    assert [f["eac"] for f in each.forecasts] == [f.eac for f in expected.forecasts]
    assert measured(each) == reference(web, day)


def test_a_trend_reads_the_months_and_gives_the_same_figures(books):
    day = date(2026, 12, 4)
    plain = {e.project.code: measured(e) for e in project_evms(projects(), day)}
    trended = project_evms(projects(), day, trends=True)
    assert {e.project.code: measured(e) for e in trended} == plain
    web = next(e for e in trended if e.project.code == "WEB")
    assert web.baseline is not None and [p.ac for p in web.trend][-3:] == [
        Decimal(0),
        Decimal(1_200),
        Decimal("1600.10"),
    ]


def test_the_queries_do_not_grow_with_the_projects(books):
    def queries():
        with CaptureQueriesContext(connection) as context:
            project_evms(projects())
        return len(context.captured_queries)

    few = queries()
    web = Project.objects.get(code="WEB")
    for n in range(4):
        web.pk, web.code, web.name = None, f"W{n}", f"Web {n}"
        web.save()
        draft = services.budget_draft(
            actor=books.finance, project=web, reason="v1", lines=[line(NOV, books.staff, 10 + n)]
        )
        services.budget_approve(actor=books.finance, version=draft, expected_version=1)
    # the projects, the versions (two), the last closed month, the budgets' sums, the months of
    # those that can earn value, the actuals' and the forecasts' sums, the plans, the reports'
    # and the baselines' milestones
    assert (few, queries()) == (11, 11)


def test_a_budget_s_shape_gives_a_baseline_s_figures():
    """``MonthlyShape`` against ``Baseline`` on phasings with months of nothing at both ends."""
    for phasing in ([0, 5, 0, 7, 0, 0], [3], [0, 0, 4], [2, 0, 0, 0, 1]):
        months = [date(2026 + (9 + n) // 12, (9 + n) % 12 + 1, 1) for n in range(len(phasing))]
        ends = [month_end(m) for m in months]
        baseline = Baseline.from_phasing([Decimal(v) for v in phasing], start=months[0], period_ends=ends)
        last = max(m for m, v in zip(months, phasing, strict=True) if v)
        shape = MonthlyShape(Decimal(sum(phasing)), months[0], last)
        assert shape.planned_duration == baseline.planned_duration
        for offset in range(-3, len(phasing) + 4):
            split = date(2026 + (9 + offset) // 12, (9 + offset) % 12 + 1, 1)
            status = split - timedelta(days=1)
            assert shape.time_at_month_start(split) == baseline.time_at(status), (phasing, split)
            planned = sum((Decimal(v) for m, v in zip(months, phasing, strict=True) if m < split), Decimal(0))
            assert baseline.pv_at(baseline.time_at(status)) == planned


@pytest.mark.parametrize("day", DAYS)
def test_finance_s_eacs_are_the_month_by_month_ones_for_the_budgeted_projects_only(books, day):
    everyone = projects()
    found = finance_eacs(everyone, day)
    expected = {}
    for project in everyone:
        figures = project_finances([project], day)[project.pk]
        if figures.budget_version is not None:
            whole = figures.whole_life
            expected[project.pk] = (whole.eac, whole.budget, whole.split - timedelta(days=1))
    assert {pk: (e.eac, e.bac, e.as_of) for pk, e in found.items()} == expected
    # HR, WEB and LIB have approved budgets, each an EAC
    assert {p.code for p in everyone if p.pk in found} == {"HR", "LIB", "WEB"}
    # a project without one has none
    unbudgeted = Project.objects.get(code="WEB")
    unbudgeted.pk, unbudgeted.code, unbudgeted.name = None, "NB", "No budget"
    unbudgeted.save()
    assert finance_eacs([unbudgeted, *everyone], day).keys() == found.keys()


def test_finance_s_eacs_take_one_query_without_budgets_and_a_fixed_number_with(books):
    def queries(chosen):
        with CaptureQueriesContext(connection) as context:
            finance_eacs(chosen, date(2026, 12, 4))
        return len(context.captured_queries)

    unbudgeted = Project.objects.get(code="WEB")
    unbudgeted.pk, unbudgeted.code, unbudgeted.name = None, "NB", "No budget"
    unbudgeted.save()
    assert queries([unbudgeted]) == 1  # which of them have a budget: none
    few = queries(projects())
    for n in range(3):
        extra = Project.objects.get(code="WEB")
        extra.pk, extra.code, extra.name = None, f"E{n}", f"Extra {n}"
        extra.save()
        draft = services.budget_draft(
            actor=books.finance, project=extra, reason="v1", lines=[line(NOV, books.staff, 5)]
        )
        services.budget_approve(actor=books.finance, version=draft, expected_version=1)
    # the versions (with their first and last months), the forecasts, the last closed month,
    # the budgets', the actuals' and the forecasts' sums
    assert (few, queries(projects())) == (6, 6)


def test_projects_given_as_a_query_measure_as_a_list_does(books):
    day = date(2026, 12, 4)
    as_list = {e.project.code: measured(e) for e in project_evms(projects(), day)}
    as_query = {e.project.code: measured(e) for e in project_evms(Project.objects.order_by("code"), day)}
    assert as_query == as_list


@pytest.mark.parametrize("day", DAYS)
def test_finance_s_eacs_of_a_query_or_a_generator_are_those_of_a_list(books, day):
    """Given as a query, the projects without a budget are left out before their actuals are
    read (NB has spend and no budget); given as a generator, none is lost."""
    spender = Project.objects.get(code="WEB")
    spender.pk, spender.code, spender.name = None, "NB", "No budget"
    spender.save()
    CostCode.objects.create(code="N4001", project=spender, category=books.staff, spend_type=SpendType.REVENUE)
    services.actuals_load(
        actor=books.finance, rows=[LedgerRow("N4001", NOV, Decimal(70))], reference="Ledger 4", year=2026
    )
    as_list = finance_eacs(projects(), day)
    assert {p.code for p in projects() if p.pk in as_list} == {"HR", "LIB", "WEB"}
    assert finance_eacs(Project.objects.order_by("code"), day) == as_list
    assert finance_eacs((project for project in projects()), day) == as_list
