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

import json
from collections.abc import Callable, Mapping
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.text import capfirst

from pmo.core import clock

TEXT_TOO_LONG = "{field} is {length:,} characters long; the limit is {limit:,}."
LIMIT_HELP = "Up to {limit:,} characters."
SHORTENED = "… ({hidden:,} more characters not shown)"
SHORTENED_ON_UPGRADE = (
    "\n[Shortened to the {limit:,}-character limit on upgrade; the full text ({length:,} "
    "characters) is kept in this record's history.]"
)
UPGRADE_REASON = "Text over the length limits shortened on upgrade: {fields}"
FULL_TEXT_REASON = "As stored before the upgrade (full text)"
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


class TextFormField(forms.CharField):
    """A textarea's text with each line break as one character (the browser sends CR LF but
    counts one character towards ``maxlength``), so the page and the limit agree."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


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
        self.limit_value = kwargs["max_length"] = text_limit(limit)
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
        return [*super().validators, TextLengthValidator(self.limit_value, self.label)]

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("form_class", TextFormField)
        field = cast(forms.CharField, super().formfield(**kwargs))
        return bound_form_field(field, limit=self.limit_value, label=str(kwargs.get("label") or self.label))


class BoundedJSONField(models.JSONField):
    """A small JSON document the system writes (figures kept as they stood, a file's column
    mapping), refused beyond a named size: its JSON text no longer than ``limit`` allows."""

    def __init__(self, *args: Any, limit: str, **kwargs: Any) -> None:
        self.limit = limit
        self.limit_value = text_limit(limit)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        # In the database and in migrations a plain JSONField, as BoundedTextField is a TextField.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs

    def clone(self) -> "BoundedJSONField":
        _name, _path, args, kwargs = self.deconstruct()
        return self.__class__(*args, limit=self.limit, **kwargs)

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        length = len(json.dumps(value, cls=self.encoder or DjangoJSONEncoder))
        if length > self.limit_value:
            label = capfirst(str(self.verbose_name))
            raise ValidationError(
                TEXT_TOO_LONG.format(field=label, length=length, limit=self.limit_value), code="max_length"
            )


def model_text_form_field(model: type[models.Model], name: str, **kwargs: Any) -> Any:
    """The form field for a model's text field ``name`` (its limit included), for a form that
    declares the field itself (a workflow's note, which the service stores in that field)."""
    return cast(BoundedTextField, model._meta.get_field(name)).formfield(**kwargs)


def shorten_over_long_text(
    app_label: str, fields: Mapping[str, Mapping[str, str]]
) -> Callable[[Any, Any], None]:
    """A data migration's step (``migrations.RunPython``): text stored before the limits existed
    that is longer than its field's limit is cut to the limit, ending with ``SHORTENED_ON_UPGRADE``,
    so that the record can be saved again (``full_clean`` would refuse it). Nothing is lost: the
    history keeps the full text (an entry holding it is written first where the history has
    none) and gains an entry for the change, by the system, giving ``UPGRADE_REASON``.

    ``fields``: model name → {field name → limit name}, as the models stood when the migration
    was written."""

    def run(apps: Any, schema_editor: Any) -> None:
        for model_name, limits in fields.items():
            model = apps.get_model(app_label, model_name)
            lengths = {f"_length_{name}": Length(name) for name in limits}
            over = models.Q()
            for name, limit in limits.items():
                over |= models.Q(**{f"_length_{name}__gt": text_limit(limit)})
            for record in model._default_manager.annotate(**lengths).filter(over).order_by("pk"):
                _shorten_record(apps, app_label, model, record, limits)

    return run


def _shorten_record(apps: Any, app_label: str, model: Any, record: Any, limits: Mapping[str, str]) -> None:
    history = _history_model(apps, app_label, model)
    now = clock.now()
    if history is not None and not _history_holds(history, record, limits):
        _write_history(apps, app_label, history, model, record, now, FULL_TEXT_REASON)
    changed = {}
    for name, limit_name in limits.items():
        text, limit = getattr(record, name) or "", text_limit(limit_name)
        if len(text) > limit:
            mark = SHORTENED_ON_UPGRADE.format(limit=limit, length=len(text))
            changed[name] = text[: limit - len(mark)] + mark
    field_names = {f.name for f in model._meta.concrete_fields}
    if "version" in field_names:
        changed["version"] = record.version + 1
    if "updated_at" in field_names:
        changed["updated_at"] = now
    model._default_manager.filter(pk=record.pk).update(**changed)
    for name, value in changed.items():
        setattr(record, name, value)
    if history is not None:
        names = ", ".join(str(model._meta.get_field(n).verbose_name) for n in limits if n in changed)
        _write_history(apps, app_label, history, model, record, now, UPGRADE_REASON.format(fields=names))


def _history_model(apps: Any, app_label: str, model: Any) -> Any:
    try:
        return apps.get_model(app_label, f"Historical{model.__name__}")
    except LookupError:
        return None


def _history_holds(history: Any, record: Any, limits: Mapping[str, str]) -> bool:
    """Whether the record's latest history entry keeps its text as it is now."""
    latest = history._default_manager.filter(id=record.pk).order_by("-history_date", "-history_id").first()
    return latest is not None and all(getattr(latest, n) == getattr(record, n) for n in limits)


def _write_history(
    apps: Any, app_label: str, history: Any, model: Any, record: Any, when: Any, reason: str
) -> None:
    """A history entry of the record as it is now (with its many-to-many links), by the system."""
    values = {f.attname: getattr(record, f.attname) for f in model._meta.concrete_fields}
    entry = history._default_manager.create(
        **values, history_date=when, history_type="~", history_change_reason=reason[:100], history_user=None
    )
    for through in apps.get_app_config(app_label).get_models():
        prefix = f"{history.__name__}_"
        if not through.__name__.startswith(prefix):
            continue
        relation = model._meta.get_field(through.__name__[len(prefix) :])
        source = next(f for f in through._meta.concrete_fields if f.is_relation and f.related_model is model)
        target = next(
            f
            for f in through._meta.concrete_fields
            if f.is_relation and f.related_model is relation.related_model and f is not source
        )
        links = relation.remote_field.through._default_manager.filter(**{source.attname: record.pk})
        through._default_manager.bulk_create(
            through(history=entry, id=pk, **{source.attname: record.pk, target.attname: target_pk})
            for pk, target_pk in links.values_list("pk", target.attname)
        )
