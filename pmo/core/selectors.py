"""Reads of logins and their roles, restricted to who may see them and shaped for the pages and
the API (groups prefetched, so a list costs the same number of queries however long it is)."""

from typing import Any

from django.contrib.auth.models import Group
from django.db.models import Prefetch, QuerySet

from pmo.core.choices import Role
from pmo.core.models import User


def user_list(*, user: Any) -> QuerySet[User]:
    """Every login, for those who manage logins (the PMO head); nothing for anyone else."""
    if not user.has_perm("core.view_user"):
        return User.objects.none()
    return User.objects.prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))


def user_roles(account: User) -> list[Role]:
    """The roles among the login's groups, in the order of ``Role`` (reads prefetched groups)."""
    names = {group.name for group in account.groups.all()}
    return [role for role in Role if role.label in names]
