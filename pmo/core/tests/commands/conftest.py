"""A new, migrated SQLite database for the tests that start `pmo` processes (they use SQLite
files whatever the database of the run): made once per test run (by the first process to ask)
and copied for each test, as migrating takes a minute of CPU. It is SQLite test databases'
template for this code (built from the models, every migration recorded as applied, and checked
against a migrated database by the upgrade journey: pmo/core/tests/migrated_database.py) where
one exists: on SQLite always, and on PostgreSQL when a SQLite run of the same code made it (CI's
SQLite unit tests run before PostgreSQL's); else `pmo migrate` makes it."""

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings

from pmo.core.tests.commands.processes import pmo_command, process_environment
from pmo.core.tests.demo_database import _one_process_at_a_time, _worker, fingerprint, templates_directory
from pmo.core.tests.migrated_database import MigratedTemplate


@pytest.fixture(scope="session")
def _migrated_database(tmp_path_factory: pytest.TempPathFactory, django_db_setup: None) -> Path:
    run_directory = tmp_path_factory.getbasetemp()
    if _worker():
        run_directory = run_directory.parent  # shared by the run's workers
    migrated = run_directory / "migrated" / "pmo.sqlite3"
    with _one_process_at_a_time(run_directory):
        if not migrated.exists():
            building = run_directory / "migrating"
            building.mkdir(exist_ok=True)
            template = MigratedTemplate(templates_directory(), fingerprint())
            if template.file.exists():
                shutil.copyfile(template.file, building / "pmo.sqlite3")
            else:
                subprocess.run(
                    pmo_command("migrate", "--noinput", "-v0"),
                    cwd=settings.BASE_DIR,
                    env=process_environment(building),
                    check=True,
                    timeout=120,
                )
            building.rename(migrated.parent)
    return migrated


@pytest.fixture
def migrated_database(_migrated_database: Path) -> Callable[[Path], None]:
    """``migrated_database(var)`` puts a freshly migrated ``var/pmo.sqlite3`` in place."""

    def copy(var: Path) -> None:
        shutil.copyfile(_migrated_database, var / "pmo.sqlite3")

    return copy
