"""Writes and workflows of reporting periods and highlight reports: the reporting settings,
opening, closing and reopening periods, and a report from its draft to its publication."""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from pmo.core import clock
from pmo.core.models import User
from pmo.core.permissions import ensure_can
from pmo.core.problems import Problems
from pmo.core.services import (
    notify,
    only_fields,
    others_than,
    record_create,
    record_update,
    short_reason,
    stale_version,
    user_of,
)
from pmo.engine.periods import period_containing
from pmo.engine.tolerance import worst
from pmo.finance.feeds import finance_eac
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Project
from pmo.raid.selectors import item_by_reference
from pmo.reporting import selectors
from pmo.reporting.choices import (
    HANDED_IN_STATES,
    RAG_RATINGS,
    PeriodStatus,
    Rating,
    ReportDimension,
    ReportStatus,
    StatusScale,
)
from pmo.reporting.evidence import register_high_risks
from pmo.reporting.models import (
    HighlightReport,
    ReportingPeriod,
    ReportingSettings,
    ReportMilestone,
    ReportToleranceCheck,
)
from pmo.reporting.services.evaluation import (
    FORECAST_FIELDS,
    assess_report,
    check_figures,
    tolerances_evaluate,
    tolerances_evaluate_all,
)
from pmo.reporting.services.milestones import MilestoneForecast, check_milestones
from pmo.reporting.workflows import HIGHLIGHT_REPORT, PERIOD, PERIOD_CLOSED
from pmo.schedule.selectors import plan_forecast

PERIOD_EXISTS = "A reporting period starting {start:%-d %b %Y} already exists."
PROJECT_NOT_ACTIVE = "{project} is {status}: only active projects report."
REPORT_EXISTS = "{project} already has a report for {period}: open it instead of starting another."
COMMENTS_REQUIRED = "Say what needs correcting: comments are required to return a report."
MISSING_FOR_SUBMISSION = "Fill this in before submitting."
OFF_SCALE = "The PMO reports on the red/amber/green scale: {rating} is not on it."
FORECAST_BEFORE_START = (
    "The forecast finish ({forecast:%-d %b %Y}) is before the project starts ({start:%-d %b %Y})."
)
SUCCESSOR_CLOSED = (
    "{period} cannot be reopened while the period after it, {successor}, is closed: reopen {successor} first."
)
PERIOD_OVERLAPS = "{start:%-d %b %Y} to {end:%-d %b %Y} overlaps the reporting period {period}."

STATUS_FIELDS = ("overall_status", *(f"{d.value}_status" for d in ReportDimension))
# The narrative of a highlight report, as the report form groups it (its forecasts are what the
# tolerance engine reads: FORECAST_FIELDS).
REPORT_TEXTS = (
    "summary",
    "achievements",
    "next_period_plan",
    "change_requests",
    "key_risks_issues",
    "support_needed",
    "lessons",
)
# What a project manager writes in a draft, in the order the form and the API show it; the
# workflow fields (status, who, when, the tolerance verdict) and the report's project, period
# and revision only the services set.
REPORT_FIELDS = (
    *STATUS_FIELDS,
    *REPORT_TEXTS[:3],
    *FORECAST_FIELDS,
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
    "early_slip_reports",
    "early_slip_share",
    "early_creep_reports",
    "early_creep_share",
    "early_confidence_falls",
    "early_late_reports",
    "early_late_window",
    "early_dependency_days",
    "early_raid_overdue_days",
    "early_raid_points",
)
SETTINGS_EDITABLE_FIELDS = frozenset(SETTINGS_FIELDS)


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


def overlapping_period(start: date, end: date) -> ReportingPeriod | None:
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
    clash = overlapping_period(start, end) if end >= start else None
    if clash is not None:
        raise ValidationError({"start": PERIOD_OVERLAPS.format(start=start, end=end, period=clash)})
    due = due or end + timedelta(days=config.due_days_after_period_end)
    return record_create(model=ReportingPeriod, actor=actor, fields={"start": start, "end": end, "due": due})


@transaction.atomic
def reporting_period_close(
    *, actor: User | None, period: ReportingPeriod, expected_version: int | None
) -> ReportingPeriod:
    """Close a period: no report can be started or changed in it afterwards."""
    return _period_moved(period, actor, "close", expected_version, reason="Closed")


@transaction.atomic
def reporting_period_reopen(
    *, actor: User | None, period: ReportingPeriod, expected_version: int | None
) -> ReportingPeriod:
    """Open a closed period again, so its reports can be written and checked; not once the
    period after it is closed (reopen that one first)."""
    PERIOD.ensure(ReportingPeriod.objects.select_for_update().get(pk=period.pk), actor, "reopen")
    successor = ReportingPeriod.objects.filter(start__gt=period.start).order_by("start").first()
    if successor is not None and successor.status == PeriodStatus.CLOSED:
        raise ValidationError(SUCCESSOR_CLOSED.format(period=period, successor=successor))
    return _period_moved(period, actor, "reopen", expected_version, reason="Reopened")


def _period_moved(
    period: ReportingPeriod, actor: User | None, action: str, expected_version: int | None, *, reason: str
) -> ReportingPeriod:
    """Take ``action`` on the period if its table allows it, moving it to the state it names."""
    PERIOD.ensure(ReportingPeriod.objects.select_for_update().get(pk=period.pk), actor, action)
    return record_update(
        instance=period,
        actor=actor,
        fields={"status": PERIOD.target(action)},
        expected_version=expected_version,
        reason=reason,
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
    risks and lessons carry over; this period's achievements start empty. Where the project has
    a plan, its finish is the forecast finish and its key milestones, as it dates them now, are
    the milestones (ADR 0042). Where it has an approved budget, finance's EAC is the forecast
    cost (ADR 0049's amendment). Both stay editable, as the plan's finish always has."""
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
        milestones = [MilestoneForecast(*milestone) for milestone in selectors.milestone_forecasts(previous)]
    else:
        baseline = selectors.current_baselines([project.pk]).get(project.pk)
        if baseline is not None:
            fields.update(
                forecast_finish=baseline.finish,
                forecast_cost=baseline.budget_at_completion,
                forecast_benefits=baseline.benefits_value or None,
            )
            milestones = [MilestoneForecast(m.name, m.due) for m in baseline.milestones.all()]
    planned = plan_forecast(project)
    if planned is not None:
        fields["forecast_finish"] = planned.finish
        if planned.milestones:
            named: dict[str, MilestoneForecast] = {}
            for m in planned.milestones:  # a name twice in the plan: its first, as a report allows
                name = m.name.strip()[: ReportMilestone.NAME_LENGTH]
                named.setdefault(name, MilestoneForecast(name, m.finish, m.achieved_on))
            milestones = list(named.values())
    eac = finance_eac(project)
    if eac is not None:
        fields["forecast_cost"] = eac.eac
    fields.update(_high_risks(project))
    report = record_create(
        model=HighlightReport,
        actor=actor,
        fields=fields,
        within=project,
        reason=short_reason(f"Pre-filled from {previous}") if previous else "",
    )
    _add_milestones(report, milestones)
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


def _set_milestones(
    report: HighlightReport, milestones: Sequence[MilestoneForecast], *, check: bool = True
) -> bool:
    """Replace the report's milestones; True if they changed."""
    if check:
        check_milestones(report.project, milestones)
    wanted = [(m.name.strip(), m.forecast, m.achieved_on) for m in milestones]
    stored = [(m.name, m.forecast, m.achieved_on) for m in report.milestones.all()]
    if sorted(wanted, key=str) == sorted(stored, key=str):
        return False
    report.milestones.all().delete()
    _add_milestones(report, milestones)
    return True


def _add_milestones(report: HighlightReport, milestones: Sequence[MilestoneForecast]) -> None:
    """Give a report just created (so with none yet) its milestones: nothing to read or replace."""
    ReportMilestone.objects.bulk_create(
        ReportMilestone(report=report, name=m.name.strip(), forecast=m.forecast, achieved_on=m.achieved_on)
        for m in milestones
    )


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


def highlight_report_check(
    *,
    report: HighlightReport,
    fields: Mapping[str, Any],
    milestones: Sequence[MilestoneForecast] | None = None,
    submitting: bool = False,
) -> None:
    """Every problem of ``fields`` (some or all of a draft's) and ``milestones`` for ``report``,
    raised together: a forecast before the project starts, a rating off the scale, a RAID item
    not in the project's registers, the milestones' rules and, when ``submitting``, what must be
    filled in first (the stored value for a field not given)."""
    problems = Problems()
    if submitting:
        for name in REQUIRED_FOR_SUBMISSION:
            if fields.get(name, getattr(report, name)) in ("", None):
                problems.add(ValidationError({name: MISSING_FOR_SUBMISSION}))
    problems.check(_check_forecasts, report.project, fields)
    problems.check(_check_scale, fields)
    if fields.get("raid_references"):
        problems.check(raid_references_check, report.project, fields["raid_references"])
    if milestones is not None:
        problems.check(check_milestones, report.project, milestones)
    problems.raise_any()


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
    highlight_report_check(report=current, fields=fields, milestones=milestones)
    if "raid_references" in fields:
        fields = {
            **fields,
            "raid_references": raid_references_check(current.project, fields["raid_references"]),
        }
    if expected_version is not None and current.version != expected_version:
        raise stale_version(current, expected_version)  # before the milestones are replaced
    # Changing only the milestones is a change too: a new version and history entry.
    changed = milestones is not None and _set_milestones(current, milestones, check=False)
    values = {**fields, **_high_risks(current.project)}
    only_milestones = changed and all(getattr(current, name) == value for name, value in values.items())
    return record_update(
        instance=report,
        actor=actor,
        fields=values,
        expected_version=expected_version,
        reason="Milestones changed" if only_milestones else "",
        authorised=True,  # the workflow's "edit", above
        locked=current,
        rows_changed=changed,
    )


@transaction.atomic
def highlight_report_submit(
    *, actor: User | None, report: HighlightReport, expected_version: int | None
) -> HighlightReport:
    """Hand the report in: it becomes a snapshot carrying its tolerance verdict, the previous
    revision is superseded, and the project's tolerances are evaluated against its latest
    forecasts (a breach raises an exception)."""
    current = _locked_report(report)
    HIGHLIGHT_REPORT.ensure(current, actor, "submit")
    highlight_report_check(  # the references each still in the register
        report=current,
        fields={name: getattr(current, name) for name in REPORT_EDITABLE_FIELDS},
        milestones=[MilestoneForecast(m.name, m.forecast) for m in current.milestones.all()],
        submitting=True,
    )
    register = _high_risks(current.project)  # the risk tolerance judges the register's figure
    for name, value in register.items():
        setattr(current, name, value)
    assessments = assess_report(current.project, current)
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
        authorised=True,  # the workflow's "submit", above
        locked=current,
    )
    # The verdict's figures go with the report: its page and PDF show them, not today's checks.
    ReportToleranceCheck.objects.bulk_create(
        ReportToleranceCheck(report=submitted, **check_figures(a)) for a in assessments or ()
    )
    # Revisions count from 1 (a draft started, then each revision one more): a first has none before it.
    older_revisions = (
        HighlightReport.objects.filter(
            project=current.project, period=current.period, revision__lt=current.revision
        ).exclude(status=ReportStatus.SUPERSEDED)
        if current.revision > 1
        else HighlightReport.objects.none()
    )
    for older in older_revisions:
        record_update(
            instance=older,
            actor=actor,
            fields={"status": ReportStatus.SUPERSEDED},
            expected_version=None,
            reason=f"Superseded by revision {current.revision}",
        )
    later = HighlightReport.objects.filter(
        project=current.project, status__in=HANDED_IN_STATES, period__start__gt=current.period.start
    )
    if later.exists():  # a late report: the latest forecasts are a later period's
        tolerances_evaluate(project=current.project)
    else:  # these are the latest forecasts, judged above
        tolerances_evaluate(project=current.project, report=submitted, assessments=assessments)
    return submitted


def _review(
    *,
    actor: User | None,
    report: HighlightReport,
    expected_version: int | None,
    action: str,
    reason: str,
    comments: str | None = None,
    fields: Mapping[str, Any] | None = None,
) -> HighlightReport:
    """Take the PMO's ``action`` on the report: its ``comments`` (with who and when) are the
    review's, ``fields`` anything else the step sets."""
    current = _locked_report(report)
    HIGHLIGHT_REPORT.ensure(current, actor, action)
    review: dict[str, Any] = {}
    if comments is not None:
        review = {"review_comments": comments.strip(), "reviewed_by": actor, "reviewed_at": clock.now()}
    return record_update(
        instance=report,
        actor=actor,
        fields={"status": HIGHLIGHT_REPORT.target(action), **review, **(fields or {})},
        expected_version=expected_version,
        reason=reason,
        authorised=True,  # the workflow's review step, above
        locked=current,
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
        comments=comments,
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
        comments=comments,
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
    _add_milestones(
        revision, [MilestoneForecast(m.name, m.forecast, m.achieved_on) for m in current.milestones.all()]
    )
    return revision
