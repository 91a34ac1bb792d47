"""When a milestone counts as overdue in the evidence-based status."""

import datetime as dt

from django.test import override_settings

from pmo.reporting.evidence import MilestoneFacts, covering_due
from pmo.reporting.models import ReportingPeriod

TODAY = dt.date(2026, 11, 22)


@override_settings(PMO_MILESTONE_GRACE_DAYS=14)
def test_a_forecast_date_just_past_is_not_overdue_until_a_report_could_have_said_so():
    """Forecast for 15 Nov in October's report: November's report is not due yet."""
    milestone = MilestoneFacts("Go live", baseline=dt.date(2026, 11, 1), forecast=dt.date(2026, 11, 15))
    assert not milestone.is_overdue(TODAY, reported_to=dt.date(2026, 10, 31))
    # Past the grace period with still no report of it being achieved, it is.
    assert milestone.is_overdue(dt.date(2026, 12, 1), reported_to=dt.date(2026, 10, 31))


@override_settings(PMO_MILESTONE_GRACE_DAYS=14)
def test_a_date_the_latest_report_covers_unachieved_is_overdue_at_once():
    milestone = MilestoneFacts("Go live", forecast=dt.date(2026, 11, 20))
    assert milestone.is_overdue(TODAY, reported_to=dt.date(2026, 11, 30))


@override_settings(PMO_MILESTONE_GRACE_DAYS=14)
def test_a_milestone_reforecast_to_the_future_or_achieved_is_not_overdue():
    assert not MilestoneFacts("A", baseline=dt.date(2026, 9, 1), forecast=dt.date(2027, 1, 10)).is_overdue(
        TODAY
    )
    assert not MilestoneFacts("B", forecast=dt.date(2026, 9, 1), achieved_on=dt.date(2026, 9, 3)).is_overdue(
        TODAY
    )
    # With no forecast reported, the baseline date is what it is judged on.
    assert MilestoneFacts("C", baseline=dt.date(2026, 9, 1)).is_overdue(TODAY)


@override_settings(PMO_MILESTONE_GRACE_DAYS=14)
def test_a_date_in_a_period_whose_report_is_not_yet_due_is_not_overdue_however_long_ago():
    """Forecast for 2 Nov in October's report; November's report is due 5 Dec: on 4 Dec, past
    the grace days, it is still not called overdue; on 6 Dec, with no word, it is."""
    periods = [
        ReportingPeriod(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30), due=dt.date(2026, 12, 5)),
        ReportingPeriod(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31), due=dt.date(2026, 11, 5)),
    ]
    milestone = MilestoneFacts("Go live", forecast=dt.date(2026, 11, 2))
    due = covering_due(periods, milestone.expected)

    assert due == dt.date(2026, 12, 5)
    assert not milestone.is_overdue(dt.date(2026, 12, 4), dt.date(2026, 10, 31), due)
    assert milestone.is_overdue(dt.date(2026, 12, 6), dt.date(2026, 10, 31), due)
    assert covering_due(periods, dt.date(2027, 1, 10)) is None  # no period holds it: the grace days
