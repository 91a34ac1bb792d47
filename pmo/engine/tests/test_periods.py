"""Reporting periods: every day falls in exactly one period, consecutive periods touch, months
are whole calendar months and fortnights are fourteen days from a Monday."""

import calendar
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmo.engine.periods import FORTNIGHT_ANCHOR, UNKNOWN_CADENCE, period_containing, previous_periods

CADENCES = st.sampled_from(["monthly", "fortnightly"])
DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


@given(day=DAYS, cadence=CADENCES)
def test_every_day_falls_in_its_period(day, cadence):
    start, end = period_containing(day, cadence)

    assert start <= day <= end


@given(day=DAYS, cadence=CADENCES)
def test_every_day_of_a_period_belongs_to_that_same_period(day, cadence):
    start, end = period_containing(day, cadence)

    assert period_containing(start, cadence) == (start, end)
    assert period_containing(end, cadence) == (start, end)


@given(day=DAYS, cadence=CADENCES)
def test_consecutive_periods_touch(day, cadence):
    start, end = period_containing(day, cadence)

    assert period_containing(end + timedelta(days=1), cadence)[0] == end + timedelta(days=1)
    assert period_containing(start - timedelta(days=1), cadence)[1] == start - timedelta(days=1)


@given(day=DAYS)
def test_fortnights_are_fourteen_days_from_a_monday(day):
    start, end = period_containing(day, "fortnightly")

    assert (end - start).days == 13
    assert start.weekday() == 0
    assert (start - FORTNIGHT_ANCHOR).days % 14 == 0


@given(day=DAYS)
def test_months_are_whole_calendar_months(day):
    start, end = period_containing(day, "monthly")

    assert (start.year, start.month, start.day) == (day.year, day.month, 1)
    assert (end.year, end.month) == (day.year, day.month)
    assert end.day == calendar.monthrange(day.year, day.month)[1]


@given(day=DAYS, cadence=CADENCES, count=st.integers(min_value=1, max_value=30))
def test_previous_periods_are_count_touching_periods_ending_with_todays(day, cadence, count):
    periods = previous_periods(day, cadence, count)

    assert len(periods) == count
    assert periods[-1] == period_containing(day, cadence)
    for earlier, later in pairwise(periods):
        assert later[0] == earlier[1] + timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 2, 29), (date(2024, 2, 1), date(2024, 2, 29))),
        (date(2026, 12, 31), (date(2026, 12, 1), date(2026, 12, 31))),
    ],
)
def test_month_examples(day, expected):
    assert period_containing(day, "monthly") == expected


def test_fortnight_examples():
    assert period_containing(date(2024, 1, 1), "fortnightly") == (date(2024, 1, 1), date(2024, 1, 14))
    assert period_containing(date(2023, 12, 31), "fortnightly") == (date(2023, 12, 18), date(2023, 12, 31))
    assert period_containing(date(2026, 12, 2), "fortnightly") == (date(2026, 11, 30), date(2026, 12, 13))


def test_an_unknown_cadence_is_refused():
    with pytest.raises(ValueError, match="Unknown reporting cadence 'weekly'") as error:
        period_containing(date(2026, 1, 1), "weekly")

    assert str(error.value) == UNKNOWN_CADENCE.format(cadence="weekly")
