"""The approved budget as the earned value baseline, the actuals as AC and the forecast as the
bottom-up ETC. Run on 4 December 2026."""

from datetime import date
from decimal import Decimal

import pytest

from pmo.engine.earned_value import EacMethod
from pmo.finance import selectors, services
from pmo.finance.adapters import project_measurement, pv_baseline
from pmo.finance.services import LedgerRow
from pmo.finance.tests.conftest import line
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db
OCT, NOV, DEC, JAN = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)


def test_a_monthly_budget_is_a_baseline_of_months_with_the_gaps_planning_nothing():
    baseline = pv_baseline({OCT: Decimal(1_000), JAN: Decimal(3_000)})
    assert baseline.cumulative == (Decimal(1_000), Decimal(1_000), Decimal(1_000), Decimal(4_000))
    assert baseline.period_ends == (
        date(2026, 10, 31),
        date(2026, 11, 30),
        date(2026, 12, 31),
        date(2027, 1, 31),
    )
    assert (baseline.bac, baseline.planned_duration) == (Decimal(4_000), 4)
    assert pv_baseline({}) is None and pv_baseline({OCT: Decimal(0)}) is None


def test_a_project_is_measured_at_the_end_of_its_last_closed_month(books):
    project = books.cast.project
    budget = services.budget_draft(
        actor=books.finance,
        project=project,
        reason="v1",
        lines=[line(m, books.staff, 1_000) for m in (OCT, NOV, DEC, JAN)],
    )
    services.budget_approve(actor=books.finance, version=budget, expected_version=1)
    services.actuals_load(
        actor=books.finance,
        rows=[LedgerRow("C1001", OCT, Decimal(1_200)), LedgerRow("C1001", NOV, Decimal(700))],
        reference="Ledger",
        year=2026,
    )
    services.forecast_make(
        actor=books.cast.pm,
        project=project,
        period=PeriodFactory(start=DEC),
        lines=[line(DEC, books.staff, 1_100), line(JAN, books.staff, 1_300)],
    )
    services.month_lock(actor=books.finance, month=NOV)
    measured = project_measurement(selectors.project_finance(project=project), ev=Decimal(1_800))
    assert (measured.actual_time, measured.pv, measured.ac) == (Decimal(2), Decimal(2_000), Decimal(1_900))
    assert (measured.spi, measured.es) == (Decimal("0.9"), Decimal("1.8"))
    assert measured.forecast(EacMethod.BOTTOM_UP).eac == Decimal(4_300)  # the finance EAC
    assert measured.forecast(EacMethod.BUDGET_RATE).eac == Decimal(4_100)


def test_a_project_with_no_budget_has_no_measurement(books):
    assert project_measurement(selectors.project_finance(project=books.cast.project), ev=Decimal(0)) is None
