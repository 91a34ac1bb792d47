"""Who may manage logins and roles: the PMO head (and superusers). Declared once here and used by
the pages, the API and the services alike (through ``user.has_perm``)."""

from typing import Any

import rules
from django.db.models import Q

from pmo.core.models import Notification
from pmo.core.permissions import is_pmo_head
from pmo.core.restrict import restricts


@restricts(Notification)
def own_notifications(user: Any, action: str) -> Q:
    """A notification is seen (and marked read) by its recipient alone."""
    return Q(recipient_id=user.pk)


@rules.predicate
def is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False))


@rules.predicate
def is_not_a_superuser_account(user: Any, account: Any) -> bool:
    """The login being changed is not a superuser's (or no particular login is meant)."""
    return account is None or not account.is_superuser


rules.add_perm("core.view_user", is_pmo_head)
rules.add_perm("core.add_user", is_pmo_head)
# Only a superuser changes a superuser's login.
rules.add_perm("core.change_user", is_pmo_head & (is_not_a_superuser_account | is_superuser))
