"""Finance over REST (``/api/v1/``), read-only for now: ``cost-codes``, ``budgets`` (versions
with their monthly lines), ``actuals`` (ledger lines), ``forecasts`` (versions per reporting
period with their lines) and ``financial-years``. Each list reads through
``pmo.finance.selectors``, so it holds what the user may see (a project's money: whoever sees the
project, and finance partners), with a number of queries that does not grow with the rows."""

from typing import Any, ClassVar

import django_filters
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import filters, mixins, permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.core.api import AliasOrderingFilter, HistoryMixin, IdentityField, RulesPermission
from pmo.core.filters import FilterBackend
from pmo.engine.finance import FinancialYear
from pmo.finance import selectors
from pmo.finance.choices import BudgetStatus, SpendType
from pmo.finance.models import ActualLine, BudgetLine, BudgetVersion, CostCode, ForecastLine, ForecastVersion
from pmo.portfolio.api_records import ProjectRecordFilter, name_of, user_name

LAST_YEAR = 9998  # the last year whose financial year ends in a year ``date`` holds
YEAR_HELP = "The financial year by the calendar year it starts in: 2026 is 2026/27 from April."


def _code(relation: str) -> serializers.CharField:
    return serializers.CharField(source=f"{relation}.code", read_only=True)


class CostCodeSerializer(serializers.ModelSerializer):
    """A ledger code and the project, category, spend type and funding source its lines count
    under."""

    url = IdentityField(view_name="api:cost-code-detail")
    project = _code("project")
    project_name = name_of("project")
    category = name_of("category")
    funding_source = name_of("funding_source", nullable=True)

    class Meta:
        model = CostCode
        fields = [
            "id",
            "url",
            "code",
            "description",
            "project",
            "project_name",
            "category",
            "spend_type",
            "funding_source",
            "active",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MonthLineSerializer(serializers.Serializer):
    """One month's amount under a category, capital or revenue, and a funding source."""

    month = serializers.DateField(read_only=True, help_text="The month, as its first day.")
    category = name_of("category")
    spend_type = serializers.ChoiceField(choices=SpendType.choices, read_only=True)
    funding_source = name_of("funding_source", nullable=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)


class BudgetVersionSerializer(serializers.ModelSerializer):
    """A version of a project's budget, phased by month: a draft, or approved (then never
    changed). The latest approved version is the project's budget; ``total`` is its budget at
    completion."""

    url = IdentityField(view_name="api:budget-detail")
    project = _code("project")
    project_name = name_of("project")
    total = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, allow_null=True)
    drafted_by_name = user_name("drafted_by")
    approved_by_name = user_name("approved_by")
    lines = MonthLineSerializer(many=True, read_only=True)

    class Meta:
        model = BudgetVersion
        fields = [
            "id",
            "url",
            "project",
            "project_name",
            "number",
            "status",
            "reason",
            "total",
            "baseline",
            "change_request",
            "exception",
            "drafted_by",
            "drafted_by_name",
            "approved_by",
            "approved_by_name",
            "approved_at",
            "lines",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ForecastVersionSerializer(serializers.ModelSerializer):
    """A project's forecast made in one reporting period, by month from the period's month on."""

    url = IdentityField(view_name="api:forecast-detail")
    project = _code("project")
    project_name = name_of("project")
    period_start = serializers.DateField(source="period.start", read_only=True)
    total = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, allow_null=True)
    made_by_name = user_name("made_by")
    lines = MonthLineSerializer(many=True, read_only=True)

    class Meta:
        model = ForecastVersion
        fields = [
            "id",
            "url",
            "project",
            "project_name",
            "period",
            "period_start",
            "note",
            "total",
            "made_by",
            "made_by_name",
            "made_at",
            "lines",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ActualLineSerializer(serializers.ModelSerializer):
    """A ledger line: what a cost code spent in a month (a credit is negative), charged to its
    project under the category, spend type and funding source of the code when it was loaded."""

    url = IdentityField(view_name="api:actual-detail")
    cost_code = _code("cost_code")
    project = _code("project")
    category = name_of("category")
    funding_source = name_of("funding_source", nullable=True)

    class Meta:
        model = ActualLine
        fields = [
            "id",
            "url",
            "cost_code",
            "project",
            "month",
            "category",
            "spend_type",
            "funding_source",
            "amount",
            "description",
            "source_reference",
            "loaded_by",
        ]
        read_only_fields = fields


class FinancialYearSerializer(serializers.Serializer):
    """A financial year: its label, first and last day, and whether today is in it."""

    start_year = serializers.IntegerField(help_text=YEAR_HELP)
    name = serializers.CharField(help_text="2026/27, or 2026 for a calendar year.")
    start = serializers.DateField()
    end = serializers.DateField()
    current = serializers.BooleanField()


def _in_year(queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
    """The lines of the financial year starting in calendar year ``value`` (none for a year that
    is not a whole number)."""
    if value != int(value):
        return queryset.none()
    year = FinancialYear(int(value), selectors.finance_settings().first_month)
    return queryset.filter(month__gte=year.start, month__lte=year.last_month)


class CostCodeFilter(ProjectRecordFilter):
    spend_type = django_filters.MultipleChoiceFilter(choices=SpendType.choices)
    active = django_filters.BooleanFilter()

    class Meta:
        model = CostCode
        fields: ClassVar[list[str]] = []


class BudgetFilter(ProjectRecordFilter):
    status = django_filters.MultipleChoiceFilter(choices=BudgetStatus.choices)

    class Meta:
        model = BudgetVersion
        fields: ClassVar[list[str]] = []


class ForecastFilter(ProjectRecordFilter):
    class Meta:
        model = ForecastVersion
        fields: ClassVar[list[str]] = []


class ActualFilter(ProjectRecordFilter):
    cost_code = django_filters.CharFilter(field_name="cost_code__code", label="Cost code")
    month = django_filters.DateFilter(help_text="The month, as its first day.")
    year = django_filters.NumberFilter(
        method=_in_year, label="Financial year", help_text=YEAR_HELP, min_value=1, max_value=LAST_YEAR
    )
    spend_type = django_filters.MultipleChoiceFilter(choices=SpendType.choices)

    class Meta:
        model = ActualLine
        fields: ClassVar[list[str]] = []


class FinanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Read-only: reads through a selector, ``view_*`` permissions from the restrictions."""

    permission_classes = [permissions.IsAuthenticated, RulesPermission]
    filter_backends = [FilterBackend, filters.SearchFilter, AliasOrderingFilter]
    ordering_aliases: ClassVar[dict[str, str]] = {"project": "project__code"}

    def get_queryset(self) -> QuerySet[Any]:
        return type(self).selector(user=self.request.user)  # type: ignore[attr-defined]


def _lines(model: type[BudgetLine] | type[ForecastLine]) -> Prefetch:
    return Prefetch("lines", queryset=model.objects.select_related("category", "funding_source"))


@extend_schema(tags=["finance"])
class CostCodeViewSet(HistoryMixin, FinanceViewSet):
    """Cost codes: each ledger code mapped to a project (``?project=CODE`` for one project's)."""

    queryset = CostCode.objects.none()
    serializer_class = CostCodeSerializer
    selector = staticmethod(selectors.cost_code_list)
    filterset_class = CostCodeFilter
    search_fields = ["code", "description", "project__code", "project__name"]
    ordering_fields = ["code", "project"]


@extend_schema(tags=["finance"])
class BudgetViewSet(HistoryMixin, FinanceViewSet):
    """Budget versions with their monthly lines, newest first per project."""

    queryset = BudgetVersion.objects.none()
    serializer_class = BudgetVersionSerializer
    filterset_class = BudgetFilter
    search_fields = ["project__code", "project__name", "reason"]
    ordering_fields = ["project", "number", "approved_at"]

    def get_queryset(self) -> QuerySet[BudgetVersion]:
        return selectors.budget_version_list(user=self.request.user).prefetch_related(_lines(BudgetLine))


@extend_schema(tags=["finance"])
class ForecastViewSet(HistoryMixin, FinanceViewSet):
    """Forecasts: one version per project and reporting period, with their monthly lines."""

    queryset = ForecastVersion.objects.none()
    serializer_class = ForecastVersionSerializer
    filterset_class = ForecastFilter
    search_fields = ["project__code", "project__name", "note"]
    ordering_fields = ["project", "made_at"]

    def get_queryset(self) -> QuerySet[ForecastVersion]:
        return selectors.forecast_version_list(user=self.request.user).prefetch_related(_lines(ForecastLine))


@extend_schema(tags=["finance"])
class ActualViewSet(FinanceViewSet):
    """Ledger lines (``?project=CODE``, ``?year=2026``, ``?month=2026-11-01``, ``?cost_code=``).
    A line has no history of its own: the load that wrote it is its record."""

    queryset = ActualLine.objects.none()
    serializer_class = ActualLineSerializer
    selector = staticmethod(selectors.actual_line_list)
    filterset_class = ActualFilter
    search_fields = ["cost_code__code", "project__code", "description", "source_reference"]
    ordering_fields = ["month", "amount", "project"]


@extend_schema(tags=["finance"])
class FinancialYearViewSet(viewsets.ViewSet):
    """The financial years that hold any budget, actual or forecast (the current one when none
    does), counted from the month the PMO's year starts in."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = FinancialYearSerializer
    queryset = None  # no records: the years are computed

    @extend_schema(responses=FinancialYearSerializer(many=True))
    def list(self, request: Request) -> Response:
        today = selectors.current_year()
        years = sorted({*selectors.years_with_money(), today})
        rows = [
            {
                "start_year": y.start_year,
                "name": y.label,
                "start": y.start,
                "end": y.end,
                "current": y == today,
            }
            for y in years
        ]
        return Response(FinancialYearSerializer(rows, many=True).data)
