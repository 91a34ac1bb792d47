"""Writes and workflows of the reporting cycle: periods, highlight reports, baselines,
tolerances, the tolerance evaluation that raises exceptions, exception workflow, corrective
actions (RAID actions of the exception, through ``pmo.raid.services``) and the periodic run that
opens periods and chases reports."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from pmo.core import clock
from pmo.core.memory import collector_paused
from pmo.core.models import Notification, User
from pmo.core.permissions import ensure_can
from pmo.core.services import (
    notifications_email,
    notify,
    only_fields,
    others_than,
    pmo_users,
    record_create,
    record_delete,
    record_update,
    short_reason,
    user_of,
)
from pmo.engine.periods import period_containing
from pmo.engine.tolerance import Assessment, Status, worst
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Person, Portfolio, Project
from pmo.portfolio.services import project_update
from pmo.raid.choices import ActionSource
from pmo.raid.models import Action
from pmo.raid.selectors import item_by_reference
from pmo.raid.services import raid_item_create
from pmo.reporting import selectors
from pmo.reporting.adapters import assess_project
from pmo.reporting.choices import (
    DEFAULT_DIRECTIONS,
    RAG_RATINGS,
    BaselineSource,
    ExceptionDecision,
    ExceptionStatus,
    PeriodStatus,
    Rating,
    ReportDimension,
    ReportStatus,
    StatusScale,
    ToleranceDimension,
    ToleranceDirection,
)
from pmo.reporting.evidence import current_baseline_ids, latest_report_ids, register_high_risks
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
from pmo.reporting.workflows import EXCEPTION, HIGHLIGHT_REPORT, PERIOD, PERIOD_CLOSED

PERIOD_EXISTS = "A reporting period starting {start:%d %b %Y} already exists."
PROJECT_NOT_ACTIVE = "{project} is {status}: only active projects report."
REPORT_EXISTS = "{project} already has a report for {period}: open it instead of starting another."
COMMENTS_REQUIRED = "Say what needs correcting: comments are required to return a report."
MISSING_FOR_SUBMISSION = "Fill this in before submitting."
OFF_SCALE = "The PMO reports on the red/amber/green scale: {rating} is not on it."
FORECAST_BEFORE_START = (
    "The forecast finish ({forecast:%d %b %Y}) is before the project starts ({start:%d %b %Y})."
)
MILESTONE_BEFORE_START = "Milestone {name!r} is forecast before the project starts ({start:%d %b %Y})."
DUPLICATE_MILESTONE = "Milestone {name!r} is listed twice."
TOO_MANY_MILESTONES = "List at most {limit} key milestones; this has {count}."
REASON_REQUIRED = "Give the reason for this baseline (who approved what, and why)."
BASELINE_BEFORE_START = (
    "The baseline finish ({finish:%d %b %Y}) is before the project starts ({start:%d %b %Y})."
)
DECISION_NEEDS_BASELINE = "A new baseline needs its finish date, budget and reason."
DECISION_NOTES_REQUIRED = "Record the reasons for the decision."
NOT_A_DECISION = "{decision!r} is not a decision: choose a new baseline, a corrective action plan or stop."
ACTION_DUE_IN_PAST = "The due date cannot be in the past."
PERIOD_OVERLAPS = "{start:%d %b %Y} to {end:%d %b %Y} overlaps the reporting period {period}."

# History reasons are short (django-simple-history keeps 100 characters).

STATUS_FIELDS = ("overall_status", *(f"{d.value}_status" for d in ReportDimension))
# The narrative and the forecasts of a highlight report, as the report form groups them.
REPORT_TEXTS = (
    "summary",
    "achievements",
    "next_period_plan",
    "change_requests",
    "key_risks_issues",
    "support_needed",
    "lessons",
)
REPORT_FORECASTS = (
    "forecast_finish",
    "forecast_cost",
    "forecast_benefits",
    "scope_change_percent",
    "quality_criteria_at_risk",
    "high_risks_open",
)
# What a project manager writes in a draft, in the order the form and the API show it; the
# workflow fields (status, who, when, the tolerance verdict) and the report's project, period
# and revision only the services set.
REPORT_FIELDS = (
    *STATUS_FIELDS,
    *REPORT_TEXTS[:3],
    *REPORT_FORECASTS,
    *REPORT_TEXTS[3:],
    "raid_references",
)
# Copied into the next period's draft: all but what was achieved, which is each period's own.
CARRIED_FIELDS = tuple(name for name in REPORT_FIELDS if name != "achievements")
REQUIRED_FOR_SUBMISSION = (*STATUS_FIELDS, "summary", "forecast_finish", "forecast_cost")
REPORT_EDITABLE_FIELDS = frozenset(REPORT_FIELDS)
# The settings the PMO head changes, in the order the settings page shows them.
SETTINGS_FIELDS = (
    "cadence",
    "status_scale",
    "due_days_after_period_end",
    "reminder_days_before_due",
    "warning_band",
    "exception_report_days",
    "stale_report_days",
)
SETTINGS_EDITABLE_FIELDS = frozenset(SETTINGS_FIELDS)
TOLERANCE_DEFAULT_EDITABLE_FIELDS = frozenset(
    {"dimension", "absolute", "percent", "direction", "size_tier", "portfolio"}
)
# E-mail that could not be sent is retried for this long, then left in the app only.
EMAIL_RETRY_DAYS = 7


@dataclass(frozen=True)
class MilestoneForecast:
    name: str
    forecast: date
    achieved_on: date | None = None


# Settings and periods ---------------------------------------------------------------------------


@transaction.atomic
def reporting_settings_update(
    *,
    actor: User | None,
    settings_row: ReportingSettings,
    fields: Mapping[str, Any],
    expected_version: int | None,
) -> ReportingSettings:
    """Change the cadence, status scale, due days, reminders or warning band (PMO head). A new
    warning band re-judges every active project at once."""
    if actor is not None:
        ensure_can(actor, "reporting.change_reportingsettings", settings_row, action=f"change {settings_row}")
    only_fields(fields, SETTINGS_EDITABLE_FIELDS)
    band = ReportingSettings.objects.values_list("warning_band", flat=True).get(pk=settings_row.pk)
    updated = record_update(
        instance=settings_row, actor=actor, fields=fields, expected_version=expected_version
    )
    if updated.warning_band != band:
        tolerances_evaluate_all()
    return updated


def _overlapping(start: date, end: date) -> ReportingPeriod | None:
    return ReportingPeriod.objects.filter(start__lte=end, end__gte=start).order_by("start").first()


@transaction.atomic
def reporting_period_open(
    *, actor: User | None, start: date, end: date | None = None, due: date | None = None
) -> ReportingPeriod:
    """Open a period; by default the one of the configured cadence that holds ``start``.
    Periods never overlap, so every day belongs to one period at most."""
    if actor is not None:
        ensure_can(actor, "reporting.add_reportingperiod", action="open reporting periods")
    config = selectors.reporting_settings()
    if end is None:
        start, end = period_containing(start, config.cadence)
    if ReportingPeriod.objects.filter(start=start).exists():
        raise ValidationError({"start": PERIOD_EXISTS.format(start=start)})
    clash = _overlapping(start, end) if end >= start else None
    if clash is not None:
        raise ValidationError({"start": PERIOD_OVERLAPS.format(start=start, end=end, period=clash)})
    due = due or end + timedelta(days=config.due_days_after_period_end)
    return record_create(model=ReportingPeriod, actor=actor, fields={"start": start, "end": end, "due": due})


@transaction.atomic
def reporting_period_close(
    *, actor: User | None, period: ReportingPeriod, expected_version: int | None
) -> ReportingPeriod:
    """Close a period: no report can be started or changed in it afterwards."""
    PERIOD.ensure(ReportingPeriod.objects.select_for_update().get(pk=period.pk), actor, "close")
    return record_update(
        instance=period,
        actor=actor,
        fields={"status": PeriodStatus.CLOSED},
        expected_version=expected_version,
        reason="Closed",
    )


@transaction.atomic
def reporting_period_reopen(
    *, actor: User | None, period: ReportingPeriod, expected_version: int | None
) -> ReportingPeriod:
    """Open a closed period again, so its reports can be written and checked."""
    PERIOD.ensure(ReportingPeriod.objects.select_for_update().get(pk=period.pk), actor, "reopen")
    return record_update(
        instance=period,
        actor=actor,
        fields={"status": PeriodStatus.OPEN},
        expected_version=expected_version,
        reason="Reopened",
    )


def _ensure_open(period: ReportingPeriod) -> None:
    if period.status != PeriodStatus.OPEN:
        raise ValidationError(PERIOD_CLOSED.format(period=period))


# Highlight reports ------------------------------------------------------------------------------


@transaction.atomic
def highlight_report_start(
    *, actor: User | None, project: Project, period: ReportingPeriod
) -> HighlightReport:
    """Start the project's draft report for ``period``, pre-filled from its last report (or,
    for a first report, from its current baseline). The statuses, forecasts, milestones, plan,
    risks and lessons carry over; this period's achievements start empty."""
    if actor is not None:
        ensure_can(actor, "reporting.add_highlightreport", project, action=f"write reports for {project}")
    _ensure_open(period)
    project = Project.objects.select_for_update().get(pk=project.pk)  # as stored; one start at a time
    if project.status != ProjectStatus.ACTIVE:
        raise ValidationError(
            PROJECT_NOT_ACTIVE.format(project=project, status=project.get_status_display().lower())
        )
    if HighlightReport.objects.filter(project=project, period=period).exists():
        raise ValidationError(REPORT_EXISTS.format(project=project, period=period))
    fields: dict[str, Any] = {"project": project, "period": period}
    milestones: list[MilestoneForecast] = []
    previous = selectors.previous_report(project=project, before=period)
    if previous is not None:
        fields.update({name: getattr(previous, name) for name in CARRIED_FIELDS})
        fields["raid_references"] = _still_cited(project, previous.raid_references)
        milestones = [MilestoneForecast(m.name, m.forecast, m.achieved_on) for m in previous.milestones.all()]
    else:
        baseline = selectors.current_baselines([project.pk]).get(project.pk)
        if baseline is not None:
            fields.update(
                forecast_finish=baseline.finish,
                forecast_cost=baseline.budget_at_completion,
                forecast_benefits=baseline.benefits_value or None,
            )
            milestones = [MilestoneForecast(m.name, m.due) for m in baseline.milestones.all()]
    fields.update(_high_risks(project))
    report = record_create(
        model=HighlightReport,
        actor=actor,
        fields=fields,
        within=project,
        reason=short_reason(f"Pre-filled from {previous}") if previous else "",
    )
    _set_milestones(report, milestones, check=False)
    return report


def _high_risks(project: Project) -> dict[str, Any]:
    """The report's open high risks where the project keeps a risk register: the register's
    figure, which replaces the declared one (nothing to change otherwise)."""
    figure = register_high_risks(project)
    if figure is None:
        return {"high_risks_from_register": False}
    return {"high_risks_open": figure, "high_risks_from_register": True}


def raid_references_check(project: Project, text: str) -> str:
    """The RAID items ``text`` cites (references separated by commas or spaces), each checked to
    be an item of ``project``'s registers, written the standard way ("RSK-12, ISS-3") without
    repeats. A reference that names no item of the project is an error naming it."""
    found: list[str] = []
    for part in selectors.reference_parts(text):
        try:
            item = item_by_reference(part, project=project)
        except ValueError as error:
            raise ValidationError({"raid_references": str(error)}) from error
        if item.reference not in found:
            found.append(item.reference)
    return ", ".join(found)


def _still_cited(project: Project, text: str) -> str:
    """The references of ``text`` that still name an item of the project (for a new draft
    carrying an earlier report's citations)."""
    cited = selectors.cited_items(project_id=project.pk, text=text)
    return ", ".join(reference for reference, item in cited if item is not None)


def _check_count(milestones: Sequence[Any]) -> None:
    limit = settings.PMO_MAX_MILESTONES
    if len(milestones) > limit:
        raise ValidationError({"milestones": TOO_MANY_MILESTONES.format(limit=limit, count=len(milestones))})


def _check_milestones(project: Project, milestones: Sequence[MilestoneForecast]) -> None:
    _check_count(milestones)
    names = [m.name.strip() for m in milestones]
    for name in names:
        if names.count(name) > 1:
            raise ValidationError({"milestones": DUPLICATE_MILESTONE.format(name=name)})
    start = project.planned_start
    for milestone in milestones:
        if start and milestone.forecast < start:
            raise ValidationError(
                {"milestones": MILESTONE_BEFORE_START.format(name=milestone.name, start=start)}
            )


def _set_milestones(
    report: HighlightReport, milestones: Sequence[MilestoneForecast], *, check: bool = True
) -> bool:
    """Replace the report's milestones; True if they changed."""
    if check:
        _check_milestones(report.project, milestones)
    wanted = [(m.name.strip(), m.forecast, m.achieved_on) for m in milestones]
    stored = [(m.name, m.forecast, m.achieved_on) for m in report.milestones.all()]
    if sorted(wanted, key=str) == sorted(stored, key=str):
        return False
    report.milestones.all().delete()
    ReportMilestone.objects.bulk_create(
        ReportMilestone(report=report, name=name, forecast=forecast, achieved_on=achieved_on)
        for name, forecast, achieved_on in wanted
    )
    return True


def _check_forecasts(project: Project, fields: Mapping[str, Any]) -> None:
    forecast, start = fields.get("forecast_finish"), project.planned_start
    if forecast and start and forecast < start:
        raise ValidationError(
            {"forecast_finish": FORECAST_BEFORE_START.format(forecast=forecast, start=start)}
        )


def _check_scale(fields: Mapping[str, Any]) -> None:
    if selectors.reporting_settings().status_scale != StatusScale.RAG:
        return
    errors = {
        name: OFF_SCALE.format(rating=str(fields[name]).replace("_", "/"))
        for name in STATUS_FIELDS
        if fields.get(name) in Rating.values and fields[name] not in RAG_RATINGS
    }
    if errors:
        raise ValidationError(errors)


def _locked_report(report: HighlightReport) -> HighlightReport:
    return (
        HighlightReport.objects.select_for_update(of=("self",))
        .select_related("project", "period")
        .get(pk=report.pk)
    )


@transaction.atomic
def highlight_report_update(
    *,
    actor: User | None,
    report: HighlightReport,
    fields: Mapping[str, Any],
    expected_version: int | None,
    milestones: Sequence[MilestoneForecast] | None = None,
) -> HighlightReport:
    """Change a draft (only a draft changes; a submitted report is a snapshot). Changing only
    the milestones is a change too: a new version with its history entry."""
    current = _locked_report(report)
    HIGHLIGHT_REPORT.ensure(current, actor, "edit")
    only_fields(fields, REPORT_EDITABLE_FIELDS)
    _check_forecasts(current.project, fields)
    _check_scale(fields)
    if "raid_references" in fields:
        fields = {
            **fields,
            "raid_references": raid_references_check(current.project, fields["raid_references"]),
        }
    if milestones is not None:
        _check_milestones(current.project, milestones)
    version = current.version
    updated = record_update(
        instance=report,
        actor=actor,
        fields={**fields, **_high_risks(current.project)},
        expected_version=expected_version,
    )
    changed = milestones is not None and _set_milestones(updated, milestones, check=False)
    if changed and updated.version == version:
        # Only the milestones changed: the report still gets a new version and history entry.
        updated.version = version + 1
        updated._history_user = actor  # type: ignore[attr-defined]
        updated._change_reason = "Milestones changed"  # type: ignore[attr-defined]
        updated.save()
    return updated


def _assess(project: Project, report: HighlightReport) -> list[Assessment] | None:
    """The engine's verdicts on ``report``'s forecasts (None without a baseline to judge by)."""
    baseline = selectors.current_baselines([project.pk]).get(project.pk)
    if baseline is None:
        return None
    baseline.project = project
    tolerances = selectors.effective_tolerances([project])[project.pk]
    warning = selectors.reporting_settings().warning_band
    return assess_project(baseline=baseline, report=report, tolerances=tolerances, warning=warning)


@transaction.atomic
def highlight_report_submit(
    *, actor: User | None, report: HighlightReport, expected_version: int | None
) -> HighlightReport:
    """Hand the report in: it becomes a snapshot carrying its tolerance verdict, the previous
    revision is superseded, and the project's tolerances are evaluated against its latest
    forecasts (a breach raises an exception)."""
    current = _locked_report(report)
    HIGHLIGHT_REPORT.ensure(current, actor, "submit")
    missing = {
        name: MISSING_FOR_SUBMISSION
        for name in REQUIRED_FOR_SUBMISSION
        if getattr(current, name) in ("", None)
    }
    if missing:
        raise ValidationError(missing)
    _check_scale({name: getattr(current, name) for name in STATUS_FIELDS})
    _check_forecasts(current.project, {"forecast_finish": current.forecast_finish})
    raid_references_check(current.project, current.raid_references)  # each still in the register
    milestones = list(current.milestones.all())
    _check_milestones(current.project, [MilestoneForecast(m.name, m.forecast) for m in milestones])
    register = _high_risks(current.project)  # the risk tolerance judges the register's figure
    for name, value in register.items():
        setattr(current, name, value)
    assessments = _assess(current.project, current)
    verdict = worst(assessments).value if assessments else ""
    submitted = record_update(
        instance=report,
        actor=actor,
        fields={
            "status": ReportStatus.SUBMITTED,
            "submitted_by": actor,
            "submitted_at": clock.now(),
            "tolerance_status": verdict,
            **register,
        },
        expected_version=expected_version,
        reason="Submitted",
    )
    # The verdict's figures go with the report: its page and PDF show them, not today's checks.
    ReportToleranceCheck.objects.bulk_create(
        ReportToleranceCheck(report=submitted, **check_figures(a)) for a in assessments or ()
    )
    for older in HighlightReport.objects.filter(
        project=current.project, period=current.period, revision__lt=current.revision
    ).exclude(status=ReportStatus.SUPERSEDED):
        record_update(
            instance=older,
            actor=actor,
            fields={"status": ReportStatus.SUPERSEDED},
            expected_version=None,
            reason=f"Superseded by revision {current.revision}",
        )
    tolerances_evaluate(project=current.project)
    return submitted


def _review(
    *,
    actor: User | None,
    report: HighlightReport,
    expected_version: int | None,
    action: str,
    fields: Mapping[str, Any] | None = None,
    reason: str,
) -> HighlightReport:
    current = _locked_report(report)
    HIGHLIGHT_REPORT.ensure(current, actor, action)
    return record_update(
        instance=report,
        actor=actor,
        fields={"status": HIGHLIGHT_REPORT.target(action), **(fields or {})},
        expected_version=expected_version,
        reason=reason,
    )


@transaction.atomic
def highlight_report_return(
    *, actor: User | None, report: HighlightReport, comments: str, expected_version: int | None
) -> HighlightReport:
    """The PMO sends a submitted report back with comments; the PM corrects it in a revision."""
    HIGHLIGHT_REPORT.ensure(report, actor, "return")  # before the comments are judged
    if not comments.strip():
        raise ValidationError({"review_comments": COMMENTS_REQUIRED})
    returned = _review(
        actor=actor,
        report=report,
        expected_version=expected_version,
        action="return",
        reason="Returned",
        fields={"review_comments": comments.strip(), "reviewed_by": actor, "reviewed_at": clock.now()},
    )
    notify(
        recipients=others_than(actor, user_of(returned.project.project_manager)),
        key=f"report-returned:{returned.pk}",
        subject=f"{returned} was returned by the PMO",
        body=f"The PMO returned your highlight report with these comments:\n\n{comments.strip()}",
        url=returned.get_absolute_url(),
    )
    return returned


@transaction.atomic
def highlight_report_accept(
    *, actor: User | None, report: HighlightReport, expected_version: int | None, comments: str = ""
) -> HighlightReport:
    """The PMO's quality check passed."""
    return _review(
        actor=actor,
        report=report,
        expected_version=expected_version,
        action="accept",
        reason="Accepted",
        fields={"review_comments": comments.strip(), "reviewed_by": actor, "reviewed_at": clock.now()},
    )


@transaction.atomic
def highlight_report_publish(
    *, actor: User | None, report: HighlightReport, expected_version: int | None
) -> HighlightReport:
    """Publish an accepted report to its board and the dashboard's readers."""
    return _review(
        actor=actor,
        report=report,
        expected_version=expected_version,
        action="publish",
        fields={"published_at": clock.now()},
        reason="Published",
    )


@transaction.atomic
def highlight_report_revise(*, actor: User | None, report: HighlightReport) -> HighlightReport:
    """Start a corrected revision of a handed-in or returned report: a new draft copied from it
    (achievements and milestones included). The original stays as it was until the revision is
    submitted and supersedes it."""
    current = _locked_report(report)
    HIGHLIGHT_REPORT.ensure(current, actor, "revise")
    revision = record_create(
        model=HighlightReport,
        actor=actor,
        within=current.project,
        fields={
            "project": current.project,
            "period": current.period,
            "revision": current.revision + 1,
            **{name: getattr(current, name) for name in REPORT_EDITABLE_FIELDS},
        },
        reason=f"Revision of revision {current.revision}",
    )
    _set_milestones(
        revision,
        [MilestoneForecast(m.name, m.forecast, m.achieved_on) for m in current.milestones.all()],
        check=False,
    )
    return revision


# Baselines and tolerances ------------------------------------------------------------------------


def _baseline_record(
    *,
    actor: User | None,
    project: Project,
    finish: date,
    budget_at_completion: Decimal,
    reason: str,
    scope_summary: str,
    benefits_value: Decimal,
    milestones: Iterable[tuple[str, date]],
    source: BaselineSource,
    approved_by: User | None,
) -> Baseline:
    """Write the next baseline version (the caller has checked the actor's right)."""
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    if project.planned_start and finish < project.planned_start:
        raise ValidationError(
            {"finish": BASELINE_BEFORE_START.format(finish=finish, start=project.planned_start)}
        )
    rows = [(name.strip(), due) for name, due in milestones]
    _check_count(rows)
    names = [name for name, _due in rows]
    for name, due in rows:
        if names.count(name) > 1:
            raise ValidationError({"milestones": DUPLICATE_MILESTONE.format(name=name)})
        if project.planned_start and due < project.planned_start:
            raise ValidationError(
                {"milestones": MILESTONE_BEFORE_START.format(name=name, start=project.planned_start)}
            )
    Project.objects.select_for_update().filter(pk=project.pk).exists()  # one new version at a time
    last = (
        Baseline.objects.filter(project=project).order_by("-number").values_list("number", flat=True).first()
    )
    baseline = record_create(
        model=Baseline,
        actor=actor,
        authorised=True,
        fields={
            "project": project,
            "number": (last or 0) + 1,
            "finish": finish,
            "budget_at_completion": budget_at_completion,
            "scope_summary": scope_summary,
            "benefits_value": benefits_value,
            "approved_by": approved_by or actor,
            "approved_at": clock.now(),
            "reason": reason.strip(),
            "source": source,
        },
        within=project,
        reason=short_reason(reason),
    )
    BaselineMilestone.objects.bulk_create(
        BaselineMilestone(baseline=baseline, name=name, due=due) for name, due in rows
    )
    return baseline


@transaction.atomic
def baseline_approve(
    *,
    actor: User | None,
    project: Project,
    finish: date,
    budget_at_completion: Decimal,
    reason: str,
    scope_summary: str = "",
    benefits_value: Decimal = Decimal(0),
    milestones: Iterable[tuple[str, date]] = (),
    source: BaselineSource = BaselineSource.PMO,
    approved_by: User | None = None,
    authorised: bool = False,
) -> Baseline:
    """Record a new version of the project's approved baseline (the first, or the next after an
    approval), then re-evaluate its tolerances against it. Only the PMO records one directly;
    an exception decision or an approved change request makes one too (``authorised``: the
    calling workflow has checked the actor's right)."""
    if actor is not None and not authorised:
        ensure_can(actor, "reporting.add_baseline", project, action="approve baselines (only the PMO can)")
    baseline = _baseline_record(
        actor=actor,
        project=project,
        finish=finish,
        budget_at_completion=budget_at_completion,
        reason=reason,
        scope_summary=scope_summary,
        benefits_value=benefits_value,
        milestones=milestones,
        source=source,
        approved_by=approved_by,
    )
    tolerances_evaluate(project=project)
    return baseline


@transaction.atomic
def tolerance_set(
    *,
    actor: User | None,
    project: Project,
    dimension: ToleranceDimension,
    absolute: Decimal | None,
    percent: Decimal | None,
    direction: ToleranceDirection | str | None = None,
    expected_version: int | None = None,
) -> Tolerance:
    """Give the project its own tolerance for one dimension (replacing the default), then
    re-evaluate. Without a ``direction`` an existing tolerance keeps its own and a new one
    takes the dimension's default (``DEFAULT_DIRECTIONS``)."""
    if actor is not None:
        ensure_can(actor, "reporting.add_tolerance", project, action=f"set tolerances for {project}")
    existing = Tolerance.objects.filter(project=project, dimension=dimension).first()
    if not direction:
        direction = existing.direction if existing else default_direction(dimension)
    fields = {"absolute": absolute, "percent": percent, "direction": direction}
    if existing is None:
        row = record_create(
            model=Tolerance,
            actor=actor,
            fields={"project": project, "dimension": dimension, **fields},
            within=project,
        )
    else:
        row = record_update(instance=existing, actor=actor, fields=fields, expected_version=expected_version)
    tolerances_evaluate(project=project)
    return row


@transaction.atomic
def tolerance_clear(*, actor: User | None, tolerance: Tolerance, expected_version: int | None) -> None:
    """Drop a project's own tolerance: the default applies again."""
    project = tolerance.project
    record_delete(instance=tolerance, actor=actor, expected_version=expected_version)
    tolerances_evaluate(project=project)


def default_direction(dimension: str) -> str:
    """The direction a new tolerance for ``dimension`` takes unless one is given (an unknown
    dimension is left for the model's validation to name)."""
    try:
        return DEFAULT_DIRECTIONS[ToleranceDimension(dimension)]
    except ValueError:
        return ToleranceDirection.BOTH


def _projects_under(defaults: Iterable[ToleranceDefault]) -> list[Project]:
    """The active projects a default tolerance can apply to."""
    scope = Q(pk__in=[])
    for default in defaults:
        scope |= (
            Q(portfolio_id=default.portfolio_id) if default.portfolio_id else Q(size_tier=default.size_tier)
        )
    return list(Project.objects.filter(scope, status=ProjectStatus.ACTIVE))


@transaction.atomic
def tolerance_default_create(
    *,
    actor: User | None,
    dimension: ToleranceDimension,
    absolute: Decimal | None,
    percent: Decimal | None,
    size_tier: str = "",
    portfolio: Portfolio | None = None,
    direction: ToleranceDirection | str | None = None,
) -> ToleranceDefault:
    """Add a default tolerance for a size tier or a portfolio (PMO head); the projects it
    applies to are re-evaluated. Without a ``direction``, the dimension's default."""
    default = record_create(
        model=ToleranceDefault,
        actor=actor,
        fields={
            "dimension": dimension,
            "absolute": absolute,
            "percent": percent,
            "direction": direction or default_direction(dimension),
            "size_tier": size_tier,
            "portfolio": portfolio,
        },
    )
    tolerances_evaluate_all(_projects_under([default]))
    return default


@transaction.atomic
def tolerance_default_update(
    *, actor: User | None, default: ToleranceDefault, fields: Mapping[str, Any], expected_version: int | None
) -> ToleranceDefault:
    """Change a default tolerance (PMO head); the projects it applied to, and those it applies
    to now, are re-evaluated at once."""
    before = ToleranceDefault.objects.select_related("portfolio").get(pk=default.pk)
    if actor is not None:
        ensure_can(actor, "reporting.change_tolerancedefault", before, action=f"change {before}")
    only_fields(fields, TOLERANCE_DEFAULT_EDITABLE_FIELDS)
    updated = record_update(instance=default, actor=actor, fields=fields, expected_version=expected_version)
    tolerances_evaluate_all(_projects_under([before, updated]))
    return updated


@transaction.atomic
def tolerance_default_delete(
    *, actor: User | None, default: ToleranceDefault, expected_version: int | None
) -> None:
    """Remove a default tolerance (PMO head); its projects are re-evaluated without it."""
    projects = _projects_under([default])
    record_delete(instance=default, actor=actor, expected_version=expected_version)
    tolerances_evaluate_all(projects)


# Tolerance evaluation and exceptions -------------------------------------------------------------


def _store_checks(project_id: int, assessments: Sequence[Assessment]) -> None:
    """Store one project's verdicts (see ``_store_all_checks``)."""
    _store_all_checks({project_id: assessments})


CHECK_FIELDS = ("status", "baseline_value", "forecast_value", "allowance", "used", "explanation")
CHECKS_PER_QUERY = 2000  # projects
# What the tolerance engine reads from a report (``adapters.figures``).
FORECAST_FIELDS = (
    "forecast_finish",
    "forecast_cost",
    "forecast_benefits",
    "scope_change_percent",
    "quality_criteria_at_risk",
    "high_risks_open",
)


def check_figures(a: Assessment) -> dict[str, Any]:
    """A verdict as the check tables store it (the project's live checks and a submitted
    report's frozen ones)."""
    return {
        "dimension": a.dimension.value,
        "status": a.status.value,
        "baseline_value": a.baseline.quantize(Decimal("0.01")),
        "forecast_value": a.forecast.quantize(Decimal("0.01")),
        "allowance": a.allowance.quantize(Decimal("0.01")),
        "used": None if a.used.is_infinite() else a.used.quantize(Decimal("0.0001")),
        "explanation": a.explanation[:300],
    }


def _store_all_checks(checks: Mapping[int, Sequence[Assessment]]) -> None:
    """Store the verdicts of many projects in bulk: new checks created, changed ones updated,
    those no longer assessed deleted, and every project's checks stamped as assessed now — a few
    queries per 2,000 projects, not one per check. Figures are kept as the columns store them."""
    now = clock.now()
    ids = list(checks)
    for first in range(0, len(ids), CHECKS_PER_QUERY):
        chunk = ids[first : first + CHECKS_PER_QUERY]
        # The explanation states every figure a verdict rests on, so an unchanged status and
        # explanation mean an unchanged check: no need to read the figures back.
        existing = {
            (project_id, dimension): (pk, (status, explanation))
            for pk, project_id, dimension, status, explanation in ToleranceCheck.objects.filter(
                project_id__in=chunk
            )
            .order_by()
            .values_list("pk", "project_id", "dimension", "status", "explanation")
        }
        new: list[ToleranceCheck] = []
        changed: list[ToleranceCheck] = []
        for project_id in chunk:
            for a in checks[project_id]:
                figures = check_figures(a)
                found = existing.pop((project_id, a.dimension.value), None)
                if found is not None and found[1] == (figures["status"], figures["explanation"]):
                    continue
                row = ToleranceCheck(
                    pk=found[0] if found else None, project_id=project_id, assessed_at=now, **figures
                )
                (new if found is None else changed).append(row)
        if existing:  # dimensions no longer assessed
            ToleranceCheck.objects.filter(pk__in=[pk for pk, _values in existing.values()]).delete()
        ToleranceCheck.objects.filter(project_id__in=chunk).update(assessed_at=now)
        ToleranceCheck.objects.bulk_create(new, batch_size=1000)
        ToleranceCheck.objects.bulk_update(changed, CHECK_FIELDS, batch_size=500)


@transaction.atomic
def tolerances_evaluate(*, project: Project, report: HighlightReport | None = None) -> Status | None:
    """Judge the project's latest forecasts (those of ``report`` if given, else of its latest
    handed-in report) against its current baseline and tolerances, store the verdicts, and raise
    an exception for a breach. Returns the worst status (None when there is no baseline or no
    handed-in report to judge)."""
    latest = report if report is not None else selectors.latest_handed_in([project.pk]).get(project.pk)
    assessments = _assess(project, latest) if latest is not None else None
    if assessments is None or latest is None:
        ToleranceCheck.objects.filter(project=project).delete()
        return None
    _store_checks(project.pk, assessments)
    breaches = [a for a in assessments if a.status is Status.BREACHED]
    if breaches:
        exception_raise(project=project, breaches=breaches, report=latest)
    return worst(assessments)


def tolerances_evaluate_all(projects: Iterable[Project] | None = None) -> dict[int, Status]:
    """Evaluate many projects at once (after a default tolerance or the warning band changes):
    a fixed number of queries to read the latest forecasts, baselines, tolerances and open
    exceptions, the verdicts stored in bulk, then an exception raised (or extended) only for a
    project whose breach is not yet in its open exception."""
    with collector_paused():
        return _evaluate_all(projects)


def _evaluate_all(projects: Iterable[Project] | None) -> dict[int, Status]:
    if projects is None:
        scope = Project.objects.filter(status=ProjectStatus.ACTIVE)
        # What judging needs (exception_raise reads the project afresh when it raises).
        projects = list(scope.only("code", "name", "portfolio", "size_tier", "planned_start"))
    else:
        projects = list(projects)
        scope = Project.objects.filter(pk__in=[p.pk for p in projects])
    baselines = {
        b.project_id: b
        for b in Baseline.objects.filter(pk__in=current_baseline_ids(scope)).only(
            "project", "finish", "budget_at_completion", "benefits_value"
        )
    }
    reports = {
        r.project_id: r
        for r in HighlightReport.objects.filter(pk__in=latest_report_ids(scope)).only(
            "project", *FORECAST_FIELDS
        )
    }
    tolerances = selectors.effective_tolerances(projects)
    warning = selectors.reporting_settings().warning_band
    raised: dict[int, set[str]] = {}
    for project_id, dimensions in (
        ProjectException.objects.filter(project_id__in=scope.values("pk"))
        .exclude(status=ExceptionStatus.DECIDED)
        .values_list("project_id", "dimensions")
    ):
        raised[project_id] = set(dimensions.split(", "))
    results: dict[int, Status] = {}
    judged: dict[int, list[Assessment]] = {}
    for project in projects:
        baseline, report = baselines.get(project.pk), reports.get(project.pk)
        if baseline is None or report is None:
            continue
        baseline.project = project
        judged[project.pk] = assess_project(
            baseline=baseline, report=report, tolerances=tolerances[project.pk], warning=warning
        )
        results[project.pk] = worst(judged[project.pk])
    with transaction.atomic():
        _store_all_checks(judged)
    for project in projects:
        breaches = [a for a in judged.get(project.pk, ()) if a.status is Status.BREACHED]
        if breaches and not {a.dimension.value for a in breaches} <= raised.get(project.pk, set()):
            exception_raise(project=project, breaches=breaches, report=reports[project.pk])
    return results


@transaction.atomic
def exception_raise(
    *, project: Project, breaches: Sequence[Assessment], report: HighlightReport | None = None
) -> ProjectException:
    """Raise an exception for a breach (the system does this, never a person), request the
    exception report from the PM and escalate to the sponsor and the PMO. A project with an open
    exception has new breached dimensions added to it (and the people told) instead."""
    found = {a.dimension.value for a in breaches}
    existing = selectors.open_exception(project)
    if existing is not None and found <= set(existing.dimensions.split(", ")):
        return existing  # already raised: the common case, one query
    # One open exception per project, however many evaluations run at once: lock, look again.
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("project_manager__user", "sponsor__user")
        .get(pk=project.pk)
    )
    summary = "\n".join(a.explanation for a in breaches)
    pm, sponsor = user_of(project.project_manager), user_of(project.sponsor)
    existing = selectors.open_exception(project)
    if existing is not None:
        known = set(existing.dimensions.split(", "))
        if found <= known:
            return existing
        merged = ", ".join(sorted(known | found))
        extended = record_update(
            instance=existing,
            actor=None,
            fields={"dimensions": merged, "breach_summary": summary},
            expected_version=None,
            reason="Further tolerance breached",
        )
        notify(
            recipients=[pm, sponsor, *pmo_users()],
            key=f"exception-extended:{extended.pk}:{merged}",
            subject=f"Exception for {project} now covers {merged}",
            body=f"{summary}\n\nThe exception report should cover every dimension in breach.",
            url=extended.get_absolute_url(),
        )
        return extended
    dimensions = ", ".join(sorted(found))
    exception = record_create(
        model=ProjectException,
        actor=None,
        fields={
            "project": project,
            "dimensions": dimensions,
            "breach_summary": summary,
            "raised_at": clock.now(),
            "raised_from": report,
        },
        reason="Raised automatically: forecast beyond tolerance",
    )
    due = clock.today() + timedelta(days=selectors.reporting_settings().exception_report_days)
    exception = record_update(
        instance=exception,
        actor=None,
        fields={"status": ExceptionStatus.REPORT_REQUESTED, "report_due": due},
        expected_version=None,
        reason="Exception report requested from the project manager",
    )
    url = exception.get_absolute_url()
    notify(
        recipients=[pm],
        key=f"exception-report-requested:{exception.pk}",
        subject=f"Exception report needed by {due:%d %b %Y}: {project} is beyond tolerance",
        body=f"{summary}\n\nWrite the exception report (cause, consequences, options, recommendation).",
        url=url,
    )
    notify(
        recipients=[sponsor, *pmo_users()],
        key=f"exception-raised:{exception.pk}",
        subject=f"Exception raised: {project} is forecast beyond tolerance ({dimensions})",
        body=f"{summary}\n\nThe project manager has been asked for an exception report by {due:%d %b %Y}.",
        url=url,
    )
    return exception


@transaction.atomic
def exception_report_submit(
    *,
    actor: User | None,
    exception: ProjectException,
    cause: str,
    consequences: str,
    options: str,
    recommendation: str,
    expected_version: int | None,
) -> ProjectException:
    """The PM's exception report: cause, consequences, options (each with its effect on the
    business case, risks and tolerances) and a recommendation; goes to the sponsor to decide."""
    current = (
        ProjectException.objects.select_for_update(of=("self",))
        .select_related("project__sponsor__user")
        .get(pk=exception.pk)
    )
    EXCEPTION.ensure(current, actor, "report")
    texts = {
        "cause": cause,
        "consequences": consequences,
        "options": options,
        "recommendation": recommendation,
    }
    missing = {name: MISSING_FOR_SUBMISSION for name, text in texts.items() if not text.strip()}
    if missing:
        raise ValidationError(missing)
    submitted = record_update(
        instance=exception,
        actor=actor,
        fields={
            **{name: text.strip() for name, text in texts.items()},
            "status": ExceptionStatus.REPORT_SUBMITTED,
            "report_submitted_by": actor,
            "report_submitted_at": clock.now(),
        },
        expected_version=expected_version,
        reason="Exception report submitted",
    )
    notify(
        recipients=others_than(actor, user_of(current.project.sponsor), *pmo_users()),
        key=f"exception-decision-needed:{exception.pk}",
        subject=f"Decision needed: exception report for {current.project}",
        body=f"Recommendation:\n{recommendation.strip()}",
        url=submitted.get_absolute_url(),
    )
    return submitted


@transaction.atomic
def exception_decide(
    *,
    actor: User | None,
    exception: ProjectException,
    decision: ExceptionDecision,
    notes: str,
    expected_version: int | None,
    baseline: Mapping[str, Any] | None = None,
) -> ProjectException:
    """The decision of the project's sponsor (or the PMO head, for the board) on the exception
    report: a new baseline (recorded as the next version and the tolerances judged against it),
    a corrective action plan, or stop (the project is cancelled)."""
    current = (
        ProjectException.objects.select_for_update(of=("self",))
        .select_related("project__project_manager__user", "project__sponsor__user")
        .get(pk=exception.pk)
    )
    EXCEPTION.ensure(current, actor, "decide")
    if decision not in ExceptionDecision.values:
        raise ValidationError({"decision": NOT_A_DECISION.format(decision=decision)})
    decision = ExceptionDecision(decision)
    if not notes.strip():
        raise ValidationError({"decision_notes": DECISION_NOTES_REQUIRED})
    project = current.project
    given = dict(baseline or {})
    fields: dict[str, Any] = {
        "status": ExceptionStatus.DECIDED,
        "decision": decision,
        "decision_notes": notes.strip(),
        "decided_by": actor,
        "decided_at": clock.now(),
    }
    if decision == ExceptionDecision.NEW_BASELINE:
        if not given.get("finish") or given.get("budget_at_completion") is None:
            raise ValidationError({"baseline": DECISION_NEEDS_BASELINE})
        fields["new_baseline"] = _baseline_record(
            actor=actor,
            project=project,
            finish=given["finish"],
            budget_at_completion=given["budget_at_completion"],
            reason=given.get("reason") or f"Exception decision: {notes.strip()}",
            scope_summary=given.get("scope_summary", ""),
            benefits_value=given.get("benefits_value") or Decimal(0),
            milestones=given.get("milestones", ()),
            source=BaselineSource.EXCEPTION,
            approved_by=actor,
        )
    decided = record_update(
        instance=exception,
        actor=actor,
        fields=fields,
        expected_version=expected_version,
        reason=f"Decided: {decision.label}",
    )
    if decision == ExceptionDecision.NEW_BASELINE:
        tolerances_evaluate(project=project)
    elif decision == ExceptionDecision.STOP:
        project_update(
            actor=actor,
            project=project,
            fields={"status": ProjectStatus.CANCELLED},
            expected_version=None,
            reason=short_reason(f"Stopped by exception decision of {actor or 'the board'}"),
        )
    notify(
        recipients=others_than(
            actor, user_of(project.project_manager), user_of(project.sponsor), *pmo_users()
        ),
        key=f"exception-decided:{exception.pk}",
        subject=f"Exception decided for {project}: {decision.label}",
        body=notes.strip(),
        url=decided.get_absolute_url(),
    )
    return decided


# Corrective actions (RAID actions of the exception) ------------------------------------------------


@transaction.atomic
def exception_action_add(
    *,
    actor: User | None,
    exception: ProjectException,
    title: str,
    owner: Person,
    due: date,
    description: str = "",
) -> Action:
    """Add an action to the exception's corrective action plan: a RAID action of its project
    (source "exception", the exception's reference), raised through the RAID services, whose
    rules decide who may; its owner is told."""
    if due < clock.today():
        raise ValidationError({"due": ACTION_DUE_IN_PAST})
    action = raid_item_create(
        actor=actor,
        model=Action,
        register=exception.project,
        fields={
            "title": title.strip(),
            "description": description.strip(),
            "owner": owner,
            "due": due,
            "source": ActionSource.EXCEPTION,
            "source_reference": exception.reference,
        },
        reason=short_reason(f"Corrective action for {exception.reference}"),
    )
    notify(
        recipients=others_than(actor, user_of(owner)),
        key=f"raid-action-assigned:{action.pk}",
        subject=f"Action for {exception.project.code} due {due:%d %b %Y}: {action.title}",
        url=action.get_absolute_url(),
        about=action,
    )
    return action


# The periodic run ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CycleRun:
    """What one periodic run did."""

    periods_opened: int
    reminders: int
    late_notices: int
    exception_reminders: int
    emails_retried: int


def _open_current_period(today: date, cadence: str) -> int:
    """Open the period of the cadence that holds ``today`` unless one already does; after a
    change of cadence it starts the day after the last period ends. Returns how many opened."""
    if selectors.period_for(today) is not None:
        return 0
    start, end = period_containing(today, cadence)
    clash = _overlapping(start, end)
    if clash is not None:
        start = clash.end + timedelta(days=1)
    reporting_period_open(actor=None, start=start, end=end)
    return 1


def reporting_cycle_run(*, today: date | None = None) -> CycleRun:
    """Open the current period if it is missing, remind PMs whose reports are due soon, flag
    late reports to them and the PMO, chase overdue exception reports and retry unsent e-mail.
    Idempotent: each reminder goes once (``Notification.key``), however often this runs; the
    PMO's digest of late reports and the chasers for overdue exception reports once a day."""
    today = today or clock.today()
    config = selectors.reporting_settings()
    with transaction.atomic():
        opened = _open_current_period(today, config.cadence)
    reminders = late = 0
    for period in selectors.open_periods().filter(start__lte=today):
        soon = period.due - timedelta(days=config.reminder_days_before_due)
        if today < soon:
            continue
        owing = list(selectors.projects_owing_reports(period))
        is_late = today > period.due
        for project in owing:
            kind = "report-late" if is_late else "report-due"
            subject = (
                f"Late: the {period} highlight report for {project} was due {period.due:%d %b %Y}"
                if is_late
                else f"Reminder: the {period} highlight report for {project} is due {period.due:%d %b %Y}"
            )
            count = notify(
                recipients=[user_of(project.project_manager)],
                key=f"{kind}:{period.pk}:{project.pk}",
                subject=subject,
                url=reverse("reporting:report_start", args=[project.code, period.pk]),
            )
            if is_late:
                late += count
            else:
                reminders += count
        if is_late and owing:
            codes = ", ".join(p.code for p in owing[:20]) + (" …" if len(owing) > 20 else "")
            notify(
                recipients=pmo_users(),
                key=f"reports-late-digest:{period.pk}:{today.isoformat()}",
                subject=f"{len(owing)} highlight report(s) for {period} are late",
                body=f"Not handed in by {period.due:%d %b %Y}: {codes}",
                url=reverse("reporting:period_detail", args=[period.pk]),
            )
    chased = 0
    overdue = ProjectException.objects.filter(
        status=ExceptionStatus.REPORT_REQUESTED, report_due__lt=today
    ).select_related("project__project_manager__user", "project")
    for exception in overdue:
        chased += notify(
            recipients=[user_of(exception.project.project_manager)],
            key=f"exception-report-overdue:{exception.pk}:{today.isoformat()}",
            subject=(
                f"Overdue: the exception report for {exception.project} "
                f"was due {exception.report_due:%d %b %Y}"
            ),
            url=exception.get_absolute_url(),
        )
    retried = notifications_email(
        Notification.objects.filter(
            emailed=False,
            recipient__is_active=True,
            created_at__gte=clock.now() - timedelta(days=EMAIL_RETRY_DAYS),
        )
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("created_at", "pk")[:200]
    )
    return CycleRun(opened, reminders, late, chased, retried)
