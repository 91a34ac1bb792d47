"""Reads of the portfolio dashboard: every figure the Head of PMO opens first, for the projects
the user may see and the filters chosen, in a fixed number of queries however many projects and
periods there are. Figures are plain dataclasses; the page, the workbook and the API show them."""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote

from django.db.models import Count, F, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from pmo.core import clock
from pmo.core.memory import collector_paused
from pmo.core.restrict import EVERYTHING, restriction
from pmo.engine.evidence import Area, Rating
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import OrgUnit, Person, Portfolio, Programme, Project
from pmo.raid.models import Action
from pmo.raid.selectors import open_items
from pmo.reporting.choices import (
    HANDED_IN_STATES,
    ExceptionStatus,
    ReportStatus,
    StatusScale,
    ToleranceState,
)
from pmo.reporting.choices import Rating as RatingChoice
from pmo.reporting.evidence import RATING_LABELS, ProjectEvidence, project_evidence
from pmo.reporting.models import HighlightReport, ProjectException, ReportingPeriod
from pmo.reporting.selectors import reporting_settings

TREND_PERIODS = 12
COLUMNS: tuple[tuple[str, str], ...] = (
    ("overall", "Overall"),
    *((area.value, "Risks/issues" if area is Area.RISKS else area.value.capitalize()) for area in Area),
)
NOT_REPORTED = "Not reported"
TOLERANCE_LABELS = dict(ToleranceState.choices)
AT_RISK_FROM = Rating.AMBER
TOLERANCE_ORDER: dict[str, int] = {"": 0, ToleranceState.FORECAST_TO_BREACH: 1, ToleranceState.BREACHED: 2}


@dataclass(frozen=True)
class DashboardFilters:
    """What the dashboard is narrowed to (ids; None for all)."""

    portfolio: int | None = None
    programme: int | None = None
    department: int | None = None
    sponsor: int | None = None

    def q(self) -> Q:
        names = {
            "portfolio": "portfolio_id",
            "programme": "programme_id",
            "department": "department_id",
            "sponsor": "sponsor_id",
        }
        return Q(**{column: getattr(self, name) for name, column in names.items() if getattr(self, name)})


@dataclass(frozen=True)
class Cell:
    """A status as shown: its value (for colour) and its words (never colour alone)."""

    rating: str  # a Rating value, or "" when there is none
    label: str


CELLS: dict[Rating | None, Cell] = {
    None: Cell("", NOT_REPORTED),
    **{rating: Cell(rating.name.lower(), RATING_LABELS[rating].capitalize()) for rating in Rating},
}


@dataclass(frozen=True)
class HeatmapRow:
    code: str
    name: str
    url: str
    programme: str
    project_manager: str
    reported_for: str  # the period of the latest handed-in report ("" when none)
    cells: tuple[Cell, ...]  # overall, then the areas, as in COLUMNS
    evidence: Cell
    evidence_reasons: tuple[str, ...]
    optimistic: tuple[str, ...]  # "green outside, red inside": where declared beats evidence
    tolerance: str  # the worst tolerance state found by the checks ("" when within)
    severity: int


@dataclass(frozen=True)
class TrendPoint:
    period: str
    start: date
    counts: dict[str, int]  # rating value -> number of overall statuses
    active_projects: int = 0  # those that reported for it, and the active ones started by its end

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def unreported(self) -> int:
        return max(self.active_projects - self.total, 0)

    def share(self, count: int) -> float:
        """``count`` as a percentage of the period's active projects (0 when there were none)."""
        return 100 * count / self.active_projects if self.active_projects else 0.0


@dataclass(frozen=True)
class Compliance:
    period_id: int
    period: str
    due: date
    url: str
    past_due: bool
    owed: int
    on_time: int
    late: int
    draft: int
    missing: int


@dataclass(frozen=True)
class ExceptionRow:
    code: str
    project: str
    project_url: str
    url: str
    dimensions: str
    status: str
    raised: date
    age_days: int
    report_due: date | None
    report_overdue: bool


@dataclass(frozen=True)
class ActionRow:
    code: str
    description: str
    owner: str
    due: date | None
    overdue: bool
    url: str


@dataclass(frozen=True)
class AtRiskRow:
    code: str
    name: str
    url: str
    overall: Cell
    evidence: Cell
    tolerance: str
    reasons: tuple[str, ...]
    actions: tuple[ActionRow, ...]
    severity: int


@dataclass(frozen=True)
class SlipRow:
    code: str
    project: str
    url: str
    milestone: str
    baseline: date
    forecast: date
    achieved: bool
    slip_days: int


@dataclass(frozen=True)
class Dashboard:
    today: date
    filters: DashboardFilters
    ratings: tuple[str, ...]  # the ratings the trend and heatmap legend show, best first
    period: ReportingPeriod | None
    rows: list[HeatmapRow]
    trend: list[TrendPoint]
    compliance: Compliance | None
    exceptions: list[ExceptionRow]
    at_risk: list[AtRiskRow]
    slippage: list[SlipRow]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def flagged(self) -> list[HeatmapRow]:
        return [row for row in self.rows if row.optimistic]


def dashboard_projects(*, user: Any, filters: DashboardFilters) -> QuerySet[Project]:
    """The projects the dashboard covers: those the user may see, narrowed by the filters."""
    return Project.objects.restrict(user, "view").filter(filters.q())


def filter_options(*, user: Any) -> dict[str, QuerySet[Any]]:
    """Choices for the dashboard's filters; sponsors only of projects the user may see."""
    visible = Project.objects.restrict(user, "view")
    return {
        "portfolio": Portfolio.objects.order_by("name"),
        "programme": Programme.objects.order_by("name"),
        "department": OrgUnit.objects.order_by("name"),
        "sponsor": Person.objects.filter(pk__in=visible.order_by().values("sponsor_id")).order_by("name"),
    }


def _worst_tolerance(evidence: ProjectEvidence) -> str:
    """The worst state among the project's checks; "" when all are within."""
    states = [str(status.value) for status in evidence.evidence.tolerances.values()]
    return max(states, key=TOLERANCE_ORDER.__getitem__, default="")


class Links:
    """Addresses of one kind of page for thousands of rows: one ``reverse()`` with a stand-in
    argument, then each row's key put in its place."""

    SAFE = "!$&'()*+,;=~:@"  # what reverse() leaves unquoted

    def __init__(self, name: str, stand_in: str | int, *before: str) -> None:
        self.stand_in = str(stand_in)
        self.pattern = reverse(name, args=[*before, stand_in])

    def __call__(self, key: str | int) -> str:
        return self.pattern.replace(self.stand_in, quote(str(key), safe=self.SAFE))


def project_links() -> Links:
    return Links("reporting:project_reporting", "--code--")


def _heatmap_row(
    project: Mapping[str, Any], evidence: ProjectEvidence, period_labels: dict[int, str], url: str
) -> HeatmapRow:
    report = evidence.report
    cells = tuple(CELLS[evidence.declared(key)] for key, _ in COLUMNS)
    worst = max(int(evidence.declared("overall") or 0), int(evidence.overall.rating))
    tolerance = _worst_tolerance(evidence)
    return HeatmapRow(
        code=project["code"],
        name=project["name"],
        url=url,
        programme=project["programme__name"] or "",
        project_manager=project["project_manager__name"] or "",
        reported_for=period_labels.get(report["period_id"], "") if report else "",
        cells=cells,
        evidence=CELLS[evidence.overall.rating],
        evidence_reasons=evidence.overall.reasons,
        optimistic=evidence.optimistic,
        tolerance=str(TOLERANCE_LABELS[tolerance]) if tolerance else "",
        severity=worst * 10 + TOLERANCE_ORDER[tolerance] * 2 + bool(evidence.optimistic),
    )


def _trend(
    projects: QuerySet[Project] | None,
    periods: list[ReportingPeriod],
    today: date,
    starts: Mapping[int, date | None],
) -> list[TrendPoint]:
    """Overall statuses handed in per period, over the projects active in it: those that reported
    for it, and the active ones (``starts``: their planned starts) started by its end that did not.
    ``projects`` None for every project."""
    shown = [p for p in periods if p.start <= today][:TREND_PERIODS][::-1]
    counts: dict[int, Counter[str]] = {p.pk: Counter() for p in shown}
    counted_active: Counter[int] = Counter()  # reports among the active projects started by then
    reports = HighlightReport.objects.filter(period_id__in=list(counts), status__in=HANDED_IN_STATES)
    if projects is not None:
        reports = reports.filter(project_id__in=projects.order_by().values("pk"))
    started = Q(project__planned_start__isnull=True) | Q(project__planned_start__lte=F("period__end"))
    rows = (
        reports.exclude(overall_status="")
        .values_list("period_id", "overall_status")
        .annotate(n=Count("pk"), active=Count("pk", filter=Q(project__status=ProjectStatus.ACTIVE) & started))
        .order_by()
    )
    for period_id, rating, n, active in rows:
        counts[period_id][rating] += n
        counted_active[period_id] += active
    return [
        TrendPoint(
            str(p),
            p.start,
            dict(counts[p.pk]),
            active_projects=sum(counts[p.pk].values())
            - counted_active[p.pk]
            + sum(1 for start in starts.values() if start is None or start <= p.end),
        )
        for p in shown
    ]


def _compliance(
    active: QuerySet[Project], owed_ids: list[int], period: ReportingPeriod | None, today: date
) -> Compliance | None:
    if period is None:
        return None
    on_time = late = draft = 0
    seen: set[int] = set()
    rows = (
        HighlightReport.objects.filter(project_id__in=active.order_by().values("pk"), period=period)
        .values("project_id")
        .annotate(
            handed_in=Count("pk", filter=Q(status__in=HANDED_IN_STATES)),
            first_submitted=Min("submitted_at", filter=~Q(status=ReportStatus.DRAFT)),
        )
        .order_by()
    )
    for row in rows:
        seen.add(row["project_id"])
        if not row["handed_in"]:
            draft += 1
        elif row["first_submitted"] and timezone.localdate(row["first_submitted"]) <= period.due:
            on_time += 1
        else:
            late += 1
    return Compliance(
        period_id=period.pk,
        period=str(period),
        due=period.due,
        url=reverse("reporting:period_detail", args=[period.pk]),
        past_due=today > period.due,
        owed=len(owed_ids),
        on_time=on_time,
        late=late,
        draft=draft,
        missing=sum(1 for pk in owed_ids if pk not in seen),
    )


def _exceptions(projects: QuerySet[Project], today: date, links: Links) -> list[ExceptionRow]:
    exception_links = Links("reporting:exception_detail", 987654321)
    rows = (
        ProjectException.objects.filter(project_id__in=projects.order_by().values("pk"))
        .exclude(status=ExceptionStatus.DECIDED)
        .order_by("raised_at", "pk")
        .values_list(
            "pk", "project__code", "project__name", "dimensions", "status", "raised_at", "report_due"
        )
    )
    labels = dict(ExceptionStatus.choices)
    zone = timezone.get_current_timezone()
    result = []
    for pk, code, name, dimensions, status, raised_at, report_due in rows:
        raised = raised_at.astimezone(zone).date()
        result.append(
            ExceptionRow(
                code=code,
                project=name,
                project_url=links(code),
                url=exception_links(pk),
                dimensions=dimensions,
                status=str(labels[status]),
                raised=raised,
                age_days=(today - raised).days,
                report_due=report_due,
                report_overdue=bool(
                    status == ExceptionStatus.REPORT_REQUESTED and report_due and report_due < today
                ),
            )
        )
    return result


def _actions(active: QuerySet[Project], today: date) -> dict[int, list[ActionRow]]:
    actions: dict[int, list[ActionRow]] = {}
    action_links = Links("raid:item_detail", 987654321, Action.KIND)
    rows = (
        open_items(Action.objects.filter(project_id__in=active.order_by().values("pk")))
        .order_by(F("due").asc(nulls_last=True), "pk")
        .values_list("pk", "project_id", "project__code", "title", "owner__name", "due")
    )
    for pk, project_id, code, description, owner, due in rows:
        actions.setdefault(project_id, []).append(
            ActionRow(
                code=code,
                description=description,
                owner=owner,
                due=due,
                overdue=due is not None and due < today,  # open actions only
                url=action_links(pk),
            )
        )
    return actions


def _slippage(project: Mapping[str, Any], evidence: ProjectEvidence, url: str) -> list[SlipRow]:
    rows = []
    for milestone in evidence.milestones:
        slip = milestone.slip_days
        if slip is None or slip <= 0 or milestone.baseline is None:
            continue
        rows.append(
            SlipRow(
                code=project["code"],
                project=project["name"],
                url=url,
                milestone=milestone.name,
                baseline=milestone.baseline,
                forecast=milestone.achieved_on or milestone.forecast,  # type: ignore[arg-type]
                achieved=milestone.achieved_on is not None,
                slip_days=slip,
            )
        )
    return rows


def dashboard(*, user: Any, filters: DashboardFilters, today: date | None = None) -> Dashboard:
    """Every figure of the portfolio dashboard, for the projects ``user`` may see (filtered)."""
    with collector_paused():
        return _dashboard(user=user, filters=filters, today=today)


def _dashboard(*, user: Any, filters: DashboardFilters, today: date | None) -> Dashboard:
    today = today or clock.today()
    projects = dashboard_projects(user=user, filters=filters)
    active = projects.filter(status=ProjectStatus.ACTIVE)
    periods = list(ReportingPeriod.objects.order_by("-start"))
    labels = {p.pk: str(p) for p in periods}
    current = next((p for p in periods if p.start <= today), None)
    listed = list(
        active.order_by("code").values(
            "pk", "code", "name", "programme__name", "project_manager__name", "planned_start"
        )
    )
    config = reporting_settings()
    starts = {p["pk"]: p["planned_start"] for p in listed}
    evidence = project_evidence(active, today=today, periods=periods, config=config, starts=starts)

    links = project_links()
    open_actions = _actions(active, today)
    rows, at_risk, slippage = [], [], []
    for project in listed:
        found = evidence.get(project["pk"])
        if found is None:  # made active since the first read
            continue
        row = _heatmap_row(project, found, labels, links(project["code"]))
        rows.append(row)
        slippage += _slippage(project, found, row.url)
        declared = found.declared("overall")
        if (declared is not None and declared >= AT_RISK_FROM) or row.tolerance:
            at_risk.append(
                AtRiskRow(
                    code=row.code,
                    name=row.name,
                    url=row.url,
                    overall=row.cells[0],
                    evidence=row.evidence,
                    tolerance=row.tolerance,
                    reasons=found.overall.reasons,
                    actions=tuple(open_actions.get(project["pk"], ())),
                    severity=row.severity,
                )
            )
    rows.sort(key=lambda r: (-r.severity, r.code))
    at_risk.sort(key=lambda r: (-r.severity, r.code))
    slippage.sort(key=lambda r: (-r.slip_days, r.code, r.milestone))

    scale = config.status_scale
    ratings = [r.value for r in RatingChoice]
    if scale == StatusScale.RAG:
        ratings = [RatingChoice.GREEN, RatingChoice.AMBER, RatingChoice.RED]
    everything = restriction(Project, user, "view") == EVERYTHING and not filters.q()
    trend = _trend(None if everything else projects, periods, today, starts)
    seen = {rating for point in trend for rating in point.counts}
    shown = tuple(str(r) for r in RatingChoice if r in ratings or r in seen)
    overall_counts = Counter(row.cells[0].rating or "none" for row in rows)
    exceptions = _exceptions(projects, today, links)
    return Dashboard(
        today=today,
        filters=filters,
        ratings=shown,
        period=current,
        rows=rows,
        trend=trend,
        compliance=_compliance(active, [p["pk"] for p in listed], current, today),
        exceptions=exceptions,
        at_risk=at_risk,
        slippage=slippage,
        counts={
            "projects": len(rows),
            "flagged": sum(1 for row in rows if row.optimistic),
            "at_risk": len(at_risk),
            "open_exceptions": len(exceptions),
            **{f"overall_{key}": value for key, value in overall_counts.items()},
        },
    )
