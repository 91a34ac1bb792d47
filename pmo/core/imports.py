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


def user_by_username(username: str) -> User:
    """The active user a command acts as; LookupError names the problem."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise LookupError(f"No user has the username {username!r}.")
    if not user.is_active:
        raise LookupError(f"The user {username!r} is inactive.")
    return user
