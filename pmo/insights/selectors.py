"""Reads of the portfolio dashboard: every figure the Head of PMO opens first, for the projects
the user may see and the filters chosen, in a fixed number of queries however many projects and
periods there are. Figures are plain dataclasses; the page, the workbook and the API show them."""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from pmo.core import clock
from pmo.core.formatting import MINUS
from pmo.core.kept import DOMAIN, ROWS, kept
from pmo.core.links import Links
from pmo.core.memory import collector_paused
from pmo.core.restrict import EVERYTHING, restriction
from pmo.engine.evidence import Area, Rating
from pmo.insights.models import PackTemplate
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
from pmo.reporting.models import (
    Baseline,
    BaselineMilestone,
    HighlightReport,
    ProjectException,
    ReportingPeriod,
)
from pmo.reporting.selectors import period_being_chased, reporting_settings

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
    chased: ReportingPeriod | None = None  # the period whose reports are being chased (compliance's)
    previous: ReportingPeriod | None = None  # the period before it

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


def owes_report(planned_start: date | None, period: ReportingPeriod) -> bool:
    """An active project owes a report for ``period`` once it has started by the period's end
    (a project on hold or not yet started is not "missing")."""
    return planned_start is None or planned_start <= period.end


def _compliance(
    active: QuerySet[Project],
    starts: Mapping[int, date | None],
    period: ReportingPeriod | None,
    today: date,
) -> Compliance | None:
    """How the reports of ``period`` (the one being chased) stand among the active projects that
    owe one (``starts``: each active project's planned start)."""
    if period is None:
        return None
    owed = {pk for pk, start in starts.items() if owes_report(start, period)}
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
        owed.add(row["project_id"])  # one not yet started that reported is counted too
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
        owed=len(owed),
        on_time=on_time,
        late=late,
        draft=draft,
        missing=len(owed - seen),
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


def sees_everything(user: Any) -> bool:
    """Whether ``user`` sees every project and change request (the PMO, executives): what they
    see of the whole portfolio is the same for each of them, so it can be kept."""
    from pmo.change.models import ChangeRequest

    return all(restriction(model, user, "view") == EVERYTHING for model in (Project, ChangeRequest))


def _stamped() -> tuple[tuple[type, str], ...]:
    """Every table the dashboard and the cockpit read (``pmo.core.kept``)."""
    from pmo.change.models import ChangeRequest
    from pmo.insights.early_warning import STAMPED

    return (
        *STAMPED,
        (Person, DOMAIN),
        (Programme, DOMAIN),
        (Baseline, DOMAIN),
        (BaselineMilestone, ROWS),
        (ProjectException, DOMAIN),
        (ChangeRequest, DOMAIN),
    )


KEPT_FORMAT = 1  # bump when the dashboard's or the cockpit's figures change shape


def dashboard(*, user: Any, filters: DashboardFilters, today: date | None = None) -> Dashboard:
    """Every figure of the portfolio dashboard, for the projects ``user`` may see (filtered).
    The figures of the whole portfolio are kept until anything they read changes (ADR 0036)."""
    today = today or clock.today()

    def compute() -> Dashboard:
        with collector_paused():
            return _dashboard(user=user, filters=filters, today=today)

    if not sees_everything(user):
        return compute()
    return kept("dashboard", _stamped(), compute, KEPT_FORMAT, today.isoformat(), filters)


def _dashboard(*, user: Any, filters: DashboardFilters, today: date) -> Dashboard:
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
    chased = period_being_chased(today) or current
    previous = next((p for p in periods if chased and p.start < chased.start), None)
    exceptions = _exceptions(projects, today, links)
    return Dashboard(
        today=today,
        filters=filters,
        ratings=shown,
        period=current,
        rows=rows,
        trend=trend,
        compliance=_compliance(active, starts, chased, today),
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
        chased=chased,
        previous=previous,
    )


# The cockpit: the head of PMO's first screen --------------------------------------------------

LISTED = 4  # projects each of the cockpit's lists names (beyond tolerance, early warning)
SLIPS_LISTED = 4  # milestones the cockpit's slippage panel names
NO_STATUS = "none"
EARLY_WARNING_READS = ("pk", "code", "name", "planned_start")  # all early warning reads of a project


@dataclass(frozen=True)
class StatusCount:
    """Active projects declaring a status overall now, and before the period being chased."""

    rating: str  # a Rating value, or NO_STATUS
    label: str
    now: int
    before: int

    @property
    def change(self) -> int:
        return self.now - self.before

    @property
    def change_text(self) -> str:
        """+2, or -1 with a real minus sign, or "same"."""
        if not self.change:
            return "same"
        return f"+{self.change}" if self.change > 0 else f"{MINUS}{-self.change}"


@dataclass(frozen=True)
class Attention:
    """A project the head of PMO should look at, and why in one line."""

    code: str
    name: str
    url: str
    label: str  # "Breached", "Forecast to breach", or the heaviest signal's level
    reason: str


@dataclass(frozen=True)
class ProjectSlip:
    code: str
    url: str
    milestones: int  # key milestones forecast after their baseline
    slip_days: int  # the worst of them


@dataclass(frozen=True)
class Decisions:
    """What waits for a decision above the project: exceptions whose report is in, and assessed
    changes by who must approve them."""

    exceptions: int
    exceptions_oldest_days: int | None
    board: int
    sponsors: int


@dataclass(frozen=True)
class Cockpit:
    figures: Dashboard  # without its long lists (rows, at_risk): the pages one click deeper show them
    statuses: list[StatusCount]
    compared_with: str  # the period the "before" figures stand at ("" when none)
    beyond_tolerance: list[Attention]  # all, worst first
    early_warnings: list[Attention]  # all, heaviest first
    decisions: Decisions

    @property
    def exceptions_oldest_days(self) -> int | None:
        return max((e.age_days for e in self.figures.exceptions), default=None)

    @property
    def exception_reports_overdue(self) -> int:
        return sum(1 for e in self.figures.exceptions if e.report_overdue)

    @property
    def slipped_projects(self) -> int:
        return len({s.code for s in self.figures.slippage})

    @property
    def worst_slips(self) -> list[ProjectSlip]:
        """The projects whose milestones slipped most (their worst slip), worst first."""
        found: dict[str, ProjectSlip] = {}
        for slip in self.figures.slippage:  # worst first
            seen = found.get(slip.code)
            found[slip.code] = ProjectSlip(
                slip.code,
                slip.url,
                (seen.milestones if seen else 0) + 1,
                seen.slip_days if seen else slip.slip_days,
            )
        return list(found.values())[:SLIPS_LISTED]


def _statuses_before(active: QuerySet[Project], period: ReportingPeriod) -> Counter[str]:
    """Overall statuses of the active projects as their reports stood before ``period``: each
    one's latest handed-in report for an earlier period."""
    newest = (
        HighlightReport.objects.filter(
            project=OuterRef("pk"), status__in=HANDED_IN_STATES, period__start__lt=period.start
        )
        .order_by("-period__start", "-revision")
        .values("pk")[:1]
    )
    latest = active.order_by().annotate(latest_before=Subquery(newest)).values("latest_before")
    rows = (
        HighlightReport.objects.filter(pk__in=latest)
        .exclude(overall_status="")
        .values_list("overall_status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Counter(dict(rows))


def _statuses(figures: Dashboard, before: Counter[str]) -> list[StatusCount]:
    now = Counter(row.cells[0].rating or NO_STATUS for row in figures.rows)
    before[NO_STATUS] = max(len(figures.rows) - sum(before.values()), 0)
    shown = [*figures.ratings, NO_STATUS]
    labels = {**{r.value: str(r.label) for r in RatingChoice}, NO_STATUS: NOT_REPORTED}
    return [StatusCount(r, labels[r], now[r], before[r]) for r in shown]


def _beyond_tolerance(figures: Dashboard) -> list[Attention]:
    rows = [row for row in figures.rows if row.tolerance]
    rows.sort(key=lambda r: (-TOLERANCE_ORDER[_tolerance_state(r.tolerance)], -r.severity, r.code))
    return [
        Attention(row.code, row.name, row.url, row.tolerance, _sentence("; ".join(_tolerances(row))))
        for row in rows
    ]


def _tolerances(row: HeatmapRow) -> list[str]:
    """What the tolerance checks found, from the evidence's reasons."""
    return [reason for reason in row.evidence_reasons if "tolerance" in reason] or [row.tolerance]


def _tolerance_state(label: str) -> str:
    return next(state for state, words in TOLERANCE_LABELS.items() if str(words) == label)


def _early_warnings(projects: QuerySet[Project], today: date, links: Links, user: Any) -> list[Attention]:
    from pmo.insights.early_warning import active, early_warnings, ranked

    return [
        Attention(
            warning.project.code,
            warning.project.name,
            links(warning.project.code),
            warning.signals[0].level.capitalize(),
            _first_reason(warning.signals),
        )
        for warning in ranked(early_warnings(active(projects).only(*EARLY_WARNING_READS), today, reader=user))
    ]


def _first_reason(signals: list[Any]) -> str:
    """The heaviest signal's reason, and how many more there are (the early-warning page lists
    them all)."""
    more = len(signals) - 1
    tail = f" (and {more} more signal{'s' if more != 1 else ''})" if more else ""
    return _sentence(signals[0].reason) + tail


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _decisions(user: Any, projects: QuerySet[Project], figures: Dashboard) -> Decisions:
    from pmo.change.choices import Authority, ChangeStatus
    from pmo.change.selectors import change_request_list

    waiting = [e for e in figures.exceptions if e.status == str(ExceptionStatus.REPORT_SUBMITTED.label)]
    by_authority = dict(
        change_request_list(user=user)
        .filter(project_id__in=projects.order_by().values("pk"), status=ChangeStatus.ASSESSED)
        .values_list("authority")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Decisions(
        exceptions=len(waiting),
        exceptions_oldest_days=max((e.age_days for e in waiting), default=None),
        board=by_authority.get(Authority.BOARD, 0),
        sponsors=by_authority.get(Authority.SPONSOR, 0),
    )


def cockpit(*, user: Any, filters: DashboardFilters, today: date | None = None) -> Cockpit:
    """The head of PMO's first screen: the dashboard's figures, the statuses against the last
    period, the projects beyond tolerance and those with early warnings, and the decisions
    waiting above the projects, in a fixed number of queries; kept like the dashboard's for
    those who see the whole portfolio (ADR 0036)."""
    today = today or clock.today()
    if not sees_everything(user):
        return _cockpit(user, filters, today)
    return kept(
        "cockpit", _stamped(), lambda: _cockpit(user, filters, today), KEPT_FORMAT, today.isoformat(), filters
    )


def _cockpit(user: Any, filters: DashboardFilters, today: date) -> Cockpit:
    figures = dashboard(user=user, filters=filters, today=today)
    projects = dashboard_projects(user=user, filters=filters)
    active = projects.filter(status=ProjectStatus.ACTIVE)
    compared = figures.chased or figures.period
    before = _statuses_before(active, compared) if compared else Counter()
    return Cockpit(
        figures=replace(figures, rows=[], at_risk=[]),  # kept small: read back at every view
        statuses=_statuses(figures, before),
        compared_with=str(figures.previous) if figures.previous else "",
        beyond_tolerance=_beyond_tolerance(figures),
        early_warnings=_early_warnings(projects, today, project_links(), user),
        decisions=_decisions(user, projects, figures),
    )


def pack_template() -> PackTemplate | None:
    """The PowerPoint template board packs are made on now, if the PMO head uploaded one."""
    return PackTemplate.objects.select_related("uploaded_by").order_by("-pk").first()
