"""The Django admin for the reporting cycle: read-only. Every write is a workflow step (submit,
accept, approve a baseline, decide an exception…) that only the services perform, with their
checks and history; the admin shows the records, restricted by the same selectors and ``rules``
as the pages and the API, and their history."""

from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from pmo.core.permissions import permission_name
from pmo.reporting import selectors
from pmo.reporting.api import tolerance_check_list
from pmo.reporting.models import (
    Baseline,
    BaselineMilestone,
    CorrectiveAction,
    HighlightReport,
    ProjectException,
    ReportingPeriod,
    ReportingSettings,
    ReportMilestone,
    Tolerance,
    ToleranceCheck,
    ToleranceDefault,
)

READ_ONLY = (
    "Reporting records change only through their workflow (the reporting pages or the API), never here."
)


def _per_project(model: type[Model]) -> bool:
    return any(field.name == "project" for field in model._meta.fields)


class NoWritesMixin:
    """Nothing is added, changed or deleted through the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyMixin(NoWritesMixin):
    """Nothing is added, changed or deleted here. Who sees what follows ``rules``: a record of
    a project is seen by those who see the project; the list by anyone who may read projects
    (the selector keeps it to theirs)."""

    model: type[Model]
    selector: ClassVar[Callable[..., QuerySet[Any]]]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff and self.has_view_permission(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None and _per_project(self.model):
            return bool(request.user.has_perm("portfolio.view_project"))
        return bool(request.user.has_perm(permission_name(self.model, "view"), obj))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = type(self).selector(user=request.user)
        ordering = self.get_ordering(request)  # type: ignore[attr-defined]
        return queryset.order_by(*ordering) if ordering else queryset


class ReadOnlyHistoryAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    """A read-only record with its history page (no reverting: that would be a write)."""

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied(READ_ONLY)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyInline(NoWritesMixin, admin.TabularInline):
    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True  # shown only inside a record its reader may already see


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

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("portfolio.view_project", obj.project if obj else None))


@admin.register(ProjectException)
class ProjectExceptionAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(selectors.exception_list)
    list_display = ("project", "status", "dimensions", "raised_at", "report_due", "decision", "decided_at")
    list_filter = ("status", "decision")
    search_fields = ("project__code", "project__name", "breach_summary")


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(selectors.action_list)
    list_display = ("project", "description", "owner", "due", "status", "completed_on")
    list_filter = ("status",)
    search_fields = ("project__code", "project__name", "description", "owner__name")
