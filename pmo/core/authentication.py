"""API authentication by personal token (kept apart from ``pmo.core.api`` because DRF imports
authentication classes while it is itself being imported)."""

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from pmo.core.models import ApiToken

INVALID_TOKEN = "Invalid or revoked API token."


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Token <secret>`` (or ``Bearer``) with a personal API token."""

    keywords = (b"token", b"bearer")

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        secret = parts[1].decode(errors="replace")
        token = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(digest=ApiToken.digest_of(secret))
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        token.mark_used()
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return "Token"
