"""Forecast accuracy: each period's forecast against the actuals of the months it forecast that
finance has since closed, and summed by project and by project manager. Run on 4 December 2026."""

from datetime import date
from decimal import Decimal

import pytest

from pmo.finance import selectors, services
from pmo.finance.services import LedgerRow
from pmo.finance.tests.conftest import line
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db
OCT, NOV, DEC = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)


@pytest.fixture
def forecasts(books):
    """WEB's PM forecast in October (£1,000 a month for Oct–Dec) and in November (£900 for Nov
    and Dec); October cost £1,200 and November £800, both now closed."""
    for start, months, amount in ((OCT, (OCT, NOV, DEC), 1_000), (NOV, (NOV, DEC), 900)):
        services.forecast_make(
            actor=books.cast.pm,
            project=books.cast.project,
            period=PeriodFactory(start=start),
            lines=[line(m, books.staff, amount) for m in months],
        )
    services.actuals_load(
        actor=books.finance,
        rows=[LedgerRow("C1001", OCT, Decimal(1_200)), LedgerRow("C1001", NOV, Decimal(800))],
        reference="Ledger",
        year=2026,
    )
    return books


def test_each_forecast_is_measured_over_its_months_since_closed(forecasts):
    assert selectors.forecast_accuracies(user=forecasts.finance) == []  # nothing closed yet
    for month in (OCT, NOV):
        services.month_lock(actor=forecasts.finance, month=month)
    measured = {
        str(m.version.period): (
            m.accuracy.forecast,
            m.accuracy.actual,
            m.accuracy.absolute_error,
            m.accuracy.months,
        )
        for m in selectors.forecast_accuracies(user=forecasts.cast.pm)
    }
    assert measured == {
        "October 2026": (Decimal(2_000), Decimal(2_000), Decimal(400), 2),
        "November 2026": (Decimal(900), Decimal(800), Decimal(100), 1),
    }


def test_accuracy_by_project_and_by_project_manager(forecasts):
    for month in (OCT, NOV):
        services.month_lock(actor=forecasts.finance, month=month)
    measured = selectors.forecast_accuracies(user=forecasts.cast.head)
    by_project = selectors.accuracy_by(measured, "project")
    assert list(by_project) == ["WEB"]
    assert by_project["WEB"].percent_error == Decimal(500) / Decimal(2_800) * 100
    assert list(selectors.accuracy_by(measured, "project_manager")) == ["Pat Manager"]
    assert list(selectors.accuracy_by(measured, "made_by")) == ["pm"]


def test_a_reader_measures_only_the_forecasts_they_may_see(forecasts):
    forecasts.cast.project.confidential = True
    forecasts.cast.project.save()
    services.month_lock(actor=forecasts.finance, month=OCT)
    assert selectors.forecast_accuracies(user=forecasts.cast.executive) == []
    assert len(selectors.forecast_accuracies(user=forecasts.finance)) == 1
