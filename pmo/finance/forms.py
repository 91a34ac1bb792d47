"""Forms of finance's pages. A form checks what the person typed; saving goes through the
finance services, which check permissions, closed months and versions, and write history."""

from datetime import date
from typing import Any

from django import forms

from pmo.engine.finance import FinancialYear
from pmo.finance.models import CostCategory, CostCode, FinanceSettings, FundingSource
from pmo.finance.pages import ROLL_UP_LABELS
from pmo.finance.services import COST_CODE_FIELDS, SETTINGS_FIELDS
from pmo.portfolio.forms import VersionedModelForm
from pmo.portfolio.models import Project

COST_CODE_ORDER = ("code", "description", "project", "category", "spend_type", "funding_source", "active")
assert set(COST_CODE_ORDER) == COST_CODE_FIELDS
NOT_A_MONTH = "Give a month as YYYY-MM (2026-11)."


class CostCodeForm(VersionedModelForm):
    """A ledger code and the project, category, capital or revenue and funding source its lines
    count under (a new code carries version 0)."""

    class Meta:
        model = CostCode
        fields = COST_CODE_ORDER

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["category"].queryset = CostCategory.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["funding_source"].queryset = FundingSource.objects.filter(active=True)  # type: ignore[attr-defined]
        if self.instance.pk is None:
            self.fields["version"].required = False


class CostCodeFilter(forms.Form):
    project = forms.CharField(required=False, label="Project code")
    active = forms.ChoiceField(
        required=False, choices=[("", "Any"), ("yes", "In use"), ("no", "Retired")], label="In use"
    )


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (an ``<input type="month">``), as the date of its first day."""

    widget = forms.TextInput(attrs={"type": "month", "aria-describedby": "month-help"})

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-")[:2])
            return date(year, month, 1)
        except ValueError as error:
            raise forms.ValidationError(NOT_A_MONTH) from error


class MonthCloseForm(forms.Form):
    month = MonthField(label="Month to close", help_text="Year and month, as 2026-11.")


class MonthReopenForm(forms.Form):
    reason = forms.CharField(max_length=90, label="Why it is opened again")


class RollUpFilter(forms.Form):
    """What the portfolio finance page sums by, over which years, and which projects' money."""

    by = forms.ChoiceField(choices=list(ROLL_UP_LABELS.items()), required=False, label="Summed by")
    year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Financial year")

    def __init__(self, *args: Any, years: list[FinancialYear], current: FinancialYear, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Whole life")] + [(str(y.start_year), y.label) for y in years]
        if current not in years:
            choices.append((str(current.start_year), current.label))
        self.fields["year"].choices = choices  # type: ignore[attr-defined]
        self.first_month = current.first_month

    def chosen(self) -> tuple[str, FinancialYear | None]:
        if not self.is_valid():
            return "portfolio", None
        year = self.cleaned_data["year"]
        by = self.cleaned_data["by"] or "portfolio"
        return by, FinancialYear(year, self.first_month) if year is not None else None


class FinanceSettingsForm(VersionedModelForm):
    """How the PMO counts money: the financial year's first month, the currency, and the CPI and
    SPI(t) below which earned value is a concern."""

    class Meta:
        model = FinanceSettings
        fields = ("first_month", "currency", "cpi_threshold", "spi_t_threshold")


assert set(FinanceSettingsForm.Meta.fields) == SETTINGS_FIELDS
