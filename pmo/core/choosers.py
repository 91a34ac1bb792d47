"""Choosing one record among thousands by typing: a person, a login, a project.

A form field (``SearchChoiceField``) shows a text box, not a select of every record. With
JavaScript, typing asks a small endpoint (``search_page``) for the first ``SEARCH_LIMIT``
records whose name or key contains every word typed, shown as a listbox under the box (the
combobox pattern: arrow keys move, Enter picks, Escape closes; ``core/pmo.js``). Picking puts the
record's label ("Ana Diaz (ana.diaz@example.org)") in the box. Without JavaScript it is a plain
text box. Either way the server reads the text: the exact label, key (an e-mail, a code) or name
names one record; a name several records share, or nothing matching, is an error saying so.

What a user may choose is the field's queryset, and what the endpoint lists is the same
restricted queryset (``restrict(user, "view")``), so the two cannot disagree. A page holding
the field costs one query per field with a value (its label), whatever the number of records.
"""

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

SEARCH_LIMIT = 20
"""The most matches a search lists; more are left for the person to narrow by typing more."""

_BRACKETED_KEY = re.compile(r"^(?P<name>.*)\((?P<key>[^()]+)\)\s*$")


@dataclass(frozen=True)
class Chooser:
    """How records of one kind are found by what somebody types.

    ``key_field`` is unique (an e-mail, a code) and shown in each label, so that two records of
    the same name are told apart; ``label`` is ``"{name} ({key})"`` unless ``key_first``
    (``"{key} {name}"``, as projects are written)."""

    url_name: str
    name_field: str
    key_field: str
    search_fields: tuple[str, ...]
    unknown: str  # {text}
    ambiguous: str  # {text}, {count}
    help_text: str
    key_first: bool = False

    def label(self, record: Any) -> str:
        name, key = getattr(record, self.name_field), getattr(record, self.key_field)
        if not key:
            return str(name)
        return f"{key} {name}" if self.key_first else f"{name} ({key})"

    def search(self, queryset: QuerySet[Any], text: str, limit: int = SEARCH_LIMIT) -> list[Any]:
        """Up to ``limit`` records with every word of ``text`` in one of the search fields, by name."""
        for word in text.split():
            condition = Q()
            for name in self.search_fields:
                condition |= Q(**{f"{name}__icontains": word})
            queryset = queryset.filter(condition)
        fields = ("pk", self.name_field, self.key_field)
        return list(queryset.only(*fields).order_by(self.name_field, self.key_field)[:limit])

    def find(self, queryset: QuerySet[Any], text: str) -> Any:
        """The one record ``text`` names: its label or key exactly, else its name if no other
        record has it (case ignored). Raises ValidationError saying what is wrong otherwise."""
        text = " ".join(text.split())
        keys = {text}
        if self.key_first and " " in text:
            keys.add(text.split(" ", 1)[0])
        elif found := _BRACKETED_KEY.match(text):
            keys.add(found["key"].strip())
        by_key = Q()
        for key in keys:
            by_key |= Q(**{f"{self.key_field}__iexact": key})
        candidates = list(queryset.filter(by_key | Q(**{f"{self.name_field}__iexact": text}))[:50])
        wanted = text.casefold()
        exact = [
            r
            for r in candidates
            if wanted in (str(getattr(r, self.key_field)).casefold(), self.label(r).casefold())
        ]
        if exact:
            return exact[0]
        named = [r for r in candidates if str(getattr(r, self.name_field)).casefold() == wanted]
        if len(named) == 1:
            return named[0]
        if named:
            raise ValidationError(self.ambiguous.format(text=text, count=len(named)), code="ambiguous")
        raise ValidationError(self.unknown.format(text=text), code="unknown")


class SearchInput(forms.TextInput):
    """A text box that lists matching records as you type (see the module's docstring)."""

    template_name = "core/widgets/search_input.html"

    def __init__(self, chooser: Chooser | None = None, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.chooser = chooser

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget_id = widget["attrs"].get("id") or f"id_{name}"
        widget["listbox_id"] = f"{widget_id}_options"
        widget["status_id"] = f"{widget_id}_status"
        if self.chooser is not None:
            widget["search_url"] = f"{reverse(self.chooser.url_name)}?{urlencode({'field': name})}"
        return context


class SearchChoiceField(forms.ModelChoiceField):
    """One record of ``queryset``, chosen by typing (see the module's docstring)."""

    def __init__(self, queryset: Any, *, chooser: Chooser, **kwargs: Any) -> None:
        kwargs.setdefault("widget", SearchInput(chooser))
        kwargs.setdefault("help_text", chooser.help_text)
        kwargs.setdefault("empty_label", None)
        super().__init__(queryset, **kwargs)
        self.chooser = chooser

    def prepare_value(self, value: Any) -> Any:
        """What the box shows: typed text as typed, a record (or its id) as its label."""
        if value is None or isinstance(value, str):
            return value or ""
        if isinstance(value, Model):
            return self.chooser.label(value)
        record = self.records.filter(pk=value).first()
        return self.chooser.label(record) if record is not None else ""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Model):
            return value
        if not isinstance(value, str):  # a disabled field's initial value: the record's id
            return self._by_id(value)
        try:
            return self.chooser.find(self.records, value)
        except ValidationError as error:
            # A form sent by a script (or a test) may name the record by its id, as a select did.
            if error.code == "unknown" and value.strip().isdigit():
                return self._by_id(value.strip(), error)
            raise

    @property
    def records(self) -> QuerySet[Any]:
        """The records that may be chosen (the field's queryset, always set)."""
        if self.queryset is None:
            raise TypeError("A SearchChoiceField needs a queryset.")
        return self.queryset

    def _by_id(self, value: Any, error: ValidationError | None = None) -> Any:
        record = self.records.filter(pk=value).first()
        if record is None:
            raise error or ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return record

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        try:
            chosen = self.to_python(data)
        except ValidationError:
            return True
        before = initial.pk if isinstance(initial, Model) else initial
        return str(before if before is not None else "") != str(chosen.pk if chosen is not None else "")


def choose_by_search(form: forms.BaseForm, chooser: Chooser, queryset: Any, *names: str) -> None:
    """Turn the form's fields ``names`` (selects of every record) into ``SearchChoiceField``s
    keeping their label, help, required and disabled states."""
    for name in names:
        old = form.fields.get(name)
        if old is None:
            continue
        form.fields[name] = SearchChoiceField(
            queryset,
            chooser=chooser,
            label=old.label,
            required=old.required,
            disabled=old.disabled,
            initial=old.initial,
            help_text=old.help_text or chooser.help_text,
        )


def search_page(request: HttpRequest, chooser: Chooser, queryset: QuerySet[Any]) -> HttpResponse:
    """The options of a search box: ``?field=NAME&NAME=text`` (as the box sends it) or ``?q=text``.
    Lists up to ``SEARCH_LIMIT`` matches among ``queryset`` (already restricted to the user)."""
    field = request.GET.get("field", "q")
    text = " ".join(request.GET.get(field, request.GET.get("q", "")).split())
    found = chooser.search(queryset, text, SEARCH_LIMIT + 1) if text else []
    return render(
        request,
        "core/partials/search_options.html",
        {
            "text": text,
            "labels": [chooser.label(record) for record in found[:SEARCH_LIMIT]],
            "more": len(found) > SEARCH_LIMIT,
            "limit": SEARCH_LIMIT,
        },
    )
