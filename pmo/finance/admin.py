"""The Django admin for finance: read-only (budgets, actuals and forecasts change only through
their services, which check closed months and record every change), restricted by the same
rules as the pages, with each record's history."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from pmo.core.admin import ReadOnlyHistoryAdmin, ReadOnlyInline
from pmo.finance import cost_centres, selectors
from pmo.finance.models import (
    ActualImport,
    BudgetLine,
    BudgetVersion,
    CostCategory,
    CostCentre,
    CostCentreBudget,
    CostCentreBudgetLine,
    CostCode,
    FinanceSettings,
    ForecastLine,
    ForecastVersion,
    FundingSource,
    MonthLock,
)


def _all_settings(*, user: Any) -> QuerySet[FinanceSettings]:
    selectors.finance_settings()  # the one row exists
    return FinanceSettings.objects.restrict(user, "view")


def _listed(model: Any) -> Any:
    return staticmethod(lambda *, user: model.objects.restrict(user, "view"))


@admin.register(FinanceSettings)
class FinanceSettingsAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(_all_settings)
    list_display = ("__str__", "first_month", "currency", "cpi_threshold", "spi_t_threshold")


@admin.register(CostCategory)
class CostCategoryAdmin(ReadOnlyHistoryAdmin):
    selector = _listed(CostCategory)
    list_display = ("name", "position", "active")


@admin.register(FundingSource)
class FundingSourceAdmin(ReadOnlyHistoryAdmin):
    selector = _listed(FundingSource)
    list_display = ("name", "active")


def _cost_codes(*, user: Any) -> QuerySet[CostCode]:
    return selectors.cost_code_list(user=user).select_related("cost_centre")


@admin.register(CostCode)
class CostCodeAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(_cost_codes)
    list_display = (
        "code",
        "description",
        "project",
        "cost_centre",
        "category",
        "spend_type",
        "funding_source",
        "active",
    )
    list_filter = ("spend_type", "active", "category")
    search_fields = ("code", "description", "project__code", "project__name", "cost_centre__code")


@admin.register(CostCentre)
class CostCentreAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(cost_centres.cost_centre_list)
    list_display = ("code", "name", "holder", "active")
    search_fields = ("code", "name")


class CostCentreBudgetLineInline(ReadOnlyInline):
    model = CostCentreBudgetLine
    fields = ("month", "category", "spend_type", "funding_source", "amount")


@admin.register(CostCentreBudget)
class CostCentreBudgetAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(cost_centres.cost_centre_budget_list)
    list_display = ("__str__", "cost_centre", "year", "non_staff_limit")
    inlines = [CostCentreBudgetLineInline]


@admin.register(MonthLock)
class MonthLockAdmin(ReadOnlyHistoryAdmin):
    selector = _listed(MonthLock)
    list_display = ("month", "locked_by", "locked_at")


class BudgetLineInline(ReadOnlyInline):
    model = BudgetLine
    fields = ("month", "category", "spend_type", "funding_source", "amount")


class ForecastLineInline(ReadOnlyInline):
    model = ForecastLine
    fields = ("month", "category", "spend_type", "funding_source", "amount")


@admin.register(BudgetVersion)
class BudgetVersionAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(selectors.budget_version_list)
    list_display = ("__str__", "project", "status", "approved_by", "approved_at")
    list_filter = ("status",)
    search_fields = ("project__code", "project__name")
    inlines = [BudgetLineInline]


@admin.register(ForecastVersion)
class ForecastVersionAdmin(ReadOnlyHistoryAdmin):
    selector = staticmethod(selectors.forecast_version_list)
    list_display = ("__str__", "project", "period", "made_by", "made_at")
    search_fields = ("project__code", "project__name")
    inlines = [ForecastLineInline]


@admin.register(ActualImport)
class ActualImportAdmin(ReadOnlyHistoryAdmin):
    selector = _listed(ActualImport)
    list_display = ("reference", "first_month", "last_month", "lines", "replaced", "total", "imported_by")
