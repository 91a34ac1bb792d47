"""A milestone is not called overdue before the report that would cover its date is due."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from pmo.engine.evidence import milestone_overdue

days = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))


@given(days, st.integers(0, 60), st.integers(0, 60), st.integers(0, 90))
def test_never_overdue_before_the_covering_report_is_due_when_no_report_covers_it(
    expected, to_period_end, due_after_end, today_offset
):
    period_end = expected + timedelta(days=to_period_end)
    due = period_end + timedelta(days=due_after_end)
    today = expected + timedelta(days=today_offset)
    reported_to = expected - timedelta(days=1)  # the latest report's period ended before the date

    overdue = milestone_overdue(expected, None, today, reported_to=reported_to, covering_due=due)

    assert overdue == (today > due and today > expected)


@given(days, days, days, st.one_of(st.none(), days), st.one_of(st.none(), days))
def test_an_achieved_milestone_is_never_overdue(expected, achieved, today, reported_to, due):
    assert not milestone_overdue(expected, achieved, today, reported_to=reported_to, covering_due=due)


@given(days, st.integers(1, 400), st.one_of(st.none(), days), st.one_of(st.none(), days))
def test_once_overdue_it_stays_overdue_as_the_days_pass(expected, later, reported_to, due):
    today = expected + timedelta(days=1)
    if milestone_overdue(expected, None, today, reported_to=reported_to, covering_due=due):
        assert milestone_overdue(
            expected, None, today + timedelta(days=later), reported_to=reported_to, covering_due=due
        )


def test_the_report_covering_the_date_shows_it_missed_at_once():
    """Forecast for 20 Nov, November's report (to 30 Nov) handed in: overdue the next day."""
    assert milestone_overdue(date(2026, 11, 20), None, date(2026, 11, 21), reported_to=date(2026, 11, 30))


def test_a_date_in_this_period_waits_for_this_periods_report():
    """Forecast for 2 Nov, October's report the latest, November's due 5 Dec: not overdue on
    4 Dec, a month on, however long the grace; overdue on 6 Dec with still no word."""
    facts = {"reported_to": date(2026, 10, 31), "covering_due": date(2026, 12, 5), "grace_days": 14}

    assert not milestone_overdue(date(2026, 11, 2), None, date(2026, 12, 4), **facts)
    assert milestone_overdue(date(2026, 11, 2), None, date(2026, 12, 6), **facts)
