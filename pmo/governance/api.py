"""Gates over REST (``/api/v1/``): ``gates``, each gate's required evidence (``gate-evidence``)
and who decides it (read by everyone, changed by the PMO head), and ``gate-reviews`` through
their workflow (open → evidence → submit → assess → decide → close), each with its ``actions``
from the workflow's table and its ``history``. Reads go through ``pmo.governance.selectors``,
writes through ``pmo.governance.services``."""

from typing import Any, ClassVar

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.core.api import expected_version, model_text, optional_expected_version
from pmo.core.filters import FilterSet
from pmo.core.workflow import ActionsField
from pmo.governance import selectors, services
from pmo.governance.choices import Outcome, ReviewStatus
from pmo.governance.models import Gate, GateAssessment, GateCondition, GateEvidence, GateReview
from pmo.governance.workflows import GATE_REVIEW
from pmo.portfolio.api import IF_MATCH, UPDATE_ERRORS, WRITE_ERRORS, ProjectCodeField, VersionedSerializer
from pmo.portfolio.api_records import (
    ProjectRecordFilter,
    ProjectRecordSerializer,
    RecordViewSet,
    action_schema,
    change_schemas,
    user_name,
)
from pmo.portfolio.models import Person

VERSION_HELP = "The version of the review you are changing (or send an If-Match header)."


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = GateEvidence
        fields = [
            "id",
            "name",
            "description",
            "kind",
            "automatic",
            "within_days",
            "size_tiers",
            "methodologies",
        ]


class GateSerializer(VersionedSerializer):
    """A gate into a lifecycle stage: its criteria, the size tier from which the board decides
    (smaller projects: their sponsor) and the evidence it asks for (empty tiers or
    methodologies: all)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:gate-detail")
    name = serializers.CharField(source="__str__", read_only=True)
    stage = serializers.CharField(source="stage.name", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Gate
        fields = [
            "id",
            "url",
            "name",
            "stage",
            "criteria",
            "board_from_tier",
            "notice_days",
            "evidence",
            "version",
            "updated_at",
        ]


@extend_schema_view(
    partial_update=extend_schema(parameters=[IF_MATCH], responses={200: GateSerializer, **UPDATE_ERRORS})
)
@extend_schema(tags=["gates"])
class GateViewSet(mixins.UpdateModelMixin, RecordViewSet):
    """The lifecycle's gates, in order. The PMO head changes a gate's criteria and who decides
    it (``PATCH``)."""

    queryset = Gate.objects.none()
    serializer_class = GateSerializer
    search_fields = ["stage__gate_name", "stage__name"]
    ordering_fields = ["stage"]
    ordering_aliases: ClassVar[dict[str, str]] = {"stage": "stage__order"}
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Gate]:
        return selectors.gate_list(user=self.request.user)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        version, fields = self._changes(instance, partial=True)
        gate = services.gate_update(actor=self.actor, gate=instance, fields=fields, expected_version=version)
        return self._represent(gate)


class GateEvidenceSerializer(VersionedSerializer):
    """A piece of evidence a gate asks for: a document confirmed on each review, or a record the
    system checks (``automatic``; ``within_days`` for the checks that look back), for the size
    tiers and methodologies listed (none: all). The PMO head adds, changes and removes them."""

    url = serializers.HyperlinkedIdentityField(view_name="api:gate-evidence-detail")
    gate = serializers.PrimaryKeyRelatedField(queryset=Gate.objects.all(), help_text="The gate's id.")
    gate_name = serializers.CharField(source="gate.__str__", read_only=True)

    class Meta:
        model = GateEvidence
        validators: ClassVar[list[Any]] = []  # the service checks the name is the gate's only one
        fields = [
            "id",
            "url",
            "gate",
            "gate_name",
            "name",
            "description",
            "kind",
            "automatic",
            "within_days",
            "size_tiers",
            "methodologies",
            "order",
            "version",
            "updated_at",
        ]


class GateEvidenceChangeSerializer(GateEvidenceSerializer):
    """On a change, the evidence stays with its gate."""

    gate = serializers.PrimaryKeyRelatedField(read_only=True)


class GateEvidenceFilter(FilterSet):
    gate = django_filters.NumberFilter(field_name="gate_id", help_text="The gate's id.")

    class Meta:
        model = GateEvidence
        fields: ClassVar[list[str]] = []


@extend_schema_view(**change_schemas(GateEvidenceSerializer, GateEvidenceChangeSerializer, deletable=True))
@extend_schema(tags=["gates"])
class GateEvidenceViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, RecordViewSet):
    """Every gate's evidence (``?gate=`` for one gate's): read by everyone, added, changed and
    removed by the PMO head. Evidence already confirmed on a review cannot be removed."""

    queryset = GateEvidence.objects.none()
    serializer_class = GateEvidenceSerializer
    change_serializer_class = GateEvidenceChangeSerializer
    selector = staticmethod(selectors.evidence_list)
    filterset_class = GateEvidenceFilter
    search_fields = ["name", "description"]
    ordering_fields = ["gate", "order", "name"]
    ordering_aliases: ClassVar[dict[str, str]] = {"gate": "gate__stage__order"}
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = self._body(GateEvidenceSerializer)
        gate = fields.pop("gate")
        evidence = services.gate_evidence_add(actor=self.actor, gate=gate, fields=fields)
        return self._represent(evidence, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        version, fields = self._changes(instance, partial=kwargs.pop("partial", False))
        evidence = services.gate_evidence_update(
            actor=self.actor, evidence=instance, fields=fields, expected_version=version
        )
        return self._represent(evidence)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.gate_evidence_delete(
            actor=self.actor, evidence=self.get_object(), expected_version=optional_expected_version(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class AssessmentSerializer(serializers.ModelSerializer):
    reviewer_name = user_name("reviewer")

    class Meta:
        model = GateAssessment
        fields = ["reviewer", "reviewer_name", "recommendation", "comment", "updated_at"]


class ConditionSerializer(serializers.ModelSerializer):
    """A condition of a go with conditions: its RAID action and how it stands."""

    action = serializers.CharField(source="action.reference", read_only=True)
    title = serializers.CharField(source="action.title", read_only=True)
    owner = serializers.CharField(source="action.owner", read_only=True)
    due = serializers.DateField(source="action.due", read_only=True)
    status = serializers.CharField(source="action.status", read_only=True)

    class Meta:
        model = GateCondition
        fields = ["action", "title", "owner", "due", "status"]


class GateReviewSerializer(ProjectRecordSerializer):
    """A project's review at a gate: who decides it (``authority``, from the project's size),
    the reviewers' assessments, the decision and its conditions (RAID actions)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:gate-review-detail")
    reference = serializers.CharField(read_only=True, help_text="The review's reference, e.g. GR-7.")
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)
    gate = serializers.PrimaryKeyRelatedField(
        queryset=Gate.objects.all(),
        required=False,
        help_text="The gate's id (default: the project's next gate).",
    )
    gate_name = serializers.CharField(source="gate.__str__", read_only=True)
    opened_by_name = user_name("opened_by")
    decided_by_name = user_name("decided_by")
    assessments = AssessmentSerializer(many=True, read_only=True)
    conditions = ConditionSerializer(many=True, read_only=True)
    actions = ActionsField(GATE_REVIEW)

    class Meta:
        model = GateReview
        fields = [
            "id", "url", "reference", "web_url", "project", "project_name", "gate", "gate_name", "status",
            "actions", "authority", "opened_by", "opened_by_name", "opened_on", "assessments", "outcome",
            "decided_by", "decided_by_name", "decided_at", "decision_notes", "conditions", "closed_at",
            "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "gate", "status", "authority", "opened_by", "opened_on", "outcome", "decided_by", "decided_at",
            "decision_notes", "closed_at",
        ]  # fmt: skip


class OpenSerializer(serializers.Serializer):
    """Open a review: the project (by code) and the gate (its next gate when not given)."""

    project = ProjectCodeField()
    gate = serializers.PrimaryKeyRelatedField(
        queryset=Gate.objects.all(),
        required=False,
        help_text="The gate's id (default: the project's next gate).",
    )


class ConfirmSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=GateEvidence.objects.all(), help_text="The evidence's id."
    )
    link = serializers.URLField(required=False, allow_blank=True, default="", max_length=500)
    note = model_text(GateReview, "decision_notes", required=False, allow_blank=True, default="")


class AssessSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)
    recommendation = serializers.ChoiceField(choices=Outcome.choices)
    comment = model_text(GateAssessment, "comment", required=False, allow_blank=True, default="")


class ConditionBodySerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), help_text="The owner's person id."
    )
    due = serializers.DateField()


class DecideSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    notes = model_text(GateReview, "decision_notes", required=False, allow_blank=True, default="")
    conditions = ConditionBodySerializer(many=True, required=False, default=list)


class GateReviewFilter(ProjectRecordFilter):
    status = django_filters.MultipleChoiceFilter(choices=ReviewStatus.choices, distinct=False)
    outcome = django_filters.MultipleChoiceFilter(choices=Outcome.choices, distinct=False)
    gate = django_filters.NumberFilter(field_name="gate_id")

    class Meta:
        model = GateReview
        fields: ClassVar[list[str]] = []


@extend_schema_view(
    create=extend_schema(request=OpenSerializer, responses={201: GateReviewSerializer, **WRITE_ERRORS}),
    evidence=action_schema(GateReviewSerializer, ConfirmSerializer),
    submit=action_schema(GateReviewSerializer),
    assess=action_schema(GateReviewSerializer, AssessSerializer),
    decide=action_schema(GateReviewSerializer, DecideSerializer),
    close=action_schema(GateReviewSerializer),
)
@extend_schema(tags=["gate-reviews"])
class GateReviewViewSet(mixins.CreateModelMixin, RecordViewSet):
    """Gate reviews, every project's (``project=CODE`` for one). The project's manager or the
    PMO opens one (``POST``), confirms its documents (``evidence``) and ``submit``s it; reviewers
    ``assess`` it; the authority the gate requires ``decide``s it (a passed gate moves the project
    into the stage; a go with conditions makes each condition a RAID action); it is ``close``d
    once its conditions are done."""

    queryset = GateReview.objects.none()
    serializer_class = GateReviewSerializer
    filterset_class = GateReviewFilter
    search_fields = ["project__code", "project__name", "decision_notes"]
    ordering_fields = ["opened_on", "project", "status", "decided_at"]
    ordering_aliases: ClassVar[dict[str, str]] = {"project": "project__code"}
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[GateReview]:
        return selectors.review_list(user=self.request.user).prefetch_related("assessments__reviewer")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = self._body(OpenSerializer)
        review = services.gate_review_open(
            actor=self.actor, project=fields["project"], gate=fields.get("gate")
        )
        return self._represent(review, status_code=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], filter_backends=[])
    def evidence(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Confirm a document the gate asks for, with a link or a note."""
        review = self.get_object()
        body = self._body(ConfirmSerializer)
        services.gate_review_confirm(
            actor=self.actor, review=review, evidence=body["evidence"], link=body["link"], note=body["note"],
            expected_version=expected_version(request),
        )  # fmt: skip
        return self._represent(review)

    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The evidence is collected: send the review to its reviewers."""
        review = self.get_object()
        done = services.gate_review_submit(
            actor=self.actor, review=review, expected_version=expected_version(request)
        )
        return self._represent(done)

    @action(detail=True, methods=["post"], filter_backends=[])
    def assess(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record (or change) your assessment: a recommendation and why."""
        review = self.get_object()
        body = self._body(AssessSerializer)
        services.gate_review_assess(
            actor=self.actor, review=review, recommendation=body["recommendation"], comment=body["comment"],
            expected_version=expected_version(request),
        )  # fmt: skip
        return self._represent(review)

    @action(detail=True, methods=["post"], filter_backends=[])
    def decide(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Decide the review (the authority it needs): go, go with conditions, hold or stop."""
        review = self.get_object()
        body = self._body(DecideSerializer)
        decided = services.gate_review_decide(
            actor=self.actor, review=review, outcome=body["outcome"], notes=body["notes"],
            conditions=body["conditions"], expected_version=expected_version(request),
        )  # fmt: skip
        return self._represent(decided)

    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Close a decided review once its conditions are done."""
        review = self.get_object()
        done = services.gate_review_close(
            actor=self.actor, review=review, expected_version=expected_version(request)
        )
        return self._represent(done)
