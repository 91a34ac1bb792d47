"""Template helpers of the register's pages: table cells, Bootstrap-styled form widgets (money and
the other figures: ``pmo.core.templatetags.formatting``, in every template)."""

from typing import Any

from django import forms, template
from django.urls import reverse
from django.utils.safestring import SafeString

from pmo.core.cells import cell_html
from pmo.portfolio.forms import TickList, tick_list
from pmo.portfolio.reference_imports import KINDS

register = template.Library()


@register.filter
def as_ticks(field: forms.BoundField) -> TickList:
    """A multiple-choice form field as plain tick values (see ``partials/ticks.html``)."""
    return tick_list(field)


@register.filter
def widget(field: forms.BoundField, size: str = "") -> SafeString:
    """The field's widget with Bootstrap's classes, marked invalid when the field has errors
    (Django adds aria-invalid and points aria-describedby at the error text)."""
    control = field.field.widget
    if isinstance(control, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(control, forms.Select):
        css = f"form-select{' form-select-' + size if size else ''}"
    else:
        css = f"form-control{' form-control-' + size if size else ''}"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": f"{control.attrs.get('class', '')} {css}".strip()})


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_tick_list(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxSelectMultiple)


@register.filter
def is_radio_list(field: forms.BoundField) -> bool:
    """Radio buttons: a group named by its legend, each button by its own label."""
    return isinstance(field.field.widget, forms.RadioSelect)


@register.filter
def is_wide(field: forms.BoundField) -> bool:
    """Whether the field takes the form's full width (long text, tick lists)."""
    return isinstance(field.field.widget, forms.Textarea | forms.CheckboxSelectMultiple)


@register.simple_tag
def cell(kind: str, value: Any, record: Any = None) -> SafeString:
    """One value of a register table or record page, shown the way its column ``kind`` says
    (``pmo.core.cells.cell_html``)."""
    return cell_html(kind, value, record)


@register.filter
def import_url(model_name: str) -> str:
    """The page importing this kind of record (by its model's name: ``project``, ``person``…)
    from Excel, or "" where there is none: what an empty list offers beside "add one"."""
    if model_name == "project":
        return reverse("portfolio:project_import")
    found = next((name for name, kind in KINDS.items() if kind.model._meta.model_name == model_name), None)
    return reverse("portfolio:reference_import", args=[found]) if found else ""


@register.filter
def is_narrowed(query: Any) -> bool:
    """Whether the address narrows the list (a search, a filter, a date), not only shows it
    another way (sorted, paged, other columns): an empty list then says "no match", not "none yet"."""
    return any(key not in {"sort", "page", "cols"} and query.getlist(key) != [""] for key in query)
