"""The demo's money: every active project's budget as its baseline says, two years of ledger
actuals for months gone by, forecasts accurate and drifting, two projects overspending beyond
their cost tolerance and one whose earned schedule warns while its manager reports green."""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

import pytest
from django.db.models import Max, Min

from pmo.core.models import User
from pmo.engine.finance import Outturn, add_months, month_of, months_between
from pmo.finance import selectors
from pmo.finance.adapters import project_measurement, pv_baseline
from pmo.finance.choices import BudgetStatus
from pmo.finance.demo import ACCURATE, ACTUALS_MONTHS, BOARD_MOVED, DRIFTING, EARLY_WARNING, OVERSPENDING
from pmo.finance.feeds import finance_eacs
from pmo.finance.models import (
    ActualImport,
    ActualLine,
    BudgetLine,
    BudgetVersion,
    CostCategory,
    CostCode,
    FinanceSettings,
    ForecastLine,
    ForecastVersion,
    FundingSource,
    MonthLock,
)
from pmo.finance.selectors import ProjectFinance
from pmo.finance.tests.demo.conftest import TODAY
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.demo_clear import demo_clear
from pmo.portfolio.models import Project
from pmo.reporting import demo as reporting_demo
from pmo.reporting import selectors as reporting_selectors
from pmo.reporting.adapters import to_engine
from pmo.reporting.choices import BaselineSource, Rating, ToleranceDimension, ToleranceState
from pmo.reporting.models import Baseline, HighlightReport, ProjectException, ReportingPeriod, ToleranceCheck

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

THIS_MONTH = month_of(TODAY)
LAST_MONTH = add_months(THIS_MONTH, -1)


def active() -> list[Project]:
    return list(Project.objects.filter(status=ProjectStatus.ACTIVE).order_by("code"))


def start(project: Project) -> dt.date:
    assert project.planned_start is not None
    return project.planned_start


def named(name: str) -> Project:
    return Project.objects.get(name=name)


def current_baseline(project: Project) -> Baseline:
    found = project.baselines.order_by("-number").first()
    assert found is not None, project
    return found


def figures(project: Project) -> ProjectFinance:
    return selectors.project_finance(project=project, day=TODAY)


def cost_allowance(project: Project) -> Decimal:
    """The project's cost tolerance in pounds, on its current baseline's budget."""
    baseline = current_baseline(project)
    row = reporting_selectors.effective_tolerances([project])[project.pk][ToleranceDimension.COST.value]
    tolerance = to_engine(row, baseline=baseline)
    assert tolerance is not None
    return tolerance.allowance(baseline.budget_at_completion)


def milestone_ev(project: Project, found: ProjectFinance) -> Decimal:
    """Earned value by milestone weights: each of the baseline's milestones earns the budget
    phased up to its due date once the latest report says it is achieved."""
    report = HighlightReport.objects.filter(project=project).order_by("-period__start", "-revision").first()
    assert report is not None
    achieved = {m.name for m in report.milestones.all() if m.achieved_on}
    dues = [m.due for m in current_baseline(project).milestones.all() if m.name in achieved]
    baseline = pv_baseline(found.budget)
    assert baseline is not None
    return baseline.pv_at(baseline.time_at(max(dues))) if dues else Decimal(0)


def test_the_stories_are_the_reporting_demos() -> None:
    assert EARLY_WARNING == reporting_demo.OVER_OPTIMISTIC
    assert set(OVERSPENDING) == {reporting_demo.AWAITING_REPORT, reporting_demo.AWAITING_DECISION}
    assert set(DRIFTING) == set(reporting_demo.SLIPPING)


def test_every_active_project_has_an_approved_budget_equal_to_its_current_baseline() -> None:
    projects = active()
    assert len(projects) > 50
    budgets = selectors.current_budgets([p.pk for p in projects])
    for project in projects:
        found, baseline = figures(project), current_baseline(project)
        assert budgets[project.pk].status == BudgetStatus.APPROVED
        assert budgets[project.pk].baseline_id == baseline.pk, project
        assert found.whole_life.budget == baseline.budget_at_completion, project
        months = sorted(found.budget)
        assert months[0] == month_of(start(project)), project  # phased from the start
        assert len(months) >= 6 and all(amount > 0 for amount in found.budget.values()), project


def test_later_baselines_made_new_budget_versions_naming_what_moved_them() -> None:
    moved = Baseline.objects.filter(number__gt=1, project__status=ProjectStatus.ACTIVE)
    assert moved.count() >= 5
    for baseline in moved:
        version = BudgetVersion.objects.get(baseline=baseline)
        assert version.approved_at is not None and version.approved_at > baseline.approved_at
        assert version.number == baseline.number
        if baseline.source == BaselineSource.CHANGE_REQUEST:
            assert version.change_request is not None and version.change_request.new_baseline == baseline
        if baseline.source == BaselineSource.EXCEPTION:
            assert version.exception is not None and version.exception.new_baseline == baseline
        earlier = BudgetVersion.objects.get(project=baseline.project, number=baseline.number - 1)
        before = month_of(baseline.approved_at.date())
        kept = ("month", "category", "spend_type", "amount")
        old = set(earlier.lines.filter(month__lt=before).values_list(*kept))
        new = set(version.lines.filter(month__lt=before).values_list(*kept))
        assert old == new, baseline  # the months gone by kept as they were
    assert BudgetVersion.objects.exclude(change_request=None).count() >= 2
    assert BudgetVersion.objects.exclude(exception=None).count() == 1


def test_actuals_are_two_years_of_monthly_loads_up_to_last_month_and_closed_months_have_them() -> None:
    bounds = ActualLine.objects.aggregate(first=Min("month"), last=Max("month"))
    assert bounds["last"] == LAST_MONTH  # nothing for the month under way
    assert bounds["first"] == max(
        add_months(THIS_MONTH, -ACTUALS_MONTHS),
        month_of(min(start(p) for p in active())),
    )
    months = months_between(bounds["first"], bounds["last"])
    loads = ActualImport.objects.all()
    assert sorted(load.first_month for load in loads) == months  # one load a month, every project in it
    assert all(load.first_month == load.last_month for load in loads)
    assert {load.imported_at.date() for load in loads} == {add_months(m, 1).replace(day=4) for m in months}
    closed = sorted(MonthLock.objects.values_list("month", flat=True))
    assert len(closed) >= 12 and closed == months[: len(closed)]
    assert set(ActualLine.objects.values_list("month", flat=True)) <= {*closed, LAST_MONTH}
    assert ActualLine.objects.filter(amount__lt=0).exists()  # a supplier's credit note or two


def test_the_portfolio_roll_up_agrees_with_each_projects_figures() -> None:
    finance = User.objects.get(username="finance")
    rolled = selectors.portfolio_roll_up(user=finance, by="project", day=TODAY)
    projects = active()
    for project in projects:
        own = figures(project).whole_life
        row = rolled[project.code]
        assert (row.budget, row.actual_to_date, row.forecast_remaining) == (
            own.budget,
            own.actual_to_date,
            own.forecast_remaining,
        ), project
    total = sum(current_baseline(p).budget_at_completion for p in projects)
    assert sum((row.budget for row in rolled.values()), Decimal(0)) == total
    by_category = selectors.portfolio_roll_up(user=finance, by="category", day=TODAY)
    assert set(by_category) >= {"Contractors", "Staff", "Software", "Hardware"}
    assert sum((row.eac for row in by_category.values()), Decimal(0)) == sum(
        (row.eac for row in rolled.values()), Decimal(0)
    )


def test_the_overspending_projects_eac_is_above_budget_beyond_their_cost_tolerance() -> None:
    for name in OVERSPENDING:
        project = named(name)
        found: Outturn = figures(project).whole_life
        assert found.eac > found.budget + cost_allowance(project), name
        assert figures(project).forecast_version is not None
    others = [p for p in active() if p.name not in OVERSPENDING]
    assert all(figures(p).whole_life.eac <= figures(p).whole_life.budget + cost_allowance(p) for p in others)


def test_the_early_warning_projects_spi_t_is_below_the_threshold_while_its_manager_reports_green() -> None:
    project = named(EARLY_WARNING)
    found = figures(project)
    measured = project_measurement(found, ev=milestone_ev(project, found))
    assert measured is not None and measured.spi_t is not None
    assert measured.spi_t < selectors.finance_settings().spi_t_threshold
    assert (
        measured.forecast_finish is not None and measured.forecast_finish > current_baseline(project).finish
    )
    latest = HighlightReport.objects.filter(project=project).order_by("-period__start", "-revision").first()
    assert latest is not None and latest.overall_status != Rating.RED
    assert abs(found.whole_life.variance) <= cost_allowance(project)  # its cost alone tells nothing


def test_forecasts_are_one_per_period_and_the_drifting_ones_miss_by_more() -> None:
    periods = list(ReportingPeriod.objects.order_by("start"))
    for name in (*ACCURATE, *DRIFTING, *OVERSPENDING, EARLY_WARNING):
        project = named(name)
        made = set(ForecastVersion.objects.filter(project=project).values_list("period__start", flat=True))
        expected = {p.start for p in periods if p.start >= month_of(start(project))}
        assert made == expected, name
    finance = User.objects.get(username="finance")
    accuracy = selectors.accuracy_by(selectors.forecast_accuracies(user=finance), "project")

    def errors(names: Iterable[str]) -> list[Decimal]:
        found = [accuracy[named(name).code].percent_error for name in names]
        return [error for error in found if error is not None]

    assert len(errors(ACCURATE)) == len(ACCURATE) and len(errors(DRIFTING)) == len(DRIFTING)
    assert max(errors(ACCURATE)) < min(errors(DRIFTING))  # each month's miss counted
    assert ForecastVersion.objects.filter(made_at__date__gte=TODAY).count() == 0


def test_clearing_the_demo_clears_its_money_and_keeps_the_finance_settings_and_lists() -> None:
    settings_row = selectors.finance_settings()
    money = (
        CostCode,
        BudgetVersion,
        BudgetLine,
        ActualImport,
        ActualLine,
        ForecastVersion,
        ForecastLine,
        MonthLock,
    )
    assert all(model.objects.exists() for model in money)

    demo_clear()

    assert [model.__name__ for model in money if model.objects.exists()] == []
    assert FinanceSettings.objects.get() == settings_row
    assert CostCategory.objects.count() == 6 and FundingSource.objects.count() == 2


def test_on_the_demo_s_day_the_cost_tolerance_judges_finance_s_eac_and_agrees_with_the_stories() -> None:
    # The finance partner turned finance's EAC on this morning, the year of reports in
    config = selectors.finance_settings()
    assert config.cost_tolerance_on_eac
    turned_on = config.history.order_by("-history_date").first()
    assert turned_on is not None and turned_on.history_user.username == "finance"
    assert turned_on.history_date.date() == TODAY
    # Every budgeted project's cost check judges finance's EAC, to the penny
    checks = {
        c.project.name: c
        for c in ToleranceCheck.objects.filter(
            dimension="cost", project__status=ProjectStatus.ACTIVE
        ).select_related("project")
    }
    eacs = finance_eacs(active(), TODAY)
    judged = [p for p in active() if p.name in checks]
    assert len(judged) > 40
    for project in judged:
        check = checks[project.name]
        assert "(finance's EAC)" in check.explanation, project
        assert check.forecast_value == eacs[project.pk].eac, project
    # and the verdicts are the reporting demo's stories: the two overspending projects and the
    # board's project (under its new baseline) breached, the early-warning project forecast to
    # breach while it reports green, the rest within
    states = {name: check.status for name, check in checks.items()}
    assert {name for name, state in states.items() if state == ToleranceState.BREACHED} == {
        *OVERSPENDING,
        BOARD_MOVED,
    }
    assert states[EARLY_WARNING] == ToleranceState.FORECAST_TO_BREACH
    assert Counter(states.values())[ToleranceState.WITHIN] >= len(states) - 6


def test_the_board_s_project_forecasts_its_old_budget_under_the_baseline_the_board_moved() -> None:
    project = named(BOARD_MOVED)
    moved = current_baseline(project)
    assert moved.number == 2 and moved.budget_at_completion - Decimal(145_000) == (
        project.baselines.get(number=1).budget_at_completion
    )
    forecast = ForecastVersion.objects.get(project=project)  # made this period, before the board met
    assert forecast.made_at < moved.approved_at
    found = figures(project).whole_life
    assert found.budget == moved.budget_at_completion
    assert found.budget - found.eac > cost_allowance(project)  # under, beyond its tolerance
    exception = ProjectException.objects.get(project=project)
    assert set(exception.dimensions.split(", ")) == {"cost", "time"}


def test_the_early_warning_project_s_forecast_lands_near_its_cost_tolerance() -> None:
    project = named(EARLY_WARNING)
    found = figures(project).whole_life
    used = (found.eac - found.budget) / cost_allowance(project)
    assert Decimal("0.85") <= used < 1
