"""The demo's day, and a fingerprint of its money (the demo itself is the ``demo`` fixture,
built once per test run: pmo/core/tests/demo_database.py)."""

from typing import Any

from django.db.models import Count, Sum

from pmo.core.tests.demo_database import DEMO_TODAY
from pmo.finance.models import ActualImport, BudgetVersion, CostCode, ForecastVersion, MonthLock

TODAY = DEMO_TODAY


def fingerprint() -> list[tuple[Any, ...]]:
    """Cost codes, budget versions, loads, forecasts and closed months by value, summed per
    record (a few queries: the determinism test takes it twice)."""
    return [
        *CostCode.objects.order_by("code").values_list(
            "code", "project__code", "category__name", "spend_type", "funding_source__name"
        ),
        *BudgetVersion.objects.order_by("project__code", "number")
        .annotate(total=Sum("lines__amount"), lines_count=Count("lines"))
        .values_list(
            "project__code", "number", "status", "baseline__number", "approved_at", "total", "lines_count"
        ),
        *ActualImport.objects.order_by("first_month", "imported_at").values_list(
            "reference", "first_month", "lines", "replaced", "total", "imported_at"
        ),
        *ForecastVersion.objects.order_by("project__code", "period__start")
        .annotate(total=Sum("lines__amount"))
        .values_list("project__code", "period__start", "made_by__username", "made_at", "total"),
        *MonthLock.objects.order_by("month").values_list("month", "locked_by__username", "locked_at"),
    ]
