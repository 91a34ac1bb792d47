"""Reporting periods and settings: opened by the cadence, never overlapping, closed and reopened
by the PMO; settings by the PMO head."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.services import NOT_EDITABLE, ConflictError
from pmo.reporting import services
from pmo.reporting.choices import Cadence, PeriodStatus
from pmo.reporting.models import DUE_BEFORE_END, PERIOD_END_BEFORE_START, ReportingPeriod, ReportingSettings
from pmo.reporting.tests.services.conftest import make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(make_user):
    """A cast of this test's own, not the module's: tests here count every period there is and
    make their own head of the PMO."""
    return make_cast(make_user)


def test_a_monthly_period_is_the_whole_month_due_five_days_after(pmo_head):
    period = services.reporting_period_open(actor=pmo_head, start=dt.date(2027, 2, 14))

    assert (period.start, period.end, period.due) == (
        dt.date(2027, 2, 1),
        dt.date(2027, 2, 28),
        dt.date(2027, 3, 5),
    )
    assert period.status == PeriodStatus.OPEN
    assert str(period) == "February 2027"
    assert period.history.get().history_user == pmo_head


def test_a_fortnightly_period_is_fourteen_days(pmo_head):
    ReportingSettings.objects.update(cadence=Cadence.FORTNIGHTLY)

    period = services.reporting_period_open(actor=pmo_head, start=dt.date(2027, 2, 14))

    assert (period.end - period.start).days == 13
    assert period.start <= dt.date(2027, 2, 14) <= period.end
    assert period.start.weekday() == 0  # fortnights start on Mondays


def test_a_period_opens_once(pmo_head):
    services.reporting_period_open(actor=pmo_head, start=dt.date(2027, 2, 1))

    with pytest.raises(ValidationError) as error:
        services.reporting_period_open(actor=pmo_head, start=dt.date(2027, 2, 9))

    assert error.value.message_dict == {"start": ["A reporting period starting 1 Feb 2027 already exists."]}


def test_periods_never_overlap(pmo_head):
    services.reporting_period_open(actor=pmo_head, start=dt.date(2027, 2, 1))

    with pytest.raises(ValidationError) as error:
        services.reporting_period_open(
            actor=pmo_head, start=dt.date(2027, 2, 20), end=dt.date(2027, 3, 5), due=dt.date(2027, 3, 10)
        )

    assert error.value.message_dict == {
        "start": ["20 Feb 2027 to 5 Mar 2027 overlaps the reporting period February 2027."]
    }
    assert ReportingPeriod.objects.count() == 1


@pytest.mark.parametrize(
    ("end", "due", "errors"),
    [
        (dt.date(2027, 1, 31), dt.date(2027, 2, 5), {"end": [PERIOD_END_BEFORE_START]}),
        (dt.date(2027, 2, 28), dt.date(2027, 2, 27), {"due": [DUE_BEFORE_END]}),
    ],
)
def test_a_period_ends_after_it_starts_and_is_due_after_it_ends(pmo_head, end, due, errors):
    with pytest.raises(ValidationError) as error:
        services.reporting_period_open(actor=pmo_head, start=dt.date(2027, 2, 1), end=end, due=due)

    assert error.value.message_dict == errors


@pytest.mark.parametrize("role", ["pm", "sponsor", "executive"])
def test_only_the_pmo_opens_closes_and_reopens_periods(cast, role):
    actor = cast.by_name(role)

    with pytest.raises(PermissionDenied) as open_error:
        services.reporting_period_open(actor=actor, start=dt.date(2027, 2, 1))
    with pytest.raises(PermissionDenied) as close_error:
        services.reporting_period_close(actor=actor, period=cast.period, expected_version=cast.period.version)

    assert str(open_error.value) == "You do not have permission to open reporting periods."
    assert str(close_error.value) == "You do not have permission to change November 2026."
    cast.period.refresh_from_db()
    assert cast.period.status == PeriodStatus.OPEN


def test_close_and_reopen_with_history_and_conflicts(cast):
    period = cast.period
    closed = services.reporting_period_close(
        actor=cast.officer, period=period, expected_version=period.version
    )
    assert closed.status == PeriodStatus.CLOSED

    with pytest.raises(ConflictError):
        services.reporting_period_reopen(actor=cast.head, period=period, expected_version=closed.version - 1)

    reopened = services.reporting_period_reopen(
        actor=cast.head, period=period, expected_version=closed.version
    )
    assert reopened.status == PeriodStatus.OPEN
    assert [h.history_change_reason for h in reopened.history.order_by("history_date", "history_id")] == [
        None,
        "Closed",
        "Reopened",
    ]
    services.highlight_report_start(actor=cast.pm, project=cast.project, period=reopened)


# Settings ---------------------------------------------------------------------------------------------


def test_the_pmo_head_changes_the_settings(pmo_head):
    row = ReportingSettings.objects.get()

    updated = services.reporting_settings_update(
        actor=pmo_head,
        settings_row=row,
        fields={"cadence": Cadence.FORTNIGHTLY, "reminder_days_before_due": 2},
        expected_version=row.version,
    )

    assert (updated.cadence, updated.reminder_days_before_due) == (Cadence.FORTNIGHTLY, 2)
    assert updated.history.first().history_user == pmo_head


@pytest.mark.parametrize("role", ["officer", "analyst", "pm", "executive"])
def test_only_the_pmo_head_changes_the_settings(cast, role):
    row = ReportingSettings.objects.get()

    with pytest.raises(PermissionDenied) as error:
        services.reporting_settings_update(
            actor=cast.by_name(role),
            settings_row=row,
            fields={"reminder_days_before_due": 1},
            expected_version=row.version,
        )

    assert str(error.value) == "You do not have permission to change Reporting settings."


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"warning_band": Decimal("1.5")},
            {"warning_band": ["Ensure this value is less than or equal to 1."]},
        ),
        (
            {"due_days_after_period_end": 90},
            {"due_days_after_period_end": ["Ensure this value is less than or equal to 60."]},
        ),
        ({"version": 40}, {"version": [NOT_EDITABLE]}),
    ],
)
def test_bad_settings_are_refused(pmo_head, fields, errors):
    row = ReportingSettings.objects.get()

    with pytest.raises(ValidationError) as error:
        services.reporting_settings_update(
            actor=pmo_head, settings_row=row, fields=fields, expected_version=row.version
        )

    assert error.value.message_dict == errors


def test_a_stale_settings_change_is_a_conflict(pmo_head):
    row = ReportingSettings.objects.get()
    services.reporting_settings_update(
        actor=pmo_head, settings_row=row, fields={"stale_report_days": 30}, expected_version=row.version
    )

    with pytest.raises(ConflictError):
        services.reporting_settings_update(
            actor=pmo_head,
            settings_row=row,
            fields={"stale_report_days": 60},
            expected_version=row.version - 1,
        )
