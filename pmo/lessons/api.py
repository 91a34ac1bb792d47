"""Lessons learned over REST (``/api/v1/lessons/``): the library (filters and search), a
lesson's detail and history, logging (``POST``) and correcting (``PATCH``, with the version)
lessons, ``publish`` and ``retire`` (the PMO), ``apply`` a lesson to a later project and ``withdraw``
that, and the
``suggestions`` for a project, each with why. Reads go through ``pmo.lessons.selectors``,
writes through ``pmo.lessons.services``."""

from typing import Any, ClassVar

import django_filters
from django.db.models import QuerySet, prefetch_related_objects
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.core.api import PROJECT_ANSWERS, PROJECT_PARAMETER, model_text, project_in_query
from pmo.core.workflow import ActionsField
from pmo.lessons import selectors, services
from pmo.lessons.choices import LessonCategory, LessonSource, LessonStatus
from pmo.lessons.models import Lesson, LessonApplication
from pmo.lessons.workflows import LESSON
from pmo.portfolio.api import UPDATE_ERRORS, WRITE_ERRORS, ProjectCodeField
from pmo.portfolio.api_records import (
    ProjectRecordFilter,
    ProjectRecordSerializer,
    RecordViewSet,
    action_schema,
    user_name,
)
from pmo.portfolio.choices import Methodology
from pmo.portfolio.models import Project

NOT_APPLIED = "{project} has not applied {lesson}, or you may not see it."


class LessonSerializer(ProjectRecordSerializer):
    """A lesson: what happened, its effect and cause, the early warnings and the recommendation,
    its category, tags, department and methodology (by default the project's), where it came
    from and the RAID items it links (ids of its project's risks, issues, actions, decisions);
    ``applied_count``: how many projects applied it. No project: the organisation's lesson."""

    url = serializers.HyperlinkedIdentityField(view_name="api:lesson-detail")
    reference = serializers.CharField(read_only=True, help_text="The lesson's reference, e.g. LL-7.")
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)
    project = ProjectCodeField(required=False, allow_null=True)
    project_name = serializers.CharField(source="project.name", read_only=True, allow_null=True)
    logged_by_name = user_name("logged_by")
    applied_count = serializers.IntegerField(read_only=True)
    actions = ActionsField(LESSON)

    class Meta:
        model = Lesson
        fields = [
            "id",
            "url",
            "reference",
            "web_url",
            "project",
            "project_name",
            *sorted(services.LESSON_FIELDS),
            *services.LINKS,
            "status",
            "actions",
            "logged_by",
            "logged_by_name",
            "logged_on",
            "applied_count",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "logged_by", "logged_on"]


class LessonChangeSerializer(LessonSerializer):
    """On a change, the project stays."""

    project = ProjectCodeField(read_only=True)


class ApplySerializer(serializers.Serializer):
    project = ProjectCodeField(help_text="The code of the project that applied the lesson.")
    note = model_text(LessonApplication, "note", help_text="How the lesson was applied.")


class WithdrawSerializer(serializers.Serializer):
    project = ProjectCodeField(help_text="The code of the project whose application is withdrawn.")


class ApplicationSerializer(serializers.ModelSerializer):
    lesson = serializers.CharField(source="lesson.reference", read_only=True)
    project = serializers.CharField(source="project.code", read_only=True)
    applied_by_name = user_name("applied_by")

    class Meta:
        model = LessonApplication
        fields = ["id", "lesson", "project", "note", "applied_by_name", "applied_on"]


class SuggestionSerializer(serializers.Serializer):
    lesson = LessonSerializer()
    score = serializers.FloatField(source="suggestion.score", help_text="Higher fits better.")
    why = serializers.CharField(
        help_text="Why it is suggested: shared words, category, department, methodology."
    )


class LessonFilter(ProjectRecordFilter):
    status = django_filters.MultipleChoiceFilter(choices=LessonStatus.choices, distinct=False)
    category = django_filters.MultipleChoiceFilter(choices=LessonCategory.choices, distinct=False)
    source = django_filters.MultipleChoiceFilter(choices=LessonSource.choices, distinct=False)
    methodology = django_filters.MultipleChoiceFilter(choices=Methodology.choices, distinct=False)
    department = django_filters.NumberFilter(field_name="department_id", label="Department id")
    tag = django_filters.CharFilter(method="with_tag", label="Tag")

    class Meta:
        model = Lesson
        fields: ClassVar[list[str]] = []

    def with_tag(self, queryset: QuerySet[Lesson], name: str, value: str) -> QuerySet[Lesson]:
        return queryset.filter(selectors.tagged(value)) if value.strip() else queryset


@extend_schema_view(
    create=extend_schema(responses={201: LessonSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(
        request=LessonChangeSerializer, responses={200: LessonSerializer, **UPDATE_ERRORS}
    ),
    publish=action_schema(LessonSerializer),
    retire=action_schema(LessonSerializer),
)
@extend_schema(tags=["lessons"])
class LessonViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, RecordViewSet):
    """The lessons library: every lesson the user may see (a confidential project's only for
    those who may see the project). Anyone logs an organisation-wide lesson; a project's manager,
    sponsor or the PMO logs one on the project; the PMO publishes it into the library."""

    queryset = Lesson.objects.none()
    serializer_class = LessonSerializer
    change_serializer_class = LessonChangeSerializer
    filterset_class = LessonFilter
    search_fields = ["title", "event", "cause", "recommendation", "tags"]
    ordering_fields = ["logged_on", "title", "category", "applied_count"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Lesson]:
        return (
            selectors.lesson_list(user=self.request.user)
            .prefetch_related(*services.LINKS)
            .order_by("-logged_on", "-pk")
        )

    @staticmethod
    def _split(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        links = {name: fields.pop(name) for name in services.LINKS if name in fields}
        return fields, links

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields, links = self._split(self._body(LessonSerializer))
        project = fields.pop("project", None)
        lesson = services.lesson_create(actor=self.actor, project=project, fields=fields, links=links)
        return self._represent(lesson, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        version, changes = self._changes(instance, partial=True)
        fields, links = self._split(changes)
        lesson = services.lesson_update(
            actor=self.actor, lesson=instance, fields=fields, links=links, expected_version=version
        )
        return self._represent(lesson)

    @action(detail=True, methods=["post"], filter_backends=[])
    def publish(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Publish a draft lesson into the library (the PMO)."""
        return self._step(services.lesson_publish, lesson=self.get_object())

    @action(detail=True, methods=["post"], filter_backends=[])
    def retire(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Retire a published lesson (the PMO): kept, no longer suggested."""
        return self._step(services.lesson_retire, lesson=self.get_object())

    @extend_schema(request=ApplySerializer, responses={201: ApplicationSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], filter_backends=[])
    def apply(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record that a later project applied this published lesson (its manager or the PMO)."""
        lesson = self.get_object()
        body = self._body(ApplySerializer)
        applied = services.lesson_apply(
            actor=self.actor, lesson=lesson, project=body["project"], note=body["note"]
        )
        return Response(ApplicationSerializer(applied).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=WithdrawSerializer,
        responses={204: None, **{k: v for k, v in UPDATE_ERRORS.items() if k != 409}},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def withdraw(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Withdraw a project's record that it applied this lesson (its manager or the PMO); the
        application's history keeps who withdrew it."""
        lesson = self.get_object()
        project = self._body(WithdrawSerializer)["project"]
        application = selectors.applications_of(user=request.user, lesson=lesson, project=project).first()
        if application is None:
            raise exceptions.NotFound(NOT_APPLIED.format(project=project.code, lesson=lesson.reference))
        services.lesson_application_withdraw(actor=self.actor, application=application)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[PROJECT_PARAMETER],
        responses={200: SuggestionSerializer(many=True), **PROJECT_ANSWERS},
        filters=False,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def suggestions(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The published lessons most relevant to a project now, best first, each with why."""
        found = selectors.suggestions(
            user=request.user,
            project=project_in_query(
                request, Project.objects.restrict(request.user, "view").select_related("stage")
            ),
        )
        prefetch_related_objects([s.lesson for s in found], *services.LINKS)
        return Response(SuggestionSerializer(found, many=True, context=self.get_serializer_context()).data)
