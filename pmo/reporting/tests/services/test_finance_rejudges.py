"""Finance's writes judge the cost tolerance again at once (ADR 0052): a ledger load, a budget
approved, a forecast made, a month closed or the PMO turning finance's EAC on re-judges the
projects whose money changed, and a breach raises the exception with its earned value figures,
without waiting for the project's next report.

On 4 December 2026: the baseline budget is £250,000, finance phases it over October to January
(£62,500 a month) and the PM's November report forecasts the budget: within tolerance (medium
projects allow 10%, £25,000)."""

import datetime as dt
from decimal import Decimal

import pytest

from pmo.finance import services as finance_services
from pmo.finance.models import CostCategory, CostCode, ForecastVersion
from pmo.finance.selectors import finance_settings
from pmo.finance.services import MonthAmount
from pmo.portfolio.models import Project
from pmo.reporting.choices import ExceptionStatus, ToleranceState
from pmo.reporting.models import ProjectException, ToleranceCheck
from pmo.reporting.tests.finance_money import budget, plan, spend
from pmo.reporting.tests.services.steps import BUDGET, baseline, submitted

pytestmark = pytest.mark.django_db

OCT, NOV, DEC, JAN = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1)
PHASED = dict.fromkeys((OCT, NOV, DEC, JAN), 62_500)


def cost_check() -> ToleranceCheck:
    return ToleranceCheck.objects.get(dimension="cost")


def on_budget(cast) -> None:
    """Given the project on budget: its baseline, budget, October's and November's actuals to
    plan and the PM's report of the budget, judged within with no exception."""
    baseline(cast)
    budget(cast.finance, cast.project, PHASED)
    spend(cast.finance, cast.project, {OCT: 62_500, NOV: 62_500})
    submitted(cast, forecast_cost=BUDGET)
    assert (cost_check().status, cost_check().forecast_value) == (ToleranceState.WITHIN, BUDGET)
    assert not ProjectException.objects.exists()


def test_a_ledger_load_beyond_tolerance_raises_the_exception_with_its_earned_value_at_once(cast):
    on_budget(cast)
    plan(cast.project, 40)  # EV 40% of the BAC

    # When November's ledger is loaded again with £150,000 (an invoice missed the first time)
    spend(cast.finance, cast.project, {NOV: 150_000})

    # Then the cost check judges finance's EAC now: £62,500 + £150,000 + £125,000 = £337,500
    check = cost_check()
    assert (check.status, check.forecast_value) == (ToleranceState.BREACHED, Decimal(337_500))
    assert "(finance's EAC)" in check.explanation
    exception = ProjectException.objects.get()
    assert (exception.dimensions, exception.status) == ("cost", ExceptionStatus.REPORT_REQUESTED)
    # ... keeping the earned value as the load left it (AC £212,500, EV £100,000)
    evm = exception.evm
    assert (evm["ac"], evm["ev"], evm["eac"], evm["cpi"]) == ("212500.00", "100000.00", "337500.00", "0.47")
    assert evm["spi_t"] == "0.80"


def test_a_reload_that_takes_lines_away_to_another_project_judges_the_project_they_left(cast):
    on_budget(cast)
    spend(cast.finance, cast.project, {NOV: 150_000})
    assert cost_check().status == ToleranceState.BREACHED
    # Given finance has since moved the project's cost code to another project
    code = CostCode.objects.get(code=f"C-{cast.project.code}")
    finance_services.cost_code_update(
        actor=cast.finance,
        cost_code=code,
        fields={"project": Project.objects.get(code="OTHER")},
        expected_version=code.version,
    )

    # When November is loaded again under that code: its lines now the other project's
    spend(cast.finance, cast.project, {NOV: 150_000})

    # Then the project they left is judged again at once, without November's £150,000:
    # £62,500 spent in October and £125,000 of budget to come
    assert cost_check().forecast_value == Decimal(187_500)


def test_a_load_within_tolerance_changes_the_check_and_raises_nothing(cast):
    on_budget(cast)

    spend(cast.finance, cast.project, {NOV: 80_000})  # £17,500 more: within £25,000

    check = cost_check()
    assert (check.status, check.forecast_value) == (ToleranceState.WITHIN, Decimal(267_500))
    assert not ProjectException.objects.exists()


def test_a_forecast_beyond_tolerance_raises_the_exception_when_it_is_made(cast):
    on_budget(cast)
    staff = CostCategory.objects.get(name="Staff")

    # When the PM forecasts December and January at £100,000 each
    finance_services.forecast_make(
        actor=cast.pm,
        project=cast.project,
        period=cast.period,
        lines=[
            MonthAmount(month, staff, "revenue", Decimal(amount))
            for month, amount in ((NOV, 62_500), (DEC, 100_000), (JAN, 100_000))
        ],
    )

    # Then October's actuals and the forecast from November: £325,000, a breach at once
    assert ForecastVersion.objects.count() == 1
    check = cost_check()
    assert (check.status, check.forecast_value) == (ToleranceState.BREACHED, Decimal(325_000))
    assert ProjectException.objects.get().evm["eac"] == "325000.00"


def test_approving_the_first_budget_judges_finance_s_eac_instead_of_the_typed_cost(cast):
    # Given the PM's report of the budget judged within, and the ledger's spending at £90,000 a
    # month before finance has approved a budget (the typed forecast is judged)
    baseline(cast)
    spend(cast.finance, cast.project, {OCT: 90_000, NOV: 90_000})
    submitted(cast, forecast_cost=BUDGET)
    assert cost_check().status == ToleranceState.WITHIN

    # When finance approves the budget
    budget(cast.finance, cast.project, PHASED)

    # Then finance's EAC (£180,000 + £125,000) is judged: a breach
    check = cost_check()
    assert (check.status, check.forecast_value) == (ToleranceState.BREACHED, Decimal(305_000))
    assert ProjectException.objects.get().evm["bac"] == "250000.00"


def test_closing_a_month_judges_again_its_actuals_now_final(cast):
    # Given November's forecast of the budget, then £150,000 of November's actuals loaded: the
    # forecast still covers November, so the EAC is the budget
    on_budget(cast)
    staff = CostCategory.objects.get(name="Staff")
    finance_services.forecast_make(
        actor=cast.pm,
        project=cast.project,
        period=cast.period,
        lines=[MonthAmount(month, staff, "revenue", Decimal(62_500)) for month in (NOV, DEC, JAN)],
    )
    spend(cast.finance, cast.project, {NOV: 150_000})
    assert (cost_check().status, cost_check().forecast_value) == (ToleranceState.WITHIN, BUDGET)

    # When finance closes November
    finance_services.month_lock(actor=cast.finance, month=NOV)

    # Then November's actuals count: £62,500 + £150,000 + £125,000
    check = cost_check()
    assert (check.status, check.forecast_value) == (ToleranceState.BREACHED, Decimal(337_500))
    assert ProjectException.objects.get().dimensions == "cost"


def test_while_finance_s_eac_is_not_judged_a_load_re_judges_nothing(cast):
    on_budget(cast)
    config = finance_settings()
    finance_services.finance_settings_update(
        actor=cast.finance,
        settings_row=config,
        fields={"cost_tolerance_on_eac": False},
        expected_version=config.version,
    )
    assessed = cost_check().assessed_at

    spend(cast.finance, cast.project, {NOV: 150_000})

    check = cost_check()
    assert (check.status, check.forecast_value) == (ToleranceState.WITHIN, BUDGET)
    assert check.assessed_at == assessed  # not judged again
    assert not ProjectException.objects.exists()


def test_turning_finance_s_eac_on_judges_the_budgeted_projects_again(cast):
    # Given the PMO judging typed costs while finance's ledger was checked, and a ledger that
    # says £90,000 a month
    config = finance_settings()
    finance_services.finance_settings_update(
        actor=cast.finance,
        settings_row=config,
        fields={"cost_tolerance_on_eac": False},
        expected_version=config.version,
    )
    baseline(cast)
    budget(cast.finance, cast.project, PHASED)
    spend(cast.finance, cast.project, {OCT: 90_000, NOV: 90_000})
    submitted(cast, forecast_cost=BUDGET)
    assert cost_check().status == ToleranceState.WITHIN

    # When the finance partner turns finance's EAC on
    config = finance_settings()
    finance_services.finance_settings_update(
        actor=cast.finance,
        settings_row=config,
        fields={"cost_tolerance_on_eac": True},
        expected_version=config.version,
    )

    # Then the breach is seen at once, and turned off again the typed forecast counts again
    assert (cost_check().status, cost_check().forecast_value) == (ToleranceState.BREACHED, Decimal(305_000))
    assert ProjectException.objects.get().dimensions == "cost"
    config = finance_settings()
    finance_services.finance_settings_update(
        actor=cast.finance,
        settings_row=config,
        fields={"cost_tolerance_on_eac": False},
        expected_version=config.version,
    )
    assert (cost_check().status, cost_check().forecast_value) == (ToleranceState.WITHIN, BUDGET)


def test_a_refused_load_judges_nothing_and_changes_nothing(cast):
    on_budget(cast)
    assessed = cost_check().assessed_at

    with pytest.raises(finance_services.LineProblems):
        finance_services.actuals_load(
            actor=cast.finance,
            rows=[finance_services.LedgerRow("NO-SUCH-CODE", NOV, Decimal(150_000))],
            reference="Ledger",
            year=2026,
        )

    assert (cost_check().forecast_value, cost_check().assessed_at) == (BUDGET, assessed)
    assert not ProjectException.objects.exists()
