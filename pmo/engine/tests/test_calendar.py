"""Working calendars: durations land where MS Project puts them, bank holidays are days off, and
moving forward then back by the same working time returns to the same working moment."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmo.engine.calendar import (
    ELAPSED,
    NO_WORKING_TIME,
    Calendar,
    CalendarError,
    DurationUnit,
    period,
    standard_calendar,
    to_minutes,
    uk_bank_holidays,
)

PLAIN = standard_calendar(holidays=frozenset())
UK = standard_calendar()


def test_a_day_of_work_from_monday_morning_finishes_monday_evening():
    assert PLAIN.add_working(datetime(2026, 3, 2, 8), 480) == datetime(2026, 3, 2, 17)


def test_work_skips_lunch_and_the_weekend():
    # Friday 11:00 plus 3 hours: 11-12, 13-15 -> Friday 15:00; plus 8 hours -> Monday 11:00
    assert PLAIN.add_working(datetime(2026, 3, 6, 11), 180) == datetime(2026, 3, 6, 15)
    assert PLAIN.add_working(datetime(2026, 3, 6, 11), 480) == datetime(2026, 3, 9, 11)


def test_going_back_lands_on_a_start_and_forward_on_a_finish():
    assert PLAIN.add_working(datetime(2026, 3, 9, 17), -480) == datetime(2026, 3, 9, 8)
    assert PLAIN.add_working(datetime(2026, 3, 9, 17), -960) == datetime(2026, 3, 6, 8)
    assert PLAIN.next_working_start(datetime(2026, 3, 6, 17)) == datetime(2026, 3, 9, 8)
    assert PLAIN.previous_working_finish(datetime(2026, 3, 9, 8)) == datetime(2026, 3, 6, 17)


def test_uk_bank_holidays_are_days_off_by_default():
    # Good Friday 3 April and Easter Monday 6 April 2026: Thursday 17:00 + 1 day = Tuesday 17:00
    assert date(2026, 4, 3) in uk_bank_holidays()
    assert not UK.is_working_day(date(2026, 4, 6))
    assert UK.add_working(datetime(2026, 4, 2, 17), 480) == datetime(2026, 4, 7, 17)
    # 2026: 261 weekdays, 8 of them bank holidays
    assert UK.working_minutes(datetime(2026, 1, 1), datetime(2027, 1, 1)) == 253 * 480


def test_exceptions_override_the_week_and_the_holidays():
    calendar = Calendar(
        name="Shutdown",
        exceptions={date(2026, 3, 4): (), date(2026, 3, 7): (period("09:00", "11:00"),)},
        holidays=uk_bank_holidays(),
    )
    assert calendar.add_working(datetime(2026, 3, 3, 17), 480) == datetime(2026, 3, 5, 17)
    assert calendar.add_working(datetime(2026, 3, 6, 17), 120) == datetime(2026, 3, 7, 11)


def test_a_long_duration_is_measured_without_stepping_day_by_day():
    # ten years of working time, each way, agree with each other
    start = datetime(2026, 1, 5, 8)
    finish = UK.add_working(start, 480 * 2500)
    assert UK.working_minutes(start, finish) == 480 * 2500
    assert finish.year == 2035


def test_elapsed_time_runs_round_the_clock():
    assert ELAPSED.add_working(
        datetime(2026, 3, 6, 17), to_minutes(2, DurationUnit.ELAPSED_DAYS, ELAPSED)
    ) == (datetime(2026, 3, 8, 17))


def test_units_convert_with_the_calendar_settings():
    calendar = Calendar(minutes_per_day=450, minutes_per_week=2250, days_per_month=21)
    assert to_minutes(1.5, DurationUnit.DAYS, calendar) == 675
    assert to_minutes(1, DurationUnit.WEEKS, calendar) == 2250
    assert to_minutes(1, DurationUnit.MONTHS, calendar) == 450 * 21
    assert to_minutes(1, DurationUnit.ELAPSED_MONTHS, calendar) == 30 * 1440
    assert DurationUnit.ELAPSED_WEEKS.elapsed and not DurationUnit.WEEKS.elapsed


def test_a_calendar_without_working_time_is_refused_by_name():
    with pytest.raises(CalendarError, match="no working time") as caught:
        Calendar(name="Never", week=((),) * 7)
    assert str(caught.value) == NO_WORKING_TIME.format(name="Never")


def test_dates_outside_what_a_plan_holds_are_refused():
    with pytest.raises(CalendarError, match="1984"):
        PLAIN.add_working(datetime(1983, 12, 30), 60)
    with pytest.raises(CalendarError, match="2149"):
        PLAIN.add_working(datetime(2149, 12, 1), 480 * 400)


MOMENTS = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)).map(
    lambda moment: moment.replace(second=0, microsecond=0)
)


@given(MOMENTS, st.integers(1, 480 * 300))
def test_forward_then_back_returns_to_the_same_working_moment(moment, minutes):
    finish = UK.add_working(moment, minutes)
    assert UK.working_minutes(moment, finish) == minutes
    back = UK.add_working(finish, -minutes)
    assert back == UK.next_working_start(moment)
