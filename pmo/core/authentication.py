"""API authentication by personal token (kept apart from ``pmo.core.api`` because DRF imports
authentication classes while it is itself being imported)."""

from typing import Any

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from pmo.core.models import ApiToken

INVALID_TOKEN = "Invalid or revoked API token."
EXPIRED_TOKEN = (
    "This API token expired on {when}. Make a new one on your profile page (/accounts/profile/) "
    "or with POST /api/v1/auth/token/."
)


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
        token = ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(secret)).first()
        if token is None or token.revoked_at is not None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        if token.is_expired:
            when = timezone.localtime(token.expires_at).strftime("%-d %b %Y %H:%M")
            raise exceptions.AuthenticationFailed(EXPIRED_TOKEN.format(when=when))
        token.mark_used()
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return "Token"
