"""Working calendars in minutes: when work can happen, and how far a working duration reaches.

A calendar has a working week (working-time ranges per weekday, such as 08:00-12:00 and
13:00-17:00), exceptions (a day off, or a day with other working times) and holidays (UK bank
holidays by default, from the ``holidays`` package). Time is counted in whole minutes from
``ORIGIN`` (1 January 1984, the earliest date MS Project accepts); every question a scheduler asks
("what is 3 working days after Monday 10:00?", "how much working time lies between these two
moments?") becomes arithmetic on one number: the working minutes before a moment.

Speed: the calendar keeps, per day from ``ORIGIN``, its working ranges and the working minutes
before the day starts (built lazily a year or more at a time), so moving a working duration is
one binary search however long the duration, with no stepping through days or weeks.

Durations are given as MS Project gives them: minutes, hours, days, weeks and months of working
time (a day is ``minutes_per_day``, a week ``minutes_per_week``, a month ``days_per_month`` days),
or the same units elapsed (round the clock, every day; an elapsed month is 30 days).
"""

from __future__ import annotations

import bisect
from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

import numpy as np

ORIGIN = datetime(1984, 1, 1)  # noqa: DTZ001 - plans keep wall-clock times, as MS Project does
ORIGIN_DAY = ORIGIN.date()
LAST_DAY = date(2149, 12, 31)  # MS Project's latest date
LAST_INDEX = (LAST_DAY - ORIGIN_DAY).days
MINUTES_PER_CALENDAR_DAY = 1440

Period = tuple[int, int]  # working time within a day: (from, to) in minutes after midnight

BEFORE_ORIGIN = "{moment} is before 1 January 1984, the earliest date a plan can hold."
BEYOND_LAST_DAY = "{what} reaches beyond 31 December 2149, the latest date a plan can hold."
NO_WORKING_TIME = "Calendar {name!r} has no working time in its week: nothing can be scheduled on it."
BAD_PERIOD = "Calendar {name!r}: working time {start}-{end} is not a range within one day."
OVERLAPPING = "Calendar {name!r}: working times {periods} overlap or are out of order."
UNKNOWN_UNIT = "Unknown duration unit {unit!r}."


class CalendarError(ValueError):
    """A calendar that cannot be used, or a date or duration outside what a plan can hold."""


def minute_of(moment: datetime) -> int:
    """Minutes from ``ORIGIN`` to ``moment`` (seconds dropped)."""
    if moment < ORIGIN:
        raise CalendarError(BEFORE_ORIGIN.format(moment=moment.isoformat(sep=" ")))
    delta = moment - ORIGIN
    return delta.days * MINUTES_PER_CALENDAR_DAY + delta.seconds // 60


_MOMENTS: dict[int, datetime] = {}


def moment_of(minute: int) -> datetime:
    """The moment ``minute`` minutes after ``ORIGIN`` (remembered: a plan's dates repeat)."""
    found = _MOMENTS.get(minute)
    if found is None:
        if len(_MOMENTS) > 200_000:
            _MOMENTS.clear()
        found = _MOMENTS[minute] = ORIGIN + timedelta(minutes=minute)
    return found


def hhmm(text: str) -> int:
    """Minutes after midnight of '08:00' or '08:00:00'; '00:00' as an end of day reads as 24:00
    only through ``period``."""
    parts = text.split(":")
    return int(parts[0]) * 60 + int(parts[1])


def period(start: str, end: str) -> Period:
    """A working-time range from two clock times; an end of '00:00' means midnight at the end of
    the day (as MS Project writes a range that runs to the end of the day)."""
    finish = hhmm(end)
    return hhmm(start), finish if finish else MINUTES_PER_CALENDAR_DAY


STANDARD_DAY: tuple[Period, ...] = ((8 * 60, 12 * 60), (13 * 60, 17 * 60))
STANDARD_WEEK: tuple[tuple[Period, ...], ...] = (STANDARD_DAY,) * 5 + ((), ())
ROUND_THE_CLOCK: tuple[tuple[Period, ...], ...] = (((0, MINUTES_PER_CALENDAR_DAY),),) * 7


@dataclass(frozen=True, eq=False)
class Calendar:
    """A working calendar. ``week`` has seven days, Monday first, each a tuple of working-time
    ranges in minutes after midnight (empty: a day off). ``exceptions`` override single dates
    (an empty tuple: a day off; ranges: other working times); ``holidays`` are days off unless an
    exception says otherwise. The three figures turn days, weeks and months into minutes.

    Calendars compare by identity (two tasks on the same calendar object share its arithmetic)."""

    name: str = "Standard"
    week: tuple[tuple[Period, ...], ...] = STANDARD_WEEK
    exceptions: Mapping[date, tuple[Period, ...]] = field(default_factory=dict)
    holidays: Container[date] = frozenset()
    minutes_per_day: int = 480
    minutes_per_week: int = 2400
    days_per_month: int = 20
    _cum: list[int] = field(default_factory=lambda: [0], init=False, repr=False)
    _days: list[tuple[Period, ...]] = field(default_factory=list, init=False, repr=False)
    _first: list[int] = field(default_factory=lambda: [-1], init=False, repr=False)
    _tables: dict[tuple[int, int], Any] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise CalendarError(f"Calendar {self.name!r}: a week has 7 days, not {len(self.week)}.")
        for periods in [*self.week, *self.exceptions.values()]:
            check_periods(self.name, periods)
        if not any(self.week):
            raise CalendarError(NO_WORKING_TIME.format(name=self.name))

    # -- what each day holds ------------------------------------------------------------------

    def periods_on(self, day: date) -> tuple[Period, ...]:
        """The working-time ranges of ``day`` (empty on a day off)."""
        found = self.exceptions.get(day)
        if found is not None:
            return found
        if day in self.holidays:
            return ()
        return self.week[day.weekday()]

    def is_working_day(self, day: date) -> bool:
        return bool(self.periods_on(day))

    # The calendar knows a window of days (``_first`` onwards), grown a year at a time either way;
    # ``_cum[i]`` is the working minutes before day ``_first + i``, counted from where the window
    # began (earlier days count negative), so positions already handed out never change.

    def _build(self, first: int, count: int) -> tuple[list[tuple[Period, ...]], list[int]]:
        day = ORIGIN_DAY + timedelta(days=first)
        one = timedelta(days=1)
        days, totals = [], []
        for _ in range(count):
            periods = self.periods_on(day)
            days.append(periods)
            totals.append(sum(end - start for start, end in periods))
            day += one
        return days, totals

    def _ensure(self, day: int) -> int:
        """Know ``day`` (an index from ``ORIGIN``); its place in the window."""
        if day < 0:
            raise CalendarError(BEFORE_ORIGIN.format(moment="A date or duration"))
        if day > LAST_INDEX:
            raise CalendarError(BEYOND_LAST_DAY.format(what="A date or duration"))
        if self._first[0] < 0:
            self._first[0] = max(day - 31, 0)
        first = self._first[0]
        if day < first:
            self._grow_back()
            return self._ensure(day)
        while day >= first + len(self._days):
            self._grow_on()
        return day - first

    def _grow_on(self) -> None:
        start = self._first[0] + len(self._days)
        if start > LAST_INDEX:
            raise CalendarError(BEYOND_LAST_DAY.format(what="A date or duration"))
        days, totals = self._build(start, min(366, LAST_INDEX + 1 - start))
        cum = self._cum
        total = cum[-1]
        for amount in totals:
            total += amount
            cum.append(total)
        self._days.extend(days)

    def _grow_back(self) -> None:
        first = self._first[0]
        if first <= 0:
            raise CalendarError(BEFORE_ORIGIN.format(moment="A date or duration"))
        start = max(first - 366, 0)
        days, totals = self._build(start, first - start)
        earlier = []
        total = self._cum[0]
        for amount in reversed(totals):
            total -= amount
            earlier.append(total)
        earlier.reverse()
        self._cum[:0] = earlier
        self._days[:0] = days
        self._first[0] = start

    def _anchor(self) -> None:
        if self._first[0] < 0:
            self._ensure((date(2000, 1, 1) - ORIGIN_DAY).days)

    # -- the arithmetic: minutes from ORIGIN <-> working minutes --------------------------------

    def work_before(self, minute: int) -> int:
        """Working minutes before the moment ``minute`` (counted from a fixed point of this
        calendar: only differences, and the inverses below, mean anything)."""
        day, within = divmod(minute, MINUTES_PER_CALENDAR_DAY)
        index = day - self._first[0]
        if index < 0 or index >= len(self._days) or self._first[0] < 0:
            index = self._ensure(day)
        work = self._cum[index]
        for start, end in self._days[index]:
            if within <= start:
                break
            work += (within if within < end else end) - start
        return work

    def finish_at(self, work: int) -> int:
        """The earliest moment by which ``work`` working minutes have passed: where a task that
        ends after that much work finishes (17:00, not the next morning)."""
        self._anchor()
        cum = self._cum
        while cum[0] >= work:
            if self._first[0] == 0 and cum[0] == work:
                return 0
            self._grow_back()
        while cum[-1] < work:
            self._grow_on()
        index = bisect.bisect_left(cum, work) - 1
        left = work - cum[index]
        for start, end in self._days[index]:
            if left <= end - start:
                return (self._first[0] + index) * MINUTES_PER_CALENDAR_DAY + start + left
            left -= end - start
        raise AssertionError("unreachable: the day holds the work")  # pragma: no cover

    def start_at(self, work: int) -> int:
        """The moment the working minute after ``work`` working minutes begins: where a task that
        starts after that much work starts (08:00 the next morning, not 17:00)."""
        self._anchor()
        cum = self._cum
        while cum[0] > work:
            self._grow_back()
        while cum[-1] <= work:
            self._grow_on()
        index = bisect.bisect_right(cum, work) - 1
        left = work - cum[index]
        for start, end in self._days[index]:
            if left < end - start:
                return (self._first[0] + index) * MINUTES_PER_CALENDAR_DAY + start + left
            left -= end - start
        raise AssertionError("unreachable: the day holds the work")  # pragma: no cover

    # -- many at once (numpy), for large plans ------------------------------------------------

    def _table(self, low: int, high: int, *, work: bool) -> tuple[Any, Any, Any]:
        """The working intervals of the known window, once it covers ``low``-``high`` (moments,
        or working minutes when ``work``): their starts (minutes from ORIGIN), lengths and the
        working minutes before each."""
        if work:
            self.finish_at(low)
            self.start_at(high)
        else:
            self.work_before(low)
            self.work_before(high)
        key = (self._first[0], len(self._days))
        cached = self._tables.get(key)
        if cached is None:
            starts, lengths, before = [], [], []
            first = self._first[0]
            for index, periods in enumerate(self._days):
                work_so_far = self._cum[index]
                for start, end in periods:
                    starts.append((first + index) * MINUTES_PER_CALENDAR_DAY + start)
                    lengths.append(end - start)
                    before.append(work_so_far)
                    work_so_far += end - start
            cached = (
                np.array(starts, dtype=np.int64),
                np.array(lengths, dtype=np.int64),
                np.array(before, dtype=np.int64),
            )
            self._tables.clear()
            self._tables[key] = cached
        return cached

    def work_before_many(self, minutes: Any) -> Any:
        """``work_before`` of each of an array of moments."""
        starts, lengths, before = self._table(int(minutes.min()), int(minutes.max()), work=False)
        index = np.searchsorted(starts, minutes, side="right") - 1
        inside = np.clip(minutes - starts[np.maximum(index, 0)], 0, lengths[np.maximum(index, 0)])
        return np.where(index < 0, before[0], before[np.maximum(index, 0)] + inside)

    def start_at_many(self, work: Any) -> Any:
        """``start_at`` of each of an array of working positions."""
        starts, _, before = self._table(int(work.min()), int(work.max()), work=True)
        index = np.searchsorted(before, work, side="right") - 1
        return starts[index] + (work - before[index])

    def finish_at_many(self, work: Any) -> Any:
        """``finish_at`` of each of an array of working positions."""
        starts, _, before = self._table(int(work.min()), int(work.max()), work=True)
        index = np.searchsorted(before, work, side="left") - 1
        return starts[index] + (work - before[index])

    # -- the same in datetimes ------------------------------------------------------------------

    def working_minutes(self, start: datetime, end: datetime) -> int:
        """Working minutes from ``start`` to ``end`` (negative when ``end`` comes first)."""
        return self.work_before(minute_of(end)) - self.work_before(minute_of(start))

    def add_working(self, moment: datetime, minutes: int) -> datetime:
        """``moment`` moved by ``minutes`` of working time: forward lands on a finish (17:00),
        backward on a start (08:00); zero leaves it where it is."""
        if minutes == 0:
            return moment
        work = self.work_before(minute_of(moment)) + minutes
        return moment_of(self.finish_at(work) if minutes > 0 else self.start_at(work))

    def next_working_start(self, moment: datetime) -> datetime:
        """``moment`` if work can start then, else the start of the next working time."""
        return moment_of(self.start_at(self.work_before(minute_of(moment))))

    def previous_working_finish(self, moment: datetime) -> datetime:
        """``moment`` if work was going on just before it, else the end of the last working time."""
        return moment_of(self.finish_at(self.work_before(minute_of(moment))))


def check_periods(name: str, periods: tuple[Period, ...]) -> None:
    previous_end = -1
    for start, end in periods:
        if not 0 <= start < end <= MINUTES_PER_CALENDAR_DAY:
            raise CalendarError(BAD_PERIOD.format(name=name, start=clock(start), end=clock(end)))
        if start < previous_end:
            shown = ", ".join(f"{clock(s)}-{clock(e)}" for s, e in periods)
            raise CalendarError(OVERLAPPING.format(name=name, periods=shown))
        previous_end = end


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def clock_time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60) if minutes < MINUTES_PER_CALENDAR_DAY else time(0)


def uk_bank_holidays(subdivision: str = "ENG") -> Container[date]:
    """UK bank holidays (England and Wales by default; 'SCT' Scotland, 'NIR' Northern Ireland),
    from the ``holidays`` package, with substitute days and one-off holidays, for any year."""
    import holidays  # imported here: only default calendars need it

    found: Container[date] = holidays.country_holidays("GB", subdiv=subdivision)
    return found


def standard_calendar(
    name: str = "Standard", *, holidays: Container[date] | None = None, **settings: Any
) -> Calendar:
    """MS Project's Standard calendar (Monday to Friday, 08:00-12:00 and 13:00-17:00) with UK bank
    holidays unless other ``holidays`` are given (``frozenset()`` for none)."""
    return Calendar(
        name=name,
        holidays=uk_bank_holidays() if holidays is None else holidays,
        **settings,
    )


# Elapsed durations run round the clock on every day: one calendar serves them all.
ELAPSED = Calendar(
    name="Elapsed", week=ROUND_THE_CLOCK, minutes_per_day=1440, minutes_per_week=10080, days_per_month=30
)


class DurationUnit(StrEnum):
    """MS Project's duration units; an ``e`` prefix means elapsed time."""

    MINUTES = "m"
    HOURS = "h"
    DAYS = "d"
    WEEKS = "w"
    MONTHS = "mo"
    ELAPSED_MINUTES = "em"
    ELAPSED_HOURS = "eh"
    ELAPSED_DAYS = "ed"
    ELAPSED_WEEKS = "ew"
    ELAPSED_MONTHS = "emo"
    PERCENT = "%"
    ELAPSED_PERCENT = "e%"

    @property
    def elapsed(self) -> bool:
        return self.value.startswith("e")


ELAPSED_MINUTES_PER_UNIT = {
    DurationUnit.ELAPSED_MINUTES: 1,
    DurationUnit.ELAPSED_HOURS: 60,
    DurationUnit.ELAPSED_DAYS: 1440,
    DurationUnit.ELAPSED_WEEKS: 10080,
    DurationUnit.ELAPSED_MONTHS: 43200,
}


def minutes_per_unit(unit: DurationUnit, calendar: Calendar) -> int:
    """Minutes in one ``unit`` with MS Project's conversions (the calendar's minutes per day and
    per week and days per month for working units; fixed figures for elapsed ones)."""
    if unit in ELAPSED_MINUTES_PER_UNIT:
        return ELAPSED_MINUTES_PER_UNIT[unit]
    working = {
        DurationUnit.MINUTES: 1,
        DurationUnit.HOURS: 60,
        DurationUnit.DAYS: calendar.minutes_per_day,
        DurationUnit.WEEKS: calendar.minutes_per_week,
        DurationUnit.MONTHS: calendar.minutes_per_day * calendar.days_per_month,
    }
    if unit not in working:
        raise CalendarError(UNKNOWN_UNIT.format(unit=str(unit)))
    return working[unit]


def to_minutes(value: float, unit: DurationUnit, calendar: Calendar) -> int:
    """A duration in ``unit`` as whole minutes (working or elapsed, as the unit says)."""
    return round(value * minutes_per_unit(unit, calendar))


def from_minutes(minutes: int, unit: DurationUnit, calendar: Calendar) -> float:
    """Whole minutes shown in ``unit``."""
    return minutes / minutes_per_unit(unit, calendar)
