"""The signed-in user's own notifications over REST (``/api/v1/notifications/``): read them,
mark one or all read. Every app's services send them (``pmo.core.services.notify``)."""

from typing import Any, ClassVar, cast

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import filters, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.core.api import ERROR_SCHEMA, AliasOrderingFilter
from pmo.core.filters import FilterBackend, FilterSet
from pmo.core.models import Notification, User
from pmo.core.services import notification_mark_read

NOT_FOUND = {404: OpenApiResponse(ERROR_SCHEMA, description="No such record, or not one you may see.")}


class NotificationSerializer(serializers.ModelSerializer):
    """A message to you: what happened, and the page to open (``url``, within the site)."""

    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "subject", "body", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, row: Notification) -> bool:
        return row.read_at is not None


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")


class NotificationFilter(FilterSet):
    read = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Notification
        fields: ClassVar[list[str]] = []


def notification_list(*, user: Any) -> QuerySet[Notification]:
    """The signed-in user's own notifications, newest first."""
    return Notification.objects.restrict(user, "view")


@extend_schema_view(
    read=extend_schema(request=None, responses={200: NotificationSerializer, **NOT_FOUND}),
    read_all=extend_schema(request=None, responses={200: MarkedSerializer}),
)
@extend_schema(tags=["notifications"])
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your own notifications (``read=false`` for the unread ones), newest first; nobody sees
    anyone else's. Mark one read, or all of them."""

    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [FilterBackend, filters.SearchFilter, AliasOrderingFilter]
    filterset_class = NotificationFilter
    search_fields = ["subject", "body"]
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet[Notification]:
        return notification_list(user=self.request.user)

    @action(detail=True, methods=["post"], filter_backends=[])
    def read(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Mark this notification read."""
        notification = self.get_object()
        notification_mark_read(user=cast(User, request.user), notification=notification)
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @action(detail=False, methods=["post"], url_path="read-all", url_name="read-all", filter_backends=[])
    def read_all(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Mark all your unread notifications read."""
        marked = notification_mark_read(user=cast(User, request.user))
        return Response(MarkedSerializer({"marked": marked}).data)
