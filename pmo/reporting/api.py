"""The reporting cycle over REST (``/api/v1/``): periods, highlight reports, baselines,
tolerances and their verdicts, exceptions (whose corrective actions are in the RAID ``actions``
API), and the signed-in user's own notifications.

As for the register: reads go through the selectors (a record of a project you may not see is
not found), writes through ``pmo.reporting.services`` (so the workflow rules, history and
version check are the web pages'), and permissions are the ``rules`` of
``pmo.reporting.rules``, checked before any work is done."""

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, cast

import django_filters
from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, filters, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.core.api import (
    ERROR_SCHEMA,
    AliasOrderingFilter,
    HistoryMixin,
    RulesPermission,
    expected_version,
    model_text,
    optional_expected_version,
)
from pmo.core.filters import FilterBackend, FilterSet
from pmo.core.models import DomainModel, Notification, User
from pmo.core.permissions import ensure_can, permission_name
from pmo.core.services import notification_mark_read
from pmo.core.workflow import ActionsField
from pmo.portfolio.api import IF_MATCH, UPDATE_ERRORS, WRITE_ERRORS, ProjectCodeField, VersionedSerializer
from pmo.portfolio.models import Project
from pmo.reporting import selectors, services
from pmo.reporting.choices import (
    TOLERANCE_UNITS,
    BaselineSource,
    ExceptionDecision,
    ExceptionStatus,
    ReportStatus,
    ToleranceDimension,
    ToleranceDirection,
    ToleranceState,
)
from pmo.reporting.models import (
    NEGATIVE_AMOUNT,
    Baseline,
    BaselineMilestone,
    HighlightReport,
    ProjectException,
    ReportingPeriod,
    ReportMilestone,
    Tolerance,
    ToleranceCheck,
    ToleranceDefault,
)
from pmo.reporting.workflows import EXCEPTION, HIGHLIGHT_REPORT, PERIOD

TOLERANCE_DEFAULT_EXISTS = (
    "There is already a default {dimension} tolerance for {scope}: change that one "
    "(PATCH /api/v1/tolerance-defaults/{pk}/ with its version)."
)
PROJECT_CODE_REQUIRED = "Give the project's code: ?project=IT-145."
TOLERANCE_EXISTS = (
    "{project} already has its own {dimension} tolerance: change that one "
    "(PATCH /api/v1/tolerances/{pk}/ with its version) instead of adding another."
)
COMMENTS_REQUIRED = services.COMMENTS_REQUIRED
DECISION_NOTES_REQUIRED = services.DECISION_NOTES_REQUIRED
CURRENT_HELP = "true: only the latest revision of each project's report for each period."
OPEN_HELP = "true: only exceptions not yet decided; false: only decided ones."

# The model's own words for a negative amount (DRF would otherwise word it itself).
NEGATIVE: dict[str, Any] = {"min_value": NEGATIVE_AMOUNT}
NOT_NEGATIVE = {"error_messages": NEGATIVE}

NOT_FOUND = {404: OpenApiResponse(ERROR_SCHEMA, description="No such record, or not one you may see.")}
ACTION_ERRORS = {
    400: OpenApiResponse(ERROR_SCHEMA, description="Not possible in the record's state, or invalid input."),
    403: OpenApiResponse(ERROR_SCHEMA, description="Not allowed by your role or your part in the record."),
    **{code: response for code, response in UPDATE_ERRORS.items() if code in (404, 409)},
}


def _name_of(relation: str, attribute: str = "name", *, nullable: bool = False) -> serializers.CharField:
    return serializers.CharField(source=f"{relation}.{attribute}", read_only=True, allow_null=nullable)


def _user_name(relation: str) -> serializers.CharField:
    """The name of a login (``str(user)``: full name, else username)."""
    return serializers.CharField(source=relation, read_only=True, allow_null=True)


# Permissions -------------------------------------------------------------------------------


def _is_per_project(model: type[Any]) -> bool:
    return any(field.name == "project" for field in model._meta.fields)


class ReportingPermission(RulesPermission):
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
    project_name = _name_of("project")


class ProjectRecordFilter(FilterSet):
    """Filters of records that belong to a project, starting with the project's code."""

    project = django_filters.CharFilter(field_name="project__code", label="Project code")


# Reporting periods -------------------------------------------------------------------------


class ReportingPeriodSerializer(VersionedSerializer):
    """One turn of the cycle. On create, give ``start``: the period of the configured cadence
    that holds it is opened (or give ``end`` too); ``due`` defaults from the settings."""

    url = serializers.HyperlinkedIdentityField(view_name="api:reporting-period-detail")
    name = serializers.CharField(source="__str__", read_only=True)
    actions = ActionsField(PERIOD)

    class Meta:
        model = ReportingPeriod
        fields = [
            "id",
            "url",
            "name",
            "start",
            "end",
            "due",
            "status",
            "actions",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status"]
        extra_kwargs = {
            "start": {"validators": []},  # the service says which period already exists
            "end": {"required": False},
            "due": {"required": False},
        }


class VersionBodySerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, help_text="The version you are changing (or send an If-Match header)."
    )


# Highlight reports -------------------------------------------------------------------------


class ReportMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportMilestone
        fields = ["name", "forecast", "achieved_on"]


class HighlightReportSerializer(ProjectRecordSerializer):
    """A highlight report with its milestone forecasts. Only a draft changes (``PATCH``);
    ``milestones``, when sent, replaces the whole list."""

    url = serializers.HyperlinkedIdentityField(view_name="api:highlight-report-detail")
    project = ProjectCodeField(read_only=True)
    period_name = serializers.CharField(source="period.__str__", read_only=True)
    submitted_by_name = _user_name("submitted_by")
    reviewed_by_name = _user_name("reviewed_by")
    milestones = ReportMilestoneSerializer(
        many=True, required=False, max_length=settings.PMO_MAX_MILESTONES
    )
    actions = ActionsField(HIGHLIGHT_REPORT)

    class Meta:
        model = HighlightReport
        validators: ClassVar[list[Any]] = []  # the services check uniqueness, saying what clashes
        fields = [
            "id",
            "url",
            "project",
            "project_name",
            "period",
            "period_name",
            "revision",
            "status",
            "actions",
            *services.REPORT_FIELDS,
            "high_risks_from_register",
            "milestones",
            "tolerance_status",
            "submitted_by",
            "submitted_by_name",
            "submitted_at",
            "reviewed_by",
            "reviewed_by_name",
            "reviewed_at",
            "review_comments",
            "published_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "period",
            "revision",
            "status",
            "tolerance_status",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_comments",
            "published_at",
        ]
        extra_kwargs = {"forecast_cost": NOT_NEGATIVE, "forecast_benefits": NOT_NEGATIVE}


class HighlightReportStartSerializer(serializers.Serializer):
    project = ProjectCodeField()
    period = serializers.PrimaryKeyRelatedField(
        queryset=ReportingPeriod.objects.all(), help_text="The reporting period's id."
    )


class ReturnBodySerializer(VersionBodySerializer):
    comments = model_text(
        HighlightReport,
        "review_comments",
        error_messages={"required": COMMENTS_REQUIRED, "blank": COMMENTS_REQUIRED},
        help_text="What the project manager must correct.",
    )


class AcceptBodySerializer(VersionBodySerializer):
    comments = model_text(HighlightReport, "review_comments", required=False, allow_blank=True, default="")


class HighlightReportFilter(ProjectRecordFilter):
    period = django_filters.NumberFilter(field_name="period_id", label="Reporting period id")
    status = django_filters.MultipleChoiceFilter(choices=ReportStatus.choices)
    tolerance_status = django_filters.MultipleChoiceFilter(choices=ToleranceState.choices)
    current = django_filters.BooleanFilter(method="latest_revisions", label=CURRENT_HELP)

    class Meta:
        model = HighlightReport
        fields: ClassVar[list[str]] = []

    def latest_revisions(
        self, queryset: QuerySet[HighlightReport], name: str, value: bool
    ) -> QuerySet[HighlightReport]:
        current = selectors.current_reports(user=self.request.user).values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)


# Baselines -------------------------------------------------------------------------------


class BaselineMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = BaselineMilestone
        fields = ["name", "due"]


class BaselineSerializer(ProjectRecordSerializer):
    """A version of a project's approved plan. ``POST`` approves the next version (the PMO,
    with a reason); a baseline is never changed or deleted."""

    url = serializers.HyperlinkedIdentityField(view_name="api:baseline-detail")
    approved_by_name = _user_name("approved_by")
    milestones = BaselineMilestoneSerializer(
        many=True, required=False, max_length=settings.PMO_MAX_MILESTONES
    )
    reason = model_text(
        Baseline,
        "reason",
        required=False,
        allow_blank=True,
        default="",
        help_text="Why this baseline was approved.",
    )

    class Meta:
        model = Baseline
        validators: ClassVar[list[Any]] = []  # the services check uniqueness, saying what clashes
        fields = [
            "id",
            "url",
            "project",
            "project_name",
            "number",
            "finish",
            "budget_at_completion",
            "scope_summary",
            "benefits_value",
            "milestones",
            "reason",
            "source",
            "approved_by",
            "approved_by_name",
            "approved_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["number", "source", "approved_by", "approved_at"]
        extra_kwargs = {"budget_at_completion": NOT_NEGATIVE, "benefits_value": NOT_NEGATIVE}


class BaselineFilter(ProjectRecordFilter):
    source = django_filters.MultipleChoiceFilter(choices=BaselineSource.choices)

    class Meta:
        model = Baseline
        fields: ClassVar[list[str]] = []


# Tolerances --------------------------------------------------------------------------------


SIGN_HELP = "How the allowance counts: + over only, - under only (benefits), ± both ways."
DIRECTION_KWARGS = {
    "required": False,
    "help_text": "one_way: only a deviation for the worse counts (later, dearer, more scope, fewer "
    "benefits); both: an early finish, an underspend or less scope beyond the allowance counts too. "
    "Left out: unchanged, or for a new tolerance the dimension's usual way (both for time, cost "
    "and scope; one way for quality, risk and benefits).",
}

class ToleranceSerializer(ProjectRecordSerializer):
    """A project's own tolerance for one dimension (``unit`` says what ``absolute`` counts),
    overriding the defaults. At least one of ``absolute`` and ``percent``."""

    url = serializers.HyperlinkedIdentityField(view_name="api:tolerance-detail")
    unit = serializers.SerializerMethodField()
    sign = serializers.CharField(read_only=True, help_text=SIGN_HELP)

    class Meta:
        model = Tolerance
        validators: ClassVar[list[Any]] = []  # the services check uniqueness, saying what clashes
        fields = [
            "id",
            "url",
            "project",
            "project_name",
            "dimension",
            "unit",
            "absolute",
            "percent",
            "direction",
            "sign",
            "version",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"absolute": NOT_NEGATIVE, "percent": NOT_NEGATIVE, "direction": DIRECTION_KWARGS}

    def get_unit(self, row: Tolerance | ToleranceDefault) -> str:
        return TOLERANCE_UNITS[ToleranceDimension(row.dimension)]


class ToleranceChangeSerializer(ToleranceSerializer):
    """On a change, the project and dimension stay as they are."""

    project = ProjectCodeField(read_only=True)

    class Meta(ToleranceSerializer.Meta):
        read_only_fields = ["dimension"]


class ToleranceFilter(ProjectRecordFilter):
    dimension = django_filters.MultipleChoiceFilter(choices=ToleranceDimension.choices)

    class Meta:
        model = Tolerance
        fields: ClassVar[list[str]] = []


class ToleranceDefaultSerializer(VersionedSerializer):
    """The tolerance a project gets for a dimension unless it has its own: its portfolio's,
    else its size tier's. A default applies to a size tier or to a portfolio (give one)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:tolerance-default-detail")
    portfolio_name = _name_of("portfolio", nullable=True)
    unit = serializers.SerializerMethodField()
    sign = serializers.CharField(read_only=True, help_text=SIGN_HELP)

    class Meta:
        model = ToleranceDefault
        fields = [
            "id",
            "url",
            "dimension",
            "unit",
            "size_tier",
            "portfolio",
            "portfolio_name",
            "absolute",
            "percent",
            "direction",
            "sign",
            "version",
            "created_at",
            "updated_at",
        ]
        validators: ClassVar[list[Any]] = []  # the viewset says which default already exists
        extra_kwargs = {"absolute": NOT_NEGATIVE, "percent": NOT_NEGATIVE, "direction": DIRECTION_KWARGS}

    def get_unit(self, row: ToleranceDefault) -> str:
        return TOLERANCE_UNITS[ToleranceDimension(row.dimension)]


class ToleranceDefaultChangeSerializer(ToleranceDefaultSerializer):
    """On a change, what the default applies to stays; only the allowances change."""

    class Meta(ToleranceDefaultSerializer.Meta):
        read_only_fields = ["dimension", "size_tier", "portfolio"]


class EffectiveToleranceSerializer(serializers.Serializer):
    """The tolerance that applies to a project for one dimension, and where it comes from."""

    dimension = serializers.ChoiceField(choices=ToleranceDimension.choices)
    unit = serializers.CharField()
    absolute = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    direction = serializers.ChoiceField(choices=ToleranceDirection.choices)
    sign = serializers.CharField(help_text=SIGN_HELP)
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=[
            ("project", "The project's own"),
            ("portfolio", "Its portfolio's default"),
            ("size_tier", "Its size tier's default"),
        ],
        help_text="project: the project's own (see tolerance); otherwise the default (see default).",
    )
    tolerance = serializers.IntegerField(allow_null=True, help_text="The project's own tolerance's id.")
    default = serializers.IntegerField(allow_null=True, help_text="The default tolerance's id.")


class ToleranceCheckSerializer(serializers.ModelSerializer):
    """The latest verdict on one dimension of a project, with the figures that prove it."""

    project = serializers.CharField(source="project.code", read_only=True)
    project_name = _name_of("project")

    class Meta:
        model = ToleranceCheck
        fields = [
            "id",
            "project",
            "project_name",
            "dimension",
            "status",
            "baseline_value",
            "forecast_value",
            "allowance",
            "used",
            "explanation",
            "assessed_at",
        ]


class ToleranceCheckFilter(ProjectRecordFilter):
    dimension = django_filters.MultipleChoiceFilter(choices=ToleranceDimension.choices)
    status = django_filters.MultipleChoiceFilter(choices=ToleranceState.choices)

    class Meta:
        model = ToleranceCheck
        fields: ClassVar[list[str]] = []


# Exceptions --------------------------------------------------------------------------------


class ProjectExceptionSerializer(VersionedSerializer):
    """A tolerance breach escalated beyond the project manager, with the PM's exception report
    and the decision. Raised by the system; changed only by its ``report`` and ``decide``
    actions."""

    url = serializers.HyperlinkedIdentityField(view_name="api:exception-detail")
    project = serializers.CharField(source="project.code", read_only=True)
    project_name = _name_of("project")
    is_open = serializers.BooleanField(read_only=True)
    report_submitted_by_name = _user_name("report_submitted_by")
    decided_by_name = _user_name("decided_by")
    actions = ActionsField(EXCEPTION)

    class Meta:
        model = ProjectException
        fields = [
            "id",
            "url",
            "project",
            "project_name",
            "status",
            "actions",
            "is_open",
            "dimensions",
            "breach_summary",
            "raised_at",
            "raised_from",
            "report_due",
            "cause",
            "consequences",
            "options",
            "recommendation",
            "report_submitted_by",
            "report_submitted_by_name",
            "report_submitted_at",
            "decision",
            "decision_notes",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "new_baseline",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ExceptionReportBodySerializer(VersionBodySerializer):
    cause = model_text(ProjectException, "cause", required=False, allow_blank=True, default="")
    consequences = model_text(ProjectException, "consequences", required=False, allow_blank=True, default="")
    options = model_text(
        ProjectException,
        "options",
        required=False,
        allow_blank=True,
        default="",
        help_text="Each option with its effect on the business case, risks and tolerances.",
    )
    recommendation = model_text(
        ProjectException, "recommendation", required=False, allow_blank=True, default=""
    )


class NewBaselineSerializer(serializers.Serializer):
    """The terms of the new baseline a ``new_baseline`` decision approves."""

    finish = serializers.DateField()
    budget_at_completion = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, error_messages=NEGATIVE
    )
    reason = model_text(Baseline, "reason", required=False, allow_blank=True, default="")
    scope_summary = model_text(Baseline, "scope_summary", required=False, allow_blank=True, default="")
    benefits_value = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, error_messages=NEGATIVE
    )
    milestones = BaselineMilestoneSerializer(
        many=True, required=False, max_length=settings.PMO_MAX_MILESTONES
    )


class DecideBodySerializer(VersionBodySerializer):
    decision = serializers.ChoiceField(choices=ExceptionDecision.choices)
    notes = model_text(
        ProjectException,
        "decision_notes",
        error_messages={"required": DECISION_NOTES_REQUIRED, "blank": DECISION_NOTES_REQUIRED},
        help_text="The reasons for the decision.",
    )
    baseline = NewBaselineSerializer(
        required=False, help_text="Required for a new_baseline decision: the new baseline's terms."
    )


class ExceptionFilter(ProjectRecordFilter):
    status = django_filters.MultipleChoiceFilter(choices=ExceptionStatus.choices)
    open = django_filters.BooleanFilter(method="still_open", label=OPEN_HELP)

    class Meta:
        model = ProjectException
        fields: ClassVar[list[str]] = []

    def still_open(
        self, queryset: QuerySet[ProjectException], name: str, value: bool
    ) -> QuerySet[ProjectException]:
        decided = {"status": ExceptionStatus.DECIDED}
        return queryset.exclude(**decided) if value else queryset.filter(**decided)


# Notifications -----------------------------------------------------------------------------


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


# Viewsets ----------------------------------------------------------------------------------


def _action_schema(
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


def _change_schemas(
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


class ReportingViewSet(HistoryMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Reads through a selector, ``rules`` for permissions, writes through the services.
    Subclasses set ``queryset`` (its model), ``serializer_class`` and ``selector``."""

    permission_classes = [permissions.IsAuthenticated, ReportingPermission]
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


@extend_schema_view(
    create=extend_schema(responses={201: ReportingPeriodSerializer, **WRITE_ERRORS}),
    close=_action_schema(ReportingPeriodSerializer),
    reopen=_action_schema(ReportingPeriodSerializer),
)
@extend_schema(tags=["reporting-periods"])
class ReportingPeriodViewSet(mixins.CreateModelMixin, ReportingViewSet):
    """Reporting periods: every active project owes one highlight report per period by its
    ``due`` date. The PMO opens them (the periodic run opens each one on time) and closes them;
    a closed period takes no more reports."""

    queryset = ReportingPeriod.objects.none()
    serializer_class = ReportingPeriodSerializer
    selector = staticmethod(selectors.period_list)
    filterset_fields = ["status"]
    ordering_fields = ["start", "due"]
    action_verbs: ClassVar[dict[str, str]] = {"close": "change", "reopen": "change"}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = self._body(ReportingPeriodSerializer)
        period = services.reporting_period_open(
            actor=self.actor, start=fields["start"], end=fields.get("end"), due=fields.get("due")
        )
        return self._represent(period, status_code=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Close the period: reports for it can no longer be started or changed."""
        period = services.reporting_period_close(
            actor=self.actor, period=self.get_object(), expected_version=expected_version(request)
        )
        return self._represent(period)

    @action(detail=True, methods=["post"], filter_backends=[])
    def reopen(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Open a closed period again, for late reports or corrections."""
        period = services.reporting_period_reopen(
            actor=self.actor, period=self.get_object(), expected_version=expected_version(request)
        )
        return self._represent(period)


@extend_schema_view(
    list=extend_schema(responses={200: HighlightReportSerializer(many=True), 400: ERROR_SCHEMA}),
    create=extend_schema(
        request=HighlightReportStartSerializer,
        responses={201: HighlightReportSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        parameters=[IF_MATCH], responses={200: HighlightReportSerializer, **UPDATE_ERRORS}
    ),
    submit=_action_schema(HighlightReportSerializer),
    return_=_action_schema(HighlightReportSerializer, ReturnBodySerializer),
    accept=_action_schema(HighlightReportSerializer, AcceptBodySerializer),
    publish=_action_schema(HighlightReportSerializer),
    revise=extend_schema(request=None, responses={201: HighlightReportSerializer, **ACTION_ERRORS}),
)
@extend_schema(tags=["highlight-reports"])
class HighlightReportViewSet(mixins.UpdateModelMixin, ReportingViewSet):
    """Highlight reports, every revision (``current=true`` for the latest only). ``POST`` starts
    the project's draft for a period, pre-filled from its last report; ``PATCH`` changes a draft;
    the actions move it through its workflow: ``submit`` (project manager), ``return`` with
    comments, ``accept`` and ``publish`` (PMO), and ``revise`` to correct a handed-in report in a
    new revision."""

    queryset = HighlightReport.objects.none()
    serializer_class = HighlightReportSerializer
    filterset_class = HighlightReportFilter
    search_fields = ["project__code", "project__name", "summary"]
    ordering_fields = ["period", "project", "revision", "status", "submitted_at"]
    ordering_aliases: ClassVar[dict[str, str]] = {"period": "period__start", "project": "project__code"}
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_verbs: ClassVar[dict[str, str]] = {
        "submit": "change",
        "revise": "change",
        "return_": "review",
        "accept": "review",
        "publish": "review",
    }

    def get_queryset(self) -> QuerySet[HighlightReport]:
        return selectors.report_list(user=self.request.user).prefetch_related("milestones")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = self._body(HighlightReportStartSerializer)
        report = services.highlight_report_start(
            actor=self.actor, project=fields["project"], period=fields["period"]
        )
        return self._represent(report, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        version, fields = self._changes(instance, partial=True)
        milestones = fields.pop("milestones", None)
        report = services.highlight_report_update(
            actor=self.actor,
            report=instance,
            fields=fields,
            expected_version=version,
            milestones=None
            if milestones is None
            else [services.MilestoneForecast(**milestone) for milestone in milestones],
        )
        return self._represent(report)

    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Hand the report in: it becomes a snapshot and its forecasts are judged against the
        tolerances (a breach raises an exception)."""
        report = services.highlight_report_submit(
            actor=self.actor, report=self.get_object(), expected_version=expected_version(request)
        )
        return self._represent(report)

    @action(detail=True, methods=["post"], url_path="return", url_name="return", filter_backends=[])
    def return_(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The PMO sends a submitted report back with comments (the PM corrects it in a
        revision)."""
        body = self._body(ReturnBodySerializer)
        report = services.highlight_report_return(
            actor=self.actor,
            report=self.get_object(),
            comments=body["comments"],
            expected_version=expected_version(request),
        )
        return self._represent(report)

    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The PMO's quality check passed."""
        body = self._body(AcceptBodySerializer)
        report = services.highlight_report_accept(
            actor=self.actor,
            report=self.get_object(),
            comments=body["comments"],
            expected_version=expected_version(request),
        )
        return self._represent(report)

    @action(detail=True, methods=["post"], filter_backends=[])
    def publish(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Publish an accepted report to its board and the dashboard's readers."""
        report = services.highlight_report_publish(
            actor=self.actor, report=self.get_object(), expected_version=expected_version(request)
        )
        return self._represent(report)

    @action(detail=True, methods=["post"], filter_backends=[])
    def revise(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Start a corrected revision of a handed-in or returned report: a new draft copied from
        it (the answer), which supersedes it once submitted."""
        revision = services.highlight_report_revise(actor=self.actor, report=self.get_object())
        return self._represent(revision, status_code=status.HTTP_201_CREATED)


@extend_schema_view(
    create=extend_schema(responses={201: BaselineSerializer, **WRITE_ERRORS}),
)
@extend_schema(tags=["baselines"])
class BaselineViewSet(mixins.CreateModelMixin, ReportingViewSet):
    """Baselines: numbered versions of each project's approved plan. ``POST`` approves the next
    version (the PMO, with a reason), and the tolerances are judged against it at once. A
    baseline is never changed or deleted: a new approval makes a new version."""

    queryset = Baseline.objects.none()
    serializer_class = BaselineSerializer
    filterset_class = BaselineFilter
    search_fields = ["project__code", "project__name", "reason", "scope_summary"]
    ordering_fields = ["project", "number", "finish", "approved_at"]
    ordering_aliases: ClassVar[dict[str, str]] = {"project": "project__code"}
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Baseline]:
        return selectors.baseline_list(user=self.request.user).prefetch_related("milestones")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = self._body(BaselineSerializer)
        project = fields.pop("project")
        milestones = [(m["name"], m["due"]) for m in fields.pop("milestones", [])]
        baseline = services.baseline_approve(
            actor=self.actor, project=project, milestones=milestones, **fields
        )
        return self._represent(baseline, status_code=status.HTTP_201_CREATED)


@extend_schema_view(
    **_change_schemas(ToleranceSerializer, ToleranceChangeSerializer, deletable=True),
)
@extend_schema(tags=["tolerances"])
class ToleranceViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReportingViewSet):
    """Projects' own tolerances (``?project=CODE`` for one project's), which override the
    defaults. Setting, changing or deleting one (the PMO) re-judges the project at once; after a
    delete the default applies again. ``tolerance-checks`` shows the verdicts."""

    queryset = Tolerance.objects.none()
    serializer_class = ToleranceSerializer
    change_serializer_class = ToleranceChangeSerializer
    selector = staticmethod(selectors.tolerance_list)
    filterset_class = ToleranceFilter
    search_fields = ["project__code", "project__name"]
    ordering_fields = ["project", "dimension"]
    ordering_aliases: ClassVar[dict[str, str]] = {"project": "project__code"}
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    @extend_schema(
        parameters=[
            OpenApiParameter("project", OpenApiTypes.STR, required=True, description="The project's code.")
        ],
        responses={200: EffectiveToleranceSerializer(many=True), 400: ERROR_SCHEMA, **NOT_FOUND},
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def effective(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The tolerance that applies to the project for each dimension (its own, else its
        portfolio's default, else its size tier's), by dimension."""
        code = request.query_params.get("project", "").strip()
        if not code:
            raise exceptions.ValidationError({"project": [PROJECT_CODE_REQUIRED]})
        project = Project.objects.restrict(request.user, "view").filter(code=code).first()
        if project is None:
            raise exceptions.NotFound()
        rows = []
        for dimension, row in sorted(selectors.effective_tolerances([project])[project.pk].items()):
            own = isinstance(row, Tolerance)
            source = "project" if own else ("portfolio" if row.portfolio_id else "size_tier")  # type: ignore[union-attr]
            rows.append(
                {
                    "dimension": dimension,
                    "unit": TOLERANCE_UNITS[ToleranceDimension(dimension)],
                    "absolute": row.absolute,
                    "percent": row.percent,
                    "direction": row.direction,
                    "sign": row.sign,
                    "source": source,
                    "tolerance": row.pk if own else None,
                    "default": None if own else row.pk,
                }
            )
        return Response(EffectiveToleranceSerializer(rows, many=True).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = self._body(ToleranceSerializer)
        project = fields["project"]
        existing = Tolerance.objects.filter(project=project, dimension=fields["dimension"]).first()
        if existing is not None:
            raise exceptions.ValidationError(
                {
                    "dimension": [
                        TOLERANCE_EXISTS.format(
                            project=project.code,
                            dimension=existing.get_dimension_display().lower(),
                            pk=existing.pk,
                        )
                    ]
                }
            )
        tolerance = services.tolerance_set(
            actor=self.actor,
            project=project,
            dimension=fields["dimension"],
            absolute=fields.get("absolute"),
            percent=fields.get("percent"),
            direction=fields.get("direction"),
        )
        return self._represent(tolerance, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        version, fields = self._changes(instance, partial=partial)
        # PUT replaces both allowances (one left out is none); PATCH keeps what is not sent.
        kept = instance if partial else Tolerance(absolute=None, percent=None)
        tolerance = services.tolerance_set(
            actor=self.actor,
            project=instance.project,
            dimension=ToleranceDimension(instance.dimension),
            absolute=fields.get("absolute", kept.absolute),
            percent=fields.get("percent", kept.percent),
            direction=fields.get("direction"),
            expected_version=version,
        )
        return self._represent(tolerance)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.tolerance_clear(
            actor=self.actor, tolerance=self.get_object(), expected_version=optional_expected_version(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def tolerance_check_list(*, user: Any) -> QuerySet[ToleranceCheck]:
    """The latest verdicts on the projects ``user`` may see."""
    return ToleranceCheck.objects.restrict(user, "view").select_related("project")


@extend_schema(tags=["tolerance-checks"])
class ToleranceCheckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The latest tolerance verdict per project and dimension (within, forecast to breach,
    breached) with the figures and a sentence that prove it. Recomputed by the system whenever a
    forecast, baseline or tolerance changes; derived data with no history of its own."""

    queryset = ToleranceCheck.objects.none()
    serializer_class = ToleranceCheckSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [FilterBackend, filters.SearchFilter, AliasOrderingFilter]
    filterset_class = ToleranceCheckFilter
    search_fields = ["project__code", "project__name", "explanation"]
    ordering_fields = ["project", "dimension", "status", "assessed_at"]
    ordering_aliases: ClassVar[dict[str, str]] = {"project": "project__code"}

    def get_queryset(self) -> QuerySet[ToleranceCheck]:
        return tolerance_check_list(user=self.request.user)


@extend_schema_view(
    **_change_schemas(ToleranceDefaultSerializer, ToleranceDefaultChangeSerializer, deletable=True),
)
@extend_schema(tags=["tolerance-defaults"])
class ToleranceDefaultViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReportingViewSet):
    """The default tolerances, by size tier and by portfolio (a portfolio's wins). Only the PMO
    head adds, changes or deletes them; the projects they apply to are re-judged at once."""

    queryset = ToleranceDefault.objects.none()
    serializer_class = ToleranceDefaultSerializer
    change_serializer_class = ToleranceDefaultChangeSerializer
    selector = staticmethod(selectors.tolerance_default_list)
    filterset_fields = ["dimension", "size_tier", "portfolio"]
    ordering_fields = ["dimension", "size_tier"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = self._body(ToleranceDefaultSerializer)
        portfolio, tier = fields.get("portfolio"), fields.get("size_tier", "")
        existing = (
            ToleranceDefault.objects.filter(
                dimension=fields["dimension"], portfolio=portfolio, size_tier="" if portfolio else tier
            ).first()
            if bool(portfolio) != bool(tier)
            else None
        )
        if existing is not None:
            raise exceptions.ValidationError(
                {
                    "dimension": [
                        TOLERANCE_DEFAULT_EXISTS.format(
                            dimension=existing.get_dimension_display().lower(),
                            scope=existing.portfolio
                            or f"{existing.get_size_tier_display().lower()} projects",
                            pk=existing.pk,
                        )
                    ]
                }
            )
        default = services.tolerance_default_create(
            actor=self.actor,
            dimension=ToleranceDimension(fields["dimension"]),
            absolute=fields.get("absolute"),
            percent=fields.get("percent"),
            size_tier=tier,
            portfolio=portfolio,
            direction=fields.get("direction"),
        )
        return self._represent(default, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        version, fields = self._changes(instance, partial=kwargs.pop("partial", False))
        default = services.tolerance_default_update(
            actor=self.actor, default=instance, fields=fields, expected_version=version
        )
        return self._represent(default)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.tolerance_default_delete(
            actor=self.actor, default=self.get_object(), expected_version=optional_expected_version(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    report=_action_schema(ProjectExceptionSerializer, ExceptionReportBodySerializer),
    decide=_action_schema(ProjectExceptionSerializer, DecideBodySerializer),
)
@extend_schema(tags=["exceptions"])
class ProjectExceptionViewSet(ReportingViewSet):
    """Exceptions: forecasts beyond tolerance, raised by the system and escalated to the sponsor
    and the PMO. The project manager writes the exception ``report`` (cause, consequences,
    options, recommendation); the sponsor or the PMO head ``decide``s: a new baseline, a
    corrective action plan, or stop."""

    queryset = ProjectException.objects.none()
    serializer_class = ProjectExceptionSerializer
    selector = staticmethod(selectors.exception_list)
    filterset_class = ExceptionFilter
    search_fields = ["project__code", "project__name", "dimensions", "breach_summary"]
    ordering_fields = ["raised_at", "report_due", "project", "status"]
    ordering_aliases: ClassVar[dict[str, str]] = {"project": "project__code"}
    action_verbs: ClassVar[dict[str, str]] = {"report": "report", "decide": "decide"}

    @action(detail=True, methods=["post"], filter_backends=[])
    def report(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Submit the exception report (the project manager): it goes to the sponsor to decide."""
        body = self._body(ExceptionReportBodySerializer)
        body.pop("version", None)
        exception = services.exception_report_submit(
            actor=self.actor, exception=self.get_object(), expected_version=expected_version(request), **body
        )
        return self._represent(exception)

    @action(detail=True, methods=["post"], filter_backends=[])
    def decide(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Decide the exception (its sponsor, or the PMO head for the board). A new baseline
        needs its terms in ``baseline``; stop cancels the project."""
        body = self._body(DecideBodySerializer)
        terms = body.get("baseline")
        if terms is not None:
            terms = dict(terms)
            terms["milestones"] = [(m["name"], m["due"]) for m in terms.get("milestones", [])]
        exception = services.exception_decide(
            actor=self.actor,
            exception=self.get_object(),
            decision=ExceptionDecision(body["decision"]),
            notes=body["notes"],
            expected_version=expected_version(request),
            baseline=terms,
        )
        return self._represent(exception)


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
