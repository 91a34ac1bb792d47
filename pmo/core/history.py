"""Reading history: each change to a record as who / when / field before → after, and the
point in time for "as of" views."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Case, Value, When
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from simple_history.manager import HistoryDescriptor

from pmo.core import clock, formatting
from pmo.core.restrict import EVERYTHING, is_restricted, restriction
from pmo.core.text_limits import longest_text, shorten

BAD_POINT_IN_TIME = "Give a date as YYYY-MM-DD (or a date and time), not {raw!r}."
FUTURE_POINT_IN_TIME = "The date {raw} is in the future; history only goes up to now."

HIDDEN_RECORD = "(a record you may not see)"
KIND_LABELS = {"+": "created", "~": "changed", "-": "deleted"}
SKIPPED_FIELDS = {"id", "version", "created_at", "updated_at"}


@dataclass
class HistoryEntry:
    when: datetime
    who: str | None
    kind: str
    reason: str | None
    version: int | None
    changes: list[dict[str, Any]] = field(default_factory=list)


def stamp_from_the_clock(*, instance: models.Model, history_instance: models.Model, **_: Any) -> None:
    """Date each history entry by ``pmo.core.clock`` (simple-history reads Django's own clock), so
    an entry written while the clock is held — the demo replaying its year — says when it
    happened in the replay. A date the writer gave (``_history_date``) is kept. Connected to
    simple-history's ``pre_create_historical_record`` by ``CoreConfig.ready``."""
    if not hasattr(instance, "_history_date"):
        history_instance.history_date = clock.now()  # type: ignore[attr-defined]


_MANAGER_CLASSES: dict[tuple[type, type], type] = {}


def _history_manager(descriptor: HistoryDescriptor, instance: Any, owner: Any) -> Any:
    """``HistoryDescriptor.__get__`` with its manager class made once: simple-history made a new
    class (``Manager.from_queryset``, which inspects every queryset method) on every read of
    ``record.history``, and it reads it to write each history entry: about a millisecond of every
    audited write, the same class each time."""
    key = (descriptor.manager_class, descriptor.queryset_class)
    manager_class = _MANAGER_CLASSES.get(key)
    if manager_class is None:
        manager_class = _MANAGER_CLASSES[key] = descriptor.manager_class.from_queryset(
            descriptor.queryset_class
        )
    return manager_class(descriptor.model, instance)


def keep_history_manager_classes() -> None:
    """Make simple-history's ``record.history`` managers from one class per kind (see
    ``_history_manager``); called once, when the app is ready."""
    HistoryDescriptor.__get__ = _history_manager


def parse_point_in_time(raw: str) -> datetime:
    """A date (meaning the end of that day) or datetime, as an aware datetime not in the future."""
    moment: datetime | None = parse_datetime(raw) if "T" in raw or " " in raw.strip() else None
    if moment is None:
        try:
            day: date | None = parse_date(raw.strip())
        except ValueError:
            day = None
        if day is None:
            raise ValueError(BAD_POINT_IN_TIME.format(raw=raw))
        moment = datetime.combine(day, time.max)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment.date() > clock.today():
        raise ValueError(FUTURE_POINT_IN_TIME.format(raw=raw))
    return moment


def _tracked_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields history shows: not the bookkeeping ones, nor those history does not keep
    (``excluded_fields``, such as a user's password hash)."""
    excluded = set(getattr(model.history.model, "_history_excluded_fields", ()))  # type: ignore[attr-defined]
    return [f for f in model._meta.concrete_fields if f.name not in SKIPPED_FIELDS | excluded]


def _display(field_: models.Field, value: Any, names: dict[tuple[Any, Any], str]) -> str:
    if value is None or value == "":
        return "—"
    if field_.is_relation:
        return names.get((field_.related_model, value), f"#{value}")
    if field_.choices:
        return str(dict(field_.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "j M Y H:i")
    if isinstance(value, date):
        return formats.date_format(value, "j M Y")
    if isinstance(value, Decimal):  # written the app's one way (ADR 0033): £ where the label says so
        label = str(field_.verbose_name)
        if "£" in label:
            return formatting.money(value)
        if "%" in label:
            return formatting.percent(value, 2)
        return formatting.number(value)
    return shorten(str(value), longest_text())  # text stored before the limits may be longer


def _as_seen_by(user: Any, model: type[models.Model], pks: set[Any]) -> models.QuerySet[Any]:
    """The ``model`` records ``pks`` (one query), each marked ``visible`` where its model keeps
    some of its records from ``user`` (see ``pmo.core.restrict``)."""
    found = model._default_manager.filter(pk__in=list(pks))
    if not is_restricted(model):
        return found
    seen = restriction(model, user, "view")
    if seen == EVERYTHING:
        return found.annotate(visible=Value(True))
    return found.annotate(visible=Case(When(seen, then=Value(True)), default=Value(False)))


def _names(field_: models.Field, pks: frozenset[Any], names: dict[tuple[Any, Any], str]) -> str:
    return ", ".join(sorted(names.get((field_.related_model, pk), f"#{pk}") for pk in pks)) or "—"


def history_entries(instance: models.Model, *, user: Any) -> list[HistoryEntry]:
    """Every change to ``instance``, newest first, with readable before/after values, as
    ``user`` may read them: a related record they may not see (a confidential project a
    dependency once named) is shown as ``HIDDEN_RECORD``, never by name.

    Runs a fixed number of queries whatever the length of the history: the records, one query
    per related model for names, and one per many-to-many field."""
    model = type(instance)
    records = list(instance.history.select_related("history_user").order_by("history_date", "history_id"))  # type: ignore[attr-defined]
    fields = _tracked_fields(model)
    m2m_fields = [f for f in model._meta.many_to_many if hasattr(records[0] if records else None, f.name)]

    wanted: dict[Any, set[Any]] = defaultdict(set)
    for record in records:
        for f in fields:
            if f.is_relation and (value := getattr(record, f.attname)) is not None:
                wanted[f.related_model].add(value)
    m2m_values: dict[str, dict[int, frozenset[Any]]] = {}
    for f in m2m_fields:
        through = getattr(type(records[0]), f.name).model
        per_record: dict[int, set[Any]] = defaultdict(set)
        target = f.m2m_reverse_field_name()
        for history_id, value in through._default_manager.filter(
            history__in=[r.history_id for r in records]
        ).values_list("history_id", f"{target}_id"):
            per_record[history_id].add(value)
            wanted[f.related_model].add(value)
        m2m_values[f.name] = {r.history_id: frozenset(per_record[r.history_id]) for r in records}
    names = {
        (related, obj.pk): str(obj) if getattr(obj, "visible", True) else HIDDEN_RECORD
        for related, pks in wanted.items()
        for obj in _as_seen_by(user, related, pks)
    }

    entries: list[HistoryEntry] = []
    previous = None
    for record in records:
        changes: list[dict[str, Any]] = []
        for f in fields:
            new = getattr(record, f.attname)
            old = getattr(previous, f.attname) if previous is not None else None
            if record.history_type == "-" or (previous is not None and old == new):
                continue
            if previous is None and new in (None, "", False):
                continue
            changes.append(
                {
                    "field": str(f.verbose_name),
                    "before": _display(f, old, names) if previous else None,
                    "after": _display(f, new, names),
                }
            )
        for f in m2m_fields:
            new_set = m2m_values[f.name][record.history_id]
            old_set: frozenset[Any] = (
                m2m_values[f.name][previous.history_id] if previous is not None else frozenset()
            )
            if record.history_type != "-" and new_set != old_set:
                changes.append(
                    {
                        "field": str(f.verbose_name),
                        "before": _names(f, old_set, names) if previous is not None else None,
                        "after": _names(f, new_set, names),
                    }
                )
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=str(record.history_user) if record.history_user else None,
                kind=KIND_LABELS.get(record.history_type, record.history_type),
                reason=record.history_change_reason,
                version=getattr(record, "version", None),
                changes=changes,
            )
        )
        previous = record
    entries.reverse()
    return entries
