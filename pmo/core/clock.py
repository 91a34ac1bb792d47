"""The one clock of Portfolio Office: every "now" and "today" the product reads comes from here.

``now()`` is an aware datetime and ``today()`` the date in the site's time zone (``TIME_ZONE``).
Normally they are Django's ``timezone.now()`` and ``timezone.localdate()``, so a test that freezes
time (``time-machine``) or a process run under ``faketime`` moves them too. ``as_at(moment)``
holds the clock at a moment for the code run inside it — the demo replays its year this way::

    with clock.as_at(demo_moment(day, 9)):
        report_submit(actor=pm, report=report)   # submitted_at, history date, updated_at: that day

Held time is per thread and per asyncio task (a ``ContextVar``), so a request served at the same
time in another thread still sees the real time; ``as_at`` blocks nest, the inner one wins until
it ends. Each read of a held clock moves it on a microsecond, so the records one call writes keep
their order in the history.

Only time the product *records or compares* goes through here. Durations measured for speed
(``time.monotonic``) and the database server's own ``NOW()`` are not the product's clock; code
must not use the database's ``NOW()`` for "today" (the server's clock is its own, and is not the
one a test or the demo holds).
"""

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

NAIVE_MOMENT = "The clock can only be held at an aware datetime (with a time zone), not {moment!r}."


@dataclass
class _Held:
    moment: dt.datetime
    ticks: Iterator[int] = field(default_factory=itertools.count)

    def read(self) -> dt.datetime:
        return self.moment + dt.timedelta(microseconds=next(self.ticks))


_held: ContextVar[_Held | None] = ContextVar("pmo_clock_held", default=None)


def now() -> dt.datetime:
    """The current moment, aware (UTC inside, like Django's ``timezone.now()``)."""
    held = _held.get()
    return held.read() if held is not None else timezone.now()


def today() -> dt.date:
    """Today's date in the site's time zone."""
    return timezone.localdate(now())


@contextmanager
def as_at(moment: dt.datetime) -> Iterator[None]:
    """Run the code inside as at ``moment`` (aware): ``now()`` starts there and moves on a
    microsecond per read; ``today()`` is that moment's local date."""
    if timezone.is_naive(moment):
        raise ValueError(NAIVE_MOMENT.format(moment=moment))
    token = _held.set(_Held(moment))
    try:
        yield
    finally:
        _held.reset(token)


class ClockDateTimeField(models.DateTimeField):
    """A ``DateTimeField`` whose ``auto_now`` / ``auto_now_add`` stamp comes from this clock, so a
    record written while the clock is held (the demo replaying its year) says when it was written
    in that replay, as its history does.

    In the database and in migrations it is a plain ``DateTimeField`` with the same options: only
    where the stamp comes from differs, and migrations never write through the product's models
    (docs/adr/0020-one-clock.md)."""

    def pre_save(self, model_instance: models.Model, add: bool) -> dt.datetime | None:
        if self.auto_now or (self.auto_now_add and add):
            value = now()
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs
