"""Template context every page needs: the signed-in user's roles for the navigation."""

from typing import Any

from django.http import HttpRequest

from pmo.core.permissions import is_pmo, is_pmo_head, role_names


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "user_roles": sorted(role_names(user)),
        "user_is_pmo": is_pmo(user),
        "user_is_pmo_head": is_pmo_head(user),
    }
