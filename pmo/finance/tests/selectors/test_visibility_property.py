"""Property: for every reader (each role, each relation to a project, deactivated, superuser,
not signed in) and every project's money, confidential projects included, the lists and the
object check agree and say what the rule says: whoever sees the project sees its cost codes,
budgets, actuals and forecasts, and finance partners see every project's. The loads of the
ledger are seen by finance and the PMO; the settings, lists and closed months by everyone
signed in."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given

from pmo.core.choices import PMO_ROLES
from pmo.finance import selectors
from pmo.finance.choices import SpendType
from pmo.finance.models import (
    ActualImport,
    ActualLine,
    BudgetLine,
    BudgetVersion,
    CostCategory,
    CostCode,
    ForecastLine,
    ForecastVersion,
    FundingSource,
    MonthLock,
)
from pmo.portfolio.tests.visibility import (
    PROPERTY,
    ROLES,
    SIGNED_OUT,
    assert_list_and_object_checks_agree,
    make_project,
    project_shapes,
    rolled_back,
    rule_says_sees,
    signed_in,
)
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 1)


def keeps_the_books(name: str) -> bool:
    """The PMO, finance partners and superusers, signed in."""
    if name in SIGNED_OUT:
        return False
    return name in ("superuser", "finance") or bool({role.label for role in ROLES.get(name, ())} & PMO_ROLES)


def money_of(project, category):
    code = CostCode.objects.create(
        code=f"C-{project.pk}", project=project, category=category, spend_type=SpendType.REVENUE
    )
    budget = BudgetVersion.objects.create(project=project, number=1, reason="v1")
    budget_line = BudgetLine.objects.create(
        version=budget, month=NOV, category=category, spend_type=SpendType.REVENUE, amount=Decimal(5)
    )
    load = ActualImport.objects.create(
        reference="Ledger",
        first_month=NOV,
        last_month=NOV,
        lines=1,
        replaced=0,
        total=Decimal(5),
        imported_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
    )
    actual = ActualLine.objects.create(
        cost_code=code,
        project=project,
        month=NOV,
        category=category,
        spend_type=SpendType.REVENUE,
        amount=Decimal(5),
        loaded_by=load,
    )
    forecast = ForecastVersion.objects.create(
        project=project, period=PeriodFactory(), made_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    )
    forecast_line = ForecastLine.objects.create(
        version=forecast, month=NOV, category=category, spend_type=SpendType.REVENUE, amount=Decimal(5)
    )
    return {
        CostCode: (code, selectors.cost_code_list),
        BudgetVersion: (budget, selectors.budget_version_list),
        BudgetLine: (budget_line, None),
        ActualLine: (actual, selectors.actual_line_list),
        ForecastVersion: (forecast, selectors.forecast_version_list),
        ForecastLine: (forecast_line, None),
    }, load


@PROPERTY
@given(shape=project_shapes())
def test_who_sees_a_project_s_money_is_the_same_in_every_list_and_on_every_record(visibility_cast, shape):
    with rolled_back():
        records, load = money_of(make_project(visibility_cast, shape), CostCategory.objects.first())

        def seen(name):
            return rule_says_sees(name, shape) or (name == "finance" and signed_in(name))

        for model, (record, selector) in records.items():
            assert_list_and_object_checks_agree(
                model, [record], visibility_cast, selectors=[selector] if selector else [], seen_by=seen
            )
        assert_list_and_object_checks_agree(ActualImport, [load], visibility_cast, seen_by=keeps_the_books)


def test_the_settings_lists_and_closed_months_are_read_by_everyone_signed_in(visibility_cast):
    lock = MonthLock.objects.create(month=NOV, locked_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    for row in (
        selectors.finance_settings(),
        CostCategory.objects.first(),
        FundingSource.objects.first(),
        lock,
    ):
        assert_list_and_object_checks_agree(type(row), [row], visibility_cast, seen_by=signed_in)
