"""Reporting periods and highlight reports over REST: ``reporting-periods`` (open, close,
reopen) and ``highlight-reports`` (start, change a draft, submit, return, accept, publish,
revise)."""

from typing import Any, ClassVar

import django_filters
from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.core.api import ERROR_SCHEMA, model_text
from pmo.core.workflow import ActionsField
from pmo.portfolio.api import IF_MATCH, UPDATE_ERRORS, WRITE_ERRORS, ProjectCodeField, VersionedSerializer
from pmo.portfolio.api_records import (
    ACTION_ERRORS,
    ProjectRecordFilter,
    ProjectRecordSerializer,
    RecordViewSet,
    VersionBodySerializer,
    action_schema,
    user_name,
)
from pmo.reporting import selectors, services
from pmo.reporting.api import NOT_NEGATIVE
from pmo.reporting.choices import ReportStatus, ToleranceState
from pmo.reporting.models import (
    VERDICT_FIELDS,
    HighlightReport,
    ReportingPeriod,
    ReportMilestone,
    ReportToleranceCheck,
)
from pmo.reporting.workflows import HIGHLIGHT_REPORT, PERIOD

CURRENT_HELP = "true: only the latest revision of each project's report for each period."
COMMENTS_REQUIRED = services.COMMENTS_REQUIRED


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


# Highlight reports -------------------------------------------------------------------------


class ReportMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportMilestone
        fields = ["name", "forecast", "achieved_on"]


class ReportToleranceCheckSerializer(serializers.ModelSerializer):
    """One dimension's tolerance verdict as it stood when the report was submitted."""

    class Meta:
        model = ReportToleranceCheck
        fields = list(VERDICT_FIELDS)
        read_only_fields = fields


class HighlightReportSerializer(ProjectRecordSerializer):
    """A highlight report with its milestone forecasts. Only a draft changes (``PATCH``);
    ``milestones``, when sent, replaces the whole list. ``tolerance_checks`` are the verdicts
    frozen when the report was submitted (read only)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:highlight-report-detail")
    project = ProjectCodeField(read_only=True)
    period_name = serializers.CharField(source="period.__str__", read_only=True)
    submitted_by_name = user_name("submitted_by")
    reviewed_by_name = user_name("reviewed_by")
    milestones = ReportMilestoneSerializer(many=True, required=False, max_length=settings.PMO_MAX_MILESTONES)
    tolerance_checks = ReportToleranceCheckSerializer(
        many=True,
        read_only=True,
        help_text=(
            "The tolerance verdicts as they stood when the report was submitted, whatever the "
            "baseline or tolerances have become since; empty for a draft (the project's live "
            "verdicts are at tolerance-checks) and for a report submitted with no baseline."
        ),
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
            "tolerance_checks",
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


@extend_schema_view(
    create=extend_schema(responses={201: ReportingPeriodSerializer, **WRITE_ERRORS}),
    close=action_schema(ReportingPeriodSerializer),
    reopen=action_schema(ReportingPeriodSerializer),
)
@extend_schema(tags=["reporting-periods"])
class ReportingPeriodViewSet(mixins.CreateModelMixin, RecordViewSet):
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
        return self._step(services.reporting_period_close, period=self.get_object())

    @action(detail=True, methods=["post"], filter_backends=[])
    def reopen(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Open a closed period again, for late reports or corrections."""
        return self._step(services.reporting_period_reopen, period=self.get_object())


@extend_schema_view(
    list=extend_schema(responses={200: HighlightReportSerializer(many=True), 400: ERROR_SCHEMA}),
    create=extend_schema(
        request=HighlightReportStartSerializer,
        responses={201: HighlightReportSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        parameters=[IF_MATCH], responses={200: HighlightReportSerializer, **UPDATE_ERRORS}
    ),
    submit=action_schema(HighlightReportSerializer),
    return_=action_schema(HighlightReportSerializer, ReturnBodySerializer),
    accept=action_schema(HighlightReportSerializer, AcceptBodySerializer),
    publish=action_schema(HighlightReportSerializer),
    revise=extend_schema(request=None, responses={201: HighlightReportSerializer, **ACTION_ERRORS}),
)
@extend_schema(tags=["highlight-reports"])
class HighlightReportViewSet(mixins.UpdateModelMixin, RecordViewSet):
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
        return selectors.report_list(user=self.request.user).prefetch_related(
            "milestones", "tolerance_checks"
        )

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
        return self._step(services.highlight_report_submit, report=self.get_object())

    @action(detail=True, methods=["post"], url_path="return", url_name="return", filter_backends=[])
    def return_(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The PMO sends a submitted report back with comments (the PM corrects it in a
        revision)."""
        body = self._body(ReturnBodySerializer)
        return self._step(
            services.highlight_report_return, report=self.get_object(), comments=body["comments"]
        )

    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The PMO's quality check passed."""
        body = self._body(AcceptBodySerializer)
        return self._step(
            services.highlight_report_accept, report=self.get_object(), comments=body["comments"]
        )

    @action(detail=True, methods=["post"], filter_backends=[])
    def publish(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Publish an accepted report to its board and the dashboard's readers."""
        return self._step(services.highlight_report_publish, report=self.get_object())

    @action(detail=True, methods=["post"], filter_backends=[])
    def revise(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Start a corrected revision of a handed-in or returned report: a new draft copied from
        it (the answer), which supersedes it once submitted."""
        revision = services.highlight_report_revise(actor=self.actor, report=self.get_object())
        return self._represent(revision, status_code=status.HTTP_201_CREATED)
