"""The Django admin for plans: read-only (a plan changes only by importing its file, through the
service), with each plan's history of imports."""

from django.contrib import admin

from pmo.core.admin import ReadOnlyHistoryAdmin
from pmo.schedule import selectors
from pmo.schedule.models import Plan


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
