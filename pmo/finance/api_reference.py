"""Finance's own lists over REST (``/api/v1/``): ``cost-categories`` and ``funding-sources``.
Everyone signed in reads them (``?active=true`` for those offered for new lines; categories
also ``?staff=``); finance partners and the PMO add one (``POST``), change it (``PATCH`` with the
version: a name, a place in the lists, whether a category is staff costs, ``active`` false to
retire it) and delete one nothing uses (``DELETE``; one in use is a 400 naming what uses it).
Writes go through ``pmo.finance.reference``, as the pages' do: a problem names its field, a
stale version is a 409, what a role may not do a 403. Budget, forecast and ledger lines and cost
codes name a category or source by its ``name``."""

from typing import Any, ClassVar

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.core.api import (
    ERROR_SCHEMA,
    HistoryMixin,
    IdentityField,
    optional_expected_version,
)
from pmo.core.filters import FilterSet
from pmo.finance import reference
from pmo.finance.api import FinanceViewSet, _written
from pmo.finance.models import CostCategory, FundingSource
from pmo.portfolio.api import IF_MATCH, UPDATE_ERRORS, VersionedSerializer

_STAMPS = ["version", "created_at", "updated_at"]
DELETE_ERRORS = {
    400: OpenApiResponse(
        ERROR_SCHEMA, description="In use: the message names what uses it (retire it instead)."
    ),
    **{code: response for code, response in UPDATE_ERRORS.items() if code != 400},
}


class CostCategorySerializer(serializers.ModelSerializer):
    """What money is spent on. ``staff``: the organisation's own staff costs, which a cost
    centre's non-staff limit leaves out. ``active`` false: retired (kept on the lines that have
    it, not taken for new ones)."""

    url = IdentityField(view_name="api:cost-category-detail")

    class Meta:
        model = CostCategory
        fields = ["id", "url", "name", "position", "staff", "active", *_STAMPS]
        read_only_fields = fields


class FundingSourceSerializer(serializers.ModelSerializer):
    """Where money comes from. ``active`` false: retired (kept on the lines that have it, not
    taken for new ones)."""

    url = IdentityField(view_name="api:funding-source-detail")

    class Meta:
        model = FundingSource
        fields = ["id", "url", "name", "active", *_STAMPS]
        read_only_fields = fields


class CostCategoryWriteSerializer(VersionedSerializer):
    """A cost category as written."""

    class Meta:
        model = CostCategory
        fields = ["name", "position", "staff", "active", "version"]


class FundingSourceWriteSerializer(VersionedSerializer):
    """A funding source as written."""

    class Meta:
        model = FundingSource
        fields = ["name", "active", "version"]


class CostCategoryFilter(FilterSet):
    active = django_filters.BooleanFilter()
    staff = django_filters.BooleanFilter()

    class Meta:
        model = CostCategory
        fields: ClassVar[list[str]] = []


class FundingSourceFilter(FilterSet):
    active = django_filters.BooleanFilter()

    class Meta:
        model = FundingSource
        fields: ClassVar[list[str]] = []


class ReferenceViewSet(
    HistoryMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, FinanceViewSet
):
    """A finance list: read by everyone signed in, kept by finance partners and the PMO through
    its ``pmo.finance.reference.FinanceList`` (``records``: its selector and services)."""

    write_serializer: ClassVar[type[serializers.Serializer]]
    records: ClassVar[reference.FinanceList[Any]]  # the list's selector and services
    search_fields: ClassVar[list[str]] = ["name"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Any]:
        return self.records.select(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = self._body(self.write_serializer)
        made = self.records.create(actor=self.actor, fields=fields)
        return self._represent(made, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance, fields, version = self._patched(self.write_serializer)
        changed = self.records.update(
            actor=self.actor, record=instance, fields=fields, expected_version=version
        )
        return self._represent(changed)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        self.records.delete(
            actor=self.actor, record=instance, expected_version=optional_expected_version(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _reference_schema(represented: type[serializers.Serializer], body: type[serializers.Serializer]) -> Any:
    return extend_schema_view(
        create=_written(represented, body),
        partial_update=extend_schema(
            request=body, parameters=[IF_MATCH], responses={200: represented, **UPDATE_ERRORS}
        ),
        destroy=extend_schema(parameters=[IF_MATCH], responses={204: None, **DELETE_ERRORS}),
    )


@_reference_schema(CostCategorySerializer, CostCategoryWriteSerializer)
@extend_schema(tags=["finance"])
class CostCategoryViewSet(ReferenceViewSet):
    """Cost categories (staff, contractors, software…), in their order (``position``)."""

    queryset = CostCategory.objects.none()
    serializer_class = CostCategorySerializer
    write_serializer = CostCategoryWriteSerializer
    records = reference.CATEGORIES
    filterset_class = CostCategoryFilter
    ordering_fields = ["name", "position"]


@_reference_schema(FundingSourceSerializer, FundingSourceWriteSerializer)
@extend_schema(tags=["finance"])
class FundingSourceViewSet(ReferenceViewSet):
    """Funding sources (a capital programme, a revenue budget, a grant), by name."""

    queryset = FundingSource.objects.none()
    serializer_class = FundingSourceSerializer
    write_serializer = FundingSourceWriteSerializer
    records = reference.SOURCES
    filterset_class = FundingSourceFilter
    ordering_fields = ["name"]
