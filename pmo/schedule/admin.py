"""The Django admin for plans and schedule risk runs: read-only (a plan changes only through its
services, a run is kept as it was made), with each plan's history of imports."""

from django.contrib import admin

from pmo.core.admin import ReadOnlyHistoryAdmin, ReadOnlyInline
from pmo.schedule import selectors
from pmo.schedule.models import Plan, ScheduleRun, ScheduleRunMilestone


@admin.register(Plan)
class PlanAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(selectors.plan_list)
    list_display = (
        "__str__",
        "source_name",
        "start",
        "finish",
        "tasks_count",
        "critical_count",
        "imported_at",
    )
    search_fields = ("name", "project__code", "project__name")
    exclude = ("document",)


class RunMilestoneInline(ReadOnlyInline):
    model = ScheduleRunMilestone
    fields = ("name", "uid", "deterministic", "baseline", "p10", "p50", "p80", "p90")


@admin.register(ScheduleRun)
class ScheduleRunAdmin(ReadOnlyHistoryAdmin):
    """Schedule risk runs, as kept (who, when, the plan's version, seed, iterations, percentiles)."""

    selector = staticmethod(selectors.run_list)
    list_display = ("__str__", "run_by", "iterations", "seed", "deterministic", "p80", "target_chance")
    list_filter = ("project__code",)
    search_fields = ("project__code", "project__name")
    inlines = (RunMilestoneInline,)
