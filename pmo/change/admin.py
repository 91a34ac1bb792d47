"""The Django admin for change control: read-only (a change moves only through its workflow,
whose services check the delegated limits and record every step), with each request's history."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from pmo.change import selectors
from pmo.change.models import ChangeRequest, ChangeSettings
from pmo.core.admin import ReadOnlyHistoryAdmin


def _all_settings(*, user: Any) -> QuerySet[ChangeSettings]:
    selectors.change_settings()  # the one row exists
    return ChangeSettings.objects.all()


@admin.register(ChangeSettings)
class ChangeSettingsAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(_all_settings)
    list_display = ("__str__", "pm_max_days", "pm_max_cost", "sponsor_within_tolerance")


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(selectors.change_request_list)
    list_display = ("__str__", "project", "change_type", "status", "authority", "impact_days", "impact_cost")
    list_filter = ("status", "change_type", "authority")
    search_fields = ("title", "project__code", "project__name")
