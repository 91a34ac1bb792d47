"""Exceptions over REST: a tolerance breach the system raised, the project manager's exception
report and the decision on it (its corrective actions are in the RAID ``actions`` API)."""

from typing import Any, ClassVar

import django_filters
from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.core.api import model_text
from pmo.core.workflow import ActionsField
from pmo.portfolio.api import VersionedSerializer
from pmo.portfolio.api_records import (
    ProjectRecordFilter,
    RecordViewSet,
    VersionBodySerializer,
    action_schema,
    name_of,
    user_name,
)
from pmo.reporting import selectors, services
from pmo.reporting.api import NEGATIVE
from pmo.reporting.api.baselines_tolerances import BaselineMilestoneSerializer
from pmo.reporting.choices import ExceptionDecision, ExceptionStatus
from pmo.reporting.models import Baseline, ProjectException
from pmo.reporting.workflows import EXCEPTION

DECISION_NOTES_REQUIRED = services.DECISION_NOTES_REQUIRED
OPEN_HELP = "true: only exceptions not yet decided; false: only decided ones."


# Exceptions --------------------------------------------------------------------------------


class ProjectExceptionSerializer(VersionedSerializer):
    """A tolerance breach escalated beyond the project manager, with the PM's exception report
    and the decision. Raised by the system; changed only by its ``report`` and ``decide``
    actions."""

    url = serializers.HyperlinkedIdentityField(view_name="api:exception-detail")
    project = serializers.CharField(source="project.code", read_only=True)
    project_name = name_of("project")
    is_open = serializers.BooleanField(read_only=True)
    report_submitted_by_name = user_name("report_submitted_by")
    decided_by_name = user_name("decided_by")
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


@extend_schema_view(
    report=action_schema(ProjectExceptionSerializer, ExceptionReportBodySerializer),
    decide=action_schema(ProjectExceptionSerializer, DecideBodySerializer),
)
@extend_schema(tags=["exceptions"])
class ProjectExceptionViewSet(RecordViewSet):
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
        return self._step(services.exception_report_submit, exception=self.get_object(), **body)

    @action(detail=True, methods=["post"], filter_backends=[])
    def decide(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Decide the exception (its sponsor, or the PMO head for the board). A new baseline
        needs its terms in ``baseline``; stop cancels the project."""
        body = self._body(DecideBodySerializer)
        terms = body.get("baseline")
        if terms is not None:
            terms = dict(terms)
            terms["milestones"] = [(m["name"], m["due"]) for m in terms.get("milestones", [])]
        return self._step(
            services.exception_decide,
            exception=self.get_object(),
            decision=ExceptionDecision(body["decision"]),
            notes=body["notes"],
            baseline=terms,
        )
