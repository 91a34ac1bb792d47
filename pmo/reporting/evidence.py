"""Evidence-based status for many projects at once: the facts the engine judges
(``pmo.engine.evidence``) read in a fixed number of queries, whatever the number of projects, and
the verdicts compared with what each project manager declared ("green outside, red inside").

The facts per project: its tolerance checks, its overdue milestones (forecast in its latest
handed-in report before today and not achieved, or a baseline milestone past due and not
achieved, or a key milestone of its plan whose finish is before today and not complete, named
with how late it is), its open high risks (its risk register's, live, when it keeps one in the system; else
as its latest report declares them), its open RAID items not reviewed within the RAID stale
period and those past their date, the reports it owes for the last three periods that are past
due and has not handed in, the days since its latest handed-in report, and, once it has an
approved budget, its CPI and SPI(t) against finance's thresholds (``pmo.finance.feeds``).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone

from pmo.core import clock
from pmo.core.compiled import CompiledQuery, CompiledRecords
from pmo.engine.evidence import (
    Area,
    Evidence,
    Rating,
    Thresholds,
    Verdict,
    assess_evidence,
    is_optimistic,
    milestone_overdue,
    overall,
)
from pmo.engine.risk import Matrix
from pmo.engine.tolerance import Dimension, Status
from pmo.finance.feeds import performances
from pmo.portfolio.models import Project
from pmo.raid import selectors as raid
from pmo.raid.models import REGISTERS, RaidSettings, Risk
from pmo.reporting.choices import HANDED_IN_STATES, ToleranceState
from pmo.reporting.models import (
    Baseline,
    BaselineMilestone,
    HighlightReport,
    ReportingPeriod,
    ReportingSettings,
    ReportMilestone,
    ToleranceCheck,
)
from pmo.reporting.selectors import reporting_settings
from pmo.schedule.selectors import overdue_key_milestones

RECENT_PERIODS = 3  # missing reports count over this many past-due periods
MAX_PARAMETERS = 10_000
# Up to this many projects (a page of a register, a project alone), their ids are handed to the
# queries as parameters: simpler SQL than a subquery of the projects, and quicker for Django to
# build (most of the time 50 rows' evidence took was the ORM making its queries, not the SQL).
IDS_AS_PARAMETERS = 1_000
AREAS = tuple(Area)
REPORT_FIELDS = (
    "pk",
    "project_id",
    "period_id",
    "period__end",
    "status",
    "submitted_at",
    "high_risks_open",
    "overall_status",
    *(f"{area.value}_status" for area in AREAS),
)
OPTIMISTIC = "{what}: declared {declared}, evidence {evidence}"
OPTIMISTIC_BECAUSE = OPTIMISTIC + " ({reasons})"
RATING_LABELS = {
    Rating.GREEN: "green",
    Rating.AMBER_GREEN: "amber/green",
    Rating.AMBER: "amber",
    Rating.AMBER_RED: "amber/red",
    Rating.RED: "red",
}


DECLARED: dict[str, Rating] = {rating.name.lower(): rating for rating in Rating}


def declared_rating(value: str) -> Rating | None:
    """A report's stored status (``"amber_green"``) on the engine's ladder; None when blank."""
    return DECLARED.get(value)


@dataclass(frozen=True)
class MilestoneFacts:
    """A key milestone as the baseline and the latest report have it (either may be missing)."""

    name: str
    baseline: date | None = None
    forecast: date | None = None
    achieved_on: date | None = None

    @property
    def slip_days(self) -> int | None:
        """Days the latest forecast (or achievement) is later than the baseline date."""
        later = self.achieved_on or self.forecast
        if self.baseline is None or later is None:
            return None
        return (later - self.baseline).days

    @property
    def expected(self) -> date | None:
        """The date it is judged on: the latest forecast, else the baseline date."""
        return self.forecast or self.baseline

    def is_overdue(
        self, today: date, reported_to: date | None = None, covering_due: date | None = None
    ) -> bool:
        """Not achieved though its date has passed: at once within the period the latest report
        covers (the report itself shows it missed); else once the report of the period holding
        its date (due ``covering_due``) is past due with still no word of it achieved, never
        before; with no period holding the date, ``PMO_MILESTONE_GRACE_DAYS`` after it
        (``pmo.engine.evidence.milestone_overdue``)."""
        return milestone_overdue(
            self.expected,
            self.achieved_on,
            today,
            reported_to=reported_to,
            covering_due=covering_due,
            grace_days=settings.PMO_MILESTONE_GRACE_DAYS,
        )


def covering_due(periods: list[ReportingPeriod], day: date | None) -> date | None:
    """The due date of the report of the period that holds ``day``; None when none does."""
    if day is None:
        return None
    return next((p.due for p in periods if p.start <= day <= p.end), None)


@dataclass(frozen=True)
class ProjectEvidence:
    """One project's facts, the evidence's verdicts, and where the declared status is better."""

    project_id: int
    report: Mapping[str, Any] | None  # the latest handed-in report's fields (REPORT_FIELDS)
    evidence: Evidence
    areas: Mapping[Area, Verdict]
    overall: Verdict
    milestones: tuple[MilestoneFacts, ...] = ()
    optimistic: tuple[str, ...] = field(default=())

    @property
    def is_optimistic(self) -> bool:
        """Green outside, red inside: some declared status is better than the evidence."""
        return bool(self.optimistic)

    def declared(self, what: str) -> Rating | None:
        """The declared rating for ``"overall"`` or an area, from the latest report."""
        return declared_rating(self.report[f"{what}_status"]) if self.report else None


def latest_report_ids(projects: QuerySet[Project]) -> QuerySet[Any]:
    """A subquery: the id of each project's latest handed-in report."""
    newest = (
        HighlightReport.objects.filter(project=OuterRef("pk"), status__in=HANDED_IN_STATES)
        .order_by("-period__start", "-revision")
        .values("pk")[:1]
    )
    return projects.order_by().annotate(latest_report=Subquery(newest)).values("latest_report")


@lru_cache(maxsize=1)
def latest_reports() -> CompiledQuery:
    """Each of some projects' latest handed-in report (its ``REPORT_FIELDS``; read with
    ``dicts(projects=ids)``): compiled once, as building and compiling it took longer than
    running it."""
    newest = (
        HighlightReport.objects.filter(project=OuterRef("project_id"), status__in=HANDED_IN_STATES)
        .order_by("-period__start", "-revision")
        .values("pk")[:1]
    )
    latest = HighlightReport.objects.filter(pk=Subquery(newest)).order_by().values(*REPORT_FIELDS)
    return CompiledQuery(lambda projects: latest.filter(project_id__in=projects))


@lru_cache(maxsize=8)
def page_milestones(today: date, zone: tzinfo) -> CompiledQuery:
    """The milestones of some projects' current (highest-numbered) baselines, as rows of
    (project id, name, due, 0), and their plans' key milestones late on ``today`` (in the time
    zone ``zone``), as rows of (project id, name, finish day, 1), in one query: compiled once
    per day (``rows(projects=ids)``)."""
    newest = (
        Baseline.objects.filter(project=OuterRef("baseline__project_id")).order_by("-number").values("pk")[:1]
    )
    baselines = (
        BaselineMilestone.objects.filter(baseline_id=Subquery(newest))
        .order_by()
        .values_list("baseline__project_id", "name", "due", Value(0))
    )
    return CompiledQuery(
        lambda projects: baselines.filter(baseline__project_id__in=projects).union(
            overdue_key_milestones(projects, today), all=True
        )
    )


EVERY_PERIOD = CompiledRecords(ReportingPeriod, lambda: ReportingPeriod.objects.order_by("-start"))
REPORTED_MILESTONES = CompiledQuery(
    lambda reports: (
        ReportMilestone.objects.filter(report_id__in=reports)
        .order_by()
        .values_list("report_id", "name", "forecast", "achieved_on")
    )
)
TOLERANCES_BEYOND = CompiledQuery(
    lambda projects: (
        ToleranceCheck.objects.filter(project_id__in=projects)
        .exclude(status=ToleranceState.WITHIN)
        .order_by()
        .values_list("project_id", "dimension", "status")
    )
)


def _handed_in(projects: Any, periods: Any) -> QuerySet[Any]:
    """Per project, how many of ``periods`` it has handed in a report for, counting only the
    periods that end after the project starts."""
    return (
        HighlightReport.objects.filter(
            project_id__in=projects, period_id__in=periods, status__in=HANDED_IN_STATES
        )
        .filter(Q(project__planned_start__isnull=True) | Q(period__end__gte=F("project__planned_start")))
        .order_by()
        .values("project_id")
        .annotate(periods=Count("period_id", distinct=True))
        .values_list("project_id", "periods")
    )


HANDED_IN = CompiledQuery(_handed_in)


def current_baseline_ids(projects: QuerySet[Project]) -> QuerySet[Any]:
    """A subquery: the id of each project's current (highest-numbered) baseline."""
    newest = Baseline.objects.filter(project=OuterRef("pk")).order_by("-number").values("pk")[:1]
    return projects.order_by().annotate(current_baseline=Subquery(newest)).values("current_baseline")


def _milestones(
    reported: list[tuple[int, str, date, date | None]], planned: list[tuple[int, str, date]]
) -> dict[int, list[MilestoneFacts]]:
    by_project: dict[int, dict[str, dict[str, Any]]] = {}
    for project_id, name, due in planned:
        by_project.setdefault(project_id, {})[name] = {"baseline": due}
    for project_id, name, forecast, achieved_on in reported:
        by_project.setdefault(project_id, {}).setdefault(name, {}).update(
            forecast=forecast, achieved_on=achieved_on
        )
    return {
        project_id: [MilestoneFacts(name, **facts) for name, facts in sorted(named.items())]
        for project_id, named in by_project.items()
    }


@dataclass(frozen=True)
class RaidFacts:
    """What a project's RAID registers say: whether it keeps a risk register (has any risk),
    its open high risks, and its open items that are stale or past their date."""

    keeps_risk_register: bool = False
    high_risks: int = 0
    stale: int = 0
    past_due: int = 0


def project_ids(projects: QuerySet[Project] | list[int]) -> QuerySet[Any] | list[int]:
    """What ``project_id__in=`` takes for ``projects``: their ids as given (a list), else a
    subquery of the queryset's ids."""
    return projects if isinstance(projects, list) else projects.order_by().values("pk")


@lru_cache(maxsize=8)
def register_counts(today: date, stale_before: date, matrix: Matrix) -> CompiledQuery:
    """The six RAID registers' counts per project, as rows of (project id, risks, open high
    risks, stale items, items past their date), in one UNION ALL, for the ``projects`` asked
    for: compiled once per day and RAID settings (building and compiling these six queries'
    fourteen counts took most of the time a page of projects' RAID facts took)."""
    none = Value(0, output_field=IntegerField())
    counts_of = [
        model._default_manager.order_by()
        .values("project_id")
        .annotate(
            risks=Count("pk") if model is Risk else none,
            high=Count("pk", filter=raid.high_risk_q(matrix)) if model is Risk else none,
            stale=Count("pk", filter=raid.stale_q(model, stale_before=stale_before)),
            past_due=Count("pk", filter=raid.past_due_q(model, today=today)),
        )
        .values_list("project_id", "risks", "high", "stale", "past_due")
        for model in REGISTERS.values()
    ]

    def build(projects: Any) -> QuerySet[Any]:
        parts = [counts.filter(project_id__in=projects) for counts in counts_of]
        return parts[0].union(*parts[1:], all=True)

    return CompiledQuery(build)


def raid_facts(
    projects: QuerySet[Project] | list[int],
    *,
    today: date | None = None,
    config: RaidSettings | None = None,
) -> dict[int, RaidFacts]:
    """The RAID facts of each project of ``projects`` (a queryset, or the projects' ids) that
    has any RAID item, by project id: one query (each of the six registers' counts per project,
    in one UNION ALL), plus one for the RAID settings unless given as ``config``."""
    today = today or clock.today()
    config = config or raid.raid_settings()
    counts_of = register_counts(today, config.stale_before(today), config.matrix)
    found = (
        counts_of.rows(projects=projects)
        if isinstance(projects, list)
        else counts_of.queryset(projects=project_ids(projects))
    )
    counts: dict[int, list[int]] = {}
    for project_id, *figures in found:
        have = counts.get(project_id, [0, 0, 0, 0])
        counts[project_id] = [a + b for a, b in zip(have, figures, strict=True)]
    return {
        project_id: RaidFacts(keeps_risk_register=bool(risks), high_risks=high, stale=stale, past_due=due)
        for project_id, (risks, high, stale, due) in counts.items()
    }


@lru_cache(maxsize=8)
def _register_counts(matrix: Matrix) -> CompiledQuery:
    """Each of some projects' risks kept and, of them, open high risks on ``matrix`` (rows of
    (project id, kept, high); none for a project keeping no risk): compiled once per matrix, as
    every report's start, save and submission counts them."""
    return CompiledQuery(
        lambda projects: (
            Risk.objects.filter(project_id__in=projects)
            .order_by()
            .values("project_id")
            .annotate(kept=Count("pk"), high=Count("pk", filter=raid.high_risk_q(matrix)))
            .values_list("project_id", "kept", "high")
        )
    )


def register_high_risks(project: Project) -> int | None:
    """The project's open high risks as its risk register counts them now; None when it keeps
    no risk register in the system (has no RAID risk), so its report's figure is declared."""
    for _project_id, kept, high in _register_counts(raid.raid_settings().matrix).rows(projects=[project.pk]):
        return high if kept else None
    return None


# (report field, label, area; None for overall) of each declared status compared.
JUDGED: tuple[tuple[str, str, Area | None], ...] = (
    ("overall_status", "Overall", None),
    *((f"{area.value}_status", area.value.capitalize(), area) for area in AREAS),
)


def _optimism(
    report: Mapping[str, Any] | None, areas: Mapping[Area, Verdict], whole: Verdict
) -> tuple[str, ...]:
    # No area is worse than the whole, so evidence no worse than amber/green beats nothing; a
    # project declared red overall hides nothing, whatever it says of an area.
    if (
        report is None
        or whole.rating <= Rating.AMBER_GREEN
        or DECLARED.get(report["overall_status"]) == Rating.RED
    ):
        return ()
    found = []
    for field_name, label, area in JUDGED:
        declared = DECLARED.get(report[field_name])
        verdict = whole if area is None else areas[area]
        if declared is None or not is_optimistic(declared, verdict.rating):
            continue
        values = {
            "what": label,
            "declared": RATING_LABELS[declared],
            "evidence": RATING_LABELS[verdict.rating],
            "reasons": "; ".join(verdict.reasons),
        }
        found.append((OPTIMISTIC_BECAUSE if verdict.reasons else OPTIMISTIC).format(**values))
    return tuple(found)


def _days_since(moment: datetime | None, today: date, zone: tzinfo) -> int | None:
    return None if moment is None else max((today - moment.astimezone(zone).date()).days, 0)


def project_evidence(
    projects: QuerySet[Project],
    *,
    today: date | None = None,
    periods: list[ReportingPeriod] | None = None,
    config: ReportingSettings | None = None,
    starts: Mapping[int, date | None] | None = None,
    raid_config: RaidSettings | None = None,
) -> dict[int, ProjectEvidence]:
    """The evidence on each project of ``projects`` (a queryset, used in subqueries), by project
    id, in eleven queries (more, a fixed number, when any of them has an approved budget: their
    earned value, ``pmo.finance.feeds.performances``); fewer when given ``periods`` (every
    period, newest first), the reporting settings ``config``, the RAID settings ``raid_config``
    and each project's planned start as ``starts`` (then the projects judged are those of
    ``starts``: up to ``IDS_AS_PARAMETERS`` of them, their ids are the queries' parameters, not a
    subquery)."""
    today = today or clock.today()
    config = config or reporting_settings()
    raid_config = raid_config or raid.raid_settings()
    thresholds = Thresholds(
        stale_report_days=config.stale_report_days, stale_raid_days=raid_config.stale_days
    )
    if periods is None:
        periods = EVERY_PERIOD.records()
    owed_periods = [p for p in periods if p.due < today][:RECENT_PERIODS]

    if starts is None:
        starts = dict(projects.order_by().values_list("pk", "planned_start"))
    if len(starts) <= IDS_AS_PARAMETERS:
        ids: QuerySet[Any] | list[int] = list(starts)
        projects = Project.objects.filter(pk__in=ids)
    else:
        ids = project_ids(projects)
    if not starts:
        return {}
    zone = timezone.get_current_timezone()
    owed_ids = [p.pk for p in owed_periods]
    reported_rows: Iterable[tuple[Any, ...]] = []
    handed_in_rows: Iterable[tuple[Any, ...]] = []
    if isinstance(ids, list):  # a page of projects: queries compiled once, their ids one parameter
        reports = {row["project_id"]: row for row in latest_reports().dicts(projects=ids)}
        report_ids = [row["pk"] for row in reports.values()]
        if report_ids:
            reported_rows = REPORTED_MILESTONES.rows(reports=report_ids)
        milestone_rows: Iterable[tuple[Any, ...]] = page_milestones(today, zone).rows(projects=ids)
        check_rows: Iterable[tuple[Any, ...]] = TOLERANCES_BEYOND.rows(projects=ids)
        if owed_periods:
            handed_in_rows = HANDED_IN.rows(projects=ids, periods=owed_ids)
    else:
        latest_read = (
            HighlightReport.objects.filter(pk__in=latest_report_ids(projects))
            .order_by()
            .values(*REPORT_FIELDS)
        )
        reports = {row["project_id"]: row for row in latest_read}
        report_ids = [row["pk"] for row in reports.values()]
        # The report ids just read, as parameters, unless more than a database takes in one query.
        latest = report_ids if len(report_ids) <= MAX_PARAMETERS else latest_report_ids(projects)
        if report_ids:
            reported_rows = REPORTED_MILESTONES.queryset(reports=latest)
        # The baselines' milestones and the plans' late key milestones, in one query.
        milestone_rows = (
            BaselineMilestone.objects.filter(baseline_id__in=current_baseline_ids(projects))
            .order_by()
            .values_list("baseline__project_id", "name", "due", Value(0))
            .union(overdue_key_milestones(ids, today), all=True)
        )
        check_rows = TOLERANCES_BEYOND.queryset(projects=ids)
        if owed_periods:
            handed_in_rows = HANDED_IN.queryset(projects=ids, periods=owed_ids)
    project_of = {row["pk"]: project_id for project_id, row in reports.items()}
    reported = [
        (project_of[report_id], name, forecast, achieved_on)
        for report_id, name, forecast, achieved_on in reported_rows
    ]
    planned: list[tuple[int, str, date]] = []
    late_keys: dict[int, list[tuple[str, int]]] = {}
    for project_id, name, day, from_plan in milestone_rows:
        if from_plan:
            late_keys.setdefault(project_id, []).append((name, (today - day).days))
        else:
            planned.append((project_id, name, day))
    milestones = _milestones(reported, planned)
    checks: dict[int, dict[Dimension, Status]] = {}
    for project_id, dimension, status in check_rows:
        checks.setdefault(project_id, {})[Dimension(dimension)] = Status(status)
    # Reports handed in for the owed periods (those ending after the project starts).
    handed_in = dict(handed_in_rows)
    registers = raid_facts(ids, today=today, config=raid_config)
    # Earned value (CPI and SPI(t)) of the projects judged, against finance's thresholds.
    measured = performances(list(starts), today)
    thresholds = replace(thresholds, cpi=measured.cpi_threshold, spi_t=measured.spi_t_threshold)
    no_raid = RaidFacts()
    result: dict[int, ProjectEvidence] = {}
    for project_id, planned_start in starts.items():
        report = reports.get(project_id)
        owed = [p for p in owed_periods if planned_start is None or p.end >= planned_start]
        facts = milestones.get(project_id, [])
        register = registers.get(project_id, no_raid)
        if register.keeps_risk_register:
            high_risks = register.high_risks
        else:
            high_risks = report["high_risks_open"] if report else 0
        late = sorted(late_keys.get(project_id, []), key=lambda found: (-found[1], found[0]))
        reported_to = report["period__end"] if report else None
        overdue = {
            m.name for m in facts if m.is_overdue(today, reported_to, covering_due(periods, m.expected))
        }
        evidence = Evidence(
            tolerances=checks.get(project_id, {}),
            overdue_milestones=len(overdue | {name for name, _days in late}),
            late_key_milestones=tuple(late),
            open_high_risks=high_risks,
            missing_reports=max(len(owed) - handed_in.get(project_id, 0), 0),
            days_since_report=_days_since(report["submitted_at"], today, zone) if report else None,
            stale_raid_items=register.stale,
            past_due_raid_items=register.past_due,
            cpi=measured.by_project.get(project_id, (None, None))[0],
            spi_t=measured.by_project.get(project_id, (None, None))[1],
        )
        areas = assess_evidence(evidence, thresholds)
        whole = overall(evidence, areas, thresholds)
        result[project_id] = ProjectEvidence(
            project_id=project_id,
            report=report,
            evidence=evidence,
            areas=areas,
            overall=whole,
            milestones=tuple(facts),
            optimistic=_optimism(report, areas, whole),
        )
    return result
