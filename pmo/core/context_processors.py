"""Template context every page needs: the signed-in user's roles for the navigation and the
number of their unread notifications for its badge."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from pmo.core.models import Notification
from pmo.core.permissions import is_pmo, is_pmo_head, role_names


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    context: dict[str, Any] = {
        "user_roles": sorted(role_names(user)),
        "user_is_pmo": is_pmo(user),
        "user_is_pmo_head": is_pmo_head(user),
    }
    if user.is_authenticated:
        # One COUNT query, run only when a page shows the badge (not for fragments or files).
        context["unread_notifications"] = SimpleLazyObject(
            lambda: Notification.objects.restrict(user, "view").filter(read_at__isnull=True).count()
        )
    return context
