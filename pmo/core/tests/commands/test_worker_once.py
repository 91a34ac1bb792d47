"""`pmo worker --once`: it queues what is due, runs what is queued (by the clock or by anyone)
and exits. The worker closes its database connection when it finishes, as a worker process
should: only a transactional test survives that on PostgreSQL (pmo/conftest.py keeps such tests
in modules of their own)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks import TaskResultStatus

from pmo.core.tests.commands.test_worker import DATABASE_TASKS, HOURLY, RUNS, TICK_TASK, _runs, tick

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(TASKS=DATABASE_TASKS, PMO_PERIODIC_TASKS={TICK_TASK: HOURLY})
def test_worker_once_queues_what_is_due_runs_it_and_exits() -> None:
    RUNS.clear()

    call_command("worker", "--once", stdout=StringIO())

    assert RUNS == ["ran"]
    [run] = _runs()
    assert run.status == TaskResultStatus.SUCCESSFUL
    assert run.return_value == "ran"

    # Run again straight away: the last run is recent, so nothing is queued or run.
    call_command("worker", "--once", stdout=StringIO())
    assert RUNS == ["ran"]
    assert len(_runs()) == 1


@override_settings(TASKS=DATABASE_TASKS, PMO_PERIODIC_TASKS={})
def test_worker_once_runs_tasks_queued_by_anyone() -> None:
    RUNS.clear()
    tick.enqueue()
    tick.enqueue()

    call_command("worker", "--once", stdout=StringIO())

    assert RUNS == ["ran", "ran"]
    assert {run.status for run in _runs()} == {TaskResultStatus.SUCCESSFUL}
