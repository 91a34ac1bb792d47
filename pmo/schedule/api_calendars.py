"""The calendars and saved baselines of plans over REST (``/api/v1/``), read-only, as the plan's
document has them (ADR 0043): ``calendars`` (each plan's working calendars: the working week,
hours, how durations convert, and the exceptions, UK bank holidays named) and ``plan-baselines`` (MS
Project's up to eleven saved baselines of each task, with the variances of the schedule against
them: ``plan-baselines``, as ``baselines`` are the projects' approved baselines). ``project=CODE``
for one plan."""

from typing import Any, ClassVar

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import filters, mixins, permissions, serializers, viewsets

from pmo.core.filters import FilterBackend, FilterSet
from pmo.schedule import selectors
from pmo.schedule.adapters import WEEKDAYS
from pmo.schedule.models import PlanBaseline, PlanCalendar, PlanCalendarException

MINUTES = "Working minutes of the task's calendar; positive when later (or longer) than the baseline."
HOURS = "Working times, e.g. 08:00-12:00, 13:00-17:00; blank for a day off."


class PlanCalendarExceptionSerializer(serializers.ModelSerializer):
    hours = serializers.CharField(read_only=True, help_text=HOURS)
    working = serializers.SerializerMethodField(help_text="Whether any of these days is worked.")

    class Meta:
        model = PlanCalendarException
        fields: ClassVar[list[str]] = ["start", "finish", "working", "hours", "name"]
        read_only_fields = fields

    def get_working(self, exception: PlanCalendarException) -> bool:
        return bool(exception.hours)


class WorkingDaySerializer(serializers.Serializer):
    day = serializers.CharField(help_text="Monday to Sunday.")
    hours = serializers.CharField(help_text=HOURS)


class PlanCalendarSerializer(serializers.ModelSerializer):
    """A working calendar of a plan: its week (each day's working hours), how MS Project turns
    days, weeks and months into minutes, and its exceptions (days off, UK bank holidays named,
    and days with other hours), consecutive days alike as one."""

    project = serializers.CharField(
        source="plan.project.code", read_only=True, help_text="The project's code."
    )
    week = serializers.SerializerMethodField()
    exceptions = PlanCalendarExceptionSerializer(many=True, read_only=True)

    class Meta:
        model = PlanCalendar
        fields: ClassVar[list[str]] = [
            "project", "uid", "name", "plan_calendar", "minutes_per_day", "minutes_per_week",
            "days_per_month", "week", "exceptions",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(WorkingDaySerializer(many=True))
    def get_week(self, calendar: PlanCalendar) -> list[dict[str, Any]]:
        return [{"day": day.title(), "hours": getattr(calendar, day)} for day in WEEKDAYS]


class PlanCalendarFilter(FilterSet):
    project = django_filters.CharFilter(field_name="plan__project__code", label="Project code")

    class Meta:
        model = PlanCalendar
        fields: ClassVar[list[str]] = []


@extend_schema(tags=["schedules"])
class PlanCalendarViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The working calendars of the plans you may see (``project=CODE`` for one plan): the plan's
    own (``plan_calendar``) and those of tasks and resources."""

    queryset = PlanCalendar.objects.none()
    serializer_class = PlanCalendarSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [FilterBackend, filters.SearchFilter]
    filterset_class = PlanCalendarFilter
    search_fields = ["name"]

    def get_queryset(self) -> QuerySet[PlanCalendar]:
        return selectors.calendar_list(user=self.request.user)


class PlanBaselineSerializer(serializers.ModelSerializer):
    """A task's saved baseline (0 is MS Project's "Baseline", 1-10 "Baseline1"-"Baseline10"),
    beside the task's dates as scheduled now, and the variances between them."""

    project = serializers.CharField(
        source="task.plan.project.code", read_only=True, help_text="The project's code."
    )
    uid = serializers.IntegerField(source="task.uid", read_only=True, help_text="The task's UID.")
    row = serializers.IntegerField(source="task.row", read_only=True, help_text="The task's ID.")
    name = serializers.CharField(source="task.name", read_only=True, help_text="The task's name.")
    milestone = serializers.BooleanField(source="task.milestone", read_only=True)
    scheduled_start = serializers.DateTimeField(source="task.start", read_only=True)
    scheduled_finish = serializers.DateTimeField(source="task.finish", read_only=True)
    duration = serializers.IntegerField(read_only=True, allow_null=True, help_text="Working minutes.")
    work = serializers.IntegerField(read_only=True, allow_null=True, help_text="Working minutes of work.")
    start_variance = serializers.IntegerField(read_only=True, allow_null=True, help_text=MINUTES)
    finish_variance = serializers.IntegerField(read_only=True, allow_null=True, help_text=MINUTES)
    duration_variance = serializers.IntegerField(read_only=True, allow_null=True, help_text=MINUTES)

    class Meta:
        model = PlanBaseline
        fields: ClassVar[list[str]] = [
            "project", "uid", "row", "name", "milestone", "number", "start", "finish", "duration", "work",
            "cost", "scheduled_start", "scheduled_finish", "start_variance", "finish_variance",
            "duration_variance",
        ]  # fmt: skip
        read_only_fields = fields


class PlanBaselineFilter(FilterSet):
    project = django_filters.CharFilter(field_name="task__plan__project__code", label="Project code")
    number = django_filters.NumberFilter(label="Baseline number (0-10)")
    milestone = django_filters.BooleanFilter(field_name="task__milestone")

    class Meta:
        model = PlanBaseline
        fields: ClassVar[list[str]] = []


@extend_schema(tags=["schedules"])
class PlanBaselineViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The saved baselines of the tasks of the plans you may see, in plan order (``project=CODE``
    for one plan, ``number=N`` for one baseline, ``milestone=true`` for milestones), with the
    variances of the current schedule against them."""

    queryset = PlanBaseline.objects.none()
    serializer_class = PlanBaselineSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [FilterBackend, filters.SearchFilter]
    filterset_class = PlanBaselineFilter
    search_fields = ["task__name", "task__wbs"]

    def get_queryset(self) -> QuerySet[PlanBaseline]:
        return selectors.baseline_list(user=self.request.user)
