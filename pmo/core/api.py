"""API plumbing shared by every app: JSON errors, object permissions from ``rules``, the version
check, the ``/history/`` action every record has, ordering by aliases, and personal tokens."""

import copy
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar

from django.contrib.auth import authenticate
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    ImproperlyConfigured,
    ObjectDoesNotExist,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.http import Http404
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, filters, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.fields import SkipField, empty
from rest_framework.relations import PKOnlyObject
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from pmo.core.authentication import ApiTokenAuthentication
from pmo.core.history import history_entries, parse_point_in_time
from pmo.core.links import address
from pmo.core.models import ApiToken
from pmo.core.permissions import ensure_can, permission_name
from pmo.core.services import ConflictError, api_token_create, api_token_revoke
from pmo.core.text_limits import BoundedTextField, text_too_long

VERSION_REQUIRED = "Send the version you are changing (field 'version' or an If-Match header)."
VERSION_NOT_NUMBER = "The version must be a whole number."
INVALID_INPUT = "The request has errors in the fields listed."
BAD_CREDENTIALS = "Unable to sign in with that username and password."
LOCKED_OUT = "Too many sign-in attempts for this account: wait a while, then try again."
REVOKE_NEEDS_TOKEN = "Send the token you want to revoke in the Authorization header (Token <secret>)."

NON_FIELD = "non_field_errors"


def _field_errors(detail: Any) -> Any:
    """DRF's error detail as plain JSON: a list of messages per field; the errors of a nested
    record, or of a list's items, are an object of the same shape by field or by position (the
    items without errors left out)."""
    if isinstance(detail, dict):
        return {
            (NON_FIELD if key == NON_FIELD_ERRORS else str(key)): _field_errors(value)
            for key, value in detail.items()
        }
    if isinstance(detail, list) and any(isinstance(item, dict) for item in detail):
        return {str(position): _field_errors(item) for position, item in enumerate(detail) if item}
    if isinstance(detail, list):
        return [_field_errors(item) for item in detail]
    return str(detail)


def _first_message(messages: Any) -> str:
    while isinstance(messages, list | dict) and messages:
        messages = messages[0] if isinstance(messages, list) else next(iter(messages.values()))
    return str(messages) if messages else INVALID_INPUT


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error is JSON ``{"message": ..., "fields": {...}}``; service errors map to HTTP:
    ValidationError 400, PermissionDenied 403, ConflictError 409."""
    if isinstance(exc, ConflictError):
        return Response(
            {
                "message": exc.message,
                "fields": {"version": [exc.message]},
                "current_version": exc.current_version,
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.messages}
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
            detail = {NON_FIELD: detail}
        summary = "; ".join(
            _first_message(msgs) if name == NON_FIELD else f"{name}: {_first_message(msgs)}"
            for name, msgs in detail.items()
        )
        response.data = {"message": summary or INVALID_INPUT, "fields": detail}
    else:
        message = response.data.get("detail", str(exc)) if isinstance(response.data, dict) else str(exc)
        response.data = {"message": str(message), "fields": {}}
    return response


class BoundedCharField(serializers.CharField):
    """The API's field for a bounded text (``pmo.core.text_limits``): ``max_length`` is published
    as ``maxLength`` in the schema, and longer text is refused with the services' own message,
    which names the field and the limit. Every ModelSerializer uses it for a BoundedTextField."""

    def run_validators(self, value: Any) -> None:
        if self.max_length is not None and isinstance(value, str) and len(value) > self.max_length:
            message = text_too_long(str(self.label or self.field_name), len(value), self.max_length)
            raise exceptions.ValidationError(message, code="max_length")
        super().run_validators(value)


serializers.ModelSerializer.serializer_field_mapping[BoundedTextField] = BoundedCharField


def model_text(model: type[Model], name: str, **kwargs: Any) -> BoundedCharField:
    """A serializer field for text a service stores in the model's field ``name`` (a workflow's
    note), bounded like that field."""
    return BoundedCharField(max_length=model._meta.get_field(name).max_length, **kwargs)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object", "description": "A nested record's or list's messages, by field or position."},
        ]
    }
)
def _quick_reader(field: serializers.Field) -> Callable[[Any], Any] | None:
    """A reader of ``field``'s value from a record, for a field that reads its attributes the
    plain way (DRF's ``Field.get_attribute``): ``record.a.b`` by ``getattr``, handing anything
    else (a dictionary, a callable, a missing link) back to DRF's own reader."""
    if type(field).get_attribute is not serializers.Field.get_attribute or not field.source_attrs:
        return None
    attrs = tuple(field.source_attrs)

    def read(instance: Any) -> Any:
        value = instance
        for attr in attrs:
            if not isinstance(value, Model):
                return field.get_attribute(instance)
            try:
                value = getattr(value, attr)
            except (AttributeError, ObjectDoesNotExist):
                return field.get_attribute(instance)
            if callable(value):
                return field.get_attribute(instance)
        return value

    return read


class RowSerializer(serializers.ModelSerializer):
    """A model serializer whose ``to_representation`` works out once, not for every field of
    every row, which fields it shows and how each reads its value (a list of 50 projects of 38
    fields spent most of its time in DRF's generic attribute reading). What it gives is DRF's."""

    # A serializer whose fields are the same for every request may keep them, made once and
    # copied for each use (``fields_kept = True``): DRF worked them out from the model each time.
    fields_kept: ClassVar[bool] = False
    _kept_fields: ClassVar[dict[type, dict[str, serializers.Field]]] = {}

    def get_fields(self) -> dict[str, serializers.Field]:
        if not self.fields_kept:
            return super().get_fields()
        found = RowSerializer._kept_fields.get(type(self))
        if found is None:
            found = RowSerializer._kept_fields[type(self)] = super().get_fields()
        return copy.deepcopy(found)

    def _reading_plan(self) -> list[tuple[serializers.Field, str, Callable[[Any], Any] | None]]:
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self.__dict__["_plan"] = [
                (field, field.field_name, _quick_reader(field)) for field in self._readable_fields
            ]
        return plan

    def to_representation(self, instance: Any) -> Any:
        result: dict[str, Any] = {}
        for field, name, read in self._reading_plan():
            try:
                attribute = read(instance) if read is not None else field.get_attribute(instance)
            except SkipField:
                continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            result[name] = None if check_for_none is None else field.to_representation(attribute)
        return result


class IdentityField(serializers.HyperlinkedIdentityField):
    """A record's API address, as DRF's ``HyperlinkedIdentityField`` gives it, made from one
    pattern per address name (``pmo.core.links.address``) instead of a ``reverse()`` per row."""

    def get_url(self, obj: Any, view_name: str, request: Any, format: str | None) -> str | None:
        if format is not None or getattr(request, "versioning_scheme", None) is not None:
            return super().get_url(obj, view_name, request, format)
        if hasattr(obj, "pk") and obj.pk in (None, ""):
            return None
        url = address(view_name, getattr(obj, self.lookup_field))
        return request.build_absolute_uri(url) if request is not None else url


class FieldMessagesField(serializers.JSONField):
    """One field's messages in an error body: a list, or an object for a nested record or list."""


def _error_fields() -> dict[str, serializers.Field]:
    return {
        "message": serializers.CharField(help_text="What went wrong, in a sentence for people."),
        "fields": serializers.DictField(
            child=FieldMessagesField(),
            help_text="The messages per field ('non_field_errors' for the record as a whole). For a "
            "nested record or a list, an object of the same shape by field or by position, e.g. "
            '{"milestones": {"2": {"due": ["Enter a valid date."]}}}.',
        ),
    }


# The shapes of error answers, for the OpenAPI schema (a serializer cannot declare a field
# called ``fields``, so these are built inline).
ERROR_SCHEMA = inline_serializer("Error", fields=_error_fields())
CONFLICT_SCHEMA = inline_serializer(
    "Conflict",
    fields={
        **_error_fields(),
        "current_version": serializers.IntegerField(help_text="The record's version now."),
    },
)


PROJECT_CODE_REQUIRED = "Give the project's code: ?project=IT-145."
NO_SUCH_PROJECT = "There is no project {code}, or you may not see it."
# An action that answers for one project named by ``?project=CODE``: its parameter and answers.
PROJECT_PARAMETER = OpenApiParameter(
    "project", OpenApiTypes.STR, required=True, description="The project's code (in any case)."
)
PROJECT_ANSWERS = {
    400: OpenApiResponse(ERROR_SCHEMA, description="No project code given."),
    404: OpenApiResponse(ERROR_SCHEMA, description="No such project, or not one you may see."),
}

M = TypeVar("M", bound=Model)


def project_in_query(request: Request, projects: QuerySet[M]) -> M:
    """The project ``?project=CODE`` names (its code matched in any case, as the pages do),
    among ``projects`` (those the user may see): 400 naming the field when no code is given,
    404 when there is no such project or the user may not see it."""
    code = request.query_params.get("project", "").strip()
    if not code:
        raise exceptions.ValidationError({"project": [PROJECT_CODE_REQUIRED]})
    found = projects.filter(code__iexact=code).first()
    if found is None:
        raise exceptions.NotFound(NO_SUCH_PROJECT.format(code=code))
    return found


def _version_from(request: Request) -> Any:
    raw = request.data.get("version") if hasattr(request.data, "get") else None
    if raw in (None, ""):
        raw = request.headers.get("If-Match", "").strip('"W/ ')
    return raw


def _as_version(raw: Any) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise exceptions.ValidationError({"version": [VERSION_NOT_NUMBER]}) from None


def expected_version(request: Request) -> int:
    """The version the client is changing, from the body's ``version`` or ``If-Match``."""
    raw = _version_from(request)
    if raw in (None, ""):
        raise exceptions.ValidationError({"version": [VERSION_REQUIRED]})
    return _as_version(raw)


def optional_expected_version(request: Request) -> int | None:
    """Like ``expected_version`` for deletes, where sending the version is optional."""
    raw = _version_from(request)
    return None if raw in (None, "") else _as_version(raw)


def _model_of(view: Any) -> type[Model]:
    queryset = getattr(view, "queryset", None)
    if queryset is None:
        raise ImproperlyConfigured(f"{type(view).__name__} needs a queryset attribute naming its model.")
    model: type[Model] = queryset.model
    return model


class RulesPermission(permissions.BasePermission):
    """The same ``rules`` the services apply, checked before any work is done: reading needs
    ``view_<model>`` (a record the user may not see is not found), creating ``add_<model>``,
    changing ``change_<model>`` and deleting ``delete_<model>`` on the record itself.

    The viewset names its model with a ``queryset`` attribute (the selector does the reading)."""

    verbs = {
        "GET": "view",
        "HEAD": "view",
        "OPTIONS": "view",
        "POST": "add",
        "PUT": "change",
        "PATCH": "change",
        "DELETE": "delete",
    }

    def has_permission(self, request: Request, view: Any) -> bool:
        verb = self.verbs.get(request.method or "")
        if verb is None:
            return False
        model = _model_of(view)
        if verb == "view":
            return bool(request.user.has_perm(permission_name(model, "view")))
        if verb == "add" and getattr(view, "action", None) == "create":
            what = f"add {model._meta.verbose_name_plural}"
            ensure_can(request.user, permission_name(model, "add"), action=what)
        return True

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if not request.user.has_perm(permission_name(obj, "view"), obj):
            raise exceptions.NotFound()
        verb = self.verbs.get(request.method or "")
        if verb in ("change", "delete"):
            ensure_can(request.user, permission_name(obj, verb), obj, action=f"{verb} {obj}")
        return True


class AliasOrderingFilter(filters.OrderingFilter):
    """``?ordering=`` where a public name may stand for another expression: a view declares
    ``ordering_aliases = {"stage": "stage__order"}`` and lists ``stage`` in ``ordering_fields``.
    The id breaks ties, so pages never overlap."""

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> Sequence[str] | None:
        ordering = super().get_ordering(request, queryset, view)
        aliases: dict[str, str] = getattr(view, "ordering_aliases", {})
        if not ordering:
            return ordering
        result = []
        for term in ordering:
            name = aliases.get(term.lstrip("-"), term.lstrip("-"))
            result.append(f"-{name}" if term.startswith("-") else name)
        if not {"id", "-id", "pk", "-pk"} & set(result):
            result.append("id")
        return result

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        names = [
            name if isinstance(name, str) else name[0]
            for name in getattr(view, "ordering_fields", None) or []
        ]
        if names:
            parameters[0]["description"] = (
                f"Sort by {', '.join(names)}; put '-' before a name to reverse it "
                "and separate several with commas."
            )
        return parameters


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

    @extend_schema(responses=HistoryEntrySerializer(many=True), parameters=[], filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Every change to this record, newest first: who, when, and each field before and after."""
        instance: Model = self.get_object()  # type: ignore[attr-defined]
        entries = history_entries(instance, user=request.user)
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


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes ``Authorization: Token <secret>`` in the OpenAPI schema."""

    target_class = "pmo.core.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")  # noqa: S106


def _model_field(field: serializers.Field) -> Any:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or field.source == "*" or "." in field.source:
        return None
    try:
        return model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return None


class BlankChoiceSchema(OpenApiSerializerFieldExtension):
    """One rule for every choice field: a choice that is not set is ``""`` in the API, read or
    written, and the schema says so (the choices' enum or ``BlankEnum``). DRF drops
    ``allow_blank`` from read-only fields (an exception's ``decision``, a change's ``authority``,
    a RAID item's ``escalated_to``), so without this their schema would promise a choice always."""

    target_class = "rest_framework.fields.ChoiceField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        column = _model_field(self.target)
        blank = column is not None and column.blank and bool(column.choices)
        if blank and "enum" in schema and "" not in schema["enum"]:
            schema["enum"] = [*schema["enum"], ""]
        return schema


class GivenBooleanField(serializers.BooleanField):
    """A true/false field left out of a form (multipart or urlencoded) body is left out, as in
    JSON: DRF reads a missing form boolean as false (an unticked checkbox), which would make a
    login created without ``is_active`` unable to sign in, or a ``PUT`` without it deactivate
    one."""

    default_empty_html = empty


class ListLengthSchema(OpenApiSerializerFieldExtension):
    """A nested list the API bounds (``many=True, max_length=…``, e.g. a report's or baseline's
    milestones) says its bounds in the schema: DRF checks them outside the validators
    drf-spectacular reads."""

    target_class = "rest_framework.serializers.ListSerializer"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if self.target.max_length is not None:
            schema["maxItems"] = self.target.max_length
        if self.target.min_length is not None:
            schema["minItems"] = self.target.min_length
        return schema


class TokenCreateSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, write_only=True)
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="What the token is for, to recognise it later.",
    )
    expires_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="When the token stops working (ISO 8601, later than now); null or left out: never.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="The secret: shown only now. Send it as 'Authorization: Token <secret>'."
    )
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="The first characters, to recognise the token.")
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="When it stops working (null: never; a password reset ends it too)."
    )


class TokenView(APIView):
    """``POST`` a username and password for a personal API token; ``DELETE`` with a token
    revokes that token."""

    authentication_classes = [ApiTokenAuthentication]

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.request.method == "DELETE":
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    @extend_schema(
        request=TokenCreateSerializer,
        responses={201: TokenSerializer, 400: ERROR_SCHEMA, 429: ERROR_SCHEMA},
        auth=[],
        summary="Create a personal API token",
        description="Sign in with a username and password; the answer holds a new personal token.",
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = TokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(
            request=django_request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if getattr(django_request, "axes_locked_out", False):
            # Answer in JSON; axes' middleware would otherwise replace this with its HTML page.
            delattr(django_request, "axes_locked_out")
            return Response({"message": LOCKED_OUT, "fields": {}}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is None:
            raise exceptions.ValidationError({NON_FIELD: [BAD_CREDENTIALS]})
        token, secret = api_token_create(
            user=user,
            name=data.validated_data.get("name", ""),
            expires_at=data.validated_data.get("expires_at"),
        )
        body = {
            "token": secret,
            "name": token.name,
            "prefix": token.prefix,
            "created_at": token.created_at,
            "expires_at": token.expires_at,
        }
        return Response(TokenSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="Revoked: the token no longer works."),
            400: ERROR_SCHEMA,
        },
        summary="Revoke the token this request is signed with",
        tags=["auth"],
    )
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):
            raise exceptions.ValidationError({NON_FIELD: [REVOKE_NEEDS_TOKEN]})
        api_token_revoke(user=request.user, token=request.auth)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
