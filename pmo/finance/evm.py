"""Earned value and earned schedule of projects, as the API and the Finance pages give them: the
figures of ``selectors.project_finance`` read for many projects at once (a fixed number of
queries), measured by ``pmo.finance.adapters``.

EV is earned one of two ways, chosen here only (``Earning.method``), so the API and the pages
agree:

- **plan percent complete**, when the project has a plan with durations to weigh its tasks by:
  the plan's percent complete × the budget at completion;
- else **milestones achieved**, when its baseline has key milestones: each milestone weighs the
  budget phased from the milestone before it up to its own baseline date (the last one the rest
  of the budget, so that all achieved earns the BAC), and earns it once the latest handed-in
  highlight report marks it achieved (by the date it was achieved, for the trend).

What cannot be measured is ``None``, with the reason in ``undefined``: no approved budget, neither
a plan nor baseline milestones, or what the engine says of its own ratios (nothing planned, spent
or earned yet…)."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery, Sum

from pmo.core import clock
from pmo.engine.earned_value import (
    Baseline,
    EacMethod,
    EarningMethod,
    Milestone,
    MonthlyShape,
    WorkPackage,
    earned_value,
    measure,
    trend,
)
from pmo.engine.finance import (
    ZERO,
    Outturn,
    add_months,
    before,
    in_year,
    month_of,
    outturn,
    profile_to_date,
)
from pmo.finance import selectors
from pmo.finance.adapters import pv_baseline
from pmo.finance.choices import BudgetStatus
from pmo.finance.models import (
    ActualLine,
    BudgetLine,
    BudgetVersion,
    ForecastLine,
    ForecastVersion,
    MonthLock,
)
from pmo.finance.selectors import ProjectFinance
from pmo.portfolio.models import Project
from pmo.reporting.choices import HANDED_IN_STATES
from pmo.reporting.models import BaselineMilestone, HighlightReport, ReportingPeriod, ReportMilestone
from pmo.schedule.selectors import PlanProgress, plan_progress

PENNY = Decimal("0.01")
NO_BUDGET = "the project has no approved budget with money in it, so there is no baseline to measure against"
NO_PLAN = (
    "the project has no plan, so there is no percent complete to earn value by, and its baseline has "
    "no key milestones to earn it by instead"
)
NO_DURATIONS = (
    "the plan's tasks have no durations to weigh their percent complete by, and the baseline has no key "
    "milestones to earn value by instead"
)
EV_FROM_PLAN = "plan percent complete"
EV_FROM_MILESTONES = "milestones achieved"
NEEDS_EV = "it needs earned value, and {reason}"
NEEDS_BUDGET = "it needs a budget at completion, and {reason}"

EV_FIGURES = ("ev", "sv", "cv", "spi", "cpi", "tcpi_bac", "es", "sv_t", "spi_t", "ieac_t", "forecast_finish")
BUDGET_FIGURES = ("bac", "pv", "planned_duration", "actual_time")
EAC_FIGURES = tuple(f"eac_{method.value}" for method in EacMethod)


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
    forecasts = selectors.latest_forecasts(ids, day)
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


@dataclass(frozen=True)
class EvmFigures:
    """What a project's earned value is measured from, read for many projects at once: its
    current budget (and the baseline it was approved with) and latest forecast, its whole-life
    outturn (split as ``project_finance`` splits it, summed in the database), its budget's shape
    (BAC, first month, last month planning money) and what the budget planned before the split;
    its budget by month only where the measurement needs the months (``phased``: earned
    schedule and milestone weights, for a project with a plan or key milestones, and a trend),
    and its actuals by month only for a trend."""

    budget_version: int | None
    baseline: int | None  # the baseline the current budget was approved with
    forecast_version: int | None
    whole_life: Outturn
    shape: MonthlyShape | None  # None: no approved budget with money in it
    planned_to_date: Decimal  # the budget of the months before the split
    budget: dict[date, Decimal] = field(default_factory=dict)  # by month, when phased
    actuals: dict[date, Decimal] = field(default_factory=dict)  # by month, with a trend
    phased: bool = False


def _penny(value: Any) -> Decimal:
    """A sum read back, to the penny (SQLite sums decimals as floats)."""
    return ZERO if value is None else Decimal(value).quantize(PENNY)


def chosen_ids(projects: Iterable[Project]) -> QuerySet[Any] | list[int]:
    """What to filter by ``projects``' ids: a subquery when they are a query (its ids are not
    sent back as a list: building an IN list of 5,000 ids took longer than the sums), else
    their ids."""
    if isinstance(projects, QuerySet) and not projects.query.is_sliced:
        return projects.order_by().values("pk")
    return [project.pk for project in projects]


def evm_figures(
    projects: Iterable[Project],
    day: date | None = None,
    *,
    trends: bool = False,
    phased: bool = True,
    budgeted_only: bool = False,
) -> dict[int, EvmFigures]:
    """The figures each project's earned value is measured from on ``day``, by id, in seven
    queries whatever the number of projects: the versions that count (``current_budgets``'
    and ``latest_forecasts``'; a budget's with its first month and last month with money, each
    read from the lines' index), the last closed month, the budgets summed per version (in all
    and before each split month), the monthly budget of the
    projects that can earn value by a plan or key milestones (of all with ``trends``), the
    actuals summed per project before its split (by month with ``trends``) and the forecasts
    from it. A row per project, not a row per month, where the months are not needed
    (ADR 0049); the figures are ``project_finances``' (tested). Without ``phased``, no budget is
    read by month (six queries: what the whole-life outturn needs). With ``budgeted_only``, only
    the projects with an approved budget are measured (one query when none has)."""
    day = day or clock.today()
    if not isinstance(projects, QuerySet):
        projects = list(projects)  # read twice below: a generator would be used up
    chosen = chosen_ids(projects)
    ids = [project.pk for project in projects]
    budgets: dict[int, tuple[int | None, int | None]] = {}  # project -> (version, its baseline)
    ends: dict[int, tuple[date | None, date | None]] = {}  # version -> its first month, last with money
    # each end is the first entry of the version's lines' index (MIN and MAX read every line)
    lines = BudgetLine.objects.filter(version=OuterRef("pk")).order_by().values("month")
    for project_id, pk, baseline, first, last in (
        BudgetVersion.objects.filter(project_id__in=chosen, status=BudgetStatus.APPROVED)
        .order_by("project_id", "-number")
        .annotate(
            first=Subquery(lines.order_by("month")[:1]),
            last=Subquery(lines.filter(amount__gt=0).order_by("-month")[:1]),
        )
        .values_list("project_id", "pk", "baseline_id", "first", "last")
    ):
        if project_id not in budgets:
            budgets[project_id] = (pk, baseline)
            ends[pk] = (first, last)
    if budgeted_only:
        ids = [pk for pk in ids if pk in budgets]
        if not ids:
            return {}
        if isinstance(chosen, list):
            chosen = ids
        else:  # still a subquery: the projects among those chosen with an approved budget
            approved = BudgetVersion.objects.filter(status=BudgetStatus.APPROVED).values("project_id")
            chosen = chosen.filter(pk__in=approved)
    forecasts: dict[int, tuple[int, date]] = {}  # project -> (version, its period's start)
    for project_id, pk, start in (
        ForecastVersion.objects.filter(selectors.made_by(day), project_id__in=chosen)
        .order_by("project_id", "-period__start")
        .values_list("project_id", "pk", "period__start")
    ):
        forecasts.setdefault(project_id, (pk, start))
    # the versions that count, picked by the database as it sums their lines (no list of ids)
    current_budgets = selectors.current_versions(BudgetVersion, day, projects=chosen)
    current_forecasts = selectors.current_versions(ForecastVersion, day, projects=chosen)
    after = selectors.after_closed()
    splits = {
        pk: selectors.split_month(forecasts[pk][1] if pk in forecasts else None, day, after) for pk in ids
    }
    cuts = sorted(set(splits.values()))
    shapes = {
        row[0]: row[1:]
        for row in BudgetLine.objects.filter(version_id__in=current_budgets)
        .values_list("version_id")
        .annotate(
            total=Sum("amount"),
            **{f"before_{n}": Sum("amount", filter=Q(month__lt=cut)) for n, cut in enumerate(cuts)},
        )
        .order_by()
    }
    monthly = BudgetVersion.objects.filter(pk__in=current_budgets)
    if not trends:
        # those that can earn value: by a plan's percent complete or a baseline's key milestones
        monthly = monthly.filter(
            Q(project__plan__isnull=False) | Q(project__baselines__milestones__isnull=False)
        )
    phasing = (
        {
            pk: {month: _penny(amount) for month, amount in months.items()}
            for pk, months in _by(
                BudgetLine.objects.filter(version__in=monthly.order_by().values("pk"))
                .values("version__project_id", "month")
                .annotate(amount=Sum("amount"))
                .order_by(),
                "version__project_id",
            ).items()
        }
        if phased or trends
        else {}
    )
    actuals: dict[int, dict[date, Decimal]] = {}
    if trends:
        actuals = {
            pk: {month: _penny(amount) for month, amount in months.items()}
            for pk, months in _by(
                ActualLine.objects.filter(project_id__in=chosen)
                .values("project_id", "month")
                .annotate(amount=Sum("amount"))
                .order_by(),
                "project_id",
            ).items()
        }
        spent = {pk: before(months, splits[pk]) for pk, months in actuals.items()}
    else:
        spent = {
            pk: summed.until(splits[pk])
            for (pk,), summed in selectors.sums_by(
                ActualLine.objects.filter(project_id__in=chosen), ("project_id",), total=False, before=cuts
            )
        }
    owners = {pk: project for project, (pk, _start) in forecasts.items()}
    ahead = {
        owners[pk]: summed.after(splits[owners[pk]])
        for (pk,), summed in selectors.sums_by(
            ForecastLine.objects.filter(version_id__in=current_forecasts),
            ("version_id",),
            total=False,
            since=cuts,
        )
    }
    found = {}
    for pk in ids:
        split = splits[pk]
        budget_id, approved_with = budgets.get(pk, (None, None))
        total, *planned = shapes.get(budget_id, (None,))
        first, last = ends.get(budget_id, (None, None)) if budget_id is not None else (None, None)
        bac = _penny(total)
        planned_to_date = _penny(planned[cuts.index(split)]) if planned else ZERO
        found[pk] = EvmFigures(
            budget_version=budget_id,
            baseline=approved_with,
            forecast_version=forecasts[pk][0] if pk in forecasts else None,
            whole_life=Outturn(
                budget=bac,
                actual_to_date=spent.get(pk, ZERO),
                # with no forecast, the rest of the budget stands
                forecast_remaining=ahead.get(pk, ZERO) if pk in forecasts else bac - planned_to_date,
                split=split,
            ),
            # money in it: a line, and one of money (its first and last months)
            shape=MonthlyShape(bac, first, last) if bac > 0 and first and last else None,
            planned_to_date=planned_to_date,
            budget=phasing.get(pk, {}),
            actuals=actuals.get(pk, {}),
            phased=pk in phasing,
        )
    return found


@dataclass(frozen=True)
class KeyMilestone:
    """A key milestone of the project's baseline: its baseline date, and the day the latest
    handed-in highlight report says it was achieved (None: not achieved)."""

    name: str
    due: date
    achieved_on: date | None = None


@dataclass(frozen=True)
class Earning:
    """What a project earns value by: its plan's progress, its baseline's key milestones as the
    latest handed-in report marks them, and that report's period. ``method`` chooses (the one
    place it is chosen): the plan's percent complete when it can be weighed, else the
    milestones, else nothing (``reason`` says why)."""

    progress: PlanProgress | None = None
    milestones: tuple[KeyMilestone, ...] = ()
    report_period: str = ""

    @property
    def method(self) -> str | None:
        if self.progress is not None and self.progress.percent_complete is not None:
            return EV_FROM_PLAN
        if self.milestones:
            return EV_FROM_MILESTONES
        return None

    @property
    def reason(self) -> str:
        return NO_PLAN if self.progress is None else NO_DURATIONS

    def achieved(self, by: date | None = None) -> list[KeyMilestone]:
        """The milestones achieved (by the end of ``by``, when given)."""
        return [
            m for m in self.milestones if m.achieved_on is not None and (by is None or m.achieved_on <= by)
        ]

    def ev(self, baseline: Baseline, by: date | None = None) -> Decimal:
        """EV by the method: the plan's percent complete of the BAC (as the plan stands: it keeps
        no history), or the weights of the milestones achieved by ``by``."""
        if self.method == EV_FROM_PLAN:
            assert self.progress is not None and self.progress.percent_complete is not None
            return earned_value(
                [WorkPackage(budget=baseline.bac, percent_complete=self.progress.percent_complete)]
            )
        done = {m.name for m in self.achieved(by)}
        package = WorkPackage(
            budget=baseline.bac,
            method=EarningMethod.MILESTONES,
            milestones=tuple(
                Milestone(weight=weight, achieved=m.name in done)
                for m, weight in milestone_weights(baseline, self.milestones)
            ),
        )
        return earned_value([package])

    @property
    def basis(self) -> str:
        """How the EV was earned, in words."""
        if self.method == EV_FROM_PLAN:
            return "the plan's percent complete of the budget at completion"
        if self.method == EV_FROM_MILESTONES:
            report = f"the {self.report_period} highlight report" if self.report_period else "no report yet"
            return (
                f"{len(self.achieved())} of {len(self.milestones)} key milestones achieved ({report}), each "
                "weighing the budget phased up to its baseline date"
            )
        return ""


def milestone_weights(
    baseline: Baseline, milestones: Iterable[KeyMilestone]
) -> list[tuple[KeyMilestone, Decimal]]:
    """Each milestone's weight, soonest first: the budget the baseline phases from the milestone
    before it up to its baseline date; the last takes the rest up to the BAC (so the weights add
    up to the BAC, and every milestone achieved earns it all)."""
    ordered = sorted(milestones, key=lambda m: (m.due, m.name))
    found, before = [], ZERO
    for index, milestone in enumerate(ordered):
        reached = (
            baseline.bac if index == len(ordered) - 1 else baseline.pv_at(baseline.time_at(milestone.due))
        )
        reached = max(reached, before)
        found.append((milestone, reached - before))
        before = reached
    return found


def latest_reports(project_ids: Iterable[int] | QuerySet[Any]) -> QuerySet[HighlightReport]:
    """Each project's latest handed-in highlight report (the latest period's latest revision)."""
    handed_in = list(HANDED_IN_STATES)
    chosen = project_ids if isinstance(project_ids, QuerySet) else list(project_ids)
    return HighlightReport.objects.filter(project_id__in=chosen, status__in=handed_in).filter(
        pk=Subquery(
            HighlightReport.objects.filter(project=OuterRef("project"), status__in=handed_in)
            .order_by("-period__start", "-revision")
            .values("pk")[:1]
        )
    )


def earnings(
    baselines: Mapping[int, int | None], projects: QuerySet[Any] | None = None
) -> dict[int, Earning]:
    """What each project earns value by (three queries whatever the number of projects): its
    plan's progress; the key milestones of the baseline its current budget was approved with
    (else its latest baseline); which of them the latest handed-in highlight report marks
    achieved. ``projects``, when given, is a query of the same projects' ids to filter by."""
    ids = list(baselines)
    among = projects if projects is not None else ids
    progress = plan_progress(ids)
    latest = latest_reports(among)
    achieved: dict[int, dict[str, date | None]] = {}
    periods: dict[int, str] = {}
    for project_id, start, end, name, on in ReportMilestone.objects.filter(report__in=latest).values_list(
        "report__project_id", "report__period__start", "report__period__end", "name", "achieved_on"
    ):
        achieved.setdefault(project_id, {})[name] = on
        periods[project_id] = str(ReportingPeriod(start=start, end=end))
    dated: dict[int, dict[tuple[int, int], list[tuple[str, date]]]] = {}
    for project_id, baseline_id, number, name, due in (
        BaselineMilestone.objects.filter(baseline__project_id__in=among)
        .order_by()
        .values_list("baseline__project_id", "baseline_id", "baseline__number", "name", "due")
    ):
        dated.setdefault(project_id, {}).setdefault((number, baseline_id), []).append((name, due))
    found = {}
    for project_id, approved_with in baselines.items():
        own = dated.get(project_id, {})
        chosen = None
        if approved_with is not None:
            chosen = next((key for key in own if key[1] == approved_with), None)
        if chosen is None and own:
            chosen = max(own)
        marked = achieved.get(project_id, {})
        milestones = tuple(
            KeyMilestone(name, due, marked.get(name)) for name, due in (own[chosen] if chosen else [])
        )
        found[project_id] = Earning(progress.get(project_id), milestones, periods.get(project_id, ""))
    return found


@dataclass(frozen=True)
class TrendPoint:
    """EVM at one month end: PV and AC always; EV and the indices where the method can say what
    had been earned by then (the plan keeps no history, so only its status date has them)."""

    day: date
    pv: Decimal
    ac: Decimal
    ev: Decimal | None = None
    cpi: Decimal | None = None
    spi: Decimal | None = None
    spi_t: Decimal | None = None


@dataclass
class ProjectEvm:
    """A project's earned value figures at its status date (``None`` where ``undefined`` says
    why), EV earned by ``ev_method`` (``EV_FROM_PLAN`` or ``EV_FROM_MILESTONES``); ``trend``
    (when asked for) the figures at each month end to the status date."""

    project: Project
    as_of: date
    status_date: date | None = None
    ev_method: str | None = None
    ev_basis: str = ""
    percent_complete: Decimal | None = None
    plan_status_date: date | None = None
    milestones_achieved: int | None = None
    milestones: int | None = None
    milestones_overdue: int | None = None  # by milestones: due by the status date, not achieved
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
    trend: list[TrendPoint] = field(default_factory=list)
    baseline: Baseline | None = None

    @property
    def eac(self) -> Decimal | None:
        """The EAC the charts project to: at the cost performance so far, else bottom-up."""
        found = {f["method"]: f["eac"] for f in self.forecasts}
        return found.get(EacMethod.CPI.value) or found.get(EacMethod.BOTTOM_UP.value)


NO_FORECASTS = tuple(
    {"method": m.value, "eac": None, "etc": None, "vac": None, "tcpi": None} for m in EacMethod
)


def _no_forecasts() -> list[dict[str, Any]]:
    return [dict(each) for each in NO_FORECASTS]


def _measure(result: ProjectEvm, figures: EvmFigures, earning: Earning) -> None:
    result.ac = figures.whole_life.actual_to_date
    progress = earning.progress
    if progress is not None:
        result.percent_complete, result.plan_status_date = progress.percent_complete, progress.status_date
    result.ev_method, result.ev_basis = earning.method, earning.basis
    if earning.method == EV_FROM_MILESTONES:
        result.milestones_achieved, result.milestones = len(earning.achieved()), len(earning.milestones)
    shape, split = figures.shape, figures.whole_life.split
    if shape is None or split is None:
        result.undefined.update(dict.fromkeys((*BUDGET_FIGURES, *EV_FIGURES, *EAC_FIGURES), NO_BUDGET))
        result.forecasts = _no_forecasts()
        return
    baseline = pv_baseline(figures.budget) if figures.phased else None
    result.baseline = baseline
    status = split - timedelta(days=1)
    result.status_date = status
    if earning.method == EV_FROM_MILESTONES:
        done = {m.name for m in earning.achieved(status)}
        result.milestones_overdue = sum(
            1 for m in earning.milestones if m.due <= status and m.name not in done
        )
    if baseline is not None:
        result.bac, result.planned_duration = baseline.bac, baseline.planned_duration
        result.actual_time = baseline.time_at(status)
        result.pv = baseline.pv_at(result.actual_time)
    else:  # the same figures from the budget's shape, its months unread (``MonthlyShape``)
        result.bac, result.planned_duration = shape.bac, shape.planned_duration
        result.actual_time = shape.time_at_month_start(split)
        result.pv = figures.planned_to_date
    if earning.method is None:
        reason = earning.reason
        result.undefined["ev_method"] = result.undefined["ev"] = reason
        needs = NEEDS_EV.format(reason=reason)
        result.undefined.update(dict.fromkeys(EV_FIGURES[1:], needs))
        result.forecasts = _no_forecasts()
        result.undefined.update(dict.fromkeys(EAC_FIGURES, needs))
        return
    # A project that can earn value has a plan or key milestones, so its months were read.
    assert baseline is not None, "earned value needs the budget by month"
    ev = earning.ev(baseline, status)
    whole = figures.whole_life
    try:  # as ``adapters.project_measurement``: the latest forecast of the rest is bottom-up ETC
        measured = measure(
            baseline,
            actual_time=result.actual_time,
            ev=ev,
            ac=whole.actual_to_date,
            bottom_up_etc=whole.forecast_remaining if figures.forecast_version is not None else None,
        )
    except ValueError as exc:  # the engine refuses figures that cannot be (a negative actual cost)
        for name in EV_FIGURES:
            result.undefined[name] = str(exc)
        result.forecasts = _no_forecasts()
        return
    result.ev, result.sv, result.cv = measured.ev, measured.sv, measured.cv
    result.spi, result.cpi, result.tcpi_bac = measured.spi, measured.cpi, measured.tcpi_bac
    result.es, result.sv_t, result.spi_t = measured.es, measured.sv_t, measured.spi_t
    result.ieac_t, result.forecast_finish = measured.ieac_t, measured.forecast_finish
    result.forecasts = [
        {"method": f.method.value, "eac": f.eac, "etc": f.etc, "vac": f.vac, "tcpi": f.tcpi}
        for f in measured.forecasts
    ]
    result.undefined.update(measured.undefined)


def _trend(result: ProjectEvm, figures: EvmFigures, earning: Earning) -> list[TrendPoint]:
    """The month ends from the budget's first to the status date: PV and AC at each; EV and the
    indices at each by the milestones (``engine.trend``), or at the status date only by the plan."""
    baseline = result.baseline
    if baseline is None or result.actual_time is None:
        return []
    periods = int(result.actual_time)
    ends = [baseline.date_at(Decimal(k)) for k in range(1, periods + 1)]
    spent, acs, running = sorted(figures.actuals.items()), [], ZERO
    for end in ends:  # the actuals to each month end, running on
        while spent and spent[0][0] <= end:
            running += spent.pop(0)[1]
        acs.append(running)
    pvs = [baseline.pv_at(Decimal(k)) for k in range(1, periods + 1)]
    if earning.method == EV_FROM_MILESTONES and result.ev is not None:
        try:
            measured = trend(baseline, [earning.ev(baseline, end) for end in ends], acs)
        except ValueError:  # a negative AC on the way: the points without EV
            measured = ()
        if measured:
            return [
                TrendPoint(end, m.pv, m.ac, m.ev, m.cpi, m.spi, m.spi_t)
                for end, m in zip(ends, measured, strict=True)
            ]
    points = [TrendPoint(end, pv, ac) for end, pv, ac in zip(ends, pvs, acs, strict=True)]
    if points and result.ev is not None and points[-1].day == result.status_date:
        last = points[-1]
        points[-1] = TrendPoint(last.day, last.pv, last.ac, result.ev, result.cpi, result.spi, result.spi_t)
    return points


def project_evms(
    projects: Iterable[Project], as_of: date | None = None, *, trends: bool = False
) -> list[ProjectEvm]:
    """Each project's earned value at ``as_of`` (today by default): its figures split as
    ``project_finance`` splits them on that day, measured at the end of the month before the
    split, EV earned as ``Earning.method`` chooses; with ``trends``, the figures at each month
    end too. Ten queries whatever the number of projects."""
    as_of = as_of or clock.today()
    given = projects
    projects = list(projects)  # a query keeps the rows read: it is not read again
    chosen = chosen_ids(given)  # a query of their ids, when they came as a query
    figures = evm_figures(given if isinstance(chosen, QuerySet) else projects, as_of, trends=trends)
    earned = earnings(
        {pk: each.baseline for pk, each in figures.items()}, chosen if isinstance(chosen, QuerySet) else None
    )
    found = []
    for project in projects:
        result = ProjectEvm(project=project, as_of=as_of)
        _measure(result, figures[project.pk], earned[project.pk])
        if trends:
            result.trend = _trend(result, figures[project.pk], earned[project.pk])
        found.append(result)
    return found


# Early warning ----------------------------------------------------------------------------------

TREND_MONTHS = 3
"""The trend is read over the last three months (four month ends)."""
WARNING_MONTHS = 2
"""A falling index warns when, at its rate, it would cross its threshold within two months."""
REPORTED_TROUBLE = ("amber", "amber_red", "red")
"""Ratings by which the project manager already reports trouble: no early warning is needed."""


@dataclass(frozen=True)
class IndexTrend:
    """One index (CPI or SPI(t)) over the last months: its values, oldest first, the change a
    month, and the warning, in words, when it is below or heading below its threshold."""

    name: str
    values: tuple[Decimal, ...]
    threshold: Decimal
    per_month: Decimal | None
    warning: str = ""

    @property
    def latest(self) -> Decimal | None:
        return self.values[-1] if self.values else None


def index_trend(points: Sequence[TrendPoint], key: str, name: str, threshold: Decimal) -> IndexTrend:
    """The index ``key`` at the last ``TREND_MONTHS`` + 1 month ends it was measured at; it warns
    when it is below ``threshold`` now, or falling at a rate that takes it below within
    ``WARNING_MONTHS`` (a straight line through the first and last of those values)."""
    values = tuple(v for v in (getattr(p, key) for p in points[-(TREND_MONTHS + 1) :]) if v is not None)
    if not values:
        return IndexTrend(name, values, threshold, None)
    latest = values[-1]
    per_month = (latest - values[0]) / (len(values) - 1) if len(values) > 1 else None
    shown = f"{name} {latest:.2f}"
    if latest < threshold:
        # "just below" where two places would read as the threshold itself ("0.95 is below 0.95")
        said = f"{name} is just below" if f"{latest:.2f}" == f"{threshold:.2f}" else f"{shown} is below"
        return IndexTrend(name, values, threshold, per_month, f"{said} the threshold {threshold:.2f}")
    if per_month is not None and per_month < 0:
        months = (latest - threshold) / -per_month
        if months < WARNING_MONTHS:
            warning = (
                f"{shown} fell from {values[0]:.2f} over the last {len(values) - 1} months "
                f"({per_month:.2f} a month): at this rate it is below the threshold {threshold:.2f} "
                f"within {WARNING_MONTHS} months"
            )
            return IndexTrend(name, values, threshold, per_month, warning)
    return IndexTrend(name, values, threshold, per_month)


def latest_ratings(project_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Each project's latest handed-in highlight report's overall rating and period (one query)."""
    latest = latest_reports(project_ids)
    return {
        project_id: (rating, str(ReportingPeriod(start=start, end=end)))
        for project_id, rating, start, end in latest.values_list(
            "project_id", "overall_status", "period__start", "period__end"
        )
    }
