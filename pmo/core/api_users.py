"""Logins and their roles over REST (``/api/v1/users/``), for the PMO head (and superusers).

Reads go through ``pmo.core.selectors``, writes through the services in ``pmo.core.services``,
so the same rules hold as on the "Users and roles" pages: nobody changes their own roles or
deactivates themselves, and only a superuser makes or changes a superuser. Users carry no
version column, so unlike the register's records an update is not checked against a version
(see docs/adr/0011-logins-and-roles-managed-by-the-pmo-head.md); every change is in the history.
"""

from typing import Any, cast

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, filters, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.core import selectors
from pmo.core.api import ERROR_SCHEMA, GivenBooleanField, HistoryMixin, RulesPermission
from pmo.core.choices import Role
from pmo.core.filters import FilterBackend, FilterSet
from pmo.core.models import User
from pmo.core.services import (
    ensure_can_change_user,
    user_create,
    user_password_link_create,
    user_update,
)

PASSWORD_ONLY_ON_CREATE = (
    "A password can only be given when the login is created; afterwards, make a set-password "
    "link (POST …/password-link/) so the person chooses their own."
)
ROLES_HELP = "The login's roles. PMO roles (head, analyst, officer) also open the admin site."
PASSWORD_HELP = (
    "Only on create, and optional: without one the answer holds a set-password link for the "
    "person to choose their own."
)
LINK_HELP = (
    "A link with which the person chooses their password: shown only now. It works once, for a "
    "limited time."
)


class RolesField(serializers.ListField):
    """The login's roles, by their ``Role`` value (``pmo_head``…), read from its groups."""

    child = serializers.ChoiceField(choices=Role.choices)

    def get_attribute(self, instance: User) -> list[str]:
        return [role.value for role in selectors.user_roles(instance)]


class UserSerializer(serializers.ModelSerializer):
    """A login: who signs in, with which roles, and whether they may sign in now."""

    url = serializers.HyperlinkedIdentityField(view_name="api:user-detail")
    roles = RolesField(required=False, help_text=ROLES_HELP)
    is_active = GivenBooleanField(
        required=False,
        help_text="Whether the login may sign in. Left out: true on create, unchanged on a change.",
    )
    is_superuser = GivenBooleanField(
        required=False, help_text="Superuser status. Left out: false on create, unchanged on a change."
    )
    # A blank password is a password given, so Django's password rules judge it (refused), rather
    # than one left out (which would make a set-password link instead).
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text=PASSWORD_HELP,
    )

    class Meta:
        model = User
        fields = [
            "id",
            "url",
            "username",
            "first_name",
            "last_name",
            "email",
            "roles",
            "is_active",
            "is_staff",
            "is_superuser",
            "last_login",
            "date_joined",
            "password",
        ]
        read_only_fields = ["is_staff", "last_login", "date_joined"]
        # The services check the username (unique whatever its capitals) and the e-mail.
        extra_kwargs = {"username": {"validators": []}, "email": {"validators": []}}


class UserCreatedSerializer(UserSerializer):
    set_password_url = serializers.CharField(read_only=True, allow_null=True, help_text=LINK_HELP)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "set_password_url"]


class PasswordLinkSerializer(serializers.Serializer):
    set_password_url = serializers.CharField(help_text=LINK_HELP)


class UserFilter(FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices, method="holding", label="Role")

    class Meta:
        model = User
        fields = ["is_active"]

    def holding(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(groups__name=Role(value).label)


class UserRulesPermission(RulesPermission):
    """``RulesPermission`` where those who may not see logins are refused whatever they ask
    (403, not 404), and a refused change says plainly why (a superuser's login)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user.has_perm("core.view_user")) and super().has_permission(request, view)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method in ("PUT", "PATCH"):
            ensure_can_change_user(request.user, obj)
        return super().has_object_permission(request, view, obj)


DENIED = {403: OpenApiResponse(ERROR_SCHEMA, description="Only the PMO head manages logins.")}
NOT_FOUND = {404: OpenApiResponse(ERROR_SCHEMA, description="No such login.")}
INVALID = {400: OpenApiResponse(ERROR_SCHEMA, description="Invalid input: the fields say what and where.")}


@extend_schema_view(
    list=extend_schema(responses={200: UserSerializer(many=True), **DENIED}),
    retrieve=extend_schema(responses={200: UserSerializer, **DENIED, **NOT_FOUND}),
    create=extend_schema(responses={201: UserCreatedSerializer, **INVALID, **DENIED}),
    update=extend_schema(responses={200: UserSerializer, **INVALID, **DENIED, **NOT_FOUND}),
    partial_update=extend_schema(responses={200: UserSerializer, **INVALID, **DENIED, **NOT_FOUND}),
)
@extend_schema(tags=["users"])
class UserViewSet(HistoryMixin, viewsets.ModelViewSet):
    """Logins and their roles, for the PMO head. Logins are never deleted: set ``is_active`` to
    false to stop one signing in. Not checked against a version: the last change wins, and the
    history shows every one."""

    queryset = User.objects.none()
    serializer_class = UserSerializer
    permission_classes = [permissions.IsAuthenticated, UserRulesPermission]
    filter_backends = [FilterBackend, filters.SearchFilter, filters.OrderingFilter]
    filterset_class = UserFilter
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering_fields = ["username", "last_login", "date_joined"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        return selectors.user_list(user=self.request.user)

    @property
    def actor(self) -> User:
        """The signed-in user: the permission classes let nobody else this far."""
        return cast(User, self.request.user)

    def _shaped(self, user: User) -> User:
        return self.get_queryset().get(pk=user.pk)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        user, link = user_create(
            actor=self.actor,
            username=data.get("username", ""),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            email=data.get("email", ""),
            roles=data.get("roles", []),
            password=data.get("password"),
            is_superuser=data.get("is_superuser", False),
            is_active=data.get("is_active", True),
        )
        shaped = self._shaped(user)
        shaped.set_password_url = request.build_absolute_uri(link) if link else None  # type: ignore[attr-defined]
        body = UserCreatedSerializer(shaped, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        if "password" in fields:
            raise exceptions.ValidationError({"password": [PASSWORD_ONLY_ON_CREATE]})
        roles = fields.pop("roles", None)
        updated = user_update(actor=self.actor, user=instance, fields=fields, roles=roles)
        return Response(self.get_serializer(self._shaped(updated)).data)

    @extend_schema(
        request=None,
        responses={200: PasswordLinkSerializer, **DENIED, **NOT_FOUND},
        summary="Make a new set-password link for a login",
    )
    @action(detail=True, methods=["post"], url_path="password-link", filter_backends=[])
    def password_link(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A new link with which the person chooses their password (shown only now). Earlier
        unused links stop working if the login has no password yet."""
        path = user_password_link_create(actor=self.actor, user=self.get_object())
        return Response(PasswordLinkSerializer({"set_password_url": request.build_absolute_uri(path)}).data)
