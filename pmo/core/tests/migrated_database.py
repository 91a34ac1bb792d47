"""The empty test database, migrated once per code and copied into each test process.

Migrating from nothing takes Django tens of seconds of CPU (it renders the models' state after
each of ~90 migrations), and every test process (each pytest-xdist worker, in the unit tests'
run and again in the browser tests') would do it. Instead the first process to set its database
up migrates as usual and keeps the result as a template; every later one copies the template in
place of migrating:

- SQLite: the migrated in-memory database is saved to a file under var/test-demo (SQLite's
  backup API) and copied into each process's in-memory database;
- PostgreSQL: ``test_<name>_migrated_template``, made from the first process's migrated database,
  and each process's database made again from it (``CREATE DATABASE … TEMPLATE``).

Like the demo's template (pmo/core/tests/demo_database.py, whose fingerprint it shares),
it is kept across runs and named by a fingerprint of the code, so a change to a migration or a
model builds a new one (docs/adr/0026). What the data migrations write (role groups, the
lifecycle, reporting defaults) is in the copy, as a migration leaves it.
"""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from django.core import management
from django.db import connection

from pmo.core.tests.demo_database import _one_process_at_a_time, _worker

TEMPLATE_SUFFIX = "_migrated_template"


class MigratedTemplate:
    """The migrated empty database this run's processes copy (SQLite file or PostgreSQL
    database), for the code whose ``fingerprint`` it carries."""

    def __init__(self, directory: Path, fingerprint: str) -> None:
        self.directory = directory
        self.fingerprint = fingerprint
        self.file = directory / f"migrated-{fingerprint}.sqlite3"

    @staticmethod
    def _sqlite() -> bool:
        return connection.vendor == "sqlite"

    def name(self) -> str:
        """``test_pmo_gw0`` → ``test_pmo_migrated_template`` (the test database's name is set by
        the time migrate runs)."""
        name: str = connection.settings_dict["NAME"]
        worker = _worker()
        return f"{name.removesuffix(f'_{worker}') if worker else name}{TEMPLATE_SUFFIX}"

    def exists(self) -> bool:
        if self._sqlite():
            return self.file.exists()
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [self.name()],
            )
            found = cursor.fetchone()
        return found is not None and found[0] == self.fingerprint

    def copy_in(self) -> None:
        """Make the process's (new, empty) test database a copy of the template."""
        if self._sqlite():
            connection.ensure_connection()
            with sqlite3.connect(self.file) as template:
                template.backup(connection.connection)
            template.close()
            return
        own, quote = connection.settings_dict["NAME"], connection.ops.quote_name
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(own)}")
            cursor.execute(f"CREATE DATABASE {quote(own)} TEMPLATE {quote(self.name())}")

    def keep(self) -> None:
        """Keep the process's freshly migrated database as the template."""
        if self._sqlite():
            for older in self.directory.glob("migrated-*"):  # with its -wal and -shm files
                older.unlink()
            partial = self.file.with_suffix(".part")
            connection.ensure_connection()
            with sqlite3.connect(partial) as template:
                connection.connection.backup(template)
            template.close()
            partial.rename(self.file)
            return
        own, name, quote = connection.settings_dict["NAME"], self.name(), connection.ops.quote_name
        connection.close()  # a template may have no one connected to it
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
            cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(own)}")
            cursor.execute(f"COMMENT ON DATABASE {quote(name)} IS %s", [self.fingerprint])


@contextmanager
def migrated_from_template(directory: Path, fingerprint: str) -> Iterator[None]:
    """While the test databases are set up (pytest-django's ``django_db_setup``), their
    ``migrate`` copies the template instead, or migrates and keeps the template when there is
    none yet; one process at a time, so the others wait for the first one's template."""
    template = MigratedTemplate(directory, fingerprint)
    migrate_for_real: Callable[..., Any] = management.call_command

    def call_command(name: str, *args: Any, **options: Any) -> Any:
        if name != "migrate":
            return migrate_for_real(name, *args, **options)
        if template.exists():
            return template.copy_in()
        migrate_for_real(name, *args, **options)
        return template.keep()

    with (
        _one_process_at_a_time(directory, "migrated.lock"),
        mock.patch.object(management, "call_command", call_command),
    ):
        yield
