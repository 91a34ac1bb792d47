"""The base of every list filter, on the pages and in the API: a value that names a record by a
column (an id, a code) is checked against that column's range before any query, so an id no row
can hold (``?stage=99999999999999999999``, beyond a 64-bit integer) is refused like any other id
that names no record, instead of reaching the database and failing there."""

import copy
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, ClassVar

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import QueryDict
from django_filters import rest_framework
from django_filters.fields import ModelChoiceField, ModelMultipleChoiceField
from django_filters.filters import FilterMethod
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import get_model_field


def _column(field: models.Field) -> models.Field:
    """The column a field's values are stored in (a foreign key's is the target's key)."""
    while field.is_relation and field.target_field is not field:  # type: ignore[attr-defined]
        field = field.target_field  # type: ignore[attr-defined]
    return field


def _key_column(queryset: QuerySet[Any], to_field_name: str | None) -> models.Field:
    meta = queryset.model._meta
    return _column(meta.get_field(to_field_name) if to_field_name else meta.pk)


def beyond_column(column: models.Field, raw: Any) -> bool:
    """True when ``raw`` reads as a value of ``column`` that no row can hold: beyond the range
    the database keeps (an integer above 2^63 - 1) or longer than the column. A value that does
    not read as one at all (``abc`` for an id) is left for the form field to refuse its own way."""
    try:
        value = column.to_python(raw)
    except ValidationError:
        return False
    try:
        column.run_validators(value)
    except ValidationError:
        return True
    return False


ID_COLUMN: models.BigAutoField[int, int] = models.BigAutoField(primary_key=True)


def record_id(raw: str) -> int | None:
    """An id read from a query string (``?period=12``): a whole number written in ASCII digits
    that some row could hold, or None for anything else (``²``, ``-1``, 2^64)."""
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or beyond_column(ID_COLUMN, raw):
        return None
    return int(raw)


class RecordChoiceField(ModelChoiceField):
    """A record chosen by its key; a key no row can hold is not one of the choices."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and beyond_column(
            _key_column(self.queryset, self.to_field_name), value
        ):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return super().to_python(value)


class RecordMultipleChoiceField(ModelMultipleChoiceField):
    """Several records chosen by their keys; a key no row can hold is not one of the choices."""

    def _check_values(self, value: Iterable[Any]) -> Any:
        column = _key_column(self.queryset, self.to_field_name)
        for key in value:
            if key != self.null_value and beyond_column(column, key):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": key}
                )
        return super()._check_values(value)

    def clean(self, value: Any) -> Any:
        """As Django's, but none chosen is an empty list, not an empty queryset: a filter asks
        whether anything was chosen (``if not value``), and asking an empty queryset made Django
        build its SQL, subqueries and all, before finding it empty (the register's six record
        filters: a few milliseconds a page)."""
        if not self.required and not value:
            return []
        return super().clean(value)


class WithinColumn:
    """A number filter's validator: the number fits the integer column it is compared with."""

    def __init__(self, column: models.Field) -> None:
        self.column = column

    def __call__(self, value: Decimal | None) -> None:
        if value is not None and value == value.to_integral_value():
            self.column.run_validators(int(value))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WithinColumn) and other.column is self.column

    def __hash__(self) -> int:
        return hash(self.column)


def _bound(model: type[models.Model] | None, found: django_filters.Filter) -> None:
    if isinstance(found, django_filters.ModelMultipleChoiceFilter):
        found.field_class = RecordMultipleChoiceField
    elif isinstance(found, django_filters.ModelChoiceFilter):
        found.field_class = RecordChoiceField
    elif isinstance(found, django_filters.NumberFilter) and model is not None and not found.method:
        field = get_model_field(model, found.field_name)
        column = _column(field) if field is not None else None
        validators = list(found.extra.get("validators", ()))
        if isinstance(column, models.IntegerField) and WithinColumn(column) not in validators:
            found.extra["validators"] = [*validators, WithinColumn(column)]


def _copied(found: django_filters.Filter) -> django_filters.Filter:
    """A filter for one filter set: its own settings (``extra``) and method, its field not made."""
    copied = copy.copy(found)
    copied.extra = dict(found.extra)
    copied.__dict__.pop("_field", None)
    if isinstance(found.__dict__.get("filter"), FilterMethod):
        copied.filter = FilterMethod(copied)
    return copied


class FilterSet(rest_framework.FilterSet):
    """Every app's filters derive from this one (and the API's ``filterset_fields`` through
    ``FilterBackend``): a filter that chooses records by key, or compares a number with an integer
    column, refuses a value no row can hold with the same message as any value that matches none
    (a 400 in the API, a message on the page)."""

    # A filter set whose filters are the same on every request may keep its form's class, made
    # once (``form_kept = True``): django-filter made a new class, fields and all, for each
    # request (about a millisecond of the register's). One that changes a field per request
    # changes it on the form made from the kept class (``adapt_form``).
    form_kept: ClassVar[bool] = False
    _kept_forms: ClassVar[dict[type, type[forms.Form]]] = {}

    def __init__(
        self, data: Any = None, queryset: Any = None, *, request: Any = None, prefix: str | None = None
    ) -> None:
        if not self.form_kept:
            super().__init__(data, queryset, request=request, prefix=prefix)
            return
        # As django-filter's, but each filter copied rather than deep-copied (its field, made
        # for the kept form class, is not made again).
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: _copied(found) for name, found in self.base_filters.items()}
        for found in self.filters.values():
            found.model = queryset.model
            found.parent = self

    def get_form_class(self) -> type[forms.Form]:
        if not self.form_kept:
            return super().get_form_class()
        found = FilterSet._kept_forms.get(type(self))
        if found is None:
            found = FilterSet._kept_forms[type(self)] = super().get_form_class()
        return found

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            self._form = super().form
            if self.form_kept:
                self.adapt_form(self._form)
        return self._form

    def adapt_form(self, form: forms.Form) -> None:
        """Change this request's form made from the kept class (``form_kept``)."""

    @classmethod
    def get_filters(cls) -> dict[str, django_filters.Filter]:
        found: dict[str, django_filters.Filter] = super().get_filters()
        for each in found.values():
            _bound(cls._meta.model, each)
        return found


class FilterBackend(DjangoFilterBackend):
    """django-filter's DRF backend, building a view's ``filterset_fields`` on ``FilterSet``."""

    filterset_base = FilterSet
