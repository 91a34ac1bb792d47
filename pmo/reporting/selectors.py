"""Reads of the reporting cycle, restricted to what the user may see."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from pmo.core.compiled import CompiledQuery, CompiledRecords
from pmo.core.settings_rows import settings_row
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Project
from pmo.raid.choices import ActionSource, Priority
from pmo.raid.models import Action, Issue, RaidItem, Risk
from pmo.raid.selectors import item_list, open_items, parse_reference, top_risks
from pmo.reporting.adapters import to_engine
from pmo.reporting.choices import (
    HANDED_IN_STATES,
    TOLERANCE_UNITS,
    ExceptionStatus,
    PeriodStatus,
    ToleranceDimension,
)
from pmo.reporting.models import (
    Baseline,
    BaselineMilestone,
    HighlightReport,
    ProjectException,
    ReportingPeriod,
    ReportingSettings,
    ReportMilestone,
    ReportToleranceCheck,
    Tolerance,
    ToleranceCheck,
    ToleranceDefault,
)
from pmo.schedule.selectors import key_milestone_names, latest_run


def reporting_settings() -> ReportingSettings:
    """The PMO's reporting settings (the one row; made with the defaults if missing)."""
    return settings_row(ReportingSettings)


def period_list(*, user: Any) -> QuerySet[ReportingPeriod]:
    """Every period, newest first, for anyone signed in."""
    return ReportingPeriod.objects.restrict(user, "view")


def period_for(day: date) -> ReportingPeriod | None:
    """The period that holds ``day``, if one is open or closed for it."""
    return ReportingPeriod.objects.filter(start__lte=day, end__gte=day).first()


def current_period(today: date) -> ReportingPeriod | None:
    """The period holding ``today``, else the latest open one: one query whatever the date."""
    holds = Q(start__lte=today, end__gte=today)
    return (
        ReportingPeriod.objects.filter(holds | Q(status=PeriodStatus.OPEN))
        .annotate(holds_today=Case(When(holds, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .order_by("-holds_today", "-start")
        .first()
    )


def latest_period(*, before: date | None = None) -> ReportingPeriod | None:
    periods = ReportingPeriod.objects.all()
    if before is not None:
        periods = periods.filter(start__lte=before)
    return periods.order_by("-start").first()


def report_list(*, user: Any) -> QuerySet[HighlightReport]:
    """Every revision of every report the user may see, newest period first, each with the
    number of its report's latest revision (``latest_revision``: only that one is revised)."""
    newest = (
        HighlightReport.objects.filter(project=OuterRef("project"), period=OuterRef("period"))
        .order_by("-revision")
        .values("revision")[:1]
    )
    return (
        HighlightReport.objects.restrict(user, "view")
        .select_related(
            "project", "project__project_manager", "project__sponsor", "period", "submitted_by", "reviewed_by"
        )
        .annotate(latest_revision=Subquery(newest))
    )


def current_reports(*, user: Any) -> QuerySet[HighlightReport]:
    """The latest revision of each project's report for each period."""
    newest = (
        HighlightReport.objects.filter(project=OuterRef("project"), period=OuterRef("period"))
        .order_by("-revision")
        .values("revision")[:1]
    )
    return report_list(user=user).filter(revision=Subquery(newest))


def report_for(*, project: Project, period: ReportingPeriod) -> HighlightReport | None:
    """The latest revision of ``project``'s report for ``period``."""
    return (
        HighlightReport.objects.filter(project=project, period=period)
        .select_related("project", "period")
        .order_by("-revision")
        .first()
    )


REPORT_COLUMNS = [field.attname for field in HighlightReport._meta.concrete_fields]
PERIOD_COLUMNS = [field.attname for field in ReportingPeriod._meta.concrete_fields]


def _previous_reports(projects: Any, before: Any) -> QuerySet[Any]:
    start = ReportingPeriod.objects.filter(pk__in=before).values("start")[:1]
    return (
        HighlightReport.objects.filter(project_id__in=projects, period__start__lt=Subquery(start))
        .order_by("-period__start", "-revision")
        .values_list(*REPORT_COLUMNS, *(f"period__{name}" for name in PERIOD_COLUMNS))[:1]
    )


# Read as every report is started: compiled once (building them took longer than running them).
PREVIOUS_REPORT = CompiledQuery(_previous_reports)
MILESTONE_FORECASTS = CompiledQuery(
    lambda reports: (
        ReportMilestone.objects.filter(report_id__in=reports)
        .order_by("forecast", "name")
        .values_list("name", "forecast", "achieved_on")
    )
)


def previous_report(*, project: Project, before: ReportingPeriod) -> HighlightReport | None:
    """The latest revision of the project's last report before ``before``, to pre-fill from,
    with its period (its project the one given, not read again; its milestones:
    ``milestone_forecasts``)."""
    for row in PREVIOUS_REPORT.rows(projects=[project.pk], before=[before.pk]):
        found = HighlightReport.from_db("default", REPORT_COLUMNS, row[: len(REPORT_COLUMNS)])
        found.period = ReportingPeriod.from_db("default", PERIOD_COLUMNS, row[len(REPORT_COLUMNS) :])
        found.project = project
        return found
    return None


def milestone_forecasts(report: HighlightReport) -> list[tuple[str, date, date | None]]:
    """The report's milestones as (name, forecast, achieved on), in its order (by forecast)."""
    return [
        (name, forecast, achieved_on)
        for name, forecast, achieved_on in MILESTONE_FORECASTS.rows(reports=[report.pk])
    ]


def latest_handed_in(project_ids: Iterable[int]) -> dict[int, HighlightReport]:
    """Each project's latest handed-in report (its latest forecasts), by project id."""
    latest: dict[int, HighlightReport] = {}
    reports = (
        HighlightReport.objects.filter(project_id__in=list(project_ids), status__in=HANDED_IN_STATES)
        .select_related("period")
        .prefetch_related("milestones")
        .order_by("project_id", "-period__start", "-revision")
    )
    for report in reports:
        latest.setdefault(report.project_id, report)
    return latest


def period_last_due(today: date) -> ReportingPeriod | None:
    """The latest period whose reports were due before ``today`` (one query)."""
    return ReportingPeriod.objects.filter(due__lt=today).order_by("-due", "-start").first()


def handed_in_on(period: ReportingPeriod, project_ids: Iterable[int]) -> dict[int, date | None]:
    """When each of the projects first handed in its report for ``period`` (None: handed in, the
    moment not recorded), by project id; those that have not are left out (one query)."""
    rows = (
        HighlightReport.objects.filter(
            period=period, project_id__in=list(project_ids), status__in=HANDED_IN_STATES
        )
        .values("project_id")
        .annotate(first=Min("submitted_at"))
    )
    return {row["project_id"]: timezone.localdate(row["first"]) if row["first"] else None for row in rows}


def baseline_list(*, user: Any) -> QuerySet[Baseline]:
    return Baseline.objects.restrict(user, "view").select_related("project", "approved_by")


def baseline_page(*, user: Any) -> QuerySet[Baseline]:
    """Baselines as their page shows them: with their milestones, the exceptions whose decision
    made them and change control's requests that did (``change_requests``), all loaded with
    them: the same few queries whatever their number."""
    made_by = Prefetch("from_exceptions", queryset=ProjectException.objects.select_related("project"))
    return baseline_list(user=user).prefetch_related("milestones", made_by, "change_requests")


def current_baselines(project_ids: Iterable[int]) -> dict[int, Baseline]:
    """Each project's current (highest-numbered) baseline with its milestones, by project id."""
    ids = list(project_ids)
    rows = Baseline.objects.select_related("approved_by").prefetch_related("milestones")
    if len(ids) == 1:  # one project's (its page, its report judged): its newest, a simpler query
        return {b.project_id: b for b in rows.filter(project_id=ids[0]).order_by("-number")[:1]}
    newest = (
        Baseline.objects.filter(project=OuterRef("project")).values("project").annotate(top=Max("number"))
    )
    return {b.project_id: b for b in rows.filter(project_id__in=ids, number=Subquery(newest.values("top")))}


def baselines_approved(project_ids: Iterable[int]) -> dict[int, tuple[int, Any]]:
    """Each project's current baseline number and when it was approved, by project id: one
    grouped query, no baseline read as a record (what a check of thousands of projects needs;
    ``current_baselines`` gives the baselines themselves, with their milestones)."""
    rows = (
        Baseline.objects.filter(project_id__in=list(project_ids))
        .values("project_id")
        .annotate(top=Max("number"), approved=Max("approved_at"))
    )
    return {row["project_id"]: (row["top"], row["approved"]) for row in rows}


def current_finishes(project_ids: Iterable[int]) -> dict[int, date]:
    """Each project's current (highest-numbered) baseline's finish, by project id: one query, no
    baseline read as a record (the gate calendar's due dates for thousands of projects)."""
    newest = (
        Baseline.objects.filter(project=OuterRef("project")).values("project").annotate(top=Max("number"))
    )
    rows = Baseline.objects.filter(project_id__in=list(project_ids), number=Subquery(newest.values("top")))
    return dict(rows.values_list("project_id", "finish"))


def baseline_in_force(report: HighlightReport) -> Baseline | None:
    """The baseline a report is judged against, with its milestones: once submitted, the newest
    approved by then (baselines never change, so this is the one it was judged against); a
    draft's is the project's newest now."""
    baselines = Baseline.objects.filter(project_id=report.project_id).prefetch_related("milestones")
    if report.submitted_at is not None:
        baselines = baselines.filter(approved_at__lte=report.submitted_at)
    return baselines.order_by("-number").first()


def report_tolerance_checks(report: HighlightReport) -> list[ReportToleranceCheck] | list[ToleranceCheck]:
    """The tolerance checks a report shows: once submitted, those frozen with it (none when it was
    submitted with no baseline to judge by, or before reports kept them); a draft, the project's
    live checks."""
    if report.submitted_at is not None:
        return list(ReportToleranceCheck.objects.filter(report=report).order_by("dimension"))
    return list(ToleranceCheck.objects.filter(project_id=report.project_id).order_by("dimension"))


def tolerance_list(*, user: Any) -> QuerySet[Tolerance]:
    return Tolerance.objects.restrict(user, "view").select_related("project")


def tolerance_check_list(*, user: Any) -> QuerySet[ToleranceCheck]:
    """The latest verdicts on the projects ``user`` may see."""
    return ToleranceCheck.objects.restrict(user, "view").select_related("project")


def tolerance_default_list(*, user: Any) -> QuerySet[ToleranceDefault]:
    """The default tolerances, for anyone signed in."""
    return ToleranceDefault.objects.restrict(user, "view").select_related("portfolio")


# Read for every report submitted (its tolerances judged): compiled once. One row per project
# (or portfolio, or tier) and dimension, so read in no particular order.
OWN_TOLERANCES = CompiledRecords(
    Tolerance, lambda projects: Tolerance.objects.filter(project_id__in=projects).order_by()
)
DEFAULT_TOLERANCES = CompiledRecords(ToleranceDefault, lambda: ToleranceDefault.objects.order_by())


def effective_tolerances(projects: Iterable[Project]) -> dict[int, dict[str, Tolerance | ToleranceDefault]]:
    """Each project's tolerance per dimension: its own, else its portfolio's default, else its
    size tier's (two queries, whatever the number of projects)."""
    projects = list(projects)
    own: dict[int, dict[str, Tolerance | ToleranceDefault]] = {p.pk: {} for p in projects}
    for tolerance in OWN_TOLERANCES.records(projects=list(own)):
        own[tolerance.project_id][tolerance.dimension] = tolerance
    by_portfolio: dict[int, dict[str, ToleranceDefault]] = {}
    by_tier: dict[str, dict[str, ToleranceDefault]] = {}
    for default in DEFAULT_TOLERANCES.records():
        if default.portfolio_id:
            by_portfolio.setdefault(default.portfolio_id, {})[default.dimension] = default
        else:
            by_tier.setdefault(default.size_tier, {})[default.dimension] = default
    result: dict[int, dict[str, Tolerance | ToleranceDefault]] = {}
    for project in projects:
        merged: dict[str, Tolerance | ToleranceDefault] = {}
        merged.update(by_tier.get(project.size_tier, {}))
        merged.update(by_portfolio.get(project.portfolio_id, {}))
        merged.update(own[project.pk])
        result[project.pk] = merged
    return result


def tolerance_rows(project: Project) -> list[dict[str, Any]]:
    """Each dimension's tolerance in force (own or default, with its unit) and its latest check."""
    effective = effective_tolerances([project])[project.pk]
    checks = {c.dimension: c for c in ToleranceCheck.objects.filter(project=project)}
    rows = []
    for dimension in ToleranceDimension:
        row = effective.get(dimension.value)
        rows.append(
            {
                "dimension": dimension,
                "row": row,
                "own": isinstance(row, Tolerance),
                "unit": TOLERANCE_UNITS[dimension],
                "check": checks.get(dimension.value),
            }
        )
    return rows


def tolerance_allowances(
    project: Project,
    baseline: Baseline | None = None,
    *,
    tolerances: dict[str, Tolerance | ToleranceDefault] | None = None,
) -> dict[str, Decimal | None]:
    """The project's time (days) and cost (£) tolerance against ``baseline`` (by default its
    current one); None where it has no baseline or no tolerance for that dimension. Give the
    project's ``tolerances`` (``effective_tolerances``) where they are already read."""
    if baseline is None:
        baseline = current_baselines([project.pk]).get(project.pk)
    result: dict[str, Decimal | None] = {"time": None, "cost": None}
    if baseline is None:
        return result
    if tolerances is None:
        tolerances = effective_tolerances([project])[project.pk]
    for dimension, base in (
        (ToleranceDimension.TIME, Decimal(0)),
        (ToleranceDimension.COST, Decimal(baseline.budget_at_completion)),
    ):
        row = tolerances.get(dimension.value)
        tolerance = to_engine(row, baseline=baseline) if row is not None else None
        if tolerance is not None:
            result[dimension.value] = tolerance.allowance(base)
    return result


def exception_list(*, user: Any) -> QuerySet[ProjectException]:
    return ProjectException.objects.restrict(user, "view").select_related(
        "project",
        "project__sponsor",
        "project__project_manager",
        "decided_by",
        "report_submitted_by",
        "new_baseline",
    )


def open_exception(project: Project) -> ProjectException | None:
    return ProjectException.objects.filter(project=project).exclude(status=ExceptionStatus.DECIDED).first()


def corrective_actions(
    *, user: Any, project: Project | None = None, exception: ProjectException | None = None
) -> QuerySet[Action]:
    """Corrective actions, as the user may see them: RAID actions raised for an exception (of
    ``project``, or of ``exception`` itself)."""
    actions = item_list(Action, user=user, register=project or (exception.project if exception else None))
    actions = actions.filter(source=ActionSource.EXCEPTION)
    if exception is not None:
        actions = actions.filter(project_id=exception.project_id, source_reference=exception.reference)
    return actions


@dataclass(frozen=True)
class ProjectReporting:
    """What a project's reporting page shows, each part read once whatever its length."""

    baseline: Baseline | None  # the current (highest-numbered) version
    milestones: list[BaselineMilestone]  # the current version's
    baselines: list[Baseline]  # every version, newest first
    tolerances: list[dict[str, Any]]  # ``tolerance_rows``
    reports: list[HighlightReport]  # each period's latest revision, newest period first
    forecast: HighlightReport | None  # the newest handed in
    exceptions: list[ProjectException]  # newest first
    actions: list[Action]  # the corrective actions, by status then due date
    period: ReportingPeriod | None  # ``current_period``
    this_period_report: HighlightReport | None
    key_milestones: list[str]  # the names of the plan's key milestones, soonest first
    schedule_risk: Any  # the plan's latest schedule risk run (a ``ScheduleRun``), or None


def project_reporting(*, user: Any, project: Project, today: date) -> ProjectReporting:
    """Everything about ``project``'s reporting that ``user`` may see, as of ``today``."""
    baselines = list(baseline_list(user=user).filter(project=project).order_by("-number"))
    current = baselines[0] if baselines else None
    reports = list(
        current_reports(user=user)
        .filter(project=project)
        .prefetch_related("milestones")
        .order_by("-period__start")
    )
    period = current_period(today)
    return ProjectReporting(
        baseline=current,
        milestones=list(current.milestones.all()) if current else [],
        baselines=baselines,
        tolerances=tolerance_rows(project),
        reports=reports,
        forecast=next((r for r in reports if r.status in HANDED_IN_STATES), None),
        exceptions=list(exception_list(user=user).filter(project=project).order_by("-raised_at")),
        actions=list(corrective_actions(user=user, project=project).order_by("status", "due", "pk")),
        period=period,
        this_period_report=next((r for r in reports if period and r.period_id == period.pk), None),
        key_milestones=key_milestone_names(project),
        schedule_risk=latest_run(user=user, project=project),
    )


def projects_owing_reports(period: ReportingPeriod) -> QuerySet[Project]:
    """Active projects with no handed-in report for ``period`` (a project planned to start after
    the period ends owes none for it)."""
    handed_in = HighlightReport.objects.filter(period=period, status__in=HANDED_IN_STATES).values("project")
    return (
        Project.objects.filter(status=ProjectStatus.ACTIVE)
        .filter(Q(planned_start__isnull=True) | Q(planned_start__lte=period.end))
        .exclude(pk__in=handed_in)
        .select_related("project_manager__user", "sponsor__user")
        .order_by("code")
    )


def period_being_chased(today: date) -> ReportingPeriod | None:
    """The period whose reports are being chased: the latest that has ended (its reports due
    next, or just past due), while it is open."""
    latest = ReportingPeriod.objects.filter(end__lt=today).order_by("-end").first()
    return latest if latest is not None and latest.status == PeriodStatus.OPEN else None


def open_periods() -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.filter(status=PeriodStatus.OPEN).order_by("start")


# RAID items a report cites --------------------------------------------------------------------


def reference_parts(text: str) -> list[str]:
    """The references in ``text``, as typed (split on commas, semicolons and spaces)."""
    return [part for part in re.split(r"[,;\s]+", text or "") if part]


def cited_items(*, project_id: int, text: str) -> list[tuple[str, RaidItem | None]]:
    """Each reference of ``text`` (``RSK-12, ISS-3``) with the item of the project it names, or
    None where it names none (any more): one query per register cited, six at most."""
    wanted: list[tuple[str, type[RaidItem] | None, int]] = []
    for part in reference_parts(text):
        try:
            model, pk = parse_reference(part)
        except ValueError:
            wanted.append((part, None, 0))
        else:
            wanted.append((f"{model.PREFIX}-{pk}", model, pk))
    found: dict[tuple[type[RaidItem], int], RaidItem] = {}
    for model in {model for _, model, _ in wanted if model is not None}:
        pks = [pk for _, m, pk in wanted if m is model]
        for item in model._default_manager.filter(project_id=project_id, pk__in=pks):
            found[(model, item.pk)] = item
    return [(reference, found.get((model, pk)) if model else None) for reference, model, pk in wanted]


CITABLE_EACH = 5  # the top open risks and issues a draft offers to cite


def citable_items(project: Project) -> list[RaidItem]:
    """What a draft offers to cite: the project's worst open risks (by residual score, then
    expected value) and its open issues (highest priority, then soonest due), five of each."""
    risks = top_risks(Risk.objects.filter(project=project))[:CITABLE_EACH]
    priority = Case(
        *(When(priority=value, then=Value(rank)) for rank, value in enumerate(Priority.values)),
        output_field=IntegerField(),
    )
    issues = open_items(Issue.objects.filter(project=project)).order_by(
        priority, F("due").asc(nulls_last=True), "pk"
    )
    return [*risks, *issues[:CITABLE_EACH]]
