"""`pmo demo`: load the demo portfolio (a UK council's IT portfolio) into an empty register, or
clear a trial's demo data (`pmo demo --clear`)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.demo import DEMO_PASSWORD, demo_build, demo_logins_present
from pmo.portfolio.demo_clear import demo_clear
from pmo.portfolio.models import Project

NOT_EMPTY = (
    "The register already holds {count} project(s); the demo loads only into an empty one. "
    "Use --if-empty to skip quietly, or load it into a new database."
)
SKIPPED = "The register already holds {count} project(s): demo not loaded."
LOADED = (
    "Loaded the demo portfolio: {projects} projects ({active} active) in {programmes} programmes, "
    "{people} people, {logins} demo logins."
)
NO_LOGINS = "No demo logins in this database."
CLEARED = (
    "Cleared the demo: {records} records and {logins} demo users deleted. The lifecycle, settings, "
    "default tolerances and your own logins are kept."
)


def logins_table() -> list[str]:
    """The demo logins that exist, one line per role, ready to print."""
    present = demo_logins_present()
    if not present:
        return []
    width = max(len(login.username) for login, _, _ in present) + 2
    role_width = max(len(login.role.label) for login, _, _ in present) + 2
    lines = [f"Demo logins (password: {DEMO_PASSWORD}):"]
    for login, user, has_demo_password in present:
        note = "" if has_demo_password else "  (password changed)"
        lines.append(
            f"  {login.username:<{width}}{login.role.label:<{role_width}}{user.get_full_name()}{note}"
        )
    return lines


class Command(BaseCommand):
    help = (
        "Load the demo portfolio: a UK council's IT portfolio with ~55 active projects, "
        "programmes, people and one demo login per role. The same every run on the same day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the register holds any project."
        )
        parser.add_argument(
            "--logins", action="store_true", help="Only print the demo logins that exist."
        )
        parser.add_argument(
            "--clear", action="store_true",
            help="Delete the demo and everything done to it (reports, RAID, changes…) and the demo "
            "logins, all or nothing; keep the lifecycle, settings, default tolerances and other "
            "logins. Refused when the register holds records the demo did not make.",
        )
        parser.add_argument(
            "--force", action="store_true",
            help="With --clear: clear the register's records the demo did not make as well.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["logins"]:
            lines = logins_table()
            self.stdout.write("\n".join(lines) if lines else NO_LOGINS)
            return
        if options["clear"]:
            try:
                cleared = demo_clear(force=options["force"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            message = CLEARED.format(records=cleared.records, logins=cleared.logins)
            self.stdout.write(self.style.SUCCESS(message))
            return
        count = Project.objects.count()
        if count:
            if options["if_empty"]:
                self.stdout.write(SKIPPED.format(count=count))
                return
            raise CommandError(NOT_EMPTY.format(count=count))
        try:
            ctx = demo_build()
        except (ValueError, ValidationError) as exc:
            raise CommandError(f"The demo was not loaded: {'; '.join(_messages(exc))}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                LOADED.format(
                    projects=len(ctx.projects),
                    active=Project.objects.filter(status=ProjectStatus.ACTIVE).count(),
                    programmes=len(ctx.programmes),
                    people=len(ctx.people),
                    logins=len(ctx.users),
                )
            )
        )
        if options["verbosity"] > 1:
            self.stdout.write("\n".join(logins_table()))


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    return [str(exc)]
