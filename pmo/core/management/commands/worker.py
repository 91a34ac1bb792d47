"""`pmo worker`: run queued background tasks, and queue the periodic ones when they are due.

django-tasks-db's worker (``db_worker``) runs what is queued; it has no clock. Beside it this
command runs a small one: every few seconds, for each task in ``settings.PMO_PERIODIC_TASKS``
(dotted path -> seconds between runs), it queues the task when the last run was queued at least
that long ago and none is still queued or running. The state lives in the task results table,
so a restarted worker neither repeats a run nor skips one, and core names no app: the apps'
tasks come from the setting.
"""

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, InvalidTaskBackendError, TaskResultStatus, task_backends
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker, valid_interval
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("pmo.worker")

NOT_A_DATABASE_BACKEND = (
    "pmo worker runs tasks queued in the database, but the task backend is {backend} "
    "(TASKS in the settings, PMO_TASKS_BACKEND in the environment): with it tasks run "
    "without a worker."
)
NOT_A_TASK = "PMO_PERIODIC_TASKS names {path!r}, which is not a background task ({reason})."
BAD_INTERVAL = (
    "PMO_PERIODIC_TASKS gives {path!r} an interval of {value!r}: "
    "it must be a whole number of seconds, at least 1."
)
STARTED = "Worker running queued tasks; periodic: {tasks}."


@dataclass(frozen=True)
class PeriodicTask:
    task: Task[Any, Any]
    every: timedelta

    @property
    def path(self) -> str:
        return self.task.module_path


def periodic_tasks(schedule: Mapping[str, Any]) -> list[PeriodicTask]:
    """The tasks and intervals of ``schedule`` (``PMO_PERIODIC_TASKS``), checked: a wrong path or
    interval stops the worker at start with a message naming it."""
    found = []
    for path, seconds in schedule.items():
        try:
            task = import_string(path)
        except ImportError as exc:
            raise CommandError(NOT_A_TASK.format(path=path, reason=exc)) from exc
        if not isinstance(task, Task):
            raise CommandError(NOT_A_TASK.format(path=path, reason=f"it is a {type(task).__name__}"))
        if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 1:
            raise CommandError(BAD_INTERVAL.format(path=path, value=seconds))
        found.append(PeriodicTask(task=task, every=timedelta(seconds=seconds)))
    return found


class PeriodicClock:
    """Queues each periodic task when it is due, unless a run of it is queued or running.

    A run that has been "running" for longer than ``stale_after`` is taken to be lost (its worker
    died mid-task) and no longer holds the next one back."""

    def __init__(self, tasks: list[PeriodicTask], *, backend_name: str, stale_after: timedelta) -> None:
        self.tasks = tasks
        self.backend_name = backend_name
        self.stale_after = stale_after

    def tick(self, now: datetime | None = None) -> list[str]:
        """Queue what is due at ``now``; returns the paths of the tasks queued."""
        now = now or timezone.now()
        queued = []
        for periodic in self.tasks:
            runs = DBTaskResult.objects.filter(task_path=periodic.path, backend_name=self.backend_name)
            waiting = runs.filter(status=TaskResultStatus.READY)
            running = runs.filter(status=TaskResultStatus.RUNNING, started_at__gt=now - self.stale_after)
            recent = runs.filter(enqueued_at__gt=now - periodic.every)
            if waiting.exists() or running.exists() or recent.exists():
                continue
            periodic.task.using(backend=self.backend_name).enqueue()
            queued.append(periodic.path)
            logger.info("Queued the periodic task %s", periodic.path)
        return queued


def clock_loop(clock: PeriodicClock, *, every: float, stop: threading.Event) -> None:
    """Tick the clock every ``every`` seconds until ``stop`` is set (a thread of the worker).

    A database that is busy or briefly away costs one tick, not the worker."""
    while True:
        try:
            clock.tick()
        except DatabaseError:
            logger.exception("The periodic-task clock could not reach the database; trying again")
        finally:
            connections.close_all()
        if stop.wait(every):
            return


class Command(BaseCommand):
    help = (
        "Run queued background tasks (django-tasks-db's worker) and queue the periodic ones "
        "(PMO_PERIODIC_TASKS) when they are due. Ctrl-C stops it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=valid_interval,
            default=1.0,
            help="Seconds to wait when no task is queued before looking again (default 1).",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Queue the periodic tasks that are due, run everything queued, then exit.",
        )
        parser.add_argument(
            "--backend",
            default=DEFAULT_TASK_BACKEND_ALIAS,
            dest="backend_name",
            help="The task backend to work for (default: %(default)s).",
        )

    def configure_logging(self, verbosity: int) -> None:
        """What the worker and the clock do, on standard output (quiet with -v0)."""
        level = {0: logging.CRITICAL, 1: logging.INFO}.get(verbosity, logging.DEBUG)
        for name in ("django_tasks", "django_tasks_db", "pmo.worker"):
            named = logging.getLogger(name)
            named.setLevel(level)
            named.propagate = False
            if not named.handlers:
                named.addHandler(logging.StreamHandler(self.stdout))

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        backend_name = options["backend_name"]
        try:
            backend = task_backends[backend_name]
        except InvalidTaskBackendError as exc:
            raise CommandError(str(exc)) from exc
        if not isinstance(backend, DatabaseBackend):
            raise CommandError(NOT_A_DATABASE_BACKEND.format(backend=type(backend).__name__))
        tasks = periodic_tasks(settings.PMO_PERIODIC_TASKS)
        clock = PeriodicClock(
            tasks,
            backend_name=backend_name,
            stale_after=timedelta(seconds=settings.PMO_PERIODIC_TASK_STALE_SECONDS),
        )
        worker = Worker(
            queue_names=["*"],
            interval=options["interval"],
            batch=options["once"],
            backend_name=backend_name,
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        if options["once"]:
            clock.tick()
            worker.run()
            return
        described = ", ".join(f"{p.path} every {int(p.every.total_seconds())} s" for p in tasks)
        self.stdout.write(STARTED.format(tasks=described or "no periodic tasks"))
        self.stdout.flush()
        stop = threading.Event()
        ticker = threading.Thread(
            target=clock_loop,
            kwargs={"clock": clock, "every": settings.PMO_CLOCK_TICK_SECONDS, "stop": stop},
            name="pmo-clock",
            daemon=True,
        )
        close_old_connections()
        ticker.start()
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
