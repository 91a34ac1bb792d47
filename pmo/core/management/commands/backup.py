"""`pmo backup [FILE]`: write a consistent backup of the whole database as a JSON fixture.

Every app's rows (history tables, users, groups and their permissions included) are dumped in
one read transaction, so the backup is a single point in time even while people work. Primary
keys are kept, so `pmo restore` gives back exactly the same records on SQLite or PostgreSQL.
Sessions are left out: after a restore everyone signs in again.
"""

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from pmo.core import clock

BACKUP_SUFFIXES = (".json", ".json.gz", ".json.bz2", ".json.xz")
EXCLUDED = ("sessions",)

BAD_NAME = "A backup file's name must end in {suffixes}, not {name!r}."
EXISTS = "{path} already exists: choose another name, or remove it first."
WROTE = "Backup written to {path} ({size})."


def backup_suffix_ok(path: Path) -> bool:
    return path.name.endswith(BACKUP_SUFFIXES)


def default_backup_path() -> Path:
    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"pmo-{stamp}.json.gz"


def _human_size(size: int) -> str:
    amount = float(size)
    for unit in ("bytes", "KB", "MB"):
        if amount < 1024 or unit == "MB":
            return f"{amount:.0f} {unit}" if unit == "bytes" else f"{amount:.1f} {unit}"
        amount /= 1024
    raise AssertionError("unreachable")


def write_backup(path: Path, *, database: str = DEFAULT_DB_ALIAS) -> None:
    """Dump every app to ``path`` (compressed by its suffix) from one snapshot of the database.

    The file appears only when complete (written beside it, then renamed) and only its owner can
    read it: it holds password hashes and personal data."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(f".partial-{os.getpid()}-{path.name}")
    connection = connections[database]
    already_in_transaction = connection.in_atomic_block
    try:
        with transaction.atomic(using=database):
            if connection.vendor == "postgresql" and not already_in_transaction:
                # One snapshot for every table (PostgreSQL's default sees each query's own).
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            call_command(
                "dumpdata",
                exclude=list(EXCLUDED),
                use_base_manager=True,
                database=database,
                output=str(partial),
                verbosity=0,
            )
        partial.chmod(0o600)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the whole database (a JSON fixture, gzip-compressed by "
        "default) to FILE, or to var/backups/pmo-YYYYmmdd-HHMMSS.json.gz. Load it with `pmo restore`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", nargs="?", help="Where to write it (.json, .json.gz, .json.bz2, .json.xz)."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to back up.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"]).expanduser().resolve() if options["file"] else default_backup_path()
        if not backup_suffix_ok(path):
            raise CommandError(BAD_NAME.format(suffixes=", ".join(BACKUP_SUFFIXES), name=path.name))
        if path.exists():
            raise CommandError(EXISTS.format(path=path))
        write_backup(path, database=options["database"])
        self.stdout.write(self.style.SUCCESS(WROTE.format(path=path, size=_human_size(path.stat().st_size))))
