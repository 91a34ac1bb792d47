"""`pmo worker`: the clock queues a periodic task once per interval and never beside a pending
run; the worker runs what is queued; bad settings stop it with a clear message."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from pmo.core.management.commands.worker import (
    BAD_INTERVAL,
    NOT_A_DATABASE_BACKEND,
    NOT_A_TASK,
    PeriodicClock,
    periodic_tasks,
)

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TICK_TASK = "pmo.core.tests.commands.test_worker.tick"
HOURLY = 3600
RUNS: list[str] = []


@task()
def tick() -> str:
    RUNS.append("ran")
    return "ran"


NOT_A_TASK_VALUE = "not a task"
NOT_A_TASK_PATH = "pmo.core.tests.commands.test_worker.NOT_A_TASK_VALUE"
MISSING_PATH = "pmo.core.tests.commands.no_such_module.task"


def _clock() -> PeriodicClock:
    return PeriodicClock(
        periodic_tasks({TICK_TASK: HOURLY}), backend_name="default", stale_after=timedelta(hours=2)
    )


def _runs() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=TICK_TASK).order_by("enqueued_at"))


@override_settings(TASKS=DATABASE_TASKS)
def test_the_clock_queues_a_due_task_once_and_not_again_within_its_interval() -> None:
    clock = _clock()
    now = timezone.now()

    assert clock.tick(now) == [TICK_TASK]
    assert len(_runs()) == 1
    assert _runs()[0].status == TaskResultStatus.READY

    # Still queued: a later tick, even past the interval, does not queue a second run.
    assert clock.tick(now + timedelta(seconds=HOURLY + 1)) == []
    assert len(_runs()) == 1

    # Finished: within the interval nothing more; once the interval has passed, one new run.
    DBTaskResult.objects.filter(task_path=TICK_TASK).update(status=TaskResultStatus.SUCCESSFUL)
    assert clock.tick(now + timedelta(seconds=HOURLY - 60)) == []
    assert clock.tick(now + timedelta(seconds=HOURLY + 1)) == [TICK_TASK]
    assert clock.tick(now + timedelta(seconds=HOURLY + 2)) == []
    assert len(_runs()) == 2


@override_settings(TASKS=DATABASE_TASKS)
def test_a_running_task_holds_the_next_run_back_until_it_is_stale() -> None:
    clock = _clock()
    now = timezone.now()
    clock.tick(now)
    DBTaskResult.objects.filter(task_path=TICK_TASK).update(status=TaskResultStatus.RUNNING, started_at=now)

    assert clock.tick(now + timedelta(seconds=HOURLY + 1)) == []
    # Running for longer than stale_after (two hours): its worker died; the next run goes ahead.
    assert clock.tick(now + timedelta(hours=2, seconds=1)) == [TICK_TASK]
    assert len(_runs()) == 2


def test_the_worker_refuses_a_backend_that_runs_tasks_immediately() -> None:
    # The test settings use the immediate backend.
    with pytest.raises(CommandError) as error:
        call_command("worker", "--once", stdout=StringIO())

    assert str(error.value) == NOT_A_DATABASE_BACKEND.format(backend="ImmediateBackend")


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (
            {NOT_A_TASK_PATH: 60},
            NOT_A_TASK.format(path=NOT_A_TASK_PATH, reason="it is a str"),
        ),
        ({TICK_TASK: 0}, BAD_INTERVAL.format(path=TICK_TASK, value=0)),
        ({TICK_TASK: "900"}, BAD_INTERVAL.format(path=TICK_TASK, value="900")),
    ],
)
def test_a_wrong_periodic_task_setting_is_named(schedule: dict, message: str) -> None:
    with pytest.raises(CommandError) as error:
        periodic_tasks(schedule)

    assert str(error.value) == message


def test_a_periodic_task_that_does_not_exist_is_named() -> None:
    with pytest.raises(CommandError) as error:
        periodic_tasks({MISSING_PATH: 60})

    reason = "No module named 'pmo.core.tests.commands.no_such_module'"
    assert str(error.value) == NOT_A_TASK.format(path=MISSING_PATH, reason=reason)
