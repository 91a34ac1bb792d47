"""The reporting cycle's periodic run as the worker runs it: queued, picked up by `pmo worker`,
it opens the period and reminds the PM in the app and by e-mail (transactional: the worker closes
its connection; pmo/conftest.py keeps such tests in modules of their own)."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pmo.reporting.models import ReportingPeriod
from pmo.reporting.tasks import reporting_cycle

# The worker closes its database connection when it finishes: a transactional test survives it.
pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# The cycle alone: the worker would run the daily work digest too, e-mailing the PM again.
@override_settings(TASKS=DATABASE_TASKS, PMO_PERIODIC_TASKS={"pmo.reporting.tasks.reporting_cycle": 900})
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
    subject = f"Reminder: the {period} highlight report for {project} is due {period.due:%-d %b %Y}"
    assert list(pm_user.notifications.values_list("subject", "read_at")) == [(subject, None)]
    assert [(m.subject, m.to) for m in mail.outbox] == [(subject, ["pm@council.example"])]
    assert "/reporting/" in mail.outbox[0].body
