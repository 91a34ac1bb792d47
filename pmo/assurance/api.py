"""Assurance over REST (``/api/v1/``): ``health-checks`` through their workflow (plan → start →
answers and findings → submit → agree → close, each step with the version read) and the
``questionnaires`` (made as drafts with their areas and questions, then published; a new version
to change a published one).

Reads go through ``pmo.assurance.selectors``, writes through ``pmo.assurance.services``; a
refusal is a JSON error naming the field (an answer's ``question-<id>``)."""

from typing import Any, ClassVar

import django_filters
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.assurance import compliance, selectors, services
from pmo.assurance.choices import ComplianceKind, HealthCheckStatus, Severity
from pmo.assurance.models import (
    Answer,
    Area,
    ComplianceRule,
    Finding,
    HealthCheck,
    Question,
    Questionnaire,
)
from pmo.assurance.workflows import HEALTH_CHECK
from pmo.core import clock
from pmo.core.filters import FilterBackend
from pmo.core.models import User
from pmo.core.workflow import ActionsField
from pmo.portfolio.api import IF_MATCH, UPDATE_ERRORS, WRITE_ERRORS, ProjectCodeField, VersionedSerializer
from pmo.portfolio.api_records import (
    ProjectRecordFilter,
    ProjectRecordSerializer,
    RecordViewSet,
    VersionBodySerializer,
    action_schema,
    user_name,
)
from pmo.portfolio.models import OrgUnit, Person, Project

VERSION_HELP = "The version you are changing (or send an If-Match header)."


# Questionnaires ----------------------------------------------------------------------------------


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["id", "text", "guidance", "required"]
        read_only_fields = ["id"]


class AreaSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True)

    class Meta:
        model = Area
        fields = ["id", "name", "questions"]
        read_only_fields = ["id"]


class QuestionnaireSerializer(VersionedSerializer):
    """A questionnaire version: its scale (``levels``, the label of each score from 0), its areas
    and their questions. Sent as a new draft; published with ``publish``."""

    url = serializers.HyperlinkedIdentityField(view_name="api:questionnaire-detail")
    areas = AreaSerializer(many=True)
    levels = serializers.ListField(child=serializers.CharField(max_length=60), min_length=2, max_length=11)

    class Meta:
        model = Questionnaire
        fields = [
            "id",
            "url",
            "name",
            "number",
            "status",
            "description",
            "levels",
            "areas",
            "published_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["number", "status", "published_at"]


@extend_schema_view(
    create=extend_schema(responses={201: QuestionnaireSerializer, **WRITE_ERRORS}),
    publish=action_schema(QuestionnaireSerializer),
    new_version=action_schema(QuestionnaireSerializer, None),
)
@extend_schema(tags=["questionnaires"])
class QuestionnaireViewSet(mixins.CreateModelMixin, RecordViewSet):
    """The health check questionnaires, every version. The PMO head makes a draft (``POST``,
    with its areas and questions), ``publish``-es it (refused with no questions, or an area
    without), and makes a ``new-version`` of a published one to change it."""

    queryset = Questionnaire.objects.none()
    serializer_class = QuestionnaireSerializer
    search_fields = ["name", "description"]
    ordering_fields = ["name", "number", "status"]
    http_method_names = ["get", "post", "head", "options"]
    action_verbs: ClassVar[dict[str, str]] = {"publish": "change", "new_version": "change"}

    def get_queryset(self) -> QuerySet[Questionnaire]:
        areas = Area.objects.prefetch_related("questions")
        return selectors.questionnaire_list(user=self.request.user).prefetch_related(Prefetch("areas", areas))

    @transaction.atomic
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self._body(QuestionnaireSerializer)
        questionnaire = services.questionnaire_create(
            actor=self.actor,
            name=body["name"],
            description=body.get("description", ""),
            levels=body["levels"],
        )
        for area in body["areas"]:
            made = services.area_add(actor=self.actor, questionnaire=questionnaire, name=area["name"])
            for question in area["questions"]:
                services.question_add(actor=self.actor, area=made, **question)
        return self._represent(questionnaire, status_code=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], filter_backends=[])
    def publish(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Publish a draft: it is frozen from now on, and the version before it retired."""
        return self._step(services.questionnaire_publish, questionnaire=self.get_object())

    @action(detail=True, methods=["post"], filter_backends=[], url_path="new-version")
    def new_version(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A draft copy of this questionnaire, numbered after its latest version."""
        draft = services.questionnaire_new_version(actor=self.actor, questionnaire=self.get_object())
        return self._represent(draft, status_code=status.HTTP_201_CREATED)


# Health checks -----------------------------------------------------------------------------------


class AnswerSerializer(serializers.ModelSerializer):
    question = serializers.PrimaryKeyRelatedField(
        queryset=Question.objects.all(), help_text="The question's id."
    )
    area = serializers.CharField(source="question.area.name", read_only=True)

    class Meta:
        model = Answer
        fields = ["question", "area", "score", "evidence", "evidence_link"]


class FindingSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    action = serializers.CharField(source="action.reference", read_only=True, allow_null=True)
    action_status = serializers.CharField(source="action.status", read_only=True, allow_null=True)
    action_due = serializers.DateField(source="action.due", read_only=True, allow_null=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "area",
            "area_name",
            "severity",
            "text",
            "recommendation",
            "action",
            "action_status",
            "action_due",
        ]


class HealthCheckSerializer(ProjectRecordSerializer):
    """A health check of a project against a questionnaire version: its answers, scores as
    submitted (``overall`` and ``scores``, area → percent of the maximum the answered questions
    could score), findings (with the RAID action each recommendation became), and the PM's
    response."""

    url = serializers.HyperlinkedIdentityField(view_name="api:health-check-detail")
    reference = serializers.CharField(read_only=True, help_text="The check's reference, e.g. HC-7.")
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)
    questionnaire = serializers.PrimaryKeyRelatedField(queryset=Questionnaire.objects.all())
    questionnaire_name = serializers.CharField(source="questionnaire.__str__", read_only=True)
    assessor = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    assessor_name = user_name("assessor")
    agreed_by_name = user_name("agreed_by")
    answers = AnswerSerializer(many=True, read_only=True)
    findings = FindingSerializer(many=True, read_only=True)
    actions = ActionsField(HEALTH_CHECK)

    class Meta:
        model = HealthCheck
        fields = [
            "id",
            "url",
            "reference",
            "web_url",
            "project",
            "project_name",
            "questionnaire",
            "questionnaire_name",
            "status",
            "actions",
            "planned_on",
            "assessor",
            "assessor_name",
            "started_on",
            "submitted_at",
            "summary",
            "overall",
            "scores",
            "answers",
            "findings",
            "response",
            "agreed_by_name",
            "agreed_at",
            "closed_on",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "started_on",
            "submitted_at",
            "summary",
            "overall",
            "scores",
            "response",
            "agreed_at",
            "closed_on",
        ]


class HealthCheckChangeSerializer(HealthCheckSerializer):
    project = ProjectCodeField(read_only=True)
    questionnaire = serializers.PrimaryKeyRelatedField(read_only=True)


class AnswersBodySerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)
    answers = AnswerSerializer(
        many=True, help_text="One per question answered; a question answered again is replaced."
    )


class FindingBodySerializer(serializers.Serializer):
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), help_text="The area's id.")
    severity = serializers.ChoiceField(choices=Severity.choices)
    text = serializers.CharField()
    recommendation = serializers.CharField(required=False, allow_blank=True, default="")
    action_owner = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="With action_due, the recommendation becomes a RAID action owned by this person.",
    )
    action_due = serializers.DateField(required=False, allow_null=True, default=None)


class SubmitBodySerializer(VersionBodySerializer):
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class AgreeBodySerializer(VersionBodySerializer):
    response = serializers.CharField(
        allow_blank=True, help_text="The project manager's response to the findings."
    )


class HealthCheckFilter(ProjectRecordFilter):
    status = django_filters.MultipleChoiceFilter(choices=HealthCheckStatus.choices, distinct=False)
    questionnaire = django_filters.NumberFilter(field_name="questionnaire_id")
    planned_from = django_filters.DateFilter(field_name="planned_on", lookup_expr="gte")
    planned_to = django_filters.DateFilter(field_name="planned_on", lookup_expr="lte")

    class Meta:
        model = HealthCheck
        fields: ClassVar[list[str]] = []


@extend_schema_view(
    create=extend_schema(responses={201: HealthCheckSerializer, **WRITE_ERRORS}),
    partial_update=action_schema(HealthCheckSerializer, HealthCheckChangeSerializer),
    start=action_schema(HealthCheckSerializer),
    answers=action_schema(HealthCheckSerializer, AnswersBodySerializer),
    findings=action_schema(HealthCheckSerializer, FindingBodySerializer),
    submit=action_schema(HealthCheckSerializer, SubmitBodySerializer),
    agree=action_schema(HealthCheckSerializer, AgreeBodySerializer),
    close=action_schema(HealthCheckSerializer),
)
@extend_schema(tags=["health-checks"])
class HealthCheckViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, RecordViewSet):
    """Health checks of the projects the user may see (``project=CODE`` for one). The PMO plans
    one (``POST``), ``start``-s it, records ``answers`` and ``findings``, and ``submit``-s it
    (every required question answered); the project manager ``agree``-s with a response; the PMO
    ``close``-s it."""

    queryset = HealthCheck.objects.none()
    serializer_class = HealthCheckSerializer
    change_serializer_class = HealthCheckChangeSerializer
    filterset_class = HealthCheckFilter
    search_fields = ["project__code", "project__name", "summary"]
    ordering_fields = ["planned_on", "project", "status", "overall"]
    ordering_aliases: ClassVar[dict[str, str]] = {"project": "project__code"}
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[HealthCheck]:
        return (
            selectors.health_check_list(user=self.request.user)
            .prefetch_related(
                Prefetch("answers", queryset=Answer.objects.select_related("question__area")),
                Prefetch("findings", queryset=Finding.objects.select_related("area", "action")),
            )
            .select_related("agreed_by")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self._body(HealthCheckSerializer)
        check = services.health_check_plan(
            actor=self.actor,
            project=body["project"],
            questionnaire=body["questionnaire"],
            planned_on=body["planned_on"],
            assessor=body.get("assessor"),
        )
        return self._represent(check, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        version, fields = self._changes(instance, partial=True)
        return self._represent(
            services.health_check_update(
                actor=self.actor, check=instance, fields=fields, expected_version=version
            )
        )

    @action(detail=True, methods=["post"], filter_backends=[])
    def start(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._step(services.health_check_start, check=self.get_object())

    @action(detail=True, methods=["post"], filter_backends=[])
    def answers(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record answers: a score on the questionnaire's scale and the evidence, per question."""
        check = self.get_object()
        body = self._body(AnswersBodySerializer)
        answers = {a["question"].pk: {k: v for k, v in a.items() if k != "question"} for a in body["answers"]}
        return self._step(services.health_check_answer, check=check, answers=answers)

    @action(detail=True, methods=["post"], filter_backends=[])
    def findings(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record a finding; with an owner and a due date its recommendation becomes a RAID action."""
        check = self.get_object()
        services.finding_add(actor=self.actor, check=check, **self._body(FindingBodySerializer))
        return self._represent(check, status_code=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self._body(SubmitBodySerializer)
        return self._step(services.health_check_submit, check=self.get_object(), summary=body["summary"])

    @action(detail=True, methods=["post"], filter_backends=[])
    def agree(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self._body(AgreeBodySerializer)
        return self._step(services.health_check_agree, check=self.get_object(), response=body["response"])

    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._step(services.health_check_close, check=self.get_object())


# PMO standards compliance (ADR 0062) --------------------------------------------------------------


class ComplianceRuleSerializer(VersionedSerializer):
    """A PMO standard: one automatic check of the catalogue (``kind``, fixed), enabled or not,
    its N days (``days``: for the RAID review, the plan and the forecast), its ``weight`` in the
    score, and the size tiers, methodologies and lifecycle stages it applies to (empty: all).
    ``actions``: what the reader may do with it (``change``: the PMO head)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:compliance-rule-detail")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    size_tiers = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, max_length=10
    )
    methodologies = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, max_length=10
    )
    stages = serializers.ListField(child=serializers.CharField(max_length=80), required=False, max_length=20)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = ComplianceRule
        fields = [
            "id",
            "url",
            "kind",
            "kind_label",
            "name",
            "description",
            "enabled",
            "days",
            "weight",
            "size_tiers",
            "methodologies",
            "stages",
            "order",
            "actions",
            "version",
            "updated_at",
        ]
        read_only_fields = ["kind"]

    def get_actions(self, rule: ComplianceRule) -> list[str]:
        user = self.context["request"].user
        return ["change"] if user.has_perm("assurance.change_compliancerule", rule) else []


@extend_schema_view(
    partial_update=extend_schema(
        parameters=[IF_MATCH], responses={200: ComplianceRuleSerializer, **UPDATE_ERRORS}
    )
)
@extend_schema(tags=["compliance"])
class ComplianceRuleViewSet(mixins.UpdateModelMixin, RecordViewSet):
    """The PMO's standards every active project is judged against, in order; everyone signed in
    reads them, the PMO head changes them (``PATCH``)."""

    queryset = ComplianceRule.objects.none()
    serializer_class = ComplianceRuleSerializer
    search_fields = ["name", "description"]
    ordering_fields = ["order", "name", "weight"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[ComplianceRule]:
        return selectors.compliance_rule_list(user=self.request.user)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        version, fields = self._changes(instance, partial=True)
        rule = services.compliance_rule_update(
            actor=self.actor, rule=instance, fields=fields, expected_version=version
        )
        return self._represent(rule)


class ComplianceResultSerializer(serializers.Serializer):
    rule = serializers.IntegerField(source="rule.key", help_text="The rule's id.")
    kind = serializers.CharField(source="rule.kind")
    name = serializers.CharField(source="rule.name")
    weight = serializers.IntegerField(source="rule.weight")
    met = serializers.BooleanField()
    reason = serializers.CharField(help_text="Why it is met or not, from the project's records.")


class ProjectComplianceSerializer(serializers.Serializer):
    """A project's compliance today: its ``score`` (0-100: the weight of the rules met of the
    weight of those that apply) and each rule that applies, met or not, and why."""

    project = serializers.CharField(source="project.code")
    project_name = serializers.CharField(source="project.name")
    project_manager = serializers.CharField(source="project.project_manager.name")
    department = serializers.CharField(source="project.department.name")
    stage = serializers.CharField(source="project.stage.name")
    web_url = serializers.SerializerMethodField()
    score = serializers.IntegerField()
    results = ComplianceResultSerializer(source="compliance.results", many=True)

    def get_web_url(self, found: Any) -> str:
        return reverse("assurance:project_compliance", args=[found.project.code])


class ComplianceFilter(django_filters.FilterSet):
    project = django_filters.CharFilter(field_name="code", label="Project code")
    project_manager = django_filters.ModelChoiceFilter(queryset=Person.objects.all())
    department = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.all())

    class Meta:
        model = Project
        fields: ClassVar[list[str]] = []


class ComplianceQuerySerializer(serializers.Serializer):
    max_score = serializers.IntegerField(
        required=False, min_value=0, max_value=100, help_text="Only projects scoring at most this."
    )
    failing = serializers.ChoiceField(
        choices=ComplianceKind.choices, required=False, help_text="Only projects failing this kind of rule."
    )


@extend_schema(
    tags=["compliance"],
    parameters=[
        OpenApiParameter("max_score", int, description="Only projects scoring at most this (0-100)."),
        OpenApiParameter(
            "failing", str, enum=ComplianceKind.values, description="Only projects failing this kind of rule."
        ),
    ],
)
class ComplianceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Each active project the user may see, judged today against the PMO's enabled standards,
    lowest score first (who to chase); ``project``, ``project_manager``, ``department``,
    ``max_score`` and ``failing`` narrow it. A fixed number of queries whatever the number of
    projects."""

    queryset = Project.objects.none()
    serializer_class = ProjectComplianceSerializer
    filterset_class = ComplianceFilter
    filter_backends = [FilterBackend]

    def get_queryset(self) -> QuerySet[Project]:
        return selectors.compliance_projects(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = ComplianceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        projects = list(self.filter_queryset(self.get_queryset()))
        found = compliance.evaluate(projects, clock.today())
        if "max_score" in query.validated_data:
            found = [f for f in found if f.score <= query.validated_data["max_score"]]
        if "failing" in query.validated_data:
            kind = query.validated_data["failing"]
            found = [f for f in found if any(r.rule.kind == kind for r in f.compliance.failing)]
        found.sort(key=lambda f: (f.score, f.project.code))
        page = self.paginate_queryset(found)  # type: ignore[arg-type]
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
