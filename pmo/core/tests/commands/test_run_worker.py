"""`pmo run` starts the background worker beside gunicorn, says so, and stops it on exit."""

import os
import re
import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from pmo.core.management.commands import run
from pmo.core.tests.commands.test_run import START_TIMEOUT, STOP_TIMEOUT, _get, server  # noqa: F401

STARTED = re.compile(r"Background worker started \(process (\d+)\): reminders and periodic tasks run\.")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _cycle_runs(database: Path) -> list[tuple[str, str]]:
    """The reporting cycle's runs in the server's database: (status, return value)."""
    with closing(sqlite3.connect(database, timeout=5)) as db:
        try:
            return db.execute(
                "SELECT status, return_value FROM django_tasks_database_dbtaskresult WHERE task_path = ?",
                ["pmo.reporting.tasks.reporting_cycle"],
            ).fetchall()
        except sqlite3.OperationalError as error:
            if "locked" in str(error):  # the worker is writing: look again
                return []
            raise


def test_pmo_run_starts_the_worker_and_stops_it_on_ctrl_c(
    server: tuple[str, subprocess.Popen[str]],  # noqa: F811
    tmp_path: Path,
) -> None:
    base, process = server
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            _get(f"{base}/accounts/login/")
            break
        except OSError:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            assert time.monotonic() < deadline, "the server did not answer in time"
            time.sleep(0.25)
    # The worker's clock queues the reporting cycle at once and the worker runs it.
    while not any(status == "SUCCESSFUL" for status, _ in _cycle_runs(tmp_path / "pmo.sqlite3")):
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        assert time.monotonic() < deadline, (
            f"the worker did not run the cycle in time: {_cycle_runs(tmp_path / 'pmo.sqlite3')}"
        )
        time.sleep(0.25)

    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=STOP_TIMEOUT)

    assert process.returncode == 0, output
    started = STARTED.search(output)
    assert started, output
    assert (
        "Worker running queued tasks; periodic: pmo.reporting.tasks.reporting_cycle every 900 s, "
        "pmo.core.tasks.work_digest every 86400 s."
    ) in output
    assert not _alive(int(started.group(1)))


@pytest.mark.django_db
def test_no_worker_is_started_when_tasks_run_immediately(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run.PortfolioOfficeServer, "run", lambda self: None)
    monkeypatch.setattr(run, "ensure_port_free", lambda options: None)
    out = StringIO()

    call_command("run", stdout=out)

    assert run.WORKER_NOT_NEEDED.format(backend="ImmediateBackend") in out.getvalue()


@pytest.mark.django_db
def test_no_worker_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run.PortfolioOfficeServer, "run", lambda self: None)
    monkeypatch.setattr(run, "ensure_port_free", lambda options: None)
    started = []
    monkeypatch.setattr(run, "worker_start", lambda: started.append(1))
    out = StringIO()

    call_command("run", "--no-worker", stdout=out)

    assert run.WORKER_SKIPPED in out.getvalue()
    assert started == []
