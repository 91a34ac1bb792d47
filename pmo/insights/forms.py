"""The dashboard's filters: a GET form whose choices are the records that exist (sponsors of
projects the user may see)."""

from typing import Any

from django import forms
from django.forms import BoundField

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

    def options(self) -> list[tuple[BoundField, list[tuple[str, str, bool]]]]:
        """Each filter with its options as plain (value, label, selected) triples, one query per
        filter, so a long list of sponsors renders fast."""
        result = []
        for bound in self:
            field: Any = bound.field
            current = str(bound.value() or "")
            options = [("", str(field.empty_label), current == "")]
            options += [
                (str(pk), name, str(pk) == current) for pk, name in field.queryset.values_list("pk", "name")
            ]
            result.append((bound, options))
        return result

    def filters(self) -> DashboardFilters:
        """The chosen filters (call after ``is_valid()``)."""
        data = self.cleaned_data
        return DashboardFilters(**{name: data[name].pk if data.get(name) else None for name in self.fields})
