"""Forms of finance's pages. A form checks what the person typed; saving goes through the
finance services, which check permissions, closed months and versions, and write history."""

from datetime import date
from typing import Any

from django import forms

from pmo.engine.finance import FinancialYear
from pmo.finance.models import CostCategory, CostCentre, CostCode, FinanceSettings, FundingSource
from pmo.finance.pages import ROLL_UP_LABELS
from pmo.finance.selectors import LINE_KEYS
from pmo.finance.services import COST_CODE_FIELDS, SETTINGS_FIELDS
from pmo.portfolio.forms import VersionedModelForm
from pmo.portfolio.models import OrgUnit, Portfolio, Programme, Project
from pmo.portfolio.selectors import org_unit_list, portfolio_list, programme_list

COST_CODE_ORDER = (
    "code",
    "description",
    "project",
    "cost_centre",
    "category",
    "spend_type",
    "funding_source",
    "active",
)
assert set(COST_CODE_ORDER) == COST_CODE_FIELDS
NOT_A_MONTH = "Give a month as YYYY-MM (2026-11)."
LINE_KEY_FILTERED = (
    "A sum by cost category, capital or revenue, or funding source covers every project: clear the "
    "portfolio, programme and department to see it, or sum by project, portfolio, programme or department."
)


PROJECT_OR_CENTRE = "The project its lines are charged to; or leave blank and choose a cost centre."


class CostCodeForm(VersionedModelForm):
    """A ledger code and the project or cost centre it charges, with the category, capital or
    revenue and funding source its lines count under (a new code carries version 0)."""

    class Meta:
        model = CostCode
        fields = COST_CODE_ORDER

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["project"].help_text = PROJECT_OR_CENTRE
        self.fields["cost_centre"].queryset = CostCentre.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["cost_centre"].help_text = "A running budget (the PMO's own) instead of a project."
        self.fields["category"].queryset = CostCategory.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["funding_source"].queryset = FundingSource.objects.filter(active=True)  # type: ignore[attr-defined]
        if self.instance.pk is None:
            self.fields["version"].required = False


class CostCodeFilter(forms.Form):
    project = forms.CharField(required=False, label="Project code")
    cost_centre = forms.CharField(required=False, label="Cost centre code")
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
    portfolio = forms.ModelChoiceField(queryset=Portfolio.objects.none(), required=False, empty_label="Any")
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), required=False, empty_label="Any")
    department = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), required=False, empty_label="Any")

    def __init__(
        self, *args: Any, user: Any, years: list[FinancialYear], current: FinancialYear, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["portfolio"].queryset = portfolio_list(user=user)  # type: ignore[attr-defined]
        self.fields["programme"].queryset = programme_list(user=user)  # type: ignore[attr-defined]
        self.fields["department"].queryset = org_unit_list(user=user)  # type: ignore[attr-defined]
        choices = [("", "Whole life")] + [(str(y.start_year), y.label) for y in years]
        if current not in years:
            choices.append((str(current.start_year), current.label))
        self.fields["year"].choices = choices  # type: ignore[attr-defined]
        self.first_month = current.first_month

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("by") in LINE_KEYS and self.within_of(data):
            raise forms.ValidationError(LINE_KEY_FILTERED)
        return data

    @staticmethod
    def within_of(data: dict[str, Any]) -> dict[str, Any]:
        return {name: data[name] for name in ("portfolio", "programme", "department") if data.get(name)}

    def chosen(self) -> tuple[str, FinancialYear | None, dict[str, Any]]:
        """What to sum by, the year (None: whole life) and the projects' filters (by field)."""
        if not self.is_valid():
            return "portfolio", None, {}
        year = self.cleaned_data["year"]
        by = self.cleaned_data["by"] or "portfolio"
        within = self.within_of(self.cleaned_data)
        return by, FinancialYear(year, self.first_month) if year is not None else None, within


class FinanceSettingsForm(VersionedModelForm):
    """How the PMO counts money: the financial year's first month, the currency, and the CPI and
    SPI(t) below which earned value is a concern."""

    class Meta:
        model = FinanceSettings
        fields = ("first_month", "currency", "cpi_threshold", "spi_t_threshold", "cost_tolerance_on_eac")


assert set(FinanceSettingsForm.Meta.fields) == SETTINGS_FIELDS
