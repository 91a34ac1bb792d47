"""What ``pmo import KIND FILE`` and ``pmo export KIND FILE`` handle: each app registers its kinds
from its ``AppConfig.ready()`` (the portfolio its projects, RAID its six registers), so the
commands know every kind without knowing any app."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pmo.core.models import User
from pmo.core.spreadsheets import ImportResult

IMPORT_KINDS: dict[str, Callable[..., ImportResult]] = {}
"""What ``pmo import KIND FILE`` can import, by kind: a function taking the keyword arguments
actor, file, filename, dry_run and progress (``IMPORT_KINDS["risks"] = risk_import``)."""

EXPORT_KINDS: dict[str, Callable[..., tuple[list[str], Iterable[Sequence[Any]]]]] = {}
"""What ``pmo export KIND FILE`` can export, by kind: a function of ``user`` (None: everything)
giving the headers and the rows, in the layout the matching import reads."""

PROJECT_IMPORT_KINDS: dict[str, Callable[..., str]] = {}
"""What ``pmo import KIND PROJECT FILE`` can import into one project (a project's plan), by kind:
a function taking the keyword arguments actor, code (the project's), path and dry_run, giving
what it did in words; LookupError or ValueError say why it did nothing."""

PROJECT_EXPORT_KINDS: dict[str, Callable[..., bytes]] = {}
"""What ``pmo export KIND PROJECT FILE`` can export of one project, by kind: a function taking the
keyword arguments user (None: the system operator) and code, giving the file's bytes;
LookupError says why there is nothing."""


def user_by_username(username: str) -> User:
    """The active user a command acts as; LookupError names the problem."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise LookupError(f"No user has the username {username!r}.")
    if not user.is_active:
        raise LookupError(f"The user {username!r} is inactive.")
    return user
