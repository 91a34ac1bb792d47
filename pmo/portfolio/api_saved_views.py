"""The signed-in user's own saved views of the register over REST (``/api/v1/saved-views/``):
list, save, rename (``PATCH`` with ``name`` and ``version``) and delete. Nobody sees anyone
else's; the ``link`` shares the choice (the register with the same filters, columns and sort)."""

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.core.models import User
from pmo.portfolio.models import SavedView
from pmo.portfolio.services import saved_view_create, saved_view_delete, saved_view_rename


class SavedViewSerializer(serializers.ModelSerializer):
    """A named choice of filters, columns and sort (``query``, as the register's address has them)."""

    link = serializers.CharField(read_only=True, help_text="The register with this view's choice.")
    version = serializers.IntegerField(required=False, help_text="Required to rename: the version you read.")

    class Meta:
        model = SavedView
        fields = ["id", "name", "query", "link", "version", "created_at", "updated_at"]
        read_only_fields = ["id", "link", "created_at", "updated_at"]


class SavedViewRenameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    version = serializers.IntegerField()


def saved_view_list(*, user: Any) -> QuerySet[SavedView]:
    """The signed-in user's own saved views, by name."""
    return SavedView.objects.restrict(user, "view")


@extend_schema(tags=["saved views"])
class SavedViewViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Your own saved views of the project register."""

    queryset = SavedView.objects.none()
    serializer_class = SavedViewSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[SavedView]:
        return saved_view_list(user=self.request.user)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = serializer.validated_data
        user = cast(User, self.request.user)
        serializer.instance = saved_view_create(actor=user, name=data["name"], query=data.get("query", ""))

    @extend_schema(request=SavedViewRenameSerializer, responses={200: SavedViewSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Rename the view (its choice is kept: save a new view for another choice)."""
        given = SavedViewRenameSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        view = saved_view_rename(
            actor=cast(User, request.user), view=self.get_object(), name=given.validated_data["name"],
            expected_version=given.validated_data["version"],
        )
        return Response(self.get_serializer(view).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Delete the view (``?version=`` guards against deleting one renamed meanwhile)."""
        version = request.query_params.get("version")
        saved_view_delete(
            actor=cast(User, request.user), view=self.get_object(),
            expected_version=int(version) if version and version.isdigit() else None,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
