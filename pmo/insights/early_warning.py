"""Early warning for many projects at once: the adapter from reports, tolerance checks and RAID
dependencies to the engine's histories (``pmo.engine.early_warning``), read in a fixed number of
queries whatever the number of projects (ADR 0032).

``early_warnings(projects, as_of)`` is the one entry point: pages, the API, the work queue and the
cockpit read it.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Case, CharField, IntegerField, Min, Q, QuerySet, Value, When
from django.utils import timezone

from pmo.core.kept import CHECKS, DOMAIN, ROWS, kept
from pmo.core.restrict import EVERYTHING, matches, restriction
from pmo.engine.early_warning import (
    HIGH,
    LOW,
    MEDIUM,
    History,
    Kind,
    RaidItem,
    Report,
    Signal,
    Thresholds,
    WaitsOn,
    provider_unnamed,
)
from pmo.engine.early_warning import early_warnings as engine_early_warnings
from pmo.engine.evidence import Rating
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Project
from pmo.raid import selectors as raid
from pmo.raid.choices import ActionSource, AssumptionStatus, DependencyStatus, Severity
from pmo.raid.models import REGISTERS, Action, Assumption, Decision, Dependency, Issue, RaidSettings, Risk
from pmo.reporting.choices import HANDED_IN_STATES, RATING_ORDER, ToleranceDimension
from pmo.reporting.choices import Rating as RatingChoice
from pmo.reporting.evidence import MAX_PARAMETERS
from pmo.reporting.models import (
    HighlightReport,
    ReportingPeriod,
    ReportingSettings,
    ReportMilestone,
    ToleranceCheck,
)
from pmo.reporting.selectors import reporting_settings
from pmo.schedule import crosslinks
from pmo.schedule.models import Plan

HISTORY_CAP = 24  # periods read at most


@dataclass(frozen=True)
class ProjectWarnings:
    """A project's early-warning signals, heaviest first, and their total weight; with what is
    known of the projects its dependency signals name (``PROVIDER_READS`` by code), so that a
    reader who may not see one is not told its name (``_as_seen_by``)."""

    project: Project
    signals: list[Signal] = field(default_factory=list)
    providers: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def weight(self) -> int:
        return sum(signal.weight for signal in self.signals)

    @property
    def reason(self) -> str:
        return "; ".join(signal.reason for signal in self.signals)


def thresholds_from(row: ReportingSettings, raid_config: RaidSettings | None = None) -> Thresholds:
    return Thresholds(
        raid_stale_days=raid_config.stale_days if raid_config else Thresholds.raid_stale_days,
        raid_overdue_days=row.early_raid_overdue_days,
        raid_points=row.early_raid_points,
        slip_reports=row.early_slip_reports,
        slip_share=Decimal(row.early_slip_share),
        creep_reports=row.early_creep_reports,
        creep_share=Decimal(row.early_creep_share),
        confidence_falls=row.early_confidence_falls,
        late_reports=row.early_late_reports,
        late_window=row.early_late_window,
        dependency_days=row.early_dependency_days,
    )


def _periods(thresholds: Thresholds, as_of: date) -> list[ReportingPeriod]:
    """The periods the trends read, oldest first: enough for twice the longest run asked for."""
    longest = max(
        thresholds.slip_reports, thresholds.creep_reports, thresholds.confidence_falls, thresholds.late_window
    )
    count = min(2 * longest + 1, HISTORY_CAP)
    return list(reversed(ReportingPeriod.objects.filter(start__lte=as_of).order_by("-start")[:count]))


@dataclass
class ReportRead:
    """What the trends read of a handed-in report: plain values, not model instances (thousands
    of projects' reports over a dozen periods are read at once)."""

    forecast_cost: Decimal | None
    overall_status: str
    milestones: dict[str, date] = field(default_factory=dict)  # those not yet achieved


def _reports(project_ids: list[int], periods: list[ReportingPeriod]) -> dict[tuple[int, int], ReportRead]:
    """Each project's latest handed-in revision per period, with its milestones not yet achieved
    (two queries; one when there is none)."""
    handed_in = HighlightReport.objects.filter(
        project_id__in=project_ids, period__in=periods, status__in=HANDED_IN_STATES
    )
    latest: dict[tuple[int, int], ReportRead] = {}
    by_id: dict[int, ReportRead] = {}
    for pk, project_id, period_id, forecast_cost, overall_status in handed_in.order_by(
        "project_id", "period_id", "-revision"
    ).values_list("pk", "project_id", "period_id", "forecast_cost", "overall_status"):
        if (project_id, period_id) not in latest:
            latest[(project_id, period_id)] = by_id[pk] = ReportRead(forecast_cost, overall_status)
    if not by_id:
        return latest
    # The latest revisions' ids when they are few (a project manager's projects): as a subquery
    # of the reports, SQLite read every milestone not yet achieved (41 ms at 5,000 projects).
    reports = list(by_id) if len(by_id) <= MAX_PARAMETERS else handed_in
    for report_id, name, forecast in (
        ReportMilestone.objects.filter(report__in=reports, achieved_on__isnull=True)
        .order_by("report_id", "pk")
        .values_list("report_id", "name", "forecast")
    ):
        if report_id in by_id:
            by_id[report_id].milestones[name] = forecast
    return latest


def _first_handed_in(project_ids: list[int], periods: list[ReportingPeriod]) -> dict[tuple[int, int], date]:
    """When each project first handed in its report for each period (revisions later do not
    make it on time)."""
    rows = (
        HighlightReport.objects.filter(
            project_id__in=project_ids, period__in=periods, submitted_at__isnull=False
        )
        .values_list("project_id", "period_id")
        .annotate(first=Min("submitted_at"))
    )
    zone = timezone.get_current_timezone()  # once, not per row
    return {(project_id, period_id): first.astimezone(zone).date() for project_id, period_id, first in rows}


def _allowances(project_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    allowances: dict[int, dict[str, Decimal]] = defaultdict(dict)
    rows = ToleranceCheck.objects.filter(
        project_id__in=project_ids, dimension__in=[ToleranceDimension.TIME, ToleranceDimension.COST]
    ).values_list("project_id", "dimension", "allowance")
    for project_id, dimension, allowance in rows:
        allowances[project_id][dimension] = allowance
    return allowances


PROVIDER_READS = ("id", "code", "confidential", "sponsor_id", "project_manager_id")
"""What is kept of a project another waits on: what the projects' view rule reads
(``pmo.portfolio.rules``), so whether a reader may see it is answered without a query. A field a
changed rule reads beyond these is loaded when read (deferred), so the answer stays right."""


def _waits_on(project_ids: list[int]) -> tuple[dict[int, list[WaitsOn]], dict[str, dict[str, Any]]]:
    """Open dependencies on other projects with a need-by date, against the provider's latest
    forecast finish (its latest handed-in report's, else its planned finish); a delivery needed
    before the provider's planned finish is taken to slip as that finish does. With the
    providers' ``PROVIDER_READS`` by code."""
    dependencies = list(
        Dependency.objects.filter(
            project_id__in=project_ids,
            status__in=Dependency.OPEN_STATUSES,
            depends_on__isnull=False,
            due__isnull=False,
        ).values(
            "pk",
            "project_id",
            "due",
            "giving_task_uid",
            "needing_task_uid",
            "depends_on__planned_finish",
            *(f"depends_on__{name}" if name != "id" else "depends_on_id" for name in PROVIDER_READS),
        )
    )
    known = {
        row["depends_on__code"]: {
            name: row["depends_on_id" if name == "id" else f"depends_on__{name}"] for name in PROVIDER_READS
        }
        for row in dependencies
    }
    providers = {row["depends_on_id"] for row in dependencies}
    forecasts: dict[int, date] = {}
    for project_id, finish in (
        HighlightReport.objects.filter(project_id__in=providers, status__in=HANDED_IN_STATES)
        .order_by("project_id", "-period__start", "-revision")
        .values_list("project_id", "forecast_finish")
    ):
        if finish is not None:
            forecasts.setdefault(project_id, finish)
    tied = any(
        row["giving_task_uid"] is not None or row["needing_task_uid"] is not None for row in dependencies
    )
    ties = crosslinks.cross_network().ties if tied else {}  # the plans' dates, slips carried through
    waits: dict[int, list[WaitsOn]] = defaultdict(list)
    for row in dependencies:
        need_by = row["due"]
        if need_by is None:  # filtered out above; tells the type checker
            continue
        planned = row["depends_on__planned_finish"]
        forecast = forecasts.get(row["depends_on_id"], planned)
        if forecast is not None and planned is not None and planned > need_by:
            # Needed before the provider's planned finish: an interim delivery, taken to move
            # with the provider's finish (its slip), not to come at the finish itself.
            forecast = need_by + (forecast - planned)
        task = ""
        tie = ties.get(row["pk"])
        if tie is not None:  # tied to plan tasks: the plans give the dates (a broken side does not)
            need_by = tie.need_by or need_by
            if tie.giving is not None:
                forecast, task = tie.forecast, tie.giving.name
        waits[row["project_id"]].append(
            WaitsOn(
                row["depends_on__code"],
                need_by=need_by,
                forecast=forecast,
                reference=f"DEP-{row['pk']}",
                task=task,
            )
        )
    return waits, known


def _severity(model: type, config: RaidSettings) -> Case | Value:
    """How severe an open item of ``model`` is (``LOW``, ``MEDIUM``, ``HIGH``), in the database: a
    risk by its residual score's band; an issue by its severity; a corrective action (from an
    exception) high, any other action low; an assumption found not to hold high, one not yet
    validated low; a dependency at risk high, else medium; a decision awaited medium."""
    matrix = config.matrix
    whens: dict[type, list[When]] = {
        Risk: [
            When(residual_score__gte=matrix.high_from, then=HIGH),
            When(residual_score__gte=matrix.medium_from, then=MEDIUM),
        ],
        Issue: [
            When(severity__in=[Severity.CRITICAL, Severity.MAJOR], then=HIGH),
            When(severity=Severity.MODERATE, then=MEDIUM),
        ],
        Action: [When(source=ActionSource.EXCEPTION, then=HIGH)],
        Assumption: [When(status=AssumptionStatus.INVALID, then=HIGH)],
        Dependency: [When(status=DependencyStatus.AT_RISK, then=HIGH)],
    }
    otherwise = {Dependency: MEDIUM, Decision: MEDIUM}.get(model, LOW)
    if model not in whens:
        return Value(otherwise, output_field=IntegerField())
    return Case(*whens[model], default=Value(otherwise), output_field=IntegerField())


def _raid_left_alone(
    project_ids: list[int], as_of: date, thresholds: Thresholds, config: RaidSettings
) -> dict[int, list[RaidItem]]:
    """Each project's open RAID items old enough to weigh (stale, or a step past their date), with
    their severity: one query (the six registers in one UNION ALL)."""
    stale_before = as_of - timedelta(days=thresholds.raid_stale_days - 1)
    late_before = as_of - timedelta(days=thresholds.raid_overdue_days - 1)
    parts = [
        model._default_manager.filter(project_id__in=project_ids)
        .filter(
            raid.stale_q(model, stale_before=stale_before) | (raid.open_q(model) & Q(due__lt=late_before))
        )
        .order_by()
        .annotate(prefix=Value(model.PREFIX, output_field=CharField()), weight=_severity(model, config))
        .values_list("prefix", "pk", "project_id", "weight", "last_reviewed_on", "raised_on", "due")
        for model in REGISTERS.values()
    ]
    found: dict[int, list[RaidItem]] = defaultdict(list)
    for prefix, pk, project_id, weight, reviewed, raised, due in parts[0].union(*parts[1:], all=True):
        since = reviewed or raised
        found[project_id].append(
            RaidItem(
                f"{prefix}-{pk}",
                weight,
                unreviewed_days=max((as_of - since).days, 0) if since else 0,
                overdue_days=max((as_of - due).days, 0) if due else 0,
            )
        )
    return found


def _report(period: ReportingPeriod, report: ReportRead | None, handed_in: date | None) -> Report:
    if report is None:
        return Report(due=period.due, handed_in=handed_in)
    return Report(
        due=period.due,
        handed_in=handed_in,
        forecast_cost=report.forecast_cost,
        confidence=Rating(RATING_ORDER[RatingChoice(report.overall_status)])
        if report.overall_status
        else None,
        milestones=report.milestones,
    )


def _owed(project: Project, period: ReportingPeriod) -> bool:
    return project.planned_start is None or project.planned_start <= period.end


# What early warning reads, stamped (ADR 0032, "The portfolio's signals, kept"; pmo.core.kept).
STAMPED: tuple[tuple[type, str], ...] = (
    (ReportingSettings, DOMAIN),
    (RaidSettings, DOMAIN),
    (ReportingPeriod, DOMAIN),
    (HighlightReport, DOMAIN),
    (ReportMilestone, ROWS),
    (ToleranceCheck, CHECKS),
    (Project, DOMAIN),
    (Plan, DOMAIN),  # dependencies tied to plan tasks take their dates from the plans
    *((model, DOMAIN) for model in REGISTERS.values()),
)
CACHE_FORMAT = 3  # bump when what is kept changes shape
KINDS = {kind.value: kind for kind in Kind}  # a dictionary look-up is quicker than Kind(value)

Kept = tuple[
    frozenset[int], dict[int, tuple[tuple[tuple[str, int, str, str], ...], dict[str, dict[str, Any]]]]
]


def _portfolio_signals(as_of: date) -> Kept:
    """Every active project's signals as of a day, kept under the day and the data stamp: a
    change to anything read makes a new key, so nothing stale is shown."""

    def compute() -> Kept:
        portfolio = list(active(Project.objects.all()).only(*READS))
        found = _computed(portfolio, as_of)
        return (
            frozenset(project.pk for project in portfolio),
            {  # plain values: thousands of signals are read back at every page view
                pk: (
                    tuple((s.kind.value, s.weight, s.reason, s.subject) for s in warnings.signals),
                    warnings.providers,
                )
                for pk, warnings in found.items()
            },
        )

    return kept("early-warning", STAMPED, compute, CACHE_FORMAT, as_of.isoformat())


READS = ("pk", "code", "name", "status", "planned_start")  # what the computation reads of a project
FEW = 50  # a reader's own few projects (a project manager's) are cheaper worked out than stamped


def early_warnings(
    projects: QuerySet[Project] | Iterable[Project],
    as_of: date,
    *,
    settings: ReportingSettings | None = None,
    raid_config: RaidSettings | None = None,
    reader: Any = None,
) -> dict[int, ProjectWarnings]:
    """Early-warning signals for each of ``projects`` (already restricted to what the reader may
    see) as of a day, by project id; projects with no signal are left out. Told to a ``reader``
    (a user), a dependency does not name a project they may not see (``_as_seen_by``, no
    query); without one, everything is named (the PMO's own reads, tests). The whole portfolio's
    signals are worked out once per change and kept (``_portfolio_signals``); each reader keeps
    those of its own projects. One query besides reading ``projects`` when kept (the stamp),
    twelve when not (the stamp, the portfolio's active projects and ``_computed``'s ten). A
    queryset of more than ``FEW`` projects is read as its first few (to learn it is many), then
    only its projects the kept signals name: a reader of thousands loads only those it shows.
    Worked out directly (``_computed``, ten queries): ``FEW`` projects or fewer (a project
    manager's own, one project's page), projects not active, all when thresholds are given."""
    if isinstance(projects, QuerySet) and settings is None and raid_config is None:
        first = list(projects[: FEW + 1])
        if len(first) > FEW:  # a reader of many: load only the projects the kept signals name
            kept_signals = _portfolio_signals(as_of)
            return _told(_from_kept(_narrowed(projects, kept_signals), kept_signals, as_of), reader)
        projects = first
    projects = list(projects)
    if not projects:
        return {}  # no project of its own: nothing to read (a sponsor's work queue)
    if settings is not None or raid_config is not None or len(projects) <= FEW:
        found = _computed(projects, as_of, settings=settings, raid_config=raid_config)
        return _told(found, reader)
    return _told(_from_kept(projects, _portfolio_signals(as_of), as_of), reader)


def _told(found: dict[int, ProjectWarnings], reader: Any) -> dict[int, ProjectWarnings]:
    return found if reader is None else _as_seen_by(found, reader)


def _narrowed(projects: QuerySet[Project], kept_signals: Kept) -> list[Project]:
    """Of ``projects``, those with kept signals and those the kept signals do not cover (not
    active when they were worked out); all of them when the signals name too many to list."""
    signals = kept_signals[1]
    if len(signals) > MAX_PARAMETERS:
        return list(projects)
    return list(projects.filter(Q(pk__in=list(signals)) | ~Q(status=ProjectStatus.ACTIVE)))


def _from_kept(projects: list[Project], kept_signals: Kept, as_of: date) -> dict[int, ProjectWarnings]:
    """The signals of ``projects`` from what is kept; any project it does not cover worked out."""
    covered, signals = kept_signals
    others = [project for project in projects if project.pk not in covered]
    result = _computed(others, as_of) if others else {}
    for project in projects:
        found = signals.get(project.pk)
        if found is not None:
            result[project.pk] = ProjectWarnings(
                project, [Signal(KINDS[k], w, r, s) for k, w, r, s in found[0]], found[1]
            )
    return {project.pk: result[project.pk] for project in projects if project.pk in result}


def _computed(
    projects: QuerySet[Project] | Iterable[Project],
    as_of: date,
    *,
    settings: ReportingSettings | None = None,
    raid_config: RaidSettings | None = None,
) -> dict[int, ProjectWarnings]:
    """Early-warning signals for each of ``projects`` as of a day, worked out: ten queries
    whatever the number of projects, besides reading ``projects`` (one fewer for each of the
    reporting and RAID settings given)."""
    projects = list(projects)
    raid_config = raid_config or raid.raid_settings()
    thresholds = thresholds_from(settings or reporting_settings(), raid_config)
    periods = _periods(thresholds, as_of)
    ids = [project.pk for project in projects]
    reports = _reports(ids, periods)
    handed_in = _first_handed_in(ids, periods)
    allowances = _allowances(ids)
    waits, providers = _waits_on(ids)
    left_alone = _raid_left_alone(ids, as_of, thresholds, raid_config)
    result: dict[int, ProjectWarnings] = {}
    for project in projects:
        history = History(
            reports=[
                _report(period, reports.get((project.pk, period.pk)), handed_in.get((project.pk, period.pk)))
                for period in periods
                if _owed(project, period) or (project.pk, period.pk) in reports
            ],
            time_allowance_days=allowances[project.pk].get(ToleranceDimension.TIME),
            cost_allowance=allowances[project.pk].get(ToleranceDimension.COST),
            waits_on=waits.get(project.pk, ()),
            raid=left_alone.get(project.pk, ()),
        )
        signals = engine_early_warnings(history, as_of, thresholds)
        if signals:
            named = {s.subject: providers[s.subject] for s in signals if s.kind is Kind.DEPENDENCY}
            result[project.pk] = ProjectWarnings(project, signals, named)
    return result


def _provider(known: dict[str, Any]) -> Project:
    """A project another waits on, as far as it is kept (its other fields load when read)."""
    names = [f.attname for f in Project._meta.concrete_fields if f.attname in known]
    return Project.from_db(DEFAULT_DB_ALIAS, names, [known[name] for name in names])


def _as_seen_by(found: dict[int, ProjectWarnings], reader: Any) -> dict[int, ProjectWarnings]:
    """``found`` as ``reader`` may be told it: a dependency on a project they may not see
    (``Project.objects.restrict(reader, "view")``) keeps its weight and lateness but does not
    name the project ("waits on a project you cannot see, …"). Answered from the providers kept
    with the signals (``matches``), without a query."""
    if not any(warnings.providers for warnings in found.values()):
        return found
    rule = restriction(Project, reader, "view")
    if rule == EVERYTHING:
        return found
    seen: dict[str, bool] = {}
    result = {}
    for pk, warnings in found.items():
        for code, known in warnings.providers.items():
            if code not in seen:
                seen[code] = matches(_provider(known), rule)
        hidden = {code for code in warnings.providers if not seen[code]}
        if hidden:
            warnings = ProjectWarnings(
                warnings.project,
                [provider_unnamed(s) if s.subject in hidden else s for s in warnings.signals],
                {code: known for code, known in warnings.providers.items() if code not in hidden},
            )
        result[pk] = warnings
    return result


def active(projects: QuerySet[Project]) -> QuerySet[Project]:
    """The projects early warning speaks of: active ones (not proposed, on hold or closed)."""
    return projects.filter(status=ProjectStatus.ACTIVE).order_by("code")


def ranked(warnings: dict[int, ProjectWarnings]) -> list[ProjectWarnings]:
    """Heaviest first, then by code."""
    return sorted(warnings.values(), key=lambda w: (-w.weight, w.project.code))
