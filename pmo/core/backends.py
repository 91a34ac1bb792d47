"""Sign-in by username and password, granting no permission of its own.

Django's ``ModelBackend`` both signs people in and grants the model permissions ("can change
project") given to them or their groups in the admin. Here every right comes from the roles,
through the ``rules`` predicates (ADR 0003): a permission ticked on a group in the admin must add
nothing, or it would let someone past the rules that the pages, the API and the services share.
Superusers keep every right (Django's ``User.has_perm`` grants them before asking any backend).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from pmo.core.compiled import CompiledRecords

_USERS: list[CompiledRecords] = []


def _users_by_id() -> CompiledRecords:
    if not _USERS:
        model = get_user_model()
        _USERS.append(CompiledRecords(model, lambda users: model._default_manager.filter(pk__in=users)))
    return _USERS[0]


class RolesOnlyBackend(ModelBackend):
    """``ModelBackend``'s sign-in (active users, password check) with no model permissions."""

    def get_user(self, user_id: Any) -> Any:
        """As ``ModelBackend``'s (an active user, else None), read by a query compiled once:
        every page reads its signed-in user, and building that query took longer than running
        it."""
        try:
            key = int(get_user_model()._meta.pk.to_python(user_id))
        except (TypeError, ValueError, ValidationError):
            return None
        found = _users_by_id().records(users=[key])
        return found[0] if found and self.user_can_authenticate(found[0]) else None

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return False

    def with_perm(
        self, perm: Any, is_active: bool = True, include_superusers: bool = True, obj: Any = None
    ) -> Any:
        """Who holds ``perm`` through this backend: superusers only, when they are asked for."""
        users = get_user_model()._default_manager.filter(is_superuser=True)
        if not include_superusers:
            return users.none()
        return users if is_active is None else users.filter(is_active=is_active)
