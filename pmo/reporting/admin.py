"""The Django admin for the reporting cycle: read-only. Every write is a workflow step (submit,
accept, approve a baseline, decide an exception…) that only the services perform, with their
checks and history; the admin shows the records, restricted by the same selectors and ``rules``
as the pages and the API, and their history."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from pmo.core.admin import ReadOnlyHistoryAdmin, ReadOnlyInline, ReadOnlyMixin
from pmo.reporting import selectors
from pmo.reporting.models import (
    Baseline,
    BaselineMilestone,
    HighlightReport,
    ProjectException,
    ReportingPeriod,
    ReportingSettings,
    ReportMilestone,
    Tolerance,
    ToleranceCheck,
    ToleranceDefault,
)
from pmo.reporting.selectors import tolerance_check_list


class ReportMilestoneInline(ReadOnlyInline):
    model = ReportMilestone
    fields = ("name", "forecast", "achieved_on")


class BaselineMilestoneInline(ReadOnlyInline):
    model = BaselineMilestone
    fields = ("name", "due")


def _all_settings(*, user: Any) -> QuerySet[ReportingSettings]:
    selectors.reporting_settings()  # the one row exists
    return ReportingSettings.objects.all()


@admin.register(ReportingSettings)
class ReportingSettingsAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(_all_settings)
    list_display = ("__str__", "cadence", "status_scale", "due_days_after_period_end", "warning_band")


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(selectors.period_list)
    list_display = ("__str__", "start", "end", "due", "status")
    list_filter = ("status",)
    date_hierarchy = "start"


@admin.register(HighlightReport)
class HighlightReportAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(selectors.report_list)
    inlines = (ReportMilestoneInline,)
    list_display = (
        "project",
        "period",
        "revision",
        "status",
        "overall_status",
        "tolerance_status",
        "submitted_at",
    )
    list_filter = ("status", "overall_status", "tolerance_status")
    search_fields = ("project__code", "project__name", "summary")
    list_select_related = ("project", "period")


@admin.register(Baseline)
class BaselineAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(selectors.baseline_list)
    inlines = (BaselineMilestoneInline,)
    list_display = (
        "project",
        "number",
        "finish",
        "budget_at_completion",
        "source",
        "approved_by",
        "approved_at",
    )
    list_filter = ("source",)
    search_fields = ("project__code", "project__name", "reason")


@admin.register(Tolerance)
class ToleranceAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(selectors.tolerance_list)
    list_display = ("project", "dimension", "absolute", "percent")
    list_filter = ("dimension",)
    search_fields = ("project__code", "project__name")


@admin.register(ToleranceDefault)
class ToleranceDefaultAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(selectors.tolerance_default_list)
    list_display = ("dimension", "size_tier", "portfolio", "absolute", "percent")
    list_filter = ("dimension", "size_tier", "portfolio")


@admin.register(ToleranceCheck)
class ToleranceCheckAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Derived data with no history of its own (the records it comes from keep theirs)."""

    selector = staticmethod(tolerance_check_list)
    list_display = ("project", "dimension", "status", "used", "explanation", "assessed_at")
    list_filter = ("status", "dimension")
    search_fields = ("project__code", "project__name")
    list_select_related = ("project",)


@admin.register(ProjectException)
class ProjectExceptionAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(selectors.exception_list)
    list_display = ("project", "status", "dimensions", "raised_at", "report_due", "decision", "decided_at")
    list_filter = ("status", "decision")
    search_fields = ("project__code", "project__name", "breach_summary")
