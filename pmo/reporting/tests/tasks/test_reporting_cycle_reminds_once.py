"""The reporting cycle's periodic run reminds the PM once however often it runs."""

import pytest
from django.core import mail

from pmo.reporting.tasks import reporting_cycle

pytestmark = pytest.mark.django_db


def test_the_periodic_run_reminds_once_however_often_it_runs(last_period_due_tomorrow) -> None:
    pm_user, _project, _period = last_period_due_tomorrow

    first = reporting_cycle.enqueue()  # the immediate backend of the tests runs it at once
    second = reporting_cycle.enqueue()

    assert first.return_value["reminders"] == 1
    assert second.return_value["reminders"] == 0
    assert second.return_value["periods_opened"] == 0
    assert pm_user.notifications.count() == 1
    assert len(mail.outbox) == 1
