"""The dashboard's filters: a GET form whose choices are the records that exist (sponsors of
projects the user may see)."""

from typing import Any

from django import forms

from pmo.insights.selectors import DashboardFilters, filter_options


class DashboardFilterForm(forms.Form):
    portfolio: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All portfolios"
    )
    programme: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All programmes"
    )
    department: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All departments"
    )
    sponsor: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All sponsors"
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in filter_options(user=user).items():
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> DashboardFilters:
        """The chosen filters (call after ``is_valid()``)."""
        data = self.cleaned_data
        return DashboardFilters(**{name: data[name].pk if data.get(name) else None for name in self.fields})
