"""Template helpers of the register's pages: Bootstrap-styled form widgets and money."""

from decimal import Decimal

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()


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
def is_wide(field: forms.BoundField) -> bool:
    """Whether the field takes the form's full width (long text, tick lists)."""
    return isinstance(field.field.widget, forms.Textarea | forms.CheckboxSelectMultiple)


@register.filter
def money(value: Decimal | int | float | None) -> str:
    """£1,234,567 (whole pounds), or a dash when there is no amount."""
    if value is None or value == "":
        return "—"
    return f"£{Decimal(value):,.0f}"
