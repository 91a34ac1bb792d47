"""The REST plumbing the domain apps share for the records of a project: the serializer and
filter of a record that names its project by code, the permission and viewset that read through
a selector and write through the app's services, the schemas of workflow actions and changes,
and the viewset of a one-row settings table.

It lives here, beside ``RegisterViewSet`` and the project code field it builds on, one layer
below the domain apps (``pmo.reporting``, ``pmo.raid``, ``pmo.change``), so that none of them
imports another's API (ADR 0029)."""

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, cast

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, filters, mixins, permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.core.api import ERROR_SCHEMA, AliasOrderingFilter, HistoryMixin, RulesPermission, expected_version
from pmo.core.filters import FilterBackend, FilterSet
from pmo.core.models import DomainModel, User
from pmo.core.permissions import ensure_can, permission_name
from pmo.portfolio.api import (
    IF_MATCH,
    UPDATE_ERRORS,
    WRITE_ERRORS,
    ProjectCodeField,
    RegisterViewSet,
    VersionedSerializer,
)

NOT_FOUND = {404: OpenApiResponse(ERROR_SCHEMA, description="No such record, or not one you may see.")}
ACTION_ERRORS = {
    400: OpenApiResponse(ERROR_SCHEMA, description="Not possible in the record's state, or invalid input."),
    403: OpenApiResponse(ERROR_SCHEMA, description="Not allowed by your role or your part in the record."),
    **{code: response for code, response in UPDATE_ERRORS.items() if code in (404, 409)},
}


def name_of(relation: str, attribute: str = "name", *, nullable: bool = False) -> serializers.CharField:
    return serializers.CharField(source=f"{relation}.{attribute}", read_only=True, allow_null=nullable)


def user_name(relation: str) -> serializers.CharField:
    """The name of a login (``str(user)``: full name, else username)."""
    return serializers.CharField(source=relation, read_only=True, allow_null=True)


# Permissions -------------------------------------------------------------------------------


def _is_per_project(model: type[Any]) -> bool:
    return any(field.name == "project" for field in model._meta.fields)


class RecordPermission(RulesPermission):
    """``RulesPermission`` for the reporting cycle.

    Reading needs the model's ``view_*`` permission (derived from its restriction: the selector
    keeps the rows to those the user may see, and another one is not found). Adding a record
    that belongs to a project is judged within the project the body names (by the service,
    before it does anything). A workflow action on a record (``submit``,
    ``decide``…) needs the permission the viewset names for it in ``action_verbs``."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if _is_per_project(view.queryset.model) and getattr(view, "action", None) == "create":
            return True
        return super().has_permission(request, view)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        super().has_object_permission(request, view, obj)
        verbs: Mapping[str, str] = getattr(view, "action_verbs", {})
        name = getattr(view, "action", None) or ""
        if name in verbs:
            ensure_can(
                request.user, permission_name(obj, verbs[name]), obj, action=f"{name.rstrip('_')} {obj}"
            )
        return True


# Fields shared by the serializers ------------------------------------------------------------


class ProjectRecordSerializer(VersionedSerializer):
    """A record of one project: the project by code, with its name alongside."""

    project = ProjectCodeField()
    project_name = name_of("project")


class ProjectRecordFilter(FilterSet):
    """Filters of records that belong to a project, starting with the project's code."""

    project = django_filters.CharFilter(
        field_name="project__code", lookup_expr="iexact", label="Project code (in any case)"
    )


class VersionBodySerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, help_text="The version you are changing (or send an If-Match header)."
    )


def action_schema(
    represented: type[serializers.Serializer],
    body: type[serializers.Serializer] | None = VersionBodySerializer,
) -> Any:
    """A workflow action on a record: the body it reads (with the version, or If-Match) and the
    record it answers with."""
    return extend_schema(
        request=body,
        parameters=[IF_MATCH] if body is not None else [],
        responses={200: represented, **ACTION_ERRORS},
    )


def change_schemas(
    serializer: type[serializers.Serializer],
    change: type[serializers.Serializer],
    *,
    deletable: bool = False,
) -> dict[str, Any]:
    """Create, ``PUT`` and ``PATCH`` (reading ``change``), and ``DELETE`` when ``deletable``, of
    records shown by ``serializer``."""
    updated = extend_schema(
        request=change, parameters=[IF_MATCH], responses={200: serializer, **UPDATE_ERRORS}
    )
    schemas = {
        "create": extend_schema(responses={201: serializer, **WRITE_ERRORS}),
        "update": updated,
        "partial_update": updated,
    }
    if deletable:
        schemas["destroy"] = extend_schema(
            parameters=[IF_MATCH],
            responses={204: None, **{k: v for k, v in UPDATE_ERRORS.items() if k != 400}},
        )
    return schemas


class RecordViewSet(HistoryMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Reads through a selector, ``rules`` for permissions, writes through the services.
    Subclasses set ``queryset`` (its model), ``serializer_class`` and ``selector``."""

    permission_classes = [permissions.IsAuthenticated, RecordPermission]
    filter_backends = [FilterBackend, filters.SearchFilter, AliasOrderingFilter]
    selector: ClassVar[Callable[..., QuerySet[Any]]]
    action_verbs: ClassVar[dict[str, str]] = {}
    # What ``PUT`` and ``PATCH`` read, when a change may not touch everything a create may.
    change_serializer_class: ClassVar[type[serializers.Serializer] | None] = None

    def get_queryset(self) -> QuerySet[Any]:
        return type(self).selector(user=self.request.user)

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.change_serializer_class is not None and self.action in ("update", "partial_update"):
            return self.change_serializer_class
        return cast(type[serializers.Serializer], super().get_serializer_class())

    @property
    def actor(self) -> User:
        """The signed-in user: the permission classes let nobody else this far."""
        return cast(User, self.request.user)

    def _represent(self, instance: DomainModel, *, status_code: int = status.HTTP_200_OK) -> Response:
        shaped = self.get_queryset().filter(pk=instance.pk).first() or instance
        representation = cast(type[serializers.Serializer], self.serializer_class)
        serializer = representation(shaped, context=self.get_serializer_context())
        response = Response(serializer.data, status=status_code)
        response["ETag"] = f'"{shaped.version}"'
        return response

    def _step(self, service: Callable[..., DomainModel], **arguments: Any) -> Response:
        """Take a workflow step through ``service`` (the signed-in user, ``arguments`` and the
        version the client read: body or If-Match) and answer with the record it leaves."""
        return self._represent(
            service(actor=self.actor, expected_version=expected_version(self.request), **arguments)
        )

    def _body(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        body = serializer_class(data=self.request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def _changes(self, instance: DomainModel, *, partial: bool) -> tuple[int, dict[str, Any]]:
        """The version the client is changing (body or If-Match) and its checked changes."""
        version = expected_version(self.request)
        serializer = self.get_serializer(instance, data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return version, dict(serializer.validated_data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = f'"{instance.version}"'
        return response


class SettingsViewSet(RegisterViewSet):
    """A one-row settings table: the list holds the row; everyone reads it; ``PATCH`` (with its
    version) by whom its rules allow. Subclasses set ``queryset``, ``serializer_class``,
    ``selector`` (the row, as a queryset) and ``updater`` (the service that changes it)."""

    http_method_names = ["get", "patch", "head", "options"]
    filter_backends = []
    updater: ClassVar[Callable[..., DomainModel]]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # No one adds or deletes the row: say so (405) before judging who is asking.
        if (request.method or "").lower() not in self.http_method_names:
            raise exceptions.MethodNotAllowed(request.method or "")
        super().initial(request, *args, **kwargs)

    def _update(self, instance: DomainModel, fields: dict[str, Any], version: int) -> DomainModel:
        return type(self).updater(
            actor=self.actor, settings_row=instance, fields=fields, expected_version=version
        )


def settings_schema(serializer: type[serializers.Serializer], tag: str) -> Callable[[type], type]:
    def decorate(viewset: type) -> type:
        schemas = extend_schema_view(
            partial_update=extend_schema(parameters=[IF_MATCH], responses={200: serializer, **UPDATE_ERRORS}),
        )
        return cast(type, extend_schema(tags=[tag])(schemas(viewset)))

    return decorate
