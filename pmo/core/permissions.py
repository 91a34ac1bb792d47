"""Who may do what: role predicates (``rules``) and the one check every service calls.

Roles are groups (``pmo.core.choices.Role``). Object rules that depend on a record (a PM's own
project) live beside the record's app in its ``rules.py``; they compose the predicates here.
"""

from collections.abc import Callable
from typing import Any

import rules
from django.core.exceptions import PermissionDenied

from pmo.core.choices import PMO_ROLES, Role

NOT_ALLOWED = "You do not have permission to {action}."


def role_names(user: Any) -> frozenset[str]:
    """The names of the user's role groups, read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_pmo_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._pmo_role_names = cached
    return cached


def has_role(user: Any, *roles: Role) -> bool:
    names = role_names(user)
    return any(role.label in names for role in roles)


@rules.predicate
def is_pmo(user: Any) -> bool:
    """PMO head, analyst or officer (or a superuser): may see and edit the whole register."""
    return bool(getattr(user, "is_superuser", False)) or bool(role_names(user) & PMO_ROLES)


@rules.predicate
def is_pmo_head(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.PMO_HEAD)


@rules.predicate
def is_staff_member(user: Any) -> bool:
    """Anyone signed in: may read what is not confidential."""
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def permission_name(model: Any, action: str) -> str:
    """``app.action_model`` for a model class or record, e.g. ``portfolio.change_project``."""
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def ensure_can(user: Any, perm: str, obj: Any = None, *, action: str | Callable[[], str] = "") -> None:
    """Raise PermissionDenied unless ``user`` holds ``perm`` (on ``obj`` where given); ``action``
    may be a callable, so naming the record costs nothing when the user may."""
    if not user.has_perm(perm, obj):
        action = action() if callable(action) else action
        raise PermissionDenied(NOT_ALLOWED.format(action=action or perm.split(".")[-1].replace("_", " ")))
