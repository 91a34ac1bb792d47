"""`pmo export KIND FILE`: write a register to Excel or CSV, in the layout `pmo import` reads."""

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pmo.core.exports import csv_text_value, write_xlsx
from pmo.core.imports import EXPORT_KINDS, PROJECT_EXPORT_KINDS, user_by_username

UNKNOWN_FORMAT = "Give a file name ending in .xlsx or .csv, not {name!r}."
WHO_REQUIRED = (
    "Say whose view to export: --user USERNAME exports what that person may see; --all exports "
    "everything, confidential records included (for the system operator)."
)
BOTH_WHO = "Give either --user or --all, not both."
WRITTEN = "Wrote {count} {kind} to {path}."
WRITTEN_PROJECT = "Wrote the {kind} of {code} to {path}."
TWO_NEEDED = "`pmo export {kind}` takes the project's code, then the file: pmo export {kind} PROJECT FILE."
ONE_NEEDED = "`pmo export {kind}` takes one file: pmo export {kind} FILE.xlsx."


class Command(BaseCommand):
    help = (
        "Export a register to Excel (.xlsx) or CSV: `pmo export projects register.xlsx --user ann`. "
        "The columns are those `pmo import` reads, so an exported .xlsx can be edited and imported "
        "back. --user USERNAME exports what that person may see (confidential projects only if "
        "they may see them); --all exports everything and is meant for the system operator. One "
        "of the two is required, so a full export is never made by accident. Text that looks like "
        "a formula is written as text. A project's plan goes to MS Project XML: "
        "`pmo export schedule IT-118 plan.xml --all`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind", choices=sorted({*EXPORT_KINDS, *PROJECT_EXPORT_KINDS}), help="What to export."
        )
        parser.add_argument(
            "target", nargs="+", metavar="[PROJECT] FILE",
            help="The file to write (.xlsx or .csv); for a project's plan, its code and the .xml file.",
        )
        parser.add_argument("--user", metavar="USERNAME", help="Export what this user may see.")
        parser.add_argument(
            "--all", action="store_true", help="Export every record, confidential ones included."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind, target = options["kind"], options["target"]
        by_project = kind in PROJECT_EXPORT_KINDS
        if len(target) != (2 if by_project else 1):
            raise CommandError((TWO_NEEDED if by_project else ONE_NEEDED).format(kind=kind))
        path = Path(target[-1])
        suffix = path.suffix.lower()
        if not by_project and suffix not in (".xlsx", ".csv"):
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
        if by_project:
            try:
                path.write_bytes(PROJECT_EXPORT_KINDS[kind](user=user, code=target[0]))
            except LookupError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(WRITTEN_PROJECT.format(kind=kind, code=target[0], path=path))
            return
        headers, rows = EXPORT_KINDS[kind](user=user)
        rows = list(rows)
        if suffix == ".xlsx":
            with path.open("wb") as stream:
                write_xlsx(stream, headers=headers, rows=rows, sheet_title=kind.capitalize())
        else:
            with path.open("w", encoding="utf-8-sig", newline="") as stream:
                writer = csv.writer(stream)
                writer.writerow(headers)
                writer.writerows([csv_text_value(v) for v in row] for row in rows)
        self.stdout.write(WRITTEN.format(count=len(rows), kind=kind, path=path))
