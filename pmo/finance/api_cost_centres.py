"""Cost centres over REST (``/api/v1/``, ADR 0053): ``cost-centres`` (the PMO's own budget and
any other running budget, each with its current year's budget, actuals and non-staff limit, and
``…/year/?year=2026`` for a year's budget, actual and forecast, staff and non-staff, against the
limit) and ``cost-centre-budgets`` (a cost centre's budget for a financial year with its monthly
lines). Reads keep to what the user may see; writes go through ``pmo.finance.cost_centres`` as
the pages' do: problems with the lines by position and field, a stale version a 409, what a
role may not do a 403. Their cost codes are ``cost-codes`` with ``cost_centre`` set, their
ledger lines ``actuals?cost_centre=CODE``."""

from typing import Any, ClassVar

import django_filters
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.core.api import HistoryMixin, IdentityField, expected_version, model_text
from pmo.core.filters import FilterSet
from pmo.core.models import User
from pmo.engine.finance import FinancialYear
from pmo.finance import cost_centres, selectors
from pmo.finance.api import (
    YEAR_HELP,
    CostCentreCodeField,
    FinanceViewSet,
    MonthLineSerializer,
    _lines_field,
    _written,
    lines_named,
    month_amounts,
)
from pmo.finance.models import CostCentre, CostCentreBudget, CostCentreBudgetLine
from pmo.portfolio.api import IF_MATCH, UPDATE_ERRORS, VersionedSerializer
from pmo.portfolio.api_records import user_name

BAD_YEAR = "Give the financial year by the calendar year it starts in (2000 to 2200), not {value!r}."


def _money(help_text: str, *, nullable: bool = False) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=20, decimal_places=2, read_only=True, allow_null=nullable, help_text=help_text
    )


class CostCentreSerializer(serializers.ModelSerializer):
    """A cost centre, with the current financial year's budget, actuals and non-staff limit."""

    url = IdentityField(view_name="api:cost-centre-detail", lookup_field="code")
    holder_name = user_name("holder")
    year_budget = _money("The current financial year's budget.")
    year_actual = _money("The current financial year's actuals so far.")
    non_staff_limit = _money(
        "What the current year's non-staff spend must stay under (null: none).", nullable=True
    )

    class Meta:
        model = CostCentre
        fields = [
            "id",
            "url",
            "code",
            "name",
            "holder",
            "holder_name",
            "active",
            "year_budget",
            "year_actual",
            "non_staff_limit",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CostCentreWriteSerializer(VersionedSerializer):
    """A cost centre as written: its code, name, budget holder (a login's id) and whether in use."""

    holder = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        help_text="The budget holder's login id.",
    )

    class Meta:
        model = CostCentre
        fields = ["code", "name", "holder", "active", "version"]


class OutturnSerializer(serializers.Serializer):
    budget = _money("The year's budget.")
    actual_to_date = _money("The actuals of the year's months before the split.")
    forecast_remaining = _money("The budget of the year's months from the split on.")
    eac = _money("Where the year lands: actuals to date plus the forecast of the rest.")
    variance = _money("Budget - outturn: negative is an overspend.")


class CentreMonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    budget = _money("The month's budget.")
    actual = _money("The month's actuals (null from the split on).", nullable=True)
    forecast = _money("The month's forecast (null before the split).", nullable=True)
    closed = serializers.BooleanField()


class CategoryYearSerializer(serializers.Serializer):
    name = serializers.CharField()
    staff = serializers.BooleanField()
    outturn = OutturnSerializer()


class CostCentreYearSerializer(serializers.Serializer):
    """A cost centre's financial year: budget, actuals and forecast in all, for staff and for
    non-staff costs, by category and by month, and the non-staff limit with what the forecast
    leaves under it (negative: over)."""

    cost_centre = serializers.CharField(source="cost_centre.code")
    year = serializers.IntegerField(source="year.start_year", help_text=YEAR_HELP)
    name = serializers.CharField(source="year.label")
    split = serializers.DateField(help_text="The first month forecast rather than actual.")
    budget_version = serializers.IntegerField(source="budget.version", allow_null=True)
    total = OutturnSerializer()
    staff = OutturnSerializer()
    non_staff = OutturnSerializer()
    non_staff_limit = _money("The year's non-staff limit (null: none).", nullable=True)
    limit_headroom = _money("The limit less the non-staff outturn (null: no limit).", nullable=True)
    over_limit = serializers.BooleanField()
    categories = CategoryYearSerializer(many=True)
    months = CentreMonthSerializer(many=True)


class CostCentreBudgetSerializer(serializers.ModelSerializer):
    """A cost centre's budget for one financial year, with its monthly lines and total."""

    url = IdentityField(view_name="api:cost-centre-budget-detail")
    cost_centre = serializers.CharField(source="cost_centre.code", read_only=True)
    total = _money("The year's lines summed.")
    lines = MonthLineSerializer(many=True, read_only=True)

    class Meta:
        model = CostCentreBudget
        fields = [
            "id",
            "url",
            "cost_centre",
            "year",
            "non_staff_limit",
            "note",
            "total",
            "lines",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CostCentreBudgetSetSerializer(serializers.Serializer):
    """A cost centre's budget for a year: its lines (all of them), non-staff limit and note."""

    cost_centre = CostCentreCodeField()
    year = serializers.IntegerField(min_value=2000, max_value=2200, help_text=YEAR_HELP)
    non_staff_limit = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    note = model_text(CostCentreBudget, "note", required=False, allow_blank=True, default="")
    lines = _lines_field(help_text="The year's budget by month: every line (the lines sent are the budget).")


class CostCentreBudgetUpdateSerializer(serializers.Serializer):
    non_staff_limit = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    note = model_text(CostCentreBudget, "note", required=False, allow_blank=True)
    lines = _lines_field(help_text="The year's budget by month: every line (the lines sent are the budget).")
    version = serializers.IntegerField(
        required=False, help_text="The version you are changing (or If-Match)."
    )


class CostCentreFilter(FilterSet):
    active = django_filters.BooleanFilter()

    class Meta:
        model = CostCentre
        fields: ClassVar[list[str]] = []


class CostCentreBudgetFilter(FilterSet):
    cost_centre = django_filters.CharFilter(field_name="cost_centre__code", label="Cost centre code")
    year = django_filters.NumberFilter(help_text=YEAR_HELP)

    class Meta:
        model = CostCentreBudget
        fields: ClassVar[list[str]] = []


YEAR_PARAMETER = OpenApiParameter("year", int, description=YEAR_HELP + " The current year if not given.")


@extend_schema_view(
    create=_written(CostCentreSerializer, CostCentreWriteSerializer),
    partial_update=extend_schema(
        request=CostCentreWriteSerializer,
        parameters=[IF_MATCH],
        responses={200: CostCentreSerializer, **UPDATE_ERRORS},
    ),
    year=extend_schema(parameters=[YEAR_PARAMETER], responses={200: CostCentreYearSerializer}, filters=False),
)
@extend_schema(tags=["finance"])
class CostCentreViewSet(HistoryMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, FinanceViewSet):
    """Cost centres (the PMO's own budget): finance partners, the PMO and executives read all, a
    budget holder theirs. Finance partners and the PMO add them (``POST``) and change them
    (``PATCH`` with the version). ``…/year/?year=2026``: that financial year's budget, actual and
    forecast, staff and non-staff, against the non-staff limit."""

    queryset = CostCentre.objects.none()
    serializer_class = CostCentreSerializer
    selector = staticmethod(cost_centres.cost_centre_list)
    filterset_class = CostCentreFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = self._body(CostCentreWriteSerializer)
        centre = cost_centres.cost_centre_create(actor=self.actor, fields=fields)
        return self._represent(centre, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        version = expected_version(request)
        body = CostCentreWriteSerializer(
            instance, data=request.data, partial=True, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        centre = cost_centres.cost_centre_update(
            actor=self.actor, cost_centre=instance, fields=dict(body.validated_data), expected_version=version
        )
        return self._represent(centre)

    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def year(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A financial year's budget, actual and forecast, staff and non-staff, and the limit."""
        centre = self.get_object()
        raw = request.query_params.get("year", "").strip()
        if raw and not (raw.isdigit() and 2000 <= int(raw) <= 2200):
            raise exceptions.ValidationError({"year": [BAD_YEAR.format(value=raw)]})
        year = (
            FinancialYear(int(raw), selectors.finance_settings().first_month)
            if raw
            else selectors.current_year()
        )
        figures = cost_centres.cost_centre_year(cost_centre=centre, year=year)
        data = CostCentreYearSerializer(
            {
                "cost_centre": centre,
                "year": year,
                "split": figures.split,
                "budget": figures.budget or {"version": None},
                "total": figures.total,
                "staff": figures.staff,
                "non_staff": figures.non_staff,
                "non_staff_limit": figures.limit,
                "limit_headroom": figures.limit_headroom,
                "over_limit": figures.over_limit,
                "categories": figures.categories,
                "months": figures.months,
            }
        ).data
        return Response(data)


@extend_schema_view(
    create=_written(CostCentreBudgetSerializer, CostCentreBudgetSetSerializer),
    update=extend_schema(
        request=CostCentreBudgetUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: CostCentreBudgetSerializer, **UPDATE_ERRORS},
    ),
)
@extend_schema(tags=["finance"])
class CostCentreBudgetViewSet(HistoryMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, FinanceViewSet):
    """Cost centres' budgets, one per financial year, with their monthly lines (``?cost_centre=PMO``,
    ``?year=2026``). Finance partners and the PMO set a year's budget (``POST`` with every line;
    the limit and note too) and set it again (``PUT`` with the version and every line): each
    setting is a version in its history. A closed month's budget does not change."""

    queryset = CostCentreBudget.objects.none()
    serializer_class = CostCentreBudgetSerializer
    filterset_class = CostCentreBudgetFilter
    search_fields = ["cost_centre__code", "note"]
    ordering_fields = ["year"]
    ordering_aliases: ClassVar[dict[str, str]] = {}
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self) -> QuerySet[CostCentreBudget]:
        lines = CostCentreBudgetLine.objects.select_related("category", "funding_source")
        return cost_centres.cost_centre_budget_list(user=self.request.user).prefetch_related(
            Prefetch("lines", queryset=lines)
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self._body(CostCentreBudgetSetSerializer)
        centre: CostCentre = body["cost_centre"]
        if CostCentreBudget.objects.filter(cost_centre=centre, year=body["year"]).exists():
            message = CostCentreBudget._meta.constraints[0].violation_error_message
            raise exceptions.ValidationError({"year": [message]})
        lines = month_amounts(body["lines"])
        with lines_named():
            budget = cost_centres.cost_centre_budget_set(
                actor=self.actor,
                cost_centre=centre,
                year=body["year"],
                lines=lines,
                fields={"non_staff_limit": body.get("non_staff_limit"), "note": body["note"]},
                expected_version=0,  # the year's first: refused if another was set meanwhile
            )
        return self._represent(budget, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        budget = self.get_object()
        body = self._body(CostCentreBudgetUpdateSerializer)
        lines = month_amounts(body["lines"])
        fields = {name: body[name] for name in ("non_staff_limit", "note") if name in body}
        with lines_named():
            saved = cost_centres.cost_centre_budget_set(
                actor=self.actor,
                cost_centre=budget.cost_centre,
                year=budget.year,
                lines=lines,
                fields=fields,
                expected_version=expected_version(request),
            )
        return self._represent(saved)
