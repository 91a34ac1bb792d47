"""Finance over REST (``/api/v1/``): ``cost-codes``, ``budgets`` (versions with their sums by
year and category; one with its monthly lines), ``actuals`` (ledger lines), ``forecasts``
(versions per reporting period with their lines), ``closed-months``, ``financial-years`` and
``evm`` (earned value and earned schedule). Each list reads through ``pmo.finance.selectors``,
so it holds what the user may see (a project's money: whoever sees the project, and finance
partners), with a number of queries that does not grow with the rows.

Writes go through ``pmo.finance.services``, as the pages' do: cost codes added and changed,
budgets drafted (with their lines), given new lines and approved, a load of ledger actuals
(all or nothing), a project's forecast for the current reporting period, months closed and
opened again. A service's problems with the lines come back by position and field
(``{"lines": {"2": {"amount": [...]}}}``, positions counted from 0, as the messages count
rows); a stale version is a 409; what a role may not do, a 403."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, ClassVar, cast

import django_filters
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, filters, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.change.models import ChangeRequest
from pmo.core import clock
from pmo.core.api import (
    ERROR_SCHEMA,
    NON_FIELD,
    AliasOrderingFilter,
    HistoryMixin,
    IdentityField,
    expected_version,
    model_text,
)
from pmo.core.filters import FilterBackend, FilterSet
from pmo.core.models import DomainModel, User
from pmo.engine.earned_value import EacMethod
from pmo.engine.finance import FinancialYear, financial_year
from pmo.finance import evm, selectors, services
from pmo.finance.choices import BudgetStatus, SpendType
from pmo.finance.models import (
    ActualImport,
    ActualLine,
    BudgetLine,
    BudgetVersion,
    CostCategory,
    CostCentre,
    CostCode,
    ForecastLine,
    ForecastVersion,
    FundingSource,
    MonthLock,
)
from pmo.portfolio.api import IF_MATCH, UPDATE_ERRORS, WRITE_ERRORS, ProjectCodeField, VersionedSerializer
from pmo.portfolio.api_records import (
    ACTION_ERRORS,
    ProjectRecordFilter,
    RecordPermission,
    VersionBodySerializer,
    name_of,
    user_name,
)
from pmo.portfolio.models import Project
from pmo.reporting.models import Baseline, ProjectException, ReportingPeriod

LAST_YEAR = 9998  # the last year whose financial year ends in a year ``date`` holds
YEAR_HELP = "The financial year by the calendar year it starts in: 2026 is 2026/27 from April."


def _code(relation: str, *, nullable: bool = False) -> serializers.CharField:
    return serializers.CharField(source=f"{relation}.code", read_only=True, allow_null=nullable)


class CostCodeSerializer(serializers.ModelSerializer):
    """A ledger code and the project or cost centre its lines are charged to (one of the two is
    null), with the category, spend type and funding source they count under."""

    url = IdentityField(view_name="api:cost-code-detail")
    project = _code("project", nullable=True)
    project_name = name_of("project", nullable=True)
    cost_centre = _code("cost_centre", nullable=True)
    cost_centre_name = name_of("cost_centre", nullable=True)
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
            "cost_centre",
            "cost_centre_name",
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


class YearSumSerializer(serializers.Serializer):
    """A version's lines in one financial year, summed."""

    start_year = serializers.IntegerField(read_only=True, help_text=YEAR_HELP)
    name = serializers.CharField(read_only=True, help_text="2026/27, or 2026 for a calendar year.")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)


class CategorySumSerializer(serializers.Serializer):
    """A version's lines under one cost category, summed."""

    category = serializers.CharField(read_only=True)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)


class BudgetVersionListSerializer(BudgetVersionSerializer):
    """A budget version as a list gives it: its ``total`` and its sums by financial year and by
    category, without its monthly lines (``GET /api/v1/budgets/{id}/`` gives them)."""

    by_year = YearSumSerializer(many=True, read_only=True, help_text="The lines summed by financial year.")
    by_category = CategorySumSerializer(many=True, read_only=True, help_text="The lines summed by category.")

    class Meta(BudgetVersionSerializer.Meta):
        fields = [name if name != "lines" else "by_year" for name in BudgetVersionSerializer.Meta.fields]
        fields.insert(fields.index("by_year") + 1, "by_category")
        read_only_fields = fields


def with_sums(versions: Sequence[BudgetVersion]) -> Sequence[BudgetVersion]:
    """``versions`` given their sums by year and category (``selectors.version_sums``), as
    ``BudgetVersionListSerializer`` reads them."""
    sums = selectors.version_sums(versions)
    for version in versions:
        each = sums[version.pk]
        version.by_year = [  # type: ignore[attr-defined]
            {"start_year": year.start_year, "name": year.label, "amount": amount}
            for year, amount in each.by_year
        ]
        version.by_category = [  # type: ignore[attr-defined]
            {"category": name, "amount": amount} for name, amount in each.by_category
        ]
    return versions


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
    project or cost centre (the other is null) under the category, spend type and funding
    source of the code when it was loaded."""

    url = IdentityField(view_name="api:actual-detail")
    cost_code = _code("cost_code")
    project = _code("project", nullable=True)
    cost_centre = _code("cost_centre", nullable=True)
    category = name_of("category")
    funding_source = name_of("funding_source", nullable=True)

    class Meta:
        model = ActualLine
        fields = [
            "id",
            "url",
            "cost_code",
            "project",
            "cost_centre",
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


# Writes ------------------------------------------------------------------------------------

NO_SUCH_CATEGORY = "There is no cost category named {name!r} in use (see the cost categories)."
NO_SUCH_FUNDING = "There is no funding source named {name!r} in use."
LINE_MONTH_REQUIRED = "Give the line's month, or the load's month."
NO_PERIOD = "No reporting period holds today ({day:%-d %B %Y}): the PMO opens one before forecasts are made."
FORECAST_VERSION_REQUIRED = (
    "{project} already has a forecast for the period {period} (version {version}): send that version "
    "to make it again."
)
COLUMNS = {"cost code": "cost_code", "spend type": "spend_type"}
MAX_LINES = 100_000


@contextmanager
def lines_named(name: str = "lines") -> Iterator[None]:
    """A service's problems with the lines, as the API's errors by position and field:
    ``{"lines": {"2": {"amount": [...]}}}`` (a problem of no one line under
    ``non_field_errors``)."""
    try:
        yield
    except services.LineProblems as problems:
        errors: dict[str, Any] = {}
        for issue in problems.issues:
            if issue.row is None:
                errors.setdefault(NON_FIELD, []).append(issue.message)
                continue
            column = COLUMNS.get(issue.column or "", issue.column) or NON_FIELD
            errors.setdefault(str(issue.row), {}).setdefault(column, []).append(issue.message)
        raise exceptions.ValidationError({name: errors}) from None


class MonthLineInputSerializer(serializers.Serializer):
    """One line of a budget or forecast: a month's amount under a cost category (by name),
    capital or revenue, and a funding source (by name, or null)."""

    month = serializers.DateField(help_text="The month, as its first day (2026-11-01).")
    category = serializers.CharField(max_length=60, help_text="A cost category's name (Staff, Software…).")
    spend_type = serializers.ChoiceField(choices=SpendType.choices)
    funding_source = serializers.CharField(
        max_length=100, required=False, allow_null=True, default=None, help_text="A funding source's name."
    )
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Not negative.")


def month_amounts(lines: Sequence[dict[str, Any]]) -> list[services.MonthAmount]:
    """The lines as the services take them, categories and funding sources found by name (two
    queries); a name in use by none is refused at its position."""
    categories = {c.name: c for c in CostCategory.objects.filter(active=True)}
    sources = {f.name: f for f in FundingSource.objects.filter(active=True)}
    errors: dict[str, Any] = {}
    for index, line in enumerate(lines):
        if line["category"] not in categories:
            errors[str(index)] = {"category": [NO_SUCH_CATEGORY.format(name=line["category"])]}
        funding = line.get("funding_source")
        if funding not in (None, "") and funding not in sources:
            errors.setdefault(str(index), {})["funding_source"] = [NO_SUCH_FUNDING.format(name=funding)]
    if errors:
        raise exceptions.ValidationError({"lines": errors})
    return [
        services.MonthAmount(
            month=line["month"],
            category=categories[line["category"]],
            spend_type=line["spend_type"],
            amount=line["amount"],
            funding_source=sources.get(line.get("funding_source") or ""),
            row=index,
        )
        for index, line in enumerate(lines)
    ]


def _lines_field(**kwargs: Any) -> MonthLineInputSerializer:
    return MonthLineInputSerializer(many=True, max_length=MAX_LINES, **kwargs)  # type: ignore[call-arg]


class BudgetDraftSerializer(serializers.Serializer):
    """A project's next budget version, drafted with its lines (all of them: a month, category,
    spend type and funding source once each)."""

    project = ProjectCodeField()
    reason = model_text(BudgetVersion, "reason", help_text="Why this budget (the business case, a change).")
    lines = _lines_field(help_text="The budget by month; a draft may start with none.")
    baseline = serializers.PrimaryKeyRelatedField(
        queryset=Baseline.objects.all(), required=False, allow_null=True, help_text="The baseline it follows."
    )
    change_request = serializers.PrimaryKeyRelatedField(
        queryset=ChangeRequest.objects.all(),
        required=False,
        allow_null=True,
        help_text="The change request that moved the budget.",
    )
    exception = serializers.PrimaryKeyRelatedField(
        queryset=ProjectException.objects.all(),
        required=False,
        allow_null=True,
        help_text="The exception whose decision moved the budget.",
    )


class BudgetLinesSerializer(VersionBodySerializer):
    """A draft's new lines: all of them (the lines sent are the budget)."""

    lines = _lines_field()


class ForecastMakeSerializer(serializers.Serializer):
    """A project's forecast for the current reporting period, by month from the period's month
    on. Made again while the period is open (send the version you are replacing)."""

    project = ProjectCodeField()
    note = model_text(ForecastVersion, "note", required=False, allow_blank=True, default="")
    lines = _lines_field()
    version = serializers.IntegerField(
        required=False,
        help_text="The version of the period's forecast you are making again, if there is one.",
    )


class LedgerLineSerializer(serializers.Serializer):
    """One ledger line of a load."""

    cost_code = serializers.CharField(max_length=30)
    month = serializers.DateField(
        required=False, help_text="The line's month, as its first day (the load's month if not given)."
    )
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="A credit is negative.")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="The journal or invoice."
    )
    currency = serializers.CharField(
        max_length=3, required=False, allow_blank=True, default="", help_text="Blank, or the PMO's currency."
    )


class ActualLoadSerializer(serializers.Serializer):
    """A load of ledger lines, all or nothing, as ``pmo import actuals`` loads an extract: a month
    loaded again replaces that month's lines of the cost codes the load names."""

    reference = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="The extract's name."
    )
    month = serializers.DateField(required=False, help_text="The month of the lines that name none.")
    year = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=LAST_YEAR,
        help_text=f"{YEAR_HELP} The load's lines must all be in it (by default the year of the first line).",
    )
    lines = LedgerLineSerializer(many=True, max_length=MAX_LINES)  # type: ignore[call-arg]


class ActualImportSerializer(serializers.ModelSerializer):
    """A load of ledger lines: the months it covered, how many lines it wrote and replaced."""

    imported_by_name = user_name("imported_by")

    class Meta:
        model = ActualImport
        fields = [
            "id",
            "reference",
            "first_month",
            "last_month",
            "lines",
            "replaced",
            "total",
            "imported_by",
            "imported_by_name",
            "imported_at",
        ]
        read_only_fields = fields


class CostCentreCodeField(serializers.SlugRelatedField):
    """A cost centre named by its code, among those the signed-in user may see."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "The cost centre's code, e.g. PMO.")
        if not kwargs.get("read_only"):
            kwargs["queryset"] = CostCentre.objects.all()
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self) -> QuerySet[CostCentre]:
        request = self.context.get("request")
        return CostCentre.objects.restrict(getattr(request, "user", None), "view")


class CostCodeWriteSerializer(VersionedSerializer):
    """A cost code as written: the project or the cost centre it charges by code (one of the
    two), the category and funding source by name."""

    project = ProjectCodeField(required=False, allow_null=True)
    cost_centre = CostCentreCodeField(required=False, allow_null=True)
    category = serializers.SlugRelatedField(
        slug_field="name", queryset=CostCategory.objects.filter(active=True)
    )
    funding_source = serializers.SlugRelatedField(
        slug_field="name", queryset=FundingSource.objects.filter(active=True), required=False, allow_null=True
    )

    class Meta:
        model = CostCode
        fields = [
            "code",
            "description",
            "project",
            "cost_centre",
            "category",
            "spend_type",
            "funding_source",
            "active",
            "version",
        ]


class MonthLockSerializer(serializers.ModelSerializer):
    """A month finance has closed: its actuals are final, and no budget, actual or forecast of it
    changes while it stays closed."""

    url = IdentityField(view_name="api:closed-month-detail")
    locked_by_name = user_name("locked_by")

    class Meta:
        model = MonthLock
        fields = ["id", "url", "month", "locked_by", "locked_by_name", "locked_at", "version", "created_at"]
        read_only_fields = fields


class MonthLockCreateSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="The month to close, as its first day: one under way or past.")


class MonthReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=80, help_text="Why the month is opened again (kept in its history)."
    )


class EacSerializer(serializers.Serializer):
    """One estimate at completion with what follows from it (null where ``undefined`` says why,
    under ``eac_<method>``)."""

    method = serializers.ChoiceField(
        choices=[(m.value, m.value) for m in EacMethod],
        help_text="budget_rate: AC + (BAC - EV); cpi: BAC / CPI; cpi_spi: AC + (BAC - EV) / (CPI × SPI); "
        "bottom_up: AC + the latest forecast of the months left.",
    )
    eac = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    etc = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    vac = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    tcpi = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)


def _money(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True, help_text=help_text)


def _ratio(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True, help_text=help_text)


class EvmSerializer(serializers.Serializer):
    """A project's earned value and earned schedule at its status date (the end of the last
    month whose actuals count, on the ``as_of`` day). Money to the penny, indices and times (in
    months of the budget's phasing, from its first month) to four places; a figure that cannot
    be given is null, and ``undefined`` says why, by the figure's name."""

    project = serializers.CharField(source="project.code")
    project_name = serializers.CharField(source="project.name")
    as_of = serializers.DateField()
    status_date = serializers.DateField(allow_null=True, help_text="Where the figures are measured.")
    ev_method = serializers.CharField(
        allow_null=True,
        help_text=(
            "What EV is earned by: 'plan percent complete' (when the project has a plan), else "
            "'milestones achieved' (its baseline's key milestones the latest handed-in report marks "
            "achieved, each weighing the budget phased up to its baseline date); null: neither."
        ),
    )
    ev_basis = serializers.CharField(help_text="How EV was earned, in words.")
    milestones_achieved = serializers.IntegerField(
        allow_null=True, help_text="By milestones: how many of the key milestones are achieved."
    )
    milestones = serializers.IntegerField(allow_null=True, help_text="By milestones: how many there are.")
    milestones_overdue = serializers.IntegerField(
        allow_null=True, help_text="By milestones: how many were due by the status date and are not achieved."
    )
    percent_complete = _ratio("The plan's percent complete (its tasks' weighted by duration).")
    plan_status_date = serializers.DateField(allow_null=True, help_text="The plan's own status date.")
    bac = _money("Budget at completion: the approved budget's total.")
    pv = _money("Planned value at the status date.")
    ev = _money("Earned value: percent complete × BAC, or the weights of the milestones achieved.")
    ac = _money("Actual cost to date.")
    sv = _money("Schedule variance, EV - PV.")
    cv = _money("Cost variance, EV - AC.")
    spi = _ratio("Schedule performance index, EV / PV.")
    cpi = _ratio("Cost performance index, EV / AC.")
    tcpi_bac = _ratio("To-complete performance index to the BAC, (BAC - EV) / (BAC - AC).")
    forecasts = EacSerializer(
        many=True, help_text="The four estimates at completion, each with ETC, VAC, TCPI."
    )
    planned_duration = serializers.IntegerField(allow_null=True, help_text="PD, in months.")
    actual_time = _ratio("AT, in months from the start of the budget's phasing.")
    es = _ratio("Earned schedule, in months.")
    sv_t = _ratio("SV(t) = ES - AT, in months.")
    spi_t = _ratio("SPI(t) = ES / AT.")
    ieac_t = _ratio("IEAC(t) = PD / SPI(t): the forecast duration, in months.")
    forecast_finish = serializers.DateField(allow_null=True, help_text="Where IEAC(t) falls.")
    undefined = serializers.DictField(
        child=serializers.CharField(),
        help_text="Why a figure is null, by its name (eac_<method> for the EACs).",
    )


def _in_year(queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
    """The lines of the financial year starting in calendar year ``value`` (none for a year that
    is not a whole number)."""
    if value != int(value):
        return queryset.none()
    year = FinancialYear(int(value), selectors.finance_settings().first_month)
    return queryset.filter(month__gte=year.start, month__lte=year.last_month)


class CostCodeFilter(ProjectRecordFilter):
    cost_centre = django_filters.CharFilter(field_name="cost_centre__code", label="Cost centre code")
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
    cost_centre = django_filters.CharFilter(field_name="cost_centre__code", label="Cost centre code")
    cost_code = django_filters.CharFilter(field_name="cost_code__code", label="Cost code")
    month = django_filters.DateFilter(help_text="The month, as its first day.")
    year = django_filters.NumberFilter(
        method=_in_year, label="Financial year", help_text=YEAR_HELP, min_value=1, max_value=LAST_YEAR
    )
    spend_type = django_filters.MultipleChoiceFilter(choices=SpendType.choices)

    class Meta:
        model = ActualLine
        fields: ClassVar[list[str]] = []


class MonthLockFilter(FilterSet):
    year = django_filters.NumberFilter(
        method=_in_year, label="Financial year", help_text=YEAR_HELP, min_value=1, max_value=LAST_YEAR
    )

    class Meta:
        model = MonthLock
        fields: ClassVar[list[str]] = []


def _as_given(queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
    return queryset  # read by the view: the day the figures are measured on


class EvmFilter(FilterSet):
    project = django_filters.CharFilter(field_name="code", label="Project code")
    as_of = django_filters.DateFilter(
        method=_as_given, label="As of", help_text="The day the figures are taken on (today if not given)."
    )

    class Meta:
        model = Project
        fields: ClassVar[list[str]] = []


# Views -------------------------------------------------------------------------------------


class FinanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reads through a selector, ``view_*`` permissions from the restrictions; writes through the
    services, which judge who may (a per-project record's create is judged within its project)."""

    permission_classes = [permissions.IsAuthenticated, RecordPermission]
    filter_backends = [FilterBackend, filters.SearchFilter, AliasOrderingFilter]
    ordering_aliases: ClassVar[dict[str, str]] = {"project": "project__code"}
    action_verbs: ClassVar[dict[str, str]] = {}

    def get_queryset(self) -> QuerySet[Any]:
        return type(self).selector(user=self.request.user)  # type: ignore[attr-defined]

    @property
    def actor(self) -> User:
        return cast(User, self.request.user)

    def _body(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        body = serializer_class(data=self.request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def _patched(self, serializer_class: type[serializers.Serializer]) -> tuple[Any, dict[str, Any], int]:
        """What a ``PATCH`` asks: the record, the fields it sends (judged by ``serializer_class``
        against the record, only those sent) and the version it changes (If-Match or the body)."""
        instance = self.get_object()
        version = expected_version(self.request)
        body = serializer_class(
            instance, data=self.request.data, partial=True, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        return instance, dict(body.validated_data), version

    def _represent(self, instance: DomainModel, *, status_code: int = status.HTTP_200_OK) -> Response:
        shaped = self.get_queryset().filter(pk=instance.pk).first() or instance
        response = Response(self.get_serializer(shaped).data, status=status_code)
        response["ETag"] = f'"{shaped.version}"'
        return response


def _lines(model: type[BudgetLine] | type[ForecastLine]) -> Prefetch:
    return Prefetch("lines", queryset=model.objects.select_related("category", "funding_source"))


def _written(represented: type[serializers.Serializer], body: type[serializers.Serializer]) -> Any:
    return extend_schema(request=body, responses={201: represented, **WRITE_ERRORS})


@extend_schema_view(
    create=_written(CostCodeSerializer, CostCodeWriteSerializer),
    partial_update=extend_schema(
        request=CostCodeWriteSerializer,
        parameters=[IF_MATCH],
        responses={200: CostCodeSerializer, **UPDATE_ERRORS},
    ),
)
@extend_schema(tags=["finance"])
class CostCodeViewSet(HistoryMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, FinanceViewSet):
    """Cost codes: each ledger code mapped to a project or a cost centre (``?project=CODE``,
    ``?cost_centre=CODE`` for one's).
    Finance partners and the PMO add them (``POST``) and change them (``PATCH`` with the version);
    lines already loaded keep the mapping they were loaded under."""

    queryset = CostCode.objects.none()
    serializer_class = CostCodeSerializer
    selector = staticmethod(selectors.cost_code_list)
    filterset_class = CostCodeFilter

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().select_related("cost_centre")

    search_fields = ["code", "description", "project__code", "project__name", "cost_centre__code"]
    ordering_fields = ["code", "project"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = self._body(CostCodeWriteSerializer)
        code = services.cost_code_create(actor=self.actor, fields=fields)
        return self._represent(code, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance, fields, version = self._patched(CostCodeWriteSerializer)
        code = services.cost_code_update(
            actor=self.actor, cost_code=instance, fields=fields, expected_version=version
        )
        return self._represent(code)


@extend_schema_view(
    list=extend_schema(responses={200: BudgetVersionListSerializer(many=True)}),
    create=_written(BudgetVersionSerializer, BudgetDraftSerializer),
    lines=extend_schema(
        request=BudgetLinesSerializer,
        parameters=[IF_MATCH],
        responses={200: BudgetVersionSerializer, **ACTION_ERRORS},
    ),
    approve=extend_schema(
        request=VersionBodySerializer,
        parameters=[IF_MATCH],
        responses={200: BudgetVersionSerializer, **ACTION_ERRORS},
    ),
)
@extend_schema(tags=["finance"])
class BudgetViewSet(HistoryMixin, mixins.CreateModelMixin, FinanceViewSet):
    """Budget versions, newest first per project: in a list with their ``total`` and their sums
    ``by_year`` (financial year) and ``by_category``; one (``GET …/{id}/``) with its monthly
    lines as well. Finance partners and
    the PMO draft a project's next version with its lines (``POST``; one draft per project), give
    a draft new lines (``PUT …/lines/``, all of them, with the version) and approve it
    (``POST …/approve/``): the latest approved version is the budget. A closed month's budget
    stays what the approved budget says of it."""

    queryset = BudgetVersion.objects.none()
    serializer_class = BudgetVersionSerializer
    filterset_class = BudgetFilter
    search_fields = ["project__code", "project__name", "reason"]
    ordering_fields = ["project", "number", "approved_at"]
    http_method_names = ["get", "post", "put", "head", "options"]
    action_verbs: ClassVar[dict[str, str]] = {"approve": "approve"}

    def get_queryset(self) -> QuerySet[BudgetVersion]:
        found = selectors.budget_version_list(user=self.request.user)
        # a list gives each version's sums, not its monthly lines (a page of 50 budgets of five
        # years is 6,000 lines: ``with_sums`` reads a row per version, month and category)
        return found if self.action == "list" else found.prefetch_related(_lines(BudgetLine))

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return BudgetVersionListSerializer if self.action == "list" else BudgetVersionSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        versions = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(versions)
        shown = with_sums(page if page is not None else list(versions))
        data = self.get_serializer(shown, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self._body(BudgetDraftSerializer)
        lines = month_amounts(body["lines"])
        with lines_named():
            version = services.budget_draft(
                actor=self.actor,
                project=body["project"],
                reason=body["reason"],
                lines=lines,
                baseline=body.get("baseline"),
                change_request=body.get("change_request"),
                exception=body.get("exception"),
            )
        return self._represent(version, status_code=status.HTTP_201_CREATED)

    @action(detail=True, methods=["put"], filter_backends=[])
    def lines(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Give a draft new lines: all of them (the lines sent are the budget)."""
        version = self.get_object()
        body = self._body(BudgetLinesSerializer)
        lines = month_amounts(body["lines"])
        with lines_named():
            replaced = services.budget_lines_replace(
                actor=self.actor, version=version, lines=lines, expected_version=expected_version(request)
            )
        return self._represent(replaced)

    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Approve a draft: it becomes the project's budget (its total the BAC), never to change."""
        version = self.get_object()
        with lines_named():
            approved = services.budget_approve(
                actor=self.actor, version=version, expected_version=expected_version(request)
            )
        return self._represent(approved)


def current_period(day: date) -> ReportingPeriod:
    period = ReportingPeriod.objects.filter(start__lte=day, end__gte=day).order_by("-start").first()
    if period is None:
        raise exceptions.ValidationError({NON_FIELD: [NO_PERIOD.format(day=day)]})
    return period


@extend_schema_view(create=_written(ForecastVersionSerializer, ForecastMakeSerializer))
@extend_schema(tags=["finance"])
class ForecastViewSet(HistoryMixin, mixins.CreateModelMixin, FinanceViewSet):
    """Forecasts: one version per project and reporting period, with their monthly lines. A
    project's manager (or finance, or the PMO) makes its forecast for the current period
    (``POST``), by month from the period's month on and no closed month; made again while the
    period is open, it replaces the period's version (send its version)."""

    queryset = ForecastVersion.objects.none()
    serializer_class = ForecastVersionSerializer
    filterset_class = ForecastFilter
    search_fields = ["project__code", "project__name", "note"]
    ordering_fields = ["project", "made_at"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[ForecastVersion]:
        return selectors.forecast_version_list(user=self.request.user).prefetch_related(_lines(ForecastLine))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self._body(ForecastMakeSerializer)
        project: Project = body["project"]
        period = current_period(clock.today())
        existing = ForecastVersion.objects.filter(project=project, period=period).first()
        version = body.get("version")
        if existing is not None and version is None:
            message = FORECAST_VERSION_REQUIRED.format(
                project=project.code, period=period, version=existing.version
            )
            raise exceptions.ValidationError({"version": [message]})
        lines = month_amounts(body["lines"])
        with lines_named():
            made = services.forecast_make(
                actor=self.actor,
                project=project,
                period=period,
                lines=lines,
                note=body["note"],
                expected_version=version,
            )
        return self._represent(made, status_code=status.HTTP_200_OK if existing else status.HTTP_201_CREATED)


def _ledger_rows(body: dict[str, Any]) -> list[services.LedgerRow]:
    errors: dict[str, Any] = {}
    rows = []
    for index, line in enumerate(body["lines"]):
        month = line.get("month") or body.get("month")
        if month is None:
            errors[str(index)] = {"month": [LINE_MONTH_REQUIRED]}
            continue
        rows.append(
            services.LedgerRow(
                cost_code=line["cost_code"],
                month=month,
                amount=line["amount"],
                description=line["description"],
                reference=line["reference"],
                currency=line["currency"],
                row=index,
            )
        )
    if errors:
        raise exceptions.ValidationError({"lines": errors})
    return rows


@extend_schema_view(create=_written(ActualImportSerializer, ActualLoadSerializer))
@extend_schema(tags=["finance"])
class ActualViewSet(mixins.CreateModelMixin, FinanceViewSet):
    """Ledger lines (``?project=CODE``, ``?cost_centre=CODE``, ``?year=2026``, ``?month=2026-11-01``,
    ``?cost_code=``).
    A line has no history of its own: the load that wrote it is its record. Finance partners and
    the PMO ``POST`` a load (the same as ``pmo import actuals``): every line is checked first, and
    one problem refuses the whole load, each named by position and field."""

    queryset = ActualLine.objects.none()
    serializer_class = ActualLineSerializer
    selector = staticmethod(selectors.actual_line_list)
    filterset_class = ActualFilter

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().select_related("cost_centre")

    search_fields = [
        "cost_code__code",
        "project__code",
        "cost_centre__code",
        "description",
        "source_reference",
    ]
    ordering_fields = ["month", "amount", "project"]
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self._body(ActualLoadSerializer)
        rows = _ledger_rows(body)
        first_month = selectors.finance_settings().first_month
        year: FinancialYear | int
        if body.get("year") is not None:
            year = body["year"]
        elif rows:
            year = financial_year(rows[0].month, first_month)
        else:
            year = selectors.current_year()
        with lines_named():
            load = services.actuals_load(
                actor=self.actor, rows=rows, reference=body["reference"] or "API load", year=year
            )
        return Response(ActualImportSerializer(load).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    create=_written(MonthLockSerializer, MonthLockCreateSerializer),
    reopen=extend_schema(
        request=MonthReopenSerializer,
        responses={204: OpenApiResponse(description="The month is open again."), **ACTION_ERRORS},
    ),
)
@extend_schema(tags=["finance"])
class MonthLockViewSet(HistoryMixin, mixins.CreateModelMixin, FinanceViewSet):
    """The months finance has closed, latest first (``?year=2026``). Finance partners and the PMO
    head close a month under way or past (``POST``) and open one again, saying why
    (``POST …/reopen/``; the reason is kept in its history)."""

    queryset = MonthLock.objects.none()
    serializer_class = MonthLockSerializer
    filterset_class = MonthLockFilter
    search_fields: ClassVar[list[str]] = []
    ordering_fields = ["month"]
    http_method_names = ["get", "post", "head", "options"]
    action_verbs: ClassVar[dict[str, str]] = {"reopen": "delete"}

    def get_queryset(self) -> QuerySet[MonthLock]:
        return MonthLock.objects.restrict(self.request.user, "view").select_related("locked_by")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self._body(MonthLockCreateSerializer)
        lock = services.month_lock(actor=self.actor, month=body["month"])
        return self._represent(lock, status_code=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], filter_backends=[])
    def reopen(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Open a closed month again (a correction finance must make), saying why."""
        lock = self.get_object()
        body = self._body(MonthReopenSerializer)
        services.month_unlock(actor=self.actor, lock=lock, reason=body["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


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


@extend_schema(tags=["finance"], responses={200: EvmSerializer(many=True), 400: ERROR_SCHEMA})
class EvmViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Earned value and earned schedule of every project the user may see (``?project=CODE``
    for one), as of a day (``?as_of=2026-12-04``, today if not given): measured at the end of the
    last month whose actuals count, against the approved budget's monthly phasing, with EV the
    plan's percent complete of the budget at completion. A figure that cannot be given is null
    and ``undefined`` says why (no budget, no plan, nothing spent yet…)."""

    queryset = Project.objects.none()
    serializer_class = EvmSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [FilterBackend]
    filterset_class = EvmFilter

    def get_queryset(self) -> QuerySet[Project]:
        return Project.objects.restrict(self.request.user, "view").only("pk", "code", "name").order_by("code")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        projects = self.filter_queryset(self.get_queryset())
        raw = request.query_params.get("as_of")
        as_of = serializers.DateField().to_internal_value(raw) if raw else clock.today()
        page = self.paginate_queryset(projects)
        measured = evm.project_evms(page if page is not None else projects, as_of)
        data = EvmSerializer(measured, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)
