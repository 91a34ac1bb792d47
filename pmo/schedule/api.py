"""Project plans over REST (``/api/v1/``), read-only: ``schedules`` (each project's plan, with its
history), ``tasks`` (every task of the plans you may see, ``project=CODE`` for one plan) and
``milestones`` (the tasks that are milestones, each saying whether it is ``key`` for portfolio
reporting; ``PATCH`` flags or unflags one, ``history`` is its flag's). A plan comes in through
its import page or ``pmo import schedule`` (MS Project XML); the API reads what the engine
worked out.
``schedule-runs`` are the Monte Carlo schedule risk runs of the plans (with their history);
``POST`` runs one with the plan's three-point estimates (set on the page)."""

from typing import Any, ClassVar

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import filters, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.core.api import HistoryEntrySerializer
from pmo.core.filters import FilterBackend, FilterSet
from pmo.core.history import history_entries
from pmo.portfolio.api import UPDATE_ERRORS, WRITE_ERRORS, ProjectCodeField
from pmo.portfolio.api_records import ProjectRecordFilter, ProjectRecordSerializer, RecordViewSet, user_name
from pmo.schedule import selectors, services
from pmo.schedule.models import (
    KeyMilestone,
    Plan,
    PlanTask,
    ScheduleRun,
    ScheduleRunBin,
    ScheduleRunMilestone,
    ScheduleRunTask,
)

MINUTES = "Working minutes (of eight-hour days unless the plan's calendar says otherwise)."


class PlanSerializer(ProjectRecordSerializer):
    """A project's plan: where it came from, when it starts and finishes as scheduled here, and
    how many of its tasks are critical."""

    url = serializers.HyperlinkedIdentityField(view_name="api:schedule-detail")
    web_url = serializers.CharField(source="get_absolute_url", read_only=True, help_text="Its web page.")
    imported_by_name = user_name("imported_by")

    class Meta:
        model = Plan
        fields: ClassVar[list[str]] = [
            "id", "url", "web_url", "project", "project_name", "name", "source_name", "start", "finish",
            "status_date", "tasks_count", "critical_count", "imported_by_name", "imported_at", "version",
        ]  # fmt: skip
        read_only_fields = fields


class PlanFilter(ProjectRecordFilter):
    class Meta:
        model = Plan
        fields: ClassVar[list[str]] = []


@extend_schema(tags=["schedules"])
class PlanViewSet(RecordViewSet):
    """Each project's plan (``project=CODE`` for one), with its ``history``: one entry per import."""

    queryset = Plan.objects.none()
    serializer_class = PlanSerializer
    selector = staticmethod(selectors.plan_list)
    filterset_class = PlanFilter
    search_fields = ["name", "project__code", "project__name"]
    ordering_fields = ["project", "finish", "imported_at"]
    ordering_aliases: ClassVar[dict[str, str]] = {"project": "project__code"}
    http_method_names = ["get", "head", "options"]


class TaskSerializer(serializers.ModelSerializer):
    """A task as the schedule dates it: its place in the outline, its early and late dates, its
    floats and whether it is critical; durations and floats in working minutes."""

    project = serializers.CharField(
        source="plan.project.code", read_only=True, help_text="The project's code."
    )
    duration = serializers.IntegerField(read_only=True, help_text=MINUTES)
    total_float = serializers.IntegerField(read_only=True, help_text=MINUTES)
    free_float = serializers.IntegerField(read_only=True, help_text=MINUTES)

    class Meta:
        model = PlanTask
        fields: ClassVar[list[str]] = [
            "project", "uid", "row", "wbs", "outline_level", "parent_uid", "name", "duration",
            "duration_unit", "summary", "milestone", "critical", "percent_complete", "start", "finish",
            "early_start", "early_finish", "late_start", "late_finish", "total_float", "free_float",
            "constraint", "constraint_date", "deadline", "baseline_start", "baseline_finish",
        ]  # fmt: skip
        read_only_fields = fields


class TaskFilter(FilterSet):
    project = django_filters.CharFilter(field_name="plan__project__code", label="Project code")
    critical = django_filters.BooleanFilter()
    milestone = django_filters.BooleanFilter()

    class Meta:
        model = PlanTask
        fields: ClassVar[list[str]] = []


@extend_schema(tags=["schedules"])
class TaskViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every task of the plans you may see, in plan order (``project=CODE`` for one plan;
    ``critical=true`` for the critical path)."""

    queryset = PlanTask.objects.none()
    serializer_class = TaskSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [FilterBackend, filters.SearchFilter]
    filterset_class = TaskFilter
    search_fields = ["name", "wbs"]

    def get_queryset(self) -> QuerySet[PlanTask]:
        return selectors.task_list(user=self.request.user).order_by("plan__project__code", "row")


class MilestoneSerializer(TaskSerializer):
    """A milestone, and whether it is a key milestone for portfolio reporting (its forecast
    pre-fills the highlight report, it counts in the evidence when overdue and it is drawn on the
    milestone trend). ``id`` names the row of the plan as last imported; ``uid`` is MS Project's
    and stays."""

    key = serializers.BooleanField(read_only=True, help_text="A key milestone for portfolio reporting.")

    class Meta(TaskSerializer.Meta):
        fields: ClassVar[list[str]] = ["id", *TaskSerializer.Meta.fields, "key"]
        read_only_fields = fields


class KeyFlagSerializer(serializers.Serializer):
    key = serializers.BooleanField(
        help_text="true flags the milestone as key for reporting; false unflags it."
    )


class MilestoneFilter(TaskFilter):
    key = django_filters.BooleanFilter(label="Key milestone")


@extend_schema(tags=["schedules"])
class MilestoneViewSet(mixins.RetrieveModelMixin, TaskViewSet):
    """The milestones of the plans you may see, in plan order (``project=CODE`` for one plan;
    ``key=true`` for the key milestones); ``PATCH`` with ``{"key": true}`` flags one as key for
    portfolio reporting (the project's manager or the PMO), ``history`` is its flag's history."""

    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter
    http_method_names = ["get", "head", "options", "patch"]

    def get_queryset(self) -> QuerySet[PlanTask]:
        return selectors.milestone_list(user=self.request.user).order_by("plan__project__code", "row")

    @extend_schema(request=KeyFlagSerializer, responses={200: MilestoneSerializer, **UPDATE_ERRORS})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        milestone = self.get_object()
        body = KeyFlagSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.key_milestones_set(
            actor=request.user,  # type: ignore[arg-type]  # signed in: IsAuthenticated
            plan=milestone.plan,
            keys={milestone.uid: body.validated_data["key"]},
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=milestone.pk)).data)

    @extend_schema(responses=HistoryEntrySerializer(many=True), parameters=[], filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Every change to the milestone's key flag, newest first: who, when, before and after."""
        milestone = self.get_object()
        flag = KeyMilestone.objects.filter(plan_id=milestone.plan_id, uid=milestone.uid).first()
        entries = history_entries(flag, user=request.user) if flag is not None else []
        return Response(HistoryEntrySerializer(entries, many=True).data)


NO_PLAN = "{project} has no plan to simulate."


class RunBinSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScheduleRunBin
        fields: ClassVar[list[str]] = ["start", "end", "count", "cumulative"]
        read_only_fields = fields


class RunTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScheduleRunTask
        fields: ClassVar[list[str]] = ["uid", "name", "criticality", "sensitivity"]
        read_only_fields = fields


class RunMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScheduleRunMilestone
        fields: ClassVar[list[str]] = [
            "uid",
            "name",
            "deterministic",
            "baseline",
            "baseline_chance",
            "p10",
            "p50",
            "p80",
            "p90",
        ]
        read_only_fields = fields


class ScheduleRunSerializer(ProjectRecordSerializer):
    """A Monte Carlo schedule risk run: its P10/P50/P80/P90 finish, the chance of meeting the
    baseline finish (``target``), the histogram (``bins``: iterations finishing in each span of
    days and the share finished by its end), each task's criticality index and sensitivity, and
    each key milestone's P10/P50/P80/P90 (``milestones``, soonest scheduled first)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:schedule-run-detail")
    web_url = serializers.CharField(source="get_absolute_url", read_only=True, help_text="Its web page.")
    run_by_name = user_name("run_by")
    bins = RunBinSerializer(many=True, read_only=True)
    tasks = RunTaskSerializer(many=True, read_only=True)
    milestones = RunMilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = ScheduleRun
        fields: ClassVar[list[str]] = [
            "id", "url", "web_url", "project", "project_name", "plan_version", "run_by_name", "run_at",
            "iterations", "seed", "estimates_count", "risks_count", "target", "target_chance",
            "deterministic", "p10", "p50", "p80", "p90", "bins", "tasks", "milestones", "version",
        ]  # fmt: skip
        read_only_fields = fields


class ScheduleRunRequestSerializer(serializers.Serializer):
    project = ProjectCodeField()
    iterations = serializers.IntegerField(
        min_value=100, max_value=services.MAX_ITERATIONS, default=services.ITERATIONS
    )
    seed = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, help_text="Repeat a run: the same seed, the same draws."
    )


class ScheduleRunFilter(ProjectRecordFilter):
    class Meta:
        model = ScheduleRun
        fields: ClassVar[list[str]] = []


@extend_schema(tags=["schedules"])
class ScheduleRunViewSet(RecordViewSet):
    """The schedule risk runs of the plans you may see, latest first (``project=CODE`` for one
    plan), with their ``history``; ``POST`` runs one (the project's manager or the PMO)."""

    queryset = ScheduleRun.objects.none()
    serializer_class = ScheduleRunSerializer
    selector = staticmethod(selectors.run_list)
    filterset_class = ScheduleRunFilter
    ordering_fields = ["run_at", "p80"]
    http_method_names = ["get", "head", "options", "post"]

    @extend_schema(
        request=ScheduleRunRequestSerializer, responses={201: ScheduleRunSerializer, **WRITE_ERRORS}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = self._body(ScheduleRunRequestSerializer)
        project = fields["project"]
        plan = Plan.objects.filter(project=project).first()
        if plan is None:
            raise ValidationError({"project": NO_PLAN.format(project=project)})
        run = services.schedule_run_create(
            actor=self.actor, plan=plan, iterations=fields["iterations"], seed=fields.get("seed")
        )
        return self._represent(run, status_code=status.HTTP_201_CREATED)
