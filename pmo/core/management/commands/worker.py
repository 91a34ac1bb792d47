"""`pmo worker`: run queued background tasks, and queue the periodic ones when they are due.

django-tasks-db's worker (``db_worker``) runs what is queued; it has no clock. Beside it this
command runs a small one: every few seconds, for each task in ``settings.PMO_PERIODIC_TASKS``
(dotted path -> seconds between runs), it queues the task when the last run was queued at least
that long ago and none is still queued or running. The state lives in the task results table,
so a restarted worker neither repeats a run nor skips one, and core names no app: the apps'
tasks come from the setting.

One worker runs a database's tasks: it holds a lease (``WorkerLease``) renewed while it runs, and
a second worker on the same database is refused. A worker started by `pmo run` is given that
process's id and stops when it is gone, even when it was killed outright (ADR 0022).
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, InvalidTaskBackendError, TaskResultStatus, task_backends
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker, valid_interval
from django_tasks_db.models import DBTaskResult

from pmo.core import clock
from pmo.core.models import WorkerLease

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
ANOTHER_WORKER = (
    "Another background worker is already running on this database (process {pid} on {host}, "
    "started {started}, last heard from {seen} s ago), so this one stops: one worker runs a "
    "database's tasks. Stop the other one first, or start the web server with "
    "`pmo run --no-worker` beside it. A worker that died without stopping counts as gone once "
    "it has not been heard from for {lease} s."
)
LEASE_LOST = (
    "Another worker has taken over this database's tasks (this one had not been heard from for "
    "{lease} s): stopping."
)
PARENT_GONE = "The process that started this worker ({pid}) has gone: stopping."


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
        now = now or clock.now()
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


@dataclass(frozen=True)
class LeaseHolder:
    """Who a worker is, as its lease records it."""

    backend_name: str
    holder: str  # the worker's random id
    host: str
    pid: int

    @classmethod
    def this_process(cls, *, backend_name: str, holder: str) -> "LeaseHolder":
        return cls(backend_name=backend_name, holder=holder, host=socket.gethostname(), pid=os.getpid())


def process_exists(pid: int) -> bool:
    """Whether a process with this id runs on this host (one of another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@transaction.atomic
def lease_take(me: LeaseHolder, *, lease_for: timedelta, now: datetime | None = None) -> WorkerLease:
    """Make ``me`` the worker of its backend's tasks, or refuse (``CommandError``) while another
    worker holds them: one heard from within ``lease_for`` whose process, when it ran on this
    host, still exists."""
    now = now or clock.now()
    lease, created = WorkerLease.objects.select_for_update().get_or_create(
        backend_name=me.backend_name,
        defaults={
            "holder": me.holder,
            "host": me.host,
            "pid": me.pid,
            "started_at": now,
            "heartbeat_at": now,
        },
    )
    if created:
        return lease
    gone = lease.heartbeat_at <= now - lease_for or (lease.host == me.host and not process_exists(lease.pid))
    if lease.holder != me.holder and not gone:
        raise CommandError(
            ANOTHER_WORKER.format(
                pid=lease.pid,
                host=lease.host,
                started=timezone.localtime(lease.started_at).strftime("%d %b %Y %H:%M:%S"),
                seen=max(0, int((now - lease.heartbeat_at).total_seconds())),
                lease=int(lease_for.total_seconds()),
            )
        )
    lease.holder, lease.host, lease.pid = me.holder, me.host, me.pid
    lease.started_at = lease.heartbeat_at = now
    lease.save()
    return lease


def lease_renew(me: LeaseHolder, *, now: datetime | None = None) -> bool:
    """Say ``me`` is still working; False when the lease is no longer its own."""
    renewed = WorkerLease.objects.filter(backend_name=me.backend_name, holder=me.holder).update(
        heartbeat_at=now or clock.now()
    )
    return renewed == 1


def lease_release(me: LeaseHolder) -> None:
    """Give the backend's tasks up (a worker stopping), unless another worker has taken them."""
    WorkerLease.objects.filter(backend_name=me.backend_name, holder=me.holder).delete()


def watch_loop(
    me: LeaseHolder,
    *,
    parent_pid: int | None,
    renew_every: float,
    stop: threading.Event,
    halt: Callable[[], None],
    check_every: float = 1.0,
) -> None:
    """Beside the worker until ``stop`` is set: renew its lease every ``renew_every`` seconds and,
    every ``check_every``, look whether the process that started it (``parent_pid``) is still its
    parent. When the lease is lost or the parent gone, ``halt`` the worker once: it finishes the
    task it is running, then leaves its loop. (Not a SIGTERM to itself: the handler's exit would
    land wherever the main thread is, inside a database transaction too, and the lease could not
    be given up.)"""
    stopping = False
    renewed_at = time.monotonic()
    while not stop.wait(check_every):
        reason = ""
        if parent_pid is not None and os.getppid() != parent_pid:
            reason = PARENT_GONE.format(pid=parent_pid)
        if time.monotonic() - renewed_at >= renew_every:
            try:
                if not lease_renew(me):
                    reason = reason or LEASE_LOST.format(lease=int(renew_every * 3))
                renewed_at = time.monotonic()
            except DatabaseError:
                logger.exception("The worker could not renew its lease; trying again")
            finally:
                connections.close_all()
        if reason and not stopping:
            stopping = True
            logger.warning(reason)
            halt()


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
        parser.add_argument(
            "--parent-pid",
            type=int,
            help="Stop when the process with this id is gone (`pmo run` gives its own).",
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
        me = LeaseHolder.this_process(backend_name=backend_name, holder=worker.worker_id)
        lease_for = timedelta(seconds=settings.PMO_WORKER_LEASE_SECONDS)
        lease_take(me, lease_for=lease_for)
        try:
            if options["once"]:
                clock.tick()
                worker.run()
            else:
                self.run_until_stopped(
                    worker, clock, me=me, lease_for=lease_for, parent_pid=options["parent_pid"]
                )
        finally:
            lease_release(me)

    def run_until_stopped(
        self,
        worker: Worker,
        clock: PeriodicClock,
        *,
        me: LeaseHolder,
        lease_for: timedelta,
        parent_pid: int | None,
    ) -> None:
        """The worker loop, with the periodic-task clock and the lease-and-parent watch beside it
        in threads, until a signal (or the watch) stops it."""
        described = ", ".join(f"{p.path} every {int(p.every.total_seconds())} s" for p in clock.tasks)
        self.stdout.write(STARTED.format(tasks=described or "no periodic tasks"))
        self.stdout.flush()
        stop = threading.Event()
        ticker = threading.Thread(
            target=clock_loop,
            kwargs={"clock": clock, "every": settings.PMO_CLOCK_TICK_SECONDS, "stop": stop},
            name="pmo-clock",
            daemon=True,
        )
        watch = threading.Thread(
            target=watch_loop,
            args=[me],
            kwargs={
                "parent_pid": parent_pid,
                "renew_every": lease_for.total_seconds() / 3,
                "stop": stop,
                "halt": lambda: setattr(worker, "running", False),
            },
            name="pmo-watch",
            daemon=True,
        )
        close_old_connections()
        worker.configure_signals()
        ticker.start()
        watch.start()
        try:
            worker.run()
        finally:
            stop.set()
