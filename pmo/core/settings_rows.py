"""The PMO's settings records: each settings model holds one row, read by ``settings_row``.

A long piece of work that reads the settings again and again (the demo build writes a year of
reports, each reading the reporting and RAID settings several times) reads each row once inside
``settings_kept()``; a save of a settings row inside the block drops its kept copy, so a change
made there is read back at once. Outside the block every call reads the database.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db.models import Model
from django.db.models.signals import post_save

from pmo.core.compiled import CompiledRecords

M = TypeVar("M", bound=Model)

_KEPT: ContextVar[dict[type[Model], Model] | None] = ContextVar("pmo_settings_kept", default=None)


def settings_row(model: type[M]) -> M:
    """The one row of the settings ``model``, made with its defaults if missing."""
    kept = _KEPT.get()
    if kept is not None and model in kept:
        return kept[model]  # type: ignore[return-value]
    found = _first_row(model).records()
    row = found[0] if found else model._default_manager.create()
    if kept is not None:
        kept[model] = row
    return row


_FIRST_ROWS: dict[type[Model], CompiledRecords] = {}


def _first_row(model: type[M]) -> CompiledRecords:
    """The query reading ``model``'s first row, compiled once (every page reads two or three
    settings rows: building each query took longer than running it)."""
    found = _FIRST_ROWS.get(model)
    if found is None:
        found = _FIRST_ROWS[model] = CompiledRecords(
            model, lambda: model._default_manager.order_by("pk"), first=True
        )
    return found


@contextmanager
def settings_kept() -> Iterator[None]:
    """Read each settings row once within the block (saved rows are read again)."""
    token = _KEPT.set({})
    try:
        yield
    finally:
        _KEPT.reset(token)


def _forget_saved(sender: type[Model], **kwargs: Any) -> None:
    kept = _KEPT.get()
    if kept:
        kept.pop(sender, None)


post_save.connect(_forget_saved, dispatch_uid="pmo.core.settings_rows")
