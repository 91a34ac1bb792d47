"""Closing a month: finance partners and the PMO head close (and reopen) months; a closed month
is refused a second closing and a month not begun cannot close. Run on 4 December 2026."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.finance import selectors, services
from pmo.finance.models import FinanceSettings, MonthLock

pytestmark = pytest.mark.django_db


def test_finance_closes_a_month_once(books):
    lock = services.month_lock(actor=books.finance, month=date(2026, 11, 1))
    assert (lock.locked_by, str(lock)) == (books.finance, "November 2026 (closed)")
    with pytest.raises(ValidationError) as refused:
        services.month_lock(actor=books.cast.head, month=date(2026, 11, 1))
    assert refused.value.message_dict == {
        "month": ["November 2026 is already closed (by finance on 4 December 2026)."]
    }


def test_a_month_not_begun_cannot_close_and_a_month_is_its_first_day(books):
    with pytest.raises(ValidationError, match="January 2027 has not begun"):
        services.month_lock(actor=books.finance, month=date(2027, 1, 1))
    with pytest.raises(ValidationError) as refused:
        services.month_lock(actor=books.finance, month=date(2026, 11, 3))
    assert refused.value.message_dict == {
        "month": ["Give a month as its first day (3 November 2026 is not the first of a month)."]
    }
    assert not MonthLock.objects.exists()


@pytest.mark.parametrize("who", ["analyst", "officer", "pm", "executive"])
def test_only_finance_and_the_pmo_head_close_months(books, who):
    with pytest.raises(PermissionDenied, match="close November 2026"):
        services.month_lock(actor=books.by_name(who), month=date(2026, 11, 1))


def test_a_reopened_month_takes_writes_again_and_its_history_says_why(books):
    lock = services.month_lock(actor=books.finance, month=date(2026, 11, 1))
    with pytest.raises(PermissionDenied):
        services.month_unlock(actor=books.cast.pm, lock=lock, reason="Wrong")
    services.month_unlock(actor=books.finance, lock=lock, reason="Late invoice posted")
    assert not MonthLock.objects.exists()
    assert MonthLock.history.latest().history_change_reason == "Opened again: Late invoice posted"


def test_the_settings_start_the_year_in_april_in_pounds(books):
    config = selectors.finance_settings()
    assert (config.first_month, config.currency) == (4, "GBP")
    assert selectors.current_year().label == "2026/27"
    services.finance_settings_update(
        actor=books.finance, settings_row=config, fields={"first_month": 1}, expected_version=1
    )
    assert selectors.current_year().label == "2026"
    with pytest.raises(PermissionDenied):
        services.finance_settings_update(
            actor=books.cast.analyst, settings_row=config, fields={"first_month": 4}, expected_version=2
        )
    with pytest.raises(ValidationError) as refused:
        services.finance_settings_update(
            actor=books.finance, settings_row=config, fields={"currency": "gbp"}, expected_version=2
        )
    assert "currency" in refused.value.message_dict
    assert FinanceSettings.objects.get().first_month == 1
