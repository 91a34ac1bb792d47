"""The Django admin for the RAID registers: read-only, restricted by the same selectors and
``rules`` as the pages and the API, with each item's history. Items change only through the
registers' pages, the API or an Excel import, whose services check and record every change."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from pmo.core.admin import ReadOnlyHistoryAdmin
from pmo.raid import selectors
from pmo.raid.models import REGISTERS, RaidSettings


def _all_settings(*, user: Any) -> QuerySet[RaidSettings]:
    selectors.raid_settings()  # the one row exists
    return RaidSettings.objects.all()


@admin.register(RaidSettings)
class RaidSettingsAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(_all_settings)
    list_display = (
        "__str__",
        "probability_levels",
        "impact_levels",
        "medium_from",
        "high_from",
        "stale_days",
    )


for _model in REGISTERS.values():
    admin.site.register(
        _model,
        type(
            f"{_model.__name__}Admin",
            (ReadOnlyHistoryAdmin,),
            {
                "selector": staticmethod(lambda *, user, model=_model: selectors.item_list(model, user=user)),
                "list_display": ("__str__", "project", "programme", "portfolio", "owner", "status", "due"),
                "list_filter": ("status", "escalated_to"),
                "search_fields": ("title", "project__code", "owner__name"),
            },
        ),
    )
