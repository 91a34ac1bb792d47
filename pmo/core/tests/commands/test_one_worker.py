"""One background worker per database, and none left behind.

A worker started by `pmo run` stops when `pmo run` is killed outright; a second worker on the same
database is refused, saying which one runs; a worker that was killed is replaced at once on its
own host, and elsewhere once it has not been heard from for the lease time."""

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import closing, suppress
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management.base import CommandError

from pmo.core.management.commands.worker import (
    ANOTHER_WORKER,
    LEASE_LOST,
    PARENT_GONE,
    LeaseHolder,
    lease_release,
    lease_renew,
    lease_take,
)
from pmo.core.models import WorkerLease
from pmo.core.tests.commands.processes import pmo_command, process_environment
from pmo.core.tests.commands.test_run import _free_port

LEASE_SECONDS = 3  # the processes' PMO_WORKER_LEASE_SECONDS: they renew their lease every second
GONE_WITHIN = 15  # seconds for a worker to notice and stop (it checks every second; a busy
# CI machine, four processes on two cores, once took just over 5)
START_TIMEOUT = 60


# --- real processes -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory, _migrated_database: Path) -> dict[str, str]:
    """The environment of processes sharing one new, migrated SQLite database."""
    var = tmp_path_factory.mktemp("one-worker")
    shutil.copyfile(_migrated_database, var / "pmo.sqlite3")
    return process_environment(var, PMO_WORKER_LEASE_SECONDS=str(LEASE_SECONDS))


@pytest.fixture
def start(environment: dict[str, str]) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start a `pmo` command against the shared database; whatever is still running at the end
    of the test is killed."""
    started: list[subprocess.Popen[str]] = []

    def do(*args: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            pmo_command(*args),
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(process)
        return process

    yield do
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=15)
    # A worker of a killed `pmo run` takes a moment to notice: the next test starts without it.
    deadline = time.monotonic() + GONE_WITHIN
    while (lease := _lease(environment)) is not None and _running(lease[1]):
        assert time.monotonic() < deadline, f"a worker outlived its test: {lease}"
        time.sleep(0.1)
    with closing(sqlite3.connect(_database(environment), timeout=10)) as db, db:
        db.execute("DELETE FROM core_workerlease")


def _database(environment: dict[str, str]) -> Path:
    return Path(environment["PMO_VAR_DIR"]) / "pmo.sqlite3"


def _lease(environment: dict[str, str]) -> tuple[str, int] | None:
    """(holder, process id) of the lease in the database, or None."""
    with closing(sqlite3.connect(_database(environment), timeout=10)) as db:
        row = db.execute("SELECT holder, pid FROM core_workerlease WHERE backend_name = 'default'").fetchone()
    return (row[0], row[1]) if row else None


def _leased_to_a_new_worker(environment: dict[str, str], *, not_pid: int | None = None) -> int:
    """Wait until a worker (other than ``not_pid``) holds the lease; its process id."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        lease = _lease(environment)
        if lease is not None and lease[1] != not_pid:
            return lease[1]
        assert time.monotonic() < deadline, f"no worker took the lease in time (lease: {lease})"
        time.sleep(0.2)


def _running(pid: int) -> bool:
    """Whether the process exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with suppress(FileNotFoundError):
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        return state not in {"Z", "X"}
    return True


def _ended_process() -> int:
    """The id of a process that has ended."""
    ended = subprocess.Popen(["true"])
    ended.wait()
    return ended.pid


def _message_pattern(template: str) -> re.Pattern[str]:
    """A message constant as a pattern: each ``{field}`` matches whatever was put there."""
    return re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(template)))


def test_the_worker_of_pmo_run_stops_when_pmo_run_is_killed_outright(
    start: Callable[..., subprocess.Popen[str]], environment: dict[str, str]
) -> None:
    # Given `pmo run` serving, with its worker holding the database's tasks
    server = start("run", "--port", str(_free_port()))
    worker_pid = _leased_to_a_new_worker(environment)
    assert _running(worker_pid)

    # When `pmo run` is killed with SIGKILL (it cannot stop its worker itself)
    server.kill()
    server.wait(timeout=15)

    # Then the worker stops within seconds, giving the database up for the next `pmo run`
    deadline = time.monotonic() + GONE_WITHIN
    while _running(worker_pid):
        assert time.monotonic() < deadline, "the worker outlived the pmo run that started it"
        time.sleep(0.1)
    assert _lease(environment) is None


def test_a_second_worker_on_the_same_database_is_refused_saying_which_one_runs(
    start: Callable[..., subprocess.Popen[str]], environment: dict[str, str]
) -> None:
    first = start("worker")
    assert _leased_to_a_new_worker(environment) == first.pid

    second = start("worker")
    output, _ = second.communicate(timeout=START_TIMEOUT)

    assert second.returncode == 1, output
    refusal = _message_pattern(f"CommandError: {ANOTHER_WORKER}").fullmatch(output.strip())
    assert refusal, output
    assert (refusal["pid"], refusal["host"], refusal["lease"]) == (
        str(first.pid),
        socket.gethostname(),
        str(LEASE_SECONDS),
    )
    # The first worker carries on, and gives the database up when it is stopped.
    assert first.poll() is None
    assert _lease(environment) is not None and _lease(environment)[1] == first.pid  # type: ignore[index]
    first.send_signal(signal.SIGTERM)
    first.wait(timeout=15)
    assert first.returncode == 0
    assert _lease(environment) is None


def test_a_worker_killed_outright_is_replaced_at_once_on_its_host(
    start: Callable[..., subprocess.Popen[str]], environment: dict[str, str]
) -> None:
    first = start("worker")
    _leased_to_a_new_worker(environment)
    first.kill()
    first.wait(timeout=15)
    assert _lease(environment) is not None  # left behind: it could not give the database up

    second = start("worker")

    assert _leased_to_a_new_worker(environment, not_pid=first.pid) == second.pid
    assert second.poll() is None


def test_a_worker_whose_lease_was_taken_over_stops(
    start: Callable[..., subprocess.Popen[str]], environment: dict[str, str]
) -> None:
    # Given a worker running, then taken for gone by another (say it was paused past its lease)
    worker = start("worker")
    _leased_to_a_new_worker(environment)
    other = _ended_process()
    with closing(sqlite3.connect(_database(environment), timeout=10)) as db, db:
        db.execute("UPDATE core_workerlease SET holder = 'another worker', pid = ?", [other])

    # Then it stops within seconds, leaving the other's lease alone
    output, _ = worker.communicate(timeout=GONE_WITHIN + LEASE_SECONDS)
    assert LEASE_LOST.format(lease=LEASE_SECONDS) in output
    assert _lease(environment) == ("another worker", other)


def test_a_worker_told_its_parent_stops_at_once_when_the_parent_is_not_there(
    start: Callable[..., subprocess.Popen[str]], environment: dict[str, str]
) -> None:
    # A pid that is not this worker's parent: the parent is gone (or was never there).
    worker = start("worker", "--parent-pid", "1")

    output, _ = worker.communicate(timeout=START_TIMEOUT)

    assert PARENT_GONE.format(pid=1) in output
    assert worker.returncode == 0, output
    assert _lease(environment) is None


# --- the lease ----------------------------------------------------------------------------------

LEASE = timedelta(seconds=30)
TAKEN_AT = datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Europe/London"))
ELSEWHERE = LeaseHolder(backend_name="default", holder="a" * 32, host="other-host.example", pid=4242)
HERE = LeaseHolder.this_process(backend_name="default", holder="b" * 32)


@pytest.mark.django_db
def test_a_worker_heard_from_within_the_lease_keeps_the_database() -> None:
    lease_take(ELSEWHERE, lease_for=LEASE, now=TAKEN_AT)

    with pytest.raises(CommandError) as error:
        lease_take(HERE, lease_for=LEASE, now=TAKEN_AT + timedelta(seconds=29))

    assert str(error.value) == ANOTHER_WORKER.format(
        pid=4242, host="other-host.example", started="04 Dec 2026 10:00:00", seen=29, lease=30
    )
    assert WorkerLease.objects.get().holder == ELSEWHERE.holder


@pytest.mark.django_db
def test_a_worker_not_heard_from_for_the_lease_is_taken_for_gone() -> None:
    lease_take(ELSEWHERE, lease_for=LEASE, now=TAKEN_AT)
    assert lease_renew(ELSEWHERE, now=TAKEN_AT + timedelta(seconds=20))

    lease_take(HERE, lease_for=LEASE, now=TAKEN_AT + timedelta(seconds=50))

    lease = WorkerLease.objects.get()
    assert (lease.holder, lease.host, lease.pid) == (HERE.holder, socket.gethostname(), os.getpid())
    # The old worker, should it come back, learns it has lost the lease and cannot take it away.
    assert not lease_renew(ELSEWHERE)
    lease_release(ELSEWHERE)
    assert WorkerLease.objects.get().holder == HERE.holder
    lease_release(HERE)
    assert not WorkerLease.objects.exists()


@pytest.mark.django_db
def test_a_worker_of_this_host_whose_process_is_gone_is_replaced_at_once() -> None:
    lease_take(
        LeaseHolder(backend_name="default", holder="c" * 32, host=socket.gethostname(), pid=_ended_process()),
        lease_for=LEASE,
    )

    lease_take(HERE, lease_for=LEASE)

    assert WorkerLease.objects.get().holder == HERE.holder


@pytest.mark.django_db
def test_workers_of_different_backends_do_not_exclude_each_other() -> None:
    lease_take(ELSEWHERE, lease_for=LEASE)

    lease_take(LeaseHolder.this_process(backend_name="reports", holder="d" * 32), lease_for=LEASE)

    assert set(WorkerLease.objects.values_list("backend_name", flat=True)) == {"default", "reports"}
