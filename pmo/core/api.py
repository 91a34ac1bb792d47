"""API plumbing shared by every app: JSON errors, the version
check and the ``/history/`` action every record has."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from pmo.core.history import history_entries, parse_point_in_time
from pmo.core.services import ConflictError

VERSION_REQUIRED = "Send the version you are changing (field 'version' or an If-Match header)."
VERSION_NOT_NUMBER = "The version must be a whole number."
INVALID_INPUT = "The request has errors in the fields listed."


def _field_errors(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _field_errors(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_field_errors(item) for item in detail]
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error is JSON ``{"message": ..., "fields": {...}}``; service errors map to HTTP:
    ValidationError 400, PermissionDenied 403, ConflictError 409."""
    if isinstance(exc, ConflictError):
        return Response(
            {"message": exc.message, "fields": {"version": [exc.message]}, "current_version": exc.current_version},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(fields)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = _field_errors(exc.detail)
        if isinstance(detail, list):
            detail = {"non_field_errors": detail}
        first = next(iter(detail.values()), [INVALID_INPUT])
        summary = "; ".join(
            f"{name}: {msgs[0] if isinstance(msgs, list) and msgs and isinstance(msgs[0], str) else msgs}"
            for name, msgs in detail.items()
        )
        response.data = {"message": summary or str(first), "fields": detail}
    else:
        message = response.data.get("detail", str(exc)) if isinstance(response.data, dict) else str(exc)
        response.data = {"message": str(message), "fields": {}}
    return response


def expected_version(request: Request) -> int:
    """The version the client is changing, from the body's ``version`` or ``If-Match``."""
    raw = request.data.get("version") if hasattr(request.data, "get") else None
    if raw in (None, ""):
        raw = request.headers.get("If-Match", "").strip('"W/ ')
    if raw in (None, ""):
        raise exceptions.ValidationError({"version": [VERSION_REQUIRED]})
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise exceptions.ValidationError({"version": [VERSION_NOT_NUMBER]}) from None


class HistoryEntrySerializer(serializers.Serializer):
    """One change to a record: who, when, what kind, and each field before and after."""

    when = serializers.DateTimeField()
    who = serializers.CharField(allow_null=True)
    kind = serializers.CharField()
    reason = serializers.CharField(allow_null=True)
    version = serializers.IntegerField(allow_null=True)
    changes = serializers.ListField(child=serializers.DictField())


class HistoryMixin:
    """Adds ``GET <record>/history/`` to a viewset."""

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance: Model = self.get_object()  # type: ignore[attr-defined]
        entries = history_entries(instance)
        return Response(HistoryEntrySerializer(entries, many=True).data)


def parse_as_of(raw: str | None) -> Any:
    """An ``as_of`` date or datetime from a query string, as an aware datetime (end of day for a
    date), or None when absent."""
    if not raw:
        return None
    try:
        return parse_point_in_time(raw)
    except ValueError as exc:
        raise exceptions.ValidationError({"as_of": [str(exc)]}) from None

