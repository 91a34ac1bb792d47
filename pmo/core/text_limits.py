"""Bounded free text: every text field of the PMO's records has a length limit, named by kind.

A ``BoundedTextField`` is a ``TextField`` whose ``max_length`` is one of the named limits in
``settings.PMO_TEXT_LIMITS`` (``NOTE``: a comment, a reason, a decision's notes; ``DESCRIPTION``:
a narrative such as a project's description, a report's summary, an exception's options). From
that one number:

- ``full_clean()`` (and so every service and import) refuses longer text with ``TEXT_TOO_LONG``,
  which names the field and the limit;
- its form field's textarea has ``maxlength`` and the help text says the limit;
- the API's serializer field has ``max_length`` (published as ``maxLength`` in the OpenAPI
  schema) and refuses longer text with the same message (``BoundedCharField`` in
  ``pmo.core.api``).

The database and the migrations see a plain ``TextField``: the limit is not part of the schema,
so the PMO may tune the numbers in the settings without a migration. Text stored before the
limits existed is shortened once by each app's data migration (``shorten_over_long_text``).
See docs/adr/ on bounded free text."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.text import capfirst

TEXT_TOO_LONG = "{field} is {length:,} characters long; the limit is {limit:,}."
LIMIT_HELP = "Up to {limit:,} characters."
SHORTENED = "… ({hidden:,} more characters not shown)"
UNKNOWN_LIMIT = "No text limit called {limit!r}: use one of {known} (settings.PMO_TEXT_LIMITS)."

NOTE = "note"
DESCRIPTION = "description"


def text_limit(limit: str) -> int:
    """The number of characters the named limit allows."""
    limits: dict[str, int] = settings.PMO_TEXT_LIMITS
    if limit not in limits:
        raise ImproperlyConfigured(UNKNOWN_LIMIT.format(limit=limit, known=", ".join(sorted(limits))))
    return limits[limit]


def longest_text() -> int:
    """The most characters any text field holds: a history shows values up to this in full."""
    return max(settings.PMO_TEXT_LIMITS.values())


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how many more there were (for display only,
    e.g. a value stored before the limits existed)."""
    if len(text) <= limit:
        return text
    return text[:limit] + SHORTENED.format(hidden=len(text) - limit)


def text_too_long(label: str, length: int, limit: int) -> str:
    return TEXT_TOO_LONG.format(field=capfirst(label), length=length, limit=limit)


def with_limit_help(help_text: str, limit: int) -> str:
    """``help_text`` followed by the sentence that states the limit."""
    said = LIMIT_HELP.format(limit=limit)
    return f"{help_text} {said}" if help_text else said


@deconstructible
class TextLengthValidator(MaxLengthValidator):
    """Refuses text longer than ``limit_value`` with a message naming the field (``label``)."""

    def __init__(self, limit_value: int, label: str) -> None:
        super().__init__(limit_value)
        self.label = label

    def __call__(self, value: Any) -> None:
        length = len(value)
        if length > self.limit_value:
            raise ValidationError(text_too_long(self.label, length, self.limit_value), code="max_length")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextLengthValidator) and (self.limit_value, self.label) == (
            other.limit_value,
            other.label,
        )

    def __hash__(self) -> int:
        return hash((self.limit_value, self.label))


def bound_form_field(field: forms.CharField, *, limit: int, label: str) -> forms.CharField:
    """A form's text field bounded like the model field it fills: ``maxlength`` on its widget,
    the limit in its help text, over-long text refused with ``TEXT_TOO_LONG``."""
    field.max_length = limit
    field.widget.attrs.update(field.widget_attrs(field.widget))
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.validators.append(TextLengthValidator(limit, label))
    field.help_text = with_limit_help(str(field.help_text or ""), limit)
    return field


class BoundedTextField(models.TextField):
    """Free text with a named length limit (``NOTE`` or ``DESCRIPTION``)."""

    def __init__(self, *args: Any, limit: str, **kwargs: Any) -> None:
        self.limit = limit
        kwargs["max_length"] = text_limit(limit)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        # In the database and in migrations a plain TextField: the limit is the model's and the
        # settings' (changing it needs no migration, and no table is rebuilt for it).
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, "django.db.models.TextField", args, kwargs

    def clone(self) -> "BoundedTextField":
        _name, _path, args, kwargs = self.deconstruct()
        return self.__class__(*args, limit=self.limit, **kwargs)

    @property
    def label(self) -> str:
        return capfirst(str(self.verbose_name))

    @cached_property
    def validators(self) -> list[Any]:
        return [*self.default_validators, *self._validators, TextLengthValidator(self.max_length, self.label)]

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        field = super().formfield(**kwargs)
        return bound_form_field(field, limit=self.max_length, label=str(kwargs.get("label") or self.label))


def model_text_form_field(model: type[models.Model], name: str, **kwargs: Any) -> Any:
    """The form field for a model's text field ``name`` (its limit included), for a form that
    declares the field itself (a workflow's note, which the service stores in that field)."""
    return model._meta.get_field(name).formfield(**kwargs)
