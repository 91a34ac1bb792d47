"""`pmo restore FILE`: load a backup written by `pmo backup` into an empty database.

The database is migrated, emptied of what the migrations put there (groups, the default
lifecycle…, which the backup holds as they were) and loaded from the file, all in one
transaction: a restore that fails leaves the database as it was. A database that already holds
projects or users is refused unless ``--force`` is given, which erases it first.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from pmo.core.management.commands.backup import BACKUP_SUFFIXES, backup_suffix_ok

NO_FILE = "No backup file at {path}."
BAD_NAME = "{name!r} is not a backup written by `pmo backup`: its name must end in {suffixes}."
NOT_EMPTY = (
    "The database already holds {what}. `pmo restore` loads only into an empty database, so "
    "nothing was changed. To erase everything in it and restore the backup instead, add --force "
    "(take a `pmo backup` of it first if you may need it)."
)
RESTORE_FAILED = "The backup {path} could not be restored, nothing was changed: {error}"
RESTORED = "Restored {path}: {projects} project(s), {users} user(s)."


def _count(label: str, *, database: str) -> int:
    model = apps.get_model(label)
    return model._default_manager.using(database).count()


def existing_data(*, database: str = DEFAULT_DB_ALIAS) -> str:
    """What makes the database not empty, in words ("" when it is empty)."""
    parts = []
    projects = _count("portfolio.Project", database=database) if apps.is_installed("pmo.portfolio") else 0
    users = _count(settings.AUTH_USER_MODEL, database=database)
    if projects:
        parts.append(f"{projects} project(s)")
    if users:
        parts.append(f"{users} user(s)")
    return " and ".join(parts)


@contextmanager
def history_not_recorded() -> Iterator[None]:
    """Loading writes many-to-many rows, which would otherwise add history entries of their own:
    the backup already holds the history as it was."""
    previous = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        settings.SIMPLE_HISTORY_ENABLED = previous


def load_backup(path: Path, *, database: str = DEFAULT_DB_ALIAS) -> None:
    """Replace everything in the database with the backup, in one transaction."""
    with transaction.atomic(using=database), history_not_recorded():
        connection = connections[database]
        if connection.vendor == "postgresql":
            # Run the foreign key checks still pending from rows written earlier in an enclosing
            # transaction: PostgreSQL cannot empty a table while they are.
            connection.check_constraints()
        # Empty every table, content types and permissions included: the backup holds them
        # with the keys the rest of it refers to.
        call_command(
            "flush", interactive=False, database=database, inhibit_post_migrate=True, verbosity=0
        )
        call_command("loaddata", str(path), database=database, verbosity=0)
        # Content types and permissions of apps newer than the backup.
        emit_post_migrate_signal(verbosity=0, interactive=False, db=database)
    ContentType.objects.clear_cache()


class Command(BaseCommand):
    help = (
        "Load a backup written by `pmo backup` into an empty database (migrating it first). "
        "--force erases a database that already holds data, then restores."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The backup file (.json, .json.gz, .json.bz2, .json.xz).")
        parser.add_argument(
            "--force", action="store_true", help="Erase everything in the database first."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to restore into.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"]).expanduser().resolve()
        database = options["database"]
        if not path.is_file():
            raise CommandError(NO_FILE.format(path=path))
        if not backup_suffix_ok(path):
            raise CommandError(BAD_NAME.format(name=path.name, suffixes=", ".join(BACKUP_SUFFIXES)))
        call_command("migrate", interactive=False, database=database, verbosity=0)
        what = existing_data(database=database)
        if what and not options["force"]:
            raise CommandError(NOT_EMPTY.format(what=what))
        try:
            load_backup(path, database=database)
        except Exception as exc:
            raise CommandError(RESTORE_FAILED.format(path=path, error=exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                RESTORED.format(
                    path=path,
                    projects=_count("portfolio.Project", database=database)
                    if apps.is_installed("pmo.portfolio")
                    else 0,
                    users=_count(settings.AUTH_USER_MODEL, database=database),
                )
            )
        )
