"""The reporting cycle's periodic run as the worker runs it: queued, picked up by `pmo worker`,
it opens the period and reminds the PM in the app and by e-mail, once however often it runs."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pmo.core.choices import Role
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.reporting.models import ReportingPeriod
from pmo.reporting.tasks import reporting_cycle
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def last_period_due_tomorrow(make_user):
    """An active project whose PM has not reported for last month's period, due tomorrow."""
    today = timezone.localdate()
    pm_user = make_user(Role.PROJECT_MANAGER, email="pm@council.example")
    project = ProjectFactory(code="ICT-042", project_manager=PersonFactory(user=pm_user))
    end = today.replace(day=1) - dt.timedelta(days=1)
    period = PeriodFactory(start=end.replace(day=1), end=end, due=today + dt.timedelta(days=1))
    return pm_user, project, period


# The cycle alone: the worker would run the daily work digest too, e-mailing the PM again.
@override_settings(TASKS=DATABASE_TASKS, PMO_PERIODIC_TASKS={"pmo.reporting.tasks.reporting_cycle": 900})
# The worker closes its database connection when it finishes: a transactional test survives it.
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_queued_cycle_opening_the_period_and_reminding_the_pm(
    last_period_due_tomorrow,
) -> None:
    pm_user, project, period = last_period_due_tomorrow
    today = timezone.localdate()
    reporting_cycle.enqueue()

    call_command("worker", "--once", stdout=StringIO())

    [run] = DBTaskResult.objects.filter(task_path="pmo.reporting.tasks.reporting_cycle")
    assert run.status == TaskResultStatus.SUCCESSFUL
    assert run.return_value["periods_opened"] == 1
    assert run.return_value["reminders"] == 1
    assert ReportingPeriod.objects.filter(start=today.replace(day=1), end__gte=today).exists()
    subject = f"Reminder: the {period} highlight report for {project} is due {period.due:%d %b %Y}"
    assert list(pm_user.notifications.values_list("subject", "read_at")) == [(subject, None)]
    assert [(m.subject, m.to) for m in mail.outbox] == [(subject, ["pm@council.example"])]
    assert "/reporting/" in mail.outbox[0].body


def test_the_periodic_run_reminds_once_however_often_it_runs(last_period_due_tomorrow) -> None:
    pm_user, _project, _period = last_period_due_tomorrow

    first = reporting_cycle.enqueue()  # the immediate backend of the tests runs it at once
    second = reporting_cycle.enqueue()

    assert first.return_value["reminders"] == 1
    assert second.return_value["reminders"] == 0
    assert second.return_value["periods_opened"] == 0
    assert pm_user.notifications.count() == 1
    assert len(mail.outbox) == 1
