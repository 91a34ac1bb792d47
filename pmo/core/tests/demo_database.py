"""The demo portfolio, built once per test run and cloned for each test process (as Zulip
builds its test template database).

Building the demo takes tens of seconds, so tests never build it for themselves (except the one
test that proves two builds agree). The first process that needs it builds it into a template:

- SQLite: the process's own in-memory test database, with the demo added, copied to a file
  (SQLite's backup API), and the process's database put back;
- PostgreSQL: a database cloned from the process's freshly migrated test database, with the demo
  built into it (``CREATE DATABASE test_<name>_demo_template TEMPLATE test_<name>``).

The template outlives the run, keyed by a fingerprint of everything that shapes it (the
product's code and migrations, this module, the installed packages): the browser tests' run after
the unit tests' (and a developer's next run) clone it instead of building it again, and any change
to the code builds a new one. SQLite's is a file under the checkout's var/test-demo named by the
fingerprint; PostgreSQL's carries the fingerprint as its comment (docs/adr/0026).

Every process (each pytest-xdist worker) then has its own copy, and a module that reads the demo
(``pytestmark = pytest.mark.usefixtures("demo")``) runs against that copy: the SQLite file is
copied into the in-memory database for the module and the database as it was is copied back after
it; on PostgreSQL the connection is pointed at the worker's clone for the module. Each test is
still rolled back by its ``db`` fixture, so the copy stays as the demo left it.
"""

import datetime as dt
import fcntl
import functools
import hashlib
import importlib.metadata
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

DEMO_TODAY = dt.date(2026, 11, 23)
"""The day the tests' demo is built as of: a Monday late in the month (the October reports are
overdue, November's are being written)."""

TEMPLATE_SUFFIX = "_demo_template"
CLONE_SUFFIX = "_demo"  # a process's own copy (without xdist its name would otherwise be the template's)


SOURCES = Path(__file__).resolve().parents[3]  # the checkout: pmo/ and config/ shape the demo


def templates_directory() -> Path:
    """Where the test templates are kept: the checkout's var/test-demo, whatever PMO_VAR_DIR a
    run sets."""
    directory = SOURCES / "var" / "test-demo"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def remove_older(directory: Path, *patterns: str) -> None:
    """Remove the files of ``directory`` matching any of ``patterns``: an older code's templates
    (with SQLite's -wal and -shm files, and a part left by a build that stopped) or values."""
    for pattern in patterns:
        for older in directory.glob(pattern):
            older.unlink()


@functools.cache
def fingerprint() -> str:
    """What the demo template is built from: every file of the product outside its tests (code,
    migrations, data), this module, the one that builds the empty template
    (migrated_database.py) and the one that keeps the demo's values (pmo/tests/demo_values.py),
    Python's, SQLite's and the installed packages' versions."""
    digest = hashlib.sha256()
    for top in ("pmo", "config"):
        for path in sorted((SOURCES / top).rglob("*")):
            relative = path.relative_to(SOURCES)
            if not path.is_file() or "tests" in relative.parts or "__pycache__" in relative.parts:
                continue
            digest.update(str(relative).encode() + b"\0" + path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    digest.update(Path(__file__).with_name("migrated_database.py").read_bytes())
    digest.update((SOURCES / "pmo" / "tests" / "demo_values.py").read_bytes())
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    digest.update("\n".join([sys.version, sqlite3.sqlite_version, *packages]).encode())
    return digest.hexdigest()[:16]


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _worker() -> str:
    """The pytest-xdist worker this process is (``gw0``…), or ``""`` without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "")


def postgresql_template_name(test_database: str) -> str:
    """``test_pmo_gw0`` → ``test_pmo_demo_template``: one template, whichever worker builds it."""
    worker = _worker()
    base = test_database.removesuffix(f"_{worker}") if worker else test_database
    return f"{base}{TEMPLATE_SUFFIX}"


@contextmanager
def _one_process_at_a_time(directory: Path, lock_name: str = "demo.lock") -> Iterator[None]:
    """One process of this database's runs at a time (a lock per database vendor: CI runs one
    database's unit tests beside the other's browser tests, each building its own templates)."""
    with (directory / f"{connection.vendor}-{lock_name}").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build_the_demo() -> None:
    """The demo as ``pmo demo`` builds it on ``DEMO_TODAY`` at 10:00, whatever moment the process
    that builds it stands at (a test's frozen day, or a run's shifted clock): each process's
    template is then the same, and the same as the determinism module's second build."""
    from pmo.portfolio.demo import demo_build

    on_the_day = timezone.make_aware(dt.datetime.combine(DEMO_TODAY, dt.time(10)))
    with time_machine.travel(on_the_day, tick=False):
        demo_build(today=DEMO_TODAY)


def _raw_sqlite() -> sqlite3.Connection:
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    source.backup(target)


class DemoDatabase:
    """This process's copy of the demo, and the switch that puts a module's tests on it."""

    def __init__(self, directory: Path, fingerprint: str) -> None:
        self.directory = directory
        self.fingerprint = fingerprint
        self.own_name: str = connection.settings_dict["NAME"]
        self.template_file = directory / f"demo-{fingerprint}.sqlite3"
        self.template_name = postgresql_template_name(self.own_name)
        self.clone_name = f"{self.own_name}{CLONE_SUFFIX}"
        self._as_it_was: sqlite3.Connection | None = None
        with _one_process_at_a_time(directory):
            if not self._template_is_current():
                self._build_template()
            if not _is_sqlite():
                self._postgresql_create(self.clone_name, template=self.template_name)

    def _template_is_current(self) -> bool:
        if _is_sqlite():
            return self.template_file.exists()
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [self.template_name],
            )
            found = cursor.fetchone()
        return found is not None and found[0] == self.fingerprint

    # --- building the template, once per code --------------------------------------------------

    def _build_template(self) -> None:
        """Build the demo on a copy of the migrated template (pmo/core/tests/migrated_database.py),
        not on this process's database: a transactional test before (a browser test) may have
        emptied that, the data migrations' role groups and lifecycle included. The migrated
        template is read under its lock, and only if it is this code's (another run in the
        checkout may have replaced it); else the demo is built on this process's database."""
        from pmo.core.tests.migrated_database import MigratedTemplate
        from pmo.tests.demo_values import keep as keep_values

        migrated = MigratedTemplate(self.directory, self.fingerprint)
        if _is_sqlite():
            raw = _raw_sqlite()
            as_it_was = sqlite3.connect(":memory:")
            _sqlite_copy(raw, as_it_was)
            try:
                with _one_process_at_a_time(self.directory, "migrated.lock"):
                    if migrated.exists():
                        with sqlite3.connect(f"file:{migrated.file}?mode=ro", uri=True) as empty:
                            _sqlite_copy(empty, raw)
                        empty.close()
                _build_the_demo()
                keep_values(self.directory, self.fingerprint)
                remove_older(self.directory, "demo-*.sqlite3*", "demo-*.part")
                partial = self.template_file.with_suffix(".part")
                with sqlite3.connect(partial) as template:
                    _sqlite_copy(raw, template)
                template.close()
                partial.rename(self.template_file)
            finally:
                _sqlite_copy(as_it_was, raw)
                as_it_was.close()
        else:
            with _one_process_at_a_time(self.directory, "migrated.lock"):
                source = migrated.name() if migrated.exists() else self.own_name
                self._postgresql_create(self.template_name, template=source)
            with self._connected_to(self.template_name):
                _build_the_demo()
                keep_values(self.directory, self.fingerprint)
            with connection._nodb_cursor() as cursor:  # current only once built
                quote = connection.ops.quote_name
                cursor.execute(f"COMMENT ON DATABASE {quote(self.template_name)} IS %s", [self.fingerprint])

    @staticmethod
    def _postgresql_create(name: str, *, template: str) -> None:
        quote = connection.ops.quote_name
        connection.close()  # a template may have no one connected to it
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
            cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")

    @contextmanager
    def _connected_to(self, name: str) -> Iterator[None]:
        connection.close()
        connection.settings_dict["NAME"] = name
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict["NAME"] = self.own_name

    # --- a module's tests on the demo -----------------------------------------------------------

    def enter(self) -> None:
        """Point the tests at this process's demo (between tests, not inside one)."""
        assert not connection.in_atomic_block, "the demo is switched in between tests, not inside one"
        if not _is_sqlite():
            connection.close()
            connection.settings_dict["NAME"] = self.clone_name
            return
        raw = _raw_sqlite()
        self._as_it_was = sqlite3.connect(":memory:")
        _sqlite_copy(raw, self._as_it_was)
        with sqlite3.connect(self.template_file) as template:
            _sqlite_copy(template, raw)
        template.close()

    def leave(self, *, emptied: bool = False) -> None:
        """Put the tests back on the database as it was before ``enter``. ``emptied``: the
        module's tests were transactional, so each emptied the demo when it ended; on PostgreSQL
        the process's copy is made again for the next module (SQLite's is copied in afresh by
        every ``enter``)."""
        if not _is_sqlite():
            connection.close()
            connection.settings_dict["NAME"] = self.own_name
            if emptied:
                self._postgresql_create(self.clone_name, template=self.template_name)
            return
        assert self._as_it_was is not None
        _sqlite_copy(self._as_it_was, _raw_sqlite())
        self._as_it_was.close()
        self._as_it_was = None

    @contextmanager
    def use(self) -> Iterator[None]:
        """The demo for the ``with`` block."""
        self.enter()
        try:
            yield
        finally:
            self.leave()

    def drop(self) -> None:
        """Drop this process's clone (the template stays for the next run: see the top)."""
        if _is_sqlite():
            return
        quote = connection.ops.quote_name
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(self.clone_name)}")


@pytest.fixture(scope="session")
def demo_database(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoDatabase]:
    """This process's copy of the demo (the template is built by the first process to ask,
    unless an earlier run left one built from the same code)."""
    with django_db_blocker.unblock():
        database = DemoDatabase(templates_directory(), fingerprint())
    yield database
    with django_db_blocker.unblock():
        database.drop()


@pytest.fixture(scope="module")
def demo(
    demo_database: DemoDatabase, django_db_blocker: Any, request: pytest.FixtureRequest
) -> Iterator[None]:
    """The whole demo as of ``DEMO_TODAY`` for a module's tests, each test's changes rolled back
    (a transactional module's tests each empty it instead: the next module gets a fresh copy)."""
    transactional = any(m.kwargs.get("transaction") for m in request.node.iter_markers("django_db"))
    with django_db_blocker.unblock():
        demo_database.enter()
    yield
    with django_db_blocker.unblock():
        demo_database.leave(emptied=transactional)
