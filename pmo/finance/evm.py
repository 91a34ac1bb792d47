"""Earned value and earned schedule of projects, as the API gives them: the figures of
``selectors.project_finance`` read for many projects at once (a fixed number of queries), measured
by ``pmo.finance.adapters`` with EV from the project's plan (its percent complete × the budget at
completion). What cannot be measured is ``None``, with the reason in ``undefined``: no approved
budget, no plan, a plan with no durations to weigh progress by, or what the engine says of its
own ratios (nothing planned, spent or earned yet…)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Max, Sum

from pmo.core import clock
from pmo.engine.earned_value import EacMethod, WorkPackage, earned_value
from pmo.engine.finance import add_months, in_year, month_of, outturn, profile_to_date
from pmo.finance import selectors
from pmo.finance.adapters import project_measurement, pv_baseline
from pmo.finance.models import ActualLine, BudgetLine, ForecastLine, MonthLock
from pmo.finance.selectors import ProjectFinance
from pmo.portfolio.models import Project
from pmo.schedule.selectors import PlanProgress, plan_progress

NO_BUDGET = "the project has no approved budget with money in it, so there is no baseline to measure against"
NO_PLAN = (
    "the project has no plan, so there is no percent complete to earn value by (earned value is the "
    "plan's percent complete of the budget at completion; milestone weights are not kept)"
)
NO_DURATIONS = "the plan's tasks have no durations to weigh their percent complete by"
NEEDS_EV = "it needs earned value, and {reason}"
NEEDS_BUDGET = "it needs a budget at completion, and {reason}"

EV_FIGURES = ("ev", "sv", "cv", "spi", "cpi", "tcpi_bac", "es", "sv_t", "spi_t", "ieac_t", "forecast_finish")
BUDGET_FIGURES = ("bac", "pv", "planned_duration", "actual_time")


def _by(rows: Iterable[dict[str, Any]], key: str) -> dict[int, dict[date, Decimal]]:
    found: dict[int, dict[date, Decimal]] = {}
    for row in rows:
        found.setdefault(row[key], {})[row["month"]] = row["amount"]
    return found


def project_finances(projects: Iterable[Project], day: date | None = None) -> dict[int, ProjectFinance]:
    """``selectors.project_finance`` of each project, by id, in seven queries whatever the
    number of projects (the same figures: the same split, budget, actuals and forecast)."""
    day = day or clock.today()
    projects = list(projects)
    ids = [project.pk for project in projects]
    budgets = selectors.current_budgets(ids)
    forecasts = selectors.latest_forecasts(ids)
    budget = _by(
        BudgetLine.objects.filter(version__in=list(budgets.values()))
        .values("version__project_id", "month")
        .annotate(amount=Sum("amount"))
        .order_by(),
        "version__project_id",
    )
    actuals = _by(
        ActualLine.objects.filter(project_id__in=ids)
        .values("project_id", "month")
        .annotate(amount=Sum("amount"))
        .order_by(),
        "project_id",
    )
    closed = MonthLock.objects.aggregate(last=Max("month"))["last"]
    forecast = _by(
        ForecastLine.objects.filter(version__in=list(forecasts.values()))
        .values("version__project_id", "month")
        .annotate(amount=Sum("amount"))
        .order_by(),
        "version__project_id",
    )
    year = selectors.current_year(day)
    found = {}
    for project in projects:
        version = forecasts.get(project.pk)
        split = month_of(version.period.start) if version is not None else month_of(day)
        if closed is not None:
            split = max(split, add_months(closed, 1))
        spend = budget.get(project.pk, {})
        spent = actuals.get(project.pk, {})
        if version is not None:
            ahead = forecast.get(project.pk, {})
        else:
            ahead = {month: amount for month, amount in spend.items() if month >= split}
        found[project.pk] = ProjectFinance(
            project=project,
            budget_version=budgets.get(project.pk),
            forecast_version=version,
            budget=spend,
            actuals=spent,
            forecast=ahead,
            year=year,
            whole_life=outturn(budget=spend, actuals=spent, forecast=ahead, split=split),
            this_year=in_year(year=year, budget=spend, actuals=spent, forecast=ahead, split=split),
            profile_to_date=profile_to_date(spend, year, split),
        )
    return found


@dataclass
class ProjectEvm:
    """A project's earned value figures at its status date (``None`` where ``undefined`` says
    why), EV earned by the plan's ``percent_complete``."""

    project: Project
    as_of: date
    status_date: date | None = None
    percent_complete: Decimal | None = None
    plan_status_date: date | None = None
    bac: Decimal | None = None
    pv: Decimal | None = None
    ev: Decimal | None = None
    ac: Decimal | None = None
    sv: Decimal | None = None
    cv: Decimal | None = None
    spi: Decimal | None = None
    cpi: Decimal | None = None
    tcpi_bac: Decimal | None = None
    forecasts: list[dict[str, Any]] = field(default_factory=list)
    planned_duration: int | None = None
    actual_time: Decimal | None = None
    es: Decimal | None = None
    sv_t: Decimal | None = None
    spi_t: Decimal | None = None
    ieac_t: Decimal | None = None
    forecast_finish: date | None = None
    undefined: dict[str, str] = field(default_factory=dict)


def _no_forecasts() -> list[dict[str, Any]]:
    return [{"method": m.value, "eac": None, "etc": None, "vac": None, "tcpi": None} for m in EacMethod]


def _measure(result: ProjectEvm, figures: ProjectFinance, progress: PlanProgress | None) -> None:
    result.ac = figures.whole_life.actual_to_date
    if progress is not None:
        result.percent_complete, result.plan_status_date = progress.percent_complete, progress.status_date
    baseline = pv_baseline(figures.budget)
    split = figures.whole_life.split
    if baseline is None or split is None:
        for name in (*BUDGET_FIGURES, *EV_FIGURES):
            result.undefined[name] = NO_BUDGET
        result.forecasts = _no_forecasts()
        for method in EacMethod:
            result.undefined[f"eac_{method.value}"] = NO_BUDGET
        return
    status = split - timedelta(days=1)
    result.status_date = status
    result.bac, result.planned_duration = baseline.bac, baseline.planned_duration
    result.actual_time = baseline.time_at(status)
    result.pv = baseline.pv_at(result.actual_time)
    if progress is None or progress.percent_complete is None:
        reason = NO_PLAN if progress is None else NO_DURATIONS
        result.undefined["ev"] = reason
        for name in EV_FIGURES[1:]:
            result.undefined[name] = NEEDS_EV.format(reason=reason)
        result.forecasts = _no_forecasts()
        for method in EacMethod:
            result.undefined[f"eac_{method.value}"] = NEEDS_EV.format(reason=reason)
        return
    ev = earned_value([WorkPackage(budget=baseline.bac, percent_complete=progress.percent_complete)])
    try:
        measured = project_measurement(figures, ev=ev)
    except ValueError as exc:  # the engine refuses figures that cannot be (a negative actual cost)
        for name in EV_FIGURES:
            result.undefined[name] = str(exc)
        result.forecasts = _no_forecasts()
        return
    assert measured is not None  # the baseline exists
    result.ev, result.sv, result.cv = measured.ev, measured.sv, measured.cv
    result.spi, result.cpi, result.tcpi_bac = measured.spi, measured.cpi, measured.tcpi_bac
    result.es, result.sv_t, result.spi_t = measured.es, measured.sv_t, measured.spi_t
    result.ieac_t, result.forecast_finish = measured.ieac_t, measured.forecast_finish
    result.forecasts = [
        {"method": f.method.value, "eac": f.eac, "etc": f.etc, "vac": f.vac, "tcpi": f.tcpi}
        for f in measured.forecasts
    ]
    result.undefined.update(measured.undefined)


def project_evms(projects: Iterable[Project], as_of: date | None = None) -> list[ProjectEvm]:
    """Each project's earned value at ``as_of`` (today by default): its figures split as
    ``project_finance`` splits them on that day, measured at the end of the month before the
    split, EV from its plan's percent complete as the plan stands. Eight queries whatever the
    number of projects."""
    as_of = as_of or clock.today()
    projects = list(projects)
    figures = project_finances(projects, as_of)
    progress = plan_progress(figures)
    found = []
    for project in projects:
        result = ProjectEvm(project=project, as_of=as_of)
        _measure(result, figures[project.pk], progress.get(project.pk))
        found.append(result)
    return found
