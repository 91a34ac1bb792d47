"""The dashboard's filters: a GET form whose choices are the records that exist (sponsors of
projects the user may see). Portfolios, programmes and departments are selects (a few dozen);
the sponsor is chosen by typing (``pmo.core.choosers``, ADR 0035): a council has hundreds."""

from dataclasses import asdict
from typing import Any

from django import forms
from django.forms import BoundField

from pmo.core.choosers import Chooser, SearchChoiceField
from pmo.insights.selectors import DashboardFilters, filter_options
from pmo.portfolio.models import Person

SPONSOR_CHOOSER = Chooser(
    url_name="insights:sponsor_search",
    name_field="name",
    key_field="email",
    search_fields=("name", "email"),
    unknown=(
        "Select a valid choice. “{text}” is not the name or e-mail of a sponsor of a project you can see."
    ),
    ambiguous="{count} sponsors are called “{text}”: type the e-mail of the one you mean.",
    help_text="Type part of a sponsor's name or e-mail and pick from the list.",
)


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
    sponsor = SearchChoiceField(Person.objects.none(), chooser=SPONSOR_CHOOSER, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in filter_options(user=user).items():
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]
        self.fields["sponsor"].widget.attrs.update(
            {"placeholder": "All sponsors", "class": "form-control form-control-sm"}
        )

    def options(self) -> list[tuple[BoundField, list[tuple[str, str, bool]]]]:
        """Each filter shown as a select with its options as plain (value, label, selected)
        triples, one query per filter; the sponsor, chosen by typing, is not among them."""
        result = []
        for bound in self:
            field: Any = bound.field
            if isinstance(field, SearchChoiceField):
                continue
            current = str(bound.value() or "")
            options = [("", str(field.empty_label), current == "")]
            options += [
                (str(pk), name, str(pk) == current) for pk, name in field.queryset.values_list("pk", "name")
            ]
            result.append((bound, options))
        return result

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        sponsor = cleaned.get("sponsor")
        if sponsor is not None:
            # The box shows the sponsor by name, also when the address names them by id.
            self.data = {**dict(self.data.items()), "sponsor": SPONSOR_CHOOSER.label(sponsor)}
        return cleaned

    def filters(self) -> DashboardFilters:
        """The chosen filters (call after ``is_valid()``)."""
        data = self.cleaned_data
        return DashboardFilters(**{name: data[name].pk if data.get(name) else None for name in self.fields})

    def address(self, query: dict[str, Any]) -> dict[str, Any]:
        """``query`` (a page's parameters) with the filters as ids, so the links from the page
        name a sponsor chosen by typing by id, as the API reads it (call after ``is_valid()``)."""
        if self.errors:
            return query
        chosen = asdict(self.filters()) if self.is_bound else {}
        return {
            name: str(chosen[name]) if name in chosen else value
            for name, value in query.items()
            if name not in chosen or chosen[name] is not None
        }
