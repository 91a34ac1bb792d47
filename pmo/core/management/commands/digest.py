"""`pmo digest`: e-mail the work digest now (the worker sends it once a day)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pmo.core.models import User
from pmo.core.work import work_digest_send

NO_SUCH_USERS = "No active login with an e-mail address is called {names}."
SENT = "Work digest e-mailed to {count} {people} with work waiting."


class Command(BaseCommand):
    help = (
        "E-mail each person (or only the logins named) their work queue now: what is theirs to "
        "do, overdue first. People with nothing waiting get no e-mail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("usernames", nargs="*", help="Only these logins (default: everyone).")

    def handle(self, *args: Any, usernames: list[str], **options: Any) -> None:
        users = None
        if usernames:
            users = list(User.objects.filter(username__in=usernames, is_active=True).exclude(email=""))
            missing = sorted(set(usernames) - {user.username for user in users})
            if missing:
                raise CommandError(NO_SUCH_USERS.format(names=", ".join(missing)))
        count = work_digest_send(users=users)
        self.stdout.write(SENT.format(count=count, people="person" if count == 1 else "people"))
