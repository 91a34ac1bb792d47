"""Finance's pages cost the same number of SQL queries with few projects' money as with many
(pinned: a query per row, or one more per page, shows here; the session, user and role lookups
of a signed-in request included)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.core.choices import Role
from pmo.finance.models import MonthLock
from pmo.finance.selectors import finance_settings
from pmo.finance.tests.api.test_query_counts import add_money
from pmo.finance.tests.views.conftest import client_for
from pmo.portfolio.models import Project

pytestmark = pytest.mark.django_db


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("url", "role", "pinned"),
    [
        # session, user, the settings row (read twice: the current year and the years holding
        # money), the years' bounds (one query), the roll-up's six (roles among them), the
        # filter's portfolios, programmes and departments, unread notices
        ("/finance/", Role.FINANCE_PARTNER, 16),
        # ... and, for a reader outside finance, their person record (projects they see); in a
        # year, the profile to date is summed with the roll-up's budget (no query more)
        ("/finance/?by=project&year=2026", Role.EXECUTIVE, 17),
        # ... the export without the page around it (no lists to choose from, no notices)
        ("/finance/?by=category&export=xlsx", Role.FINANCE_PARTNER, 12),
        # session, user, roles, the count, the page (codes with their project, people, category
        # and funding source), unread notices; an export has no count nor notices, the closed
        # months no count
        ("/finance/cost-codes/", Role.FINANCE_PARTNER, 6),
        ("/finance/cost-codes/?export=xlsx&project=", Role.PROJECT_MANAGER, 5),
        ("/finance/months/", Role.EXECUTIVE, 5),
    ],
)
def test_list_pages_do_not_grow_with_the_rows(make_user, url, role, pinned):
    finance_settings()
    client = client_for(make_user(role))
    add_money(2)
    MonthLock.objects.create(month=date(2026, 10, 1), locked_at="2026-11-02T09:00Z")
    few = count(client, url)

    add_money(12)
    MonthLock.objects.create(month=date(2026, 9, 1), locked_at="2026-10-02T09:00Z")
    many = count(client, url)

    assert (few, many) == (pinned, pinned)


def test_the_finance_tab_does_not_grow_with_the_lines(make_user):
    finance_settings()
    client = client_for(make_user(Role.FINANCE_PARTNER))
    add_money(1)
    code = Project.objects.get().code
    few = count(client, f"/finance/projects/{code}/")

    add_money(5)  # more projects, ledger lines and months elsewhere: the same queries for this one
    # session, user, the project; its figures (seven), the closed months, the settings, the budget
    # by year and category; earned value (ten: with the report's and baseline's milestones, EV's
    # source without a plan); the budget and forecast versions; roles, notices
    assert count(client, f"/finance/projects/{code}/") == few == 27


def test_forecast_accuracy_does_not_grow_with_the_forecasts(make_user):
    finance_settings()
    client = client_for(make_user(Role.PROJECT_MANAGER))
    MonthLock.objects.create(month=date(2026, 11, 1), locked_at="2026-12-02T09:00Z")
    add_money(2)
    few = count(client, "/finance/accuracy/?by=project_manager")

    add_money(12)
    many = count(client, "/finance/accuracy/?by=project_manager")

    # session, user, the closed months, the forecasts (with their projects and people), their
    # lines, the actuals of their months, roles and person (who sees which), unread notices
    assert (few, many) == (9, 9)
