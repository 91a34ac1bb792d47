"""Finance feeds reporting (issue 12 item 5): once a project has an approved budget, a new
highlight report's forecast cost is finance's EAC, the cost tolerance judges that EAC against the
baseline budget (whatever the report says), and an exception raised for a cost or time breach
keeps the earned value figures. Without finance data, the report's own figures count as before.

On 4 December 2026: the baseline budget is £250,000; finance's budget phases it over October to
January (£62,500 a month). With £90,000 spent in each of October and November, finance's EAC is
£180,000 + £125,000 (December and January still budgeted) = £305,000, 22% over: a breach (medium
projects allow 10%). With £62,500 a month spent, the EAC is the budget."""

import datetime as dt
from decimal import Decimal

import pytest

from pmo.finance.selectors import finance_settings
from pmo.finance.services import finance_settings_update
from pmo.reporting import services
from pmo.reporting.choices import ToleranceState
from pmo.reporting.models import ProjectException, ToleranceCheck
from pmo.reporting.tests.finance_money import budget, plan, spend
from pmo.reporting.tests.services.steps import BASELINE_FINISH, BUDGET, baseline, submitted

pytestmark = pytest.mark.django_db

OCT, NOV, DEC, JAN = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1)
PHASED = dict.fromkeys((OCT, NOV, DEC, JAN), 62_500)


def finance(cast, monthly_spend):
    baseline(cast)
    budget(cast.finance, cast.project, PHASED)
    spend(cast.finance, cast.project, {OCT: monthly_spend, NOV: monthly_spend})


def cost_check():
    return ToleranceCheck.objects.get(dimension="cost")


def test_a_new_report_s_forecast_cost_is_finance_s_eac(cast):
    finance(cast, 90_000)

    report = services.highlight_report_start(actor=cast.pm, project=cast.project, period=cast.period)

    assert report.forecast_cost == Decimal(305_000)
    assert report.forecast_finish == BASELINE_FINISH  # the rest as before: the baseline's


def test_without_finance_data_a_new_report_s_forecast_cost_is_the_baseline_s(cast):
    baseline(cast)

    report = services.highlight_report_start(actor=cast.pm, project=cast.project, period=cast.period)

    assert report.forecast_cost == BUDGET


def test_the_cost_tolerance_judges_finance_s_eac_not_the_typed_forecast(cast):
    finance(cast, 90_000)

    submitted(cast, forecast_cost=BUDGET)  # the PM types the budget; finance says £305,000

    check = cost_check()
    assert check.status == ToleranceState.BREACHED
    assert (check.baseline_value, check.forecast_value) == (BUDGET, Decimal(305_000))
    assert check.explanation.startswith("cost: forecast £305,000 (finance's EAC) against baseline £250,000")
    exception = ProjectException.objects.get()
    assert exception.dimensions == "cost"
    assert "finance's EAC" in exception.breach_summary


def test_finance_s_eac_on_budget_is_within_whatever_the_report_types(cast):
    finance(cast, 62_500)

    submitted(cast, forecast_cost=Decimal(300_000))

    check = cost_check()
    assert (check.status, check.forecast_value) == (ToleranceState.WITHIN, BUDGET)
    assert "(finance's EAC)" in check.explanation
    assert not ProjectException.objects.exists()


def test_without_finance_data_the_typed_forecast_cost_is_judged(cast):
    baseline(cast)

    submitted(cast, forecast_cost=Decimal(300_000))

    check = cost_check()
    assert (check.status, check.forecast_value) == (ToleranceState.BREACHED, Decimal(300_000))
    assert "finance" not in check.explanation
    assert ProjectException.objects.get().evm == {}  # no budget: no earned value to keep


def test_until_the_pmo_trusts_finance_s_figures_the_typed_forecast_cost_is_judged(cast):
    # Given finance's EAC says the project is on budget, but the PMO has not turned finance's
    # EAC on for the cost tolerance yet (its ledger is still being checked)
    finance(cast, 62_500)
    config = finance_settings()
    finance_settings_update(
        actor=cast.finance, settings_row=config, fields={"cost_tolerance_on_eac": False}, expected_version=1
    )

    submitted(cast, forecast_cost=Decimal(300_000))

    # Then the report's own figure is judged, and breaches
    check = cost_check()
    assert (check.status, check.forecast_value) == (ToleranceState.BREACHED, Decimal(300_000))
    assert "finance" not in check.explanation


def test_re_evaluating_every_project_judges_finance_s_eac_too(cast):
    finance(cast, 62_500)
    submitted(cast, forecast_cost=Decimal(300_000))
    spend(cast.finance, cast.project, {NOV: 150_000})  # November's ledger loaded again: £87,500 more

    services.tolerances_evaluate_all()

    check = cost_check()
    assert (check.status, check.forecast_value) == (ToleranceState.BREACHED, Decimal(337_500))
    assert "(finance's EAC)" in check.explanation
    assert ProjectException.objects.get().dimensions == "cost"


def test_an_exception_for_a_cost_breach_keeps_the_earned_value_figures(cast):
    finance(cast, 90_000)
    plan(cast.project, 40)  # EV 40% of the BAC £250,000

    submitted(cast, forecast_cost=BUDGET)

    evm = ProjectException.objects.get().evm
    # Measured at the end of November: PV £125,000, EV £100,000, AC £180,000; ES 1.6 of 2 months.
    assert {k: evm[k] for k in ("as_of", "status_date", "bac", "pv", "ev", "ac", "eac")} == {
        "as_of": "2026-12-04",
        "status_date": "2026-11-30",
        "bac": "250000.00",
        "pv": "125000.00",
        "ev": "100000.00",
        "ac": "180000.00",
        "eac": "305000.00",
    }
    assert (evm["cpi"], evm["spi"], evm["spi_t"]) == ("0.56", "0.80", "0.80")


def test_an_exception_for_a_time_breach_keeps_them_too(cast):
    finance(cast, 62_500)

    submitted(cast, forecast_finish=BASELINE_FINISH + dt.timedelta(days=45))

    exception = ProjectException.objects.get()
    assert exception.dimensions == "time"
    evm = exception.evm
    assert (evm["status_date"], evm["bac"], evm["ac"], evm["eac"]) == (
        "2026-11-30",
        "250000.00",
        "125000.00",
        "250000.00",
    )
