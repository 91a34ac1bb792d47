"""`pmo export KIND FILE`: write a register to Excel or CSV, in the layout `pmo import` reads."""

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pmo.core.exports import csv_text_value, write_xlsx
from pmo.core.imports import EXPORT_KINDS, user_by_username

UNKNOWN_FORMAT = "Give a file name ending in .xlsx or .csv, not {name!r}."
WHO_REQUIRED = (
    "Say whose view to export: --user USERNAME exports what that person may see; --all exports "
    "everything, confidential records included (for the system operator)."
)
BOTH_WHO = "Give either --user or --all, not both."
WRITTEN = "Wrote {count} {kind} to {path}."


class Command(BaseCommand):
    help = (
        "Export a register to Excel (.xlsx) or CSV: `pmo export projects register.xlsx --user ann`. "
        "The columns are those `pmo import` reads, so an exported .xlsx can be edited and imported "
        "back. --user USERNAME exports what that person may see (confidential projects only if "
        "they may see them); --all exports everything and is meant for the system operator. One "
        "of the two is required, so a full export is never made by accident. Text that looks like "
        "a formula is written as text."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(EXPORT_KINDS), help="What to export.")
        parser.add_argument("file", help="The file to write: .xlsx or .csv.")
        parser.add_argument("--user", metavar="USERNAME", help="Export what this user may see.")
        parser.add_argument(
            "--all", action="store_true", help="Export every record, confidential ones included."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        suffix = path.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise CommandError(UNKNOWN_FORMAT.format(name=path.name))
        if options["user"] and options["all"]:
            raise CommandError(BOTH_WHO)
        if not options["user"] and not options["all"]:
            raise CommandError(WHO_REQUIRED)
        user = None
        if options["user"]:
            try:
                user = user_by_username(options["user"])
            except LookupError as exc:
                raise CommandError(str(exc)) from exc
        headers, rows = EXPORT_KINDS[options["kind"]](user=user)
        rows = list(rows)
        if suffix == ".xlsx":
            with path.open("wb") as stream:
                write_xlsx(stream, headers=headers, rows=rows, sheet_title=options["kind"].capitalize())
        else:
            with path.open("w", encoding="utf-8-sig", newline="") as stream:
                writer = csv.writer(stream)
                writer.writerow(headers)
                writer.writerows([csv_text_value(v) for v in row] for row in rows)
        self.stdout.write(WRITTEN.format(count=len(rows), kind=options["kind"], path=path))
