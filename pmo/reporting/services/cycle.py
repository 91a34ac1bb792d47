"""The periodic run of the reporting cycle: it opens the current period, reminds and chases
reports and exception reports, and retries unsent e-mail."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse

from pmo.core import clock, formatting
from pmo.core.models import Notification
from pmo.core.services import notifications_email, notify, pmo_users, user_of
from pmo.engine.periods import period_containing
from pmo.reporting import selectors
from pmo.reporting.choices import ExceptionStatus
from pmo.reporting.models import ProjectException
from pmo.reporting.services.periods_reports import overlapping_period, reporting_period_open

# E-mail that could not be sent is retried for this long, then left in the app only.
EMAIL_RETRY_DAYS = 7


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
    clash = overlapping_period(start, end)
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
        due = formatting.date(period.due)
        for project in owing:
            kind = "report-late" if is_late else "report-due"
            subject = (
                f"Late: the {period} highlight report for {project} was due {due}"
                if is_late
                else f"Reminder: the {period} highlight report for {project} is due {due}"
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
                body=f"Not handed in by {due}: {codes}",
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
                f"was due {formatting.date(exception.report_due)}"
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
