"""The periodic run: it opens the period, reminds PMs before the due date, flags late reports to
them and the PMO, chases overdue exception reports and retries e-mail — each message once.

November 2026 is due on 5 December; reminders start three days before, on 2 December."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from pmo.core.models import Notification, User
from pmo.engine.periods import period_containing
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.reporting import services
from pmo.reporting.choices import Cadence
from pmo.reporting.models import ProjectException, ReportingPeriod, ReportingSettings
from pmo.reporting.services import CycleRun
from pmo.reporting.tests.services.steps import BASELINE_FINISH, baseline, submitted

pytestmark = pytest.mark.django_db

DEC = dt.date(2026, 12, 1)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """The periodic run on a given day, its e-mail sent as it would be after each commit."""

    def do(day: dt.date) -> CycleRun:
        with django_capture_on_commit_callbacks(execute=True):
            return services.reporting_cycle_run(today=day)

    return do


def told(key_prefix):
    return sorted(
        Notification.objects.filter(key__startswith=key_prefix).values_list("recipient__username", flat=True)
    )


def test_the_run_opens_the_current_period_once(db, run):
    first = run(dt.date(2027, 3, 10))
    second = run(dt.date(2027, 3, 11))

    period = ReportingPeriod.objects.get()
    assert (period.start, period.end, period.due) == (
        dt.date(2027, 3, 1),
        dt.date(2027, 3, 31),
        dt.date(2027, 4, 5),
    )
    assert period.history.get().history_user is None
    assert (first.periods_opened, second.periods_opened) == (1, 0)


def test_after_a_change_of_cadence_the_next_period_starts_where_the_last_ended(cast, run):
    ReportingSettings.objects.update(cadence=Cadence.FORTNIGHTLY)
    fortnight = period_containing(dt.date(2026, 12, 2), "fortnightly")
    assert fortnight[0] < DEC  # the fortnight holding 2 Dec began in November

    run(dt.date(2026, 12, 2))

    opened = ReportingPeriod.objects.get(start__gte=DEC)
    assert (opened.start, opened.end) == (DEC, fortnight[1])


def test_no_reminder_before_the_window(cast, run):
    result = run(dt.date(2026, 12, 1))

    assert result.reminders == 0
    assert not Notification.objects.filter(key__startswith="report-due").exists()


def test_pms_owing_a_report_are_reminded_once(cast, run):
    submitted(cast)  # WEB has handed in; OTHER has not

    first = run(dt.date(2026, 12, 2))
    second = run(dt.date(2026, 12, 3))

    assert (first.reminders, second.reminders) == (1, 0)
    assert told("report-due") == ["other_pm"]
    other = Project.objects.get(code="OTHER")
    note = Notification.objects.get(key__startswith="report-due")
    assert note.subject == f"Reminder: the November 2026 highlight report for {other} is due 5 Dec 2026"
    assert note.url == f"/reporting/projects/OTHER/periods/{cast.period.pk}/report/"
    assert [m.to for m in mail.outbox] == [["other.pm@council.example"]]


def test_late_reports_are_flagged_to_the_pm_once_and_to_the_pmo_daily(cast, run):
    first = run(dt.date(2026, 12, 6))
    again = run(dt.date(2026, 12, 6))
    next_day = run(dt.date(2026, 12, 7))

    assert (first.late_notices, again.late_notices, next_day.late_notices) == (2, 0, 0)
    assert told("report-late") == ["other_pm", "pm"]
    digests = Notification.objects.filter(key__startswith="reports-late-digest", recipient=cast.head)
    assert digests.count() == 2
    digest = digests.first()
    assert digest.subject == "2 highlight report(s) for November 2026 are late"
    assert digest.body == "Not handed in by 5 Dec 2026: OTHER, WEB"
    assert told("reports-late-digest") == sorted(["analyst", "head", "officer"] * 2)


def test_a_returned_report_is_still_owed(cast, run):
    report = submitted(cast)
    services.highlight_report_return(
        actor=cast.officer, report=report, comments="Figures missing.", expected_version=report.version
    )

    run(dt.date(2026, 12, 6))

    assert told("report-late") == ["other_pm", "pm"]


def test_projects_not_yet_started_or_not_active_owe_nothing(cast, run):
    Project.objects.filter(code="OTHER").update(status=ProjectStatus.ON_HOLD)
    future = make_future_project()

    run(dt.date(2026, 12, 6))

    assert told("report-late") == ["pm"]
    assert not Notification.objects.filter(recipient=future).exists()


def make_future_project():
    user = User.objects.create_user(username="future_pm")
    ProjectFactory(
        code="FUTURE",
        planned_start=dt.date(2027, 1, 4),
        planned_finish=dt.date(2027, 12, 17),
        project_manager=PersonFactory(user=user),
    )
    return user


def test_overdue_exception_reports_are_chased_daily(cast, run):
    baseline(cast)
    submitted(cast, forecast_finish=BASELINE_FINISH + dt.timedelta(days=45))
    exception = ProjectException.objects.get()
    day_after = exception.report_due + dt.timedelta(days=1)

    on_due_day = run(exception.report_due)
    first = run(day_after)
    again = run(day_after)
    next_day = run(day_after + dt.timedelta(days=1))

    assert (on_due_day.exception_reminders, first.exception_reminders) == (0, 1)
    assert (again.exception_reminders, next_day.exception_reminders) == (0, 1)
    assert told("exception-report-overdue") == ["pm", "pm"]
    note = Notification.objects.filter(key__startswith="exception-report-overdue").first()
    due = exception.report_due
    assert note.subject == f"Overdue: the exception report for {cast.project} was due {due.day} {due:%b %Y}"


# E-mail ---------------------------------------------------------------------------------------


def fail_to_send(*args, **kwargs):
    raise OSError("mail server down")


def test_unsent_email_is_retried_by_the_next_run(cast, run, monkeypatch):
    monkeypatch.setattr("pmo.core.services.send_mail", fail_to_send)
    run(dt.date(2026, 12, 2))
    assert Notification.objects.filter(emailed=False).count() == 2
    assert mail.outbox == []
    monkeypatch.undo()

    retry = run(dt.date(2026, 12, 2))
    again = run(dt.date(2026, 12, 2))

    assert (retry.emails_retried, again.emails_retried) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["other.pm@council.example", "pm@council.example"]
    assert not Notification.objects.filter(emailed=False).exists()


def test_old_unsent_email_and_people_who_left_are_not_mailed(cast, run):
    unsent(cast.pm, "old")
    Notification.objects.filter(key="old").update(created_at=timezone.now() - dt.timedelta(days=8))
    unsent(cast.sponsor, "leaver")
    type(cast.sponsor).objects.filter(pk=cast.sponsor.pk).update(is_active=False)

    result = run(dt.date(2026, 11, 10))

    assert result.emails_retried == 0
    assert mail.outbox == []


def unsent(user, key):
    """A notification left unsent by mail (as after a failure)."""
    Notification.objects.create(recipient=user, key=key, subject=key, emailed=False)
