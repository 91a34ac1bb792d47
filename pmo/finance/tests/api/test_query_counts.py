"""Finance's API lists cost the same number of SQL queries whatever the number of rows
(pinned; the session and user lookups included)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo.core.choices import Role
from pmo.engine.finance import add_months
from pmo.finance.choices import BudgetStatus, SpendType
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
from pmo.finance.selectors import finance_settings
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db
NOV = date(2026, 11, 1)


def add_money(n):
    """n projects, each with a cost code, an approved budget, a ledger line and a forecast, two
    lines apiece, and n months closed (from April 2024 on)."""
    category, funding = CostCategory.objects.first(), FundingSource.objects.first()
    period = PeriodFactory()
    load = ActualImport.objects.create(
        reference="Ledger",
        first_month=NOV,
        last_month=NOV,
        lines=n,
        replaced=0,
        total=Decimal(n),
        imported_at=timezone.now(),
    )
    closed = MonthLock.objects.count()
    MonthLock.objects.bulk_create(
        MonthLock(month=add_months(date(2024, 4, 1), closed + i), locked_at=timezone.now()) for i in range(n)
    )
    for _ in range(n):
        project = ProjectFactory(sponsor=PersonFactory(), project_manager=PersonFactory())
        code = CostCode.objects.create(
            code=f"C{project.pk}",
            project=project,
            category=category,
            spend_type=SpendType.CAPITAL,
            funding_source=funding,
        )
        budget = BudgetVersion.objects.create(
            project=project, number=1, reason="v1", status=BudgetStatus.APPROVED
        )
        forecast = ForecastVersion.objects.create(project=project, period=period, made_at=timezone.now())
        for model, version in ((BudgetLine, budget), (ForecastLine, forecast)):
            for month in (NOV, date(2026, 12, 1)):
                model.objects.create(
                    version=version,
                    month=month,
                    category=category,
                    spend_type=SpendType.CAPITAL,
                    funding_source=funding,
                    amount=Decimal(10),
                )
        ActualLine.objects.create(
            cost_code=code,
            project=project,
            month=NOV,
            category=category,
            spend_type=SpendType.CAPITAL,
            funding_source=funding,
            amount=Decimal(1),
            loaded_by=load,
        )


def count(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries), response.json()["count"]


@pytest.mark.parametrize(
    ("url", "role", "pinned"),
    [
        # session, user, roles, count, page (with project, people, category, funding source)
        ("/api/v1/cost-codes/", Role.FINANCE_PARTNER, 5),
        # ... and the lines (with their category and funding source)
        ("/api/v1/forecasts/", Role.FINANCE_PARTNER, 6),
        # ... a budget's sums by year and category instead: the settings row (the year's first
        # month), the page's lines summed by version and month, and by version and category
        ("/api/v1/budgets/", Role.FINANCE_PARTNER, 8),
        # ... and, for a reader outside finance and the PMO, their person record
        ("/api/v1/budgets/?project=&status=approved&search=v1&ordering=-number", Role.PROJECT_MANAGER, 9),
        # session, user, roles, the settings row (the year's first month), count, page
        ("/api/v1/actuals/?year=2026&ordering=-amount", Role.FINANCE_PARTNER, 6),
        ("/api/v1/actuals/", Role.EXECUTIVE, 6),
        # session, user, roles, the reader's person record (project visibility), count, page of
        # projects, current budgets, latest forecasts, the budgets' and forecasts' lines by month,
        # actuals by month, the last closed month, the settings row, the plans' progress, and
        # for EV by milestones where there is no plan: the latest handed-in reports' milestones
        # and the baselines' milestones
        ("/api/v1/evm/", Role.FINANCE_PARTNER, 16),
        ("/api/v1/evm/?as_of=2026-11-15", Role.EXECUTIVE, 16),
        # session, user, count, page (with who closed it)
        ("/api/v1/closed-months/?ordering=month", Role.PROJECT_MANAGER, 4),
    ],
)
def test_list_queries_do_not_grow_with_the_rows(client_for, make_user, url, role, pinned):
    finance_settings()
    client = client_for(make_user(role))
    add_money(3)
    few, few_rows = count(client, url)

    add_money(27)
    many, many_rows = count(client, url)

    assert (few, many) == (pinned, pinned)
    assert many_rows - few_rows == 27


def test_the_financial_years_cost_a_fixed_number_of_queries(client_for, make_user):
    finance_settings()
    client = client_for(make_user(Role.EXECUTIVE))
    add_money(2)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/financial-years/")
    add_money(20)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/financial-years/")
    assert len(few.captured_queries) == len(many.captured_queries)
