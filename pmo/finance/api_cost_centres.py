"""Cost centres over REST (``/api/v1/``, ADR 0053): ``cost-centres`` (the PMO's own budget and
any other running budget, each with its current year's budget, actuals and non-staff limit, and
``…/year/?year=2026`` for a year's budget, actual and forecast, staff and non-staff, against the
limit; ``…/forecasts/`` for the forecasts made of its years, each month's a version, and a
``POST`` there to make this month's) and ``cost-centre-budgets`` (a cost centre's budget for a
financial year with its monthly lines). Reads keep to what the user may see; writes go
through ``pmo.finance.cost_centres`` as the pages' do: problems with the lines by position and
field, a stale version a 409, what a role may not do a 403. Their cost codes are
``cost-codes`` with ``cost_centre`` set, their ledger lines ``actuals?cost_centre=CODE``."""

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
from pmo.finance.models import (
    CostCentre,
    CostCentreBudget,
    CostCentreBudgetLine,
    CostCentreForecast,
    CostCentreForecastLine,
)
from pmo.portfolio.api import IF_MATCH, UPDATE_ERRORS, VersionedSerializer
from pmo.portfolio.api_records import user_name

BAD_YEAR = "Give the financial year by the calendar year it starts in (2000 to 2200), not {value!r}."
CENTRE_FORECAST_VERSION_REQUIRED = (
    "{centre} already has a forecast of {year} made for {month:%B %Y} (version {version}): send "
    "that version to make it again."
)


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
    forecast_remaining = _money(
        "The forecast of the year's months from the split on: the latest forecast made's, else the budget's."
    )
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
    forecast = serializers.DateField(
        allow_null=True,
        help_text="The month the latest forecast made of the year starts in (null: none made; the "
        "budget stands as the forecast).",
    )
    forecast_version = serializers.IntegerField(allow_null=True, help_text="That forecast's version.")
    forecast_source = serializers.CharField(help_text="Where the months from the split on come from.")
    non_staff_at_budget = _money(
        "Where the non-staff spend would land were the rest of the year spent at budget.", nullable=True
    )
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


class CostCentreForecastSerializer(serializers.ModelSerializer):
    """A forecast of the rest of a cost centre's financial year, made in one month (``month``,
    its first; the months before it actual) and phased by month and category from it on, with
    its total and non-staff total. Each month's is a version; made again in the same month, it
    is replaced (its history keeps each)."""

    cost_centre = serializers.CharField(source="cost_centre.code", read_only=True)
    made_by_name = user_name("made_by")
    total = _money("The forecast's lines summed.")
    non_staff_total = _money("Its lines outside staff costs summed.")
    lines = MonthLineSerializer(many=True, read_only=True)

    class Meta:
        model = CostCentreForecast
        fields = [
            "id",
            "cost_centre",
            "year",
            "month",
            "note",
            "made_by",
            "made_by_name",
            "made_at",
            "total",
            "non_staff_total",
            "lines",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CostCentreForecastMakeSerializer(serializers.Serializer):
    """This month's forecast of the rest of a financial year: every line from this month (the
    first month not closed or passed) to the year's end; a month without one is forecast at
    nothing."""

    year = serializers.IntegerField(min_value=2000, max_value=2200, required=False, help_text=YEAR_HELP)
    note = model_text(CostCentreForecast, "note", required=False, allow_blank=True, default="")
    lines = _lines_field(help_text="The forecast by month from this month to the year's end: every line.")
    version = serializers.IntegerField(
        required=False, help_text="The version of this month's forecast you are making again, if made."
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
FORECASTS_YEAR = OpenApiParameter("year", int, description=YEAR_HELP + " Every year's if not given.")


def _year_asked(raw: Any, *, field: str = "year") -> FinancialYear | None:
    """The financial year asked for (None when not given); a 400 naming it when it is not one."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    if not (text.isdigit() and 2000 <= int(text) <= 2200):
        raise exceptions.ValidationError({field: [BAD_YEAR.format(value=text)]})
    return FinancialYear(int(text), selectors.finance_settings().first_month)


@extend_schema_view(
    create=_written(CostCentreSerializer, CostCentreWriteSerializer),
    partial_update=extend_schema(
        request=CostCentreWriteSerializer,
        parameters=[IF_MATCH],
        responses={200: CostCentreSerializer, **UPDATE_ERRORS},
    ),
    year=extend_schema(parameters=[YEAR_PARAMETER], responses={200: CostCentreYearSerializer}, filters=False),
    forecasts=extend_schema(
        methods=["GET"],
        parameters=[FORECASTS_YEAR],
        responses={200: CostCentreForecastSerializer(many=True)},
        filters=False,
    ),
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
        instance, fields, version = self._patched(CostCentreWriteSerializer)
        centre = cost_centres.cost_centre_update(
            actor=self.actor, cost_centre=instance, fields=fields, expected_version=version
        )
        return self._represent(centre)

    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def year(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A financial year's budget, actual and forecast, staff and non-staff, and the limit."""
        centre = self.get_object()
        year = _year_asked(request.query_params.get("year")) or selectors.current_year()
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
                "forecast": figures.forecast.month if figures.forecast else None,
                "forecast_version": figures.forecast.version if figures.forecast else None,
                "forecast_source": figures.forecast_source,
                "non_staff_at_budget": (
                    figures.non_staff_at_budget.eac if figures.non_staff_at_budget else None
                ),
                "categories": figures.categories,
                "months": figures.months,
            }
        ).data
        return Response(data)

    @extend_schema(
        methods=["POST"],
        request=CostCentreForecastMakeSerializer,
        responses={200: CostCentreForecastSerializer, 201: CostCentreForecastSerializer, **UPDATE_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def forecasts(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """``GET``: the forecasts made of the cost centre's years (``?year=2026``), latest first,
        with their lines. ``POST``: make this month's forecast of the rest of a year (the current
        year if not given; finance, the PMO and its budget holder): every line from this month to
        the year's end. Made again in the same month it replaces that version (send its version
        or If-Match); 201 when new, 200 when replaced."""
        centre = self.get_object()
        lines_of = Prefetch(
            "lines", queryset=CostCentreForecastLine.objects.select_related("category", "funding_source")
        )
        if request.method == "GET":
            year = _year_asked(request.query_params.get("year"))
            found = cost_centres.cost_centre_forecast_list(
                user=request.user, cost_centre=centre, year=year
            ).prefetch_related(lines_of)
            return Response(CostCentreForecastSerializer(found, many=True).data)
        body = self._body(CostCentreForecastMakeSerializer)
        year = _year_asked(body.get("year")) or selectors.current_year()
        first = cost_centres.forecast_first_month(year)
        existing = (
            CostCentreForecast.objects.filter(cost_centre=centre, month=first).first() if first else None
        )
        version = body.get("version")
        if version is None and "HTTP_IF_MATCH" in request.META:
            version = expected_version(request)
        if existing is not None and version is None:
            message = CENTRE_FORECAST_VERSION_REQUIRED.format(
                centre=centre.code, year=year, month=existing.month, version=existing.version
            )
            raise exceptions.ValidationError({"version": [message]})
        lines = month_amounts(body["lines"])
        with lines_named():
            made = cost_centres.cost_centre_forecast_make(
                actor=self.actor,
                cost_centre=centre,
                year=year,
                lines=lines,
                note=body["note"],
                expected_version=version if existing is not None else 0,
            )
        shown = (
            cost_centres.cost_centre_forecast_list(user=request.user, cost_centre=centre)
            .prefetch_related(lines_of)
            .get(pk=made.pk)
        )
        response = Response(
            CostCentreForecastSerializer(shown).data,
            status=status.HTTP_200_OK if existing else status.HTTP_201_CREATED,
        )
        response["ETag"] = f'"{made.version}"'
        return response


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
