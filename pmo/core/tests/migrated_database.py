"""The empty test database, built once per code and copied into each test process.

Migrating from nothing takes Django about a minute of CPU (it renders the models' state again
after each of ~115 migrations' operations: 22,000 model classes), and every test process (each
pytest-xdist worker, in the unit tests' run and again in the browser tests') would do it.
Instead the first process to set its database up builds it from the models, as ``migrate
--run-syncdb`` does for apps without migrations (4 s), records every migration as applied, and
writes what the data migrations write (``MIGRATION_DATA``), without history entries, as a
migration writes none; it keeps the result as a template and every later one copies it in place
of migrating:

- SQLite: the built database is saved to a file under var/test-demo (SQLite's backup API)
  and copied into each process's database;
- PostgreSQL: ``test_<name>_migrated_template``, made from the first process's built database,
  and each process's database made again from it (``CREATE DATABASE … TEMPLATE``).

Like the demo's template (pmo/core/tests/demo_database.py, whose fingerprint it shares),
it is kept across runs and named by a fingerprint of the code, so a change to a migration or a
model builds a new one (docs/adr/0026).

That the template is the database ``migrate`` makes, schema and data, is checked where a test
migrates from nothing anyway: the upgrade tests' ``migrate_to`` (pmo/conftest.py) compares the
database they leave, migrated all the way, with ``described(…)`` of the template, kept beside it
when it is built (docs/adr/0057).
"""

import importlib
import pickle
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from django.apps import apps
from django.core import management
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings

from pmo.core.tests.demo_database import _one_process_at_a_time, _worker, remove_older

TEMPLATE_SUFFIX = "_migrated_template"

MIGRATION_DATA = (
    ("pmo.core.migrations.0002_role_groups", "create_groups"),
    ("pmo.portfolio.migrations.0002_default_lifecycle", "create_stages"),
    ("pmo.reporting.migrations.0002_defaults", "create_defaults"),
    ("pmo.reporting.migrations.0008_tolerance_direction", "default_directions"),
    ("pmo.finance.migrations.0002_defaults", "create_defaults"),
    ("pmo.finance.migrations.0005_cost_centres", "mark_staff"),
    ("pmo.governance.migrations.0002_default_gates", "create_gates"),
    ("pmo.assurance.migrations.0003_default_compliance_rules", "create_rules"),
    ("pmo.assurance.migrations.0005_default_gate_evidence_rule", "create_rule"),
)
"""The data migrations' functions that write into an empty database, in the order they run."""


def write_migration_data() -> None:
    """Write what the data migrations write into an empty database, with today's models and no
    history entries (a migration's models have no history)."""
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        for module, function in MIGRATION_DATA:
            getattr(importlib.import_module(module), function)(apps, None)


def build_from_models(migrate: Callable[..., Any], *args: Any, **options: Any) -> None:
    """What ``migrate`` makes of an empty database, made from the models, not the migrations."""
    applied = MigrationLoader(connection, ignore_no_migrations=True).graph.nodes
    with override_settings(MIGRATION_MODULES={config.label: None for config in apps.get_app_configs()}):
        migrate("migrate", *args, **{**options, "run_syncdb": True})
    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    recorder.migration_qs.bulk_create(recorder.Migration(app=app, name=name) for app, name in sorted(applied))
    write_migration_data()


CONSTRAINT_KEYS = ("columns", "primary_key", "unique", "foreign_key", "check", "index")


def described(using: Any) -> dict[str, Any]:
    """A database as the tests see it: each table's columns (type, null) and its constraints and
    indexes (by what they cover, not their names: a renamed column keeps its index's old name),
    and the rows of every table but the migrations' record. Left out of the rows: ids, times and
    version counters, which differ between two builds of the same data (a data migration that
    moved a default saved the row once more), and of a history entry all but its kind and reason
    (a field added later has its default in an entry written before, today's value in one
    written now)."""
    introspection = using.introspection
    quote = using.ops.quote_name
    tables = sorted(name for name in introspection.table_names() if name != "django_migrations")
    schema: dict[str, Any] = {}
    rows: dict[str, Any] = {}
    with using.cursor() as cursor:
        for table in tables:
            columns = introspection.get_table_description(cursor, table)
            constraints = introspection.get_constraints(cursor, table).values()
            schema[table] = (
                sorted((c.name, c.type_code, c.null_ok) for c in columns),
                sorted(repr([c[key] for key in CONSTRAINT_KEYS]) for c in constraints),
            )
            kept = sorted(c.name for c in columns if _compared(table, c.name))
            selected = ", ".join(map(quote, kept)) or "1"  # a table of ids only: how many rows
            cursor.execute(f"SELECT {selected} FROM {quote(table)}")  # noqa: S608 (our tables)
            found = sorted(map(repr, cursor.fetchall()))
            if found:
                rows[table] = found
    return {"schema": schema, "rows": rows}


def _compared(table: str, column: str) -> bool:
    if "_historical" in table:
        return column in ("history_type", "history_change_reason")
    return column not in ("id", "version") and not column.endswith(("_at", "_id"))


class MigratedTemplate:
    """The empty database (every migration recorded as applied) this run's processes copy
    (SQLite file or PostgreSQL database), for the code whose ``fingerprint`` it carries."""

    def __init__(self, directory: Path, fingerprint: str) -> None:
        self.directory = directory
        self.fingerprint = fingerprint
        self.file = directory / f"migrated-{fingerprint}.sqlite3"
        self.description = directory / f"migrated-{fingerprint}-{connection.vendor}.pickle"

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
            return self.file.exists() and self.description.exists()
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [self.name()],
            )
            found = cursor.fetchone()
        return found is not None and found[0] == self.fingerprint and self.description.exists()

    def copy_in(self) -> None:
        """Make the process's test database (new, or emptied by a transactional test) a copy of
        the template."""
        if self._sqlite():
            connection.ensure_connection()
            with sqlite3.connect(self.file) as template:
                template.backup(connection.connection)
            template.close()
            return
        own, quote = connection.settings_dict["NAME"], connection.ops.quote_name
        connection.close()
        with connection._nodb_cursor() as cursor:  # FORCE: a live server's threads may linger
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(own)} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {quote(own)} TEMPLATE {quote(self.name())}")

    def keep(self) -> None:
        """Keep the process's freshly built database as the template, and its description."""
        remove_older(self.directory, f"migrated-*-{connection.vendor}.pickle")
        self.description.write_bytes(pickle.dumps(described(connection)))
        if self._sqlite():
            remove_older(self.directory, "migrated-*.sqlite3*", "migrated-*.part")
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
    ``migrate`` copies the template instead, or builds and keeps the template when there is
    none yet; one process at a time, so the others wait for the first one's template."""
    template = MigratedTemplate(directory, fingerprint)
    migrate_for_real: Callable[..., Any] = management.call_command

    def call_command(name: str, *args: Any, **options: Any) -> Any:
        if name != "migrate":
            return migrate_for_real(name, *args, **options)
        if template.exists():
            return template.copy_in()
        build_from_models(migrate_for_real, *args, **options)
        return template.keep()

    with (
        _one_process_at_a_time(directory, "migrated.lock"),
        mock.patch.object(management, "call_command", call_command),
    ):
        yield
