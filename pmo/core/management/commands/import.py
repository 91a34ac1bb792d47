"""`pmo import KIND FILE`: load a register from an Excel file, all or nothing."""

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from pmo.core.imports import IMPORT_KINDS, PROJECT_IMPORT_KINDS, user_by_username

NO_SUCH_FILE = "No such file: {path}"
TWO_NEEDED = "`pmo import {kind}` takes the project's code, then the file: pmo import {kind} PROJECT FILE."
ONE_NEEDED = "`pmo import {kind}` takes one file: pmo import {kind} FILE.xlsx."
NOT_IMPORTED = "{count} problem(s) found in {file}; nothing was imported."
CHECK_FAILED = "{count} problem(s) found in {file}."


class Command(BaseCommand):
    help = (
        "Import a register from an Excel (.xlsx) file: `pmo import projects register.xlsx`. Every "
        "row is checked first; any problem is printed by row and column and nothing is written. "
        "Known codes update their records; new codes add records. The columns are those of the "
        "template (Import page, 'Download the template'). Without --user the command acts as the "
        "system operator: no permission check, and the history records no user; give --user to "
        "import as a person, with their permissions and in their name. A project's plan comes from "
        "MS Project XML or an .mpp file (read by MPXJ: Java needed; also .mpx, .gan, .xer, .pmxml, "
        ".planner): `pmo import schedule IT-118 plan.xml` (it replaces the project's plan)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind", choices=sorted({*IMPORT_KINDS, *PROJECT_IMPORT_KINDS}), help="What the file holds."
        )
        parser.add_argument(
            "target", nargs="+", metavar="[PROJECT] FILE",
            help="The .xlsx file; for a project's plan (schedule), the project's code and the .xml file.",
        )
        parser.add_argument(
            "--dry-run", action="store_true",
            help="Check the file and report what would change; write nothing.",
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="Import as this user (their permissions apply)."
        )
        parser.add_argument(
            "--progress", action="store_true",
            help="Show a progress bar (shown anyway when stderr is a terminal).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind, target = options["kind"], options["target"]
        by_project = kind in PROJECT_IMPORT_KINDS
        if len(target) != (2 if by_project else 1):
            raise CommandError((TWO_NEEDED if by_project else ONE_NEEDED).format(kind=kind))
        path = Path(target[-1])
        if not path.is_file():
            raise CommandError(NO_SUCH_FILE.format(path=path))
        actor = None
        if options["user"]:
            try:
                actor = user_by_username(options["user"])
            except LookupError as exc:
                raise CommandError(str(exc)) from exc
        if by_project:
            try:
                done = PROJECT_IMPORT_KINDS[kind](
                    actor=actor, code=target[0], path=path, dry_run=options["dry_run"]
                )
            except (LookupError, ValueError, PermissionDenied) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(done)
            return
        progress = None
        if options["progress"] or self.stderr.isatty():
            stream = getattr(self.stderr, "_out", sys.stderr)

            def progress(rows: Any, total: int | None) -> Any:
                return tqdm(rows, total=total, unit=" rows", desc="Checking", file=stream)

        try:
            result = IMPORT_KINDS[kind](
                actor=actor, file=path, filename=path.name, dry_run=options["dry_run"], progress=progress
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if result.errors:
            for issue in result.errors:
                self.stderr.write(str(issue))
            template = CHECK_FAILED if options["dry_run"] else NOT_IMPORTED
            raise CommandError(template.format(count=len(result.errors), file=path.name))
        self.stdout.write(result.summary)
