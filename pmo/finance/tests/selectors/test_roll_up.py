"""The portfolio roll-up: every project's budget, actuals to date and forecast summed by
programme, category or any other key, whole-life or in a year, each project split at its own
month; a reader sums only the money they may see, in the same few queries whatever the number
of projects. Run on 4 December 2026 (financial year 2026/27)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.engine.finance import FinancialYear
from pmo.finance import selectors, services
from pmo.finance.tests.conftest import line

pytestmark = pytest.mark.django_db
OCT, NOV, DEC, APR = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1), date(2027, 4, 1)


def figures(rolled):
    return {key: (o.budget, o.actual_to_date, o.forecast_remaining, o.eac) for key, o in rolled.items()}


def test_by_programme_whole_life_and_in_year(money):
    finance = money.finance
    assert figures(selectors.portfolio_roll_up(user=finance, by="programme")) == {
        # WEB splits at December: October's actual, then its forecast (November forecast nothing)
        "DIG": (Decimal(3_000), Decimal(1_200), Decimal(2_000), Decimal(3_200)),
        # HR has no forecast: its budget from December (nothing) stands
        None: (Decimal(1_000), Decimal(300), Decimal(0), Decimal(300)),
    }
    in_year = selectors.portfolio_roll_up(user=finance, by="programme", year=FinancialYear(2026))
    assert in_year["DIG"].eac == Decimal(2_700)  # next April's £500 is next year's


def test_by_category_and_by_spend_type(money):
    assert figures(selectors.portfolio_roll_up(user=money.finance, by="category")) == {
        "Software": (Decimal(3_000), Decimal(1_200), Decimal(2_000), Decimal(3_200)),
        "Staff": (Decimal(1_000), Decimal(300), Decimal(0), Decimal(300)),
    }
    by_type = selectors.portfolio_roll_up(user=money.finance, by="spend_type")
    # budgets and forecasts were entered as revenue; WEB's ledger lines count as capital (its code)
    assert {key: o.actual_to_date for key, o in by_type.items()} == {
        "revenue": Decimal(300),
        "capital": Decimal(1_200),
    }


def test_a_reader_sums_only_the_money_they_may_see(money):
    assert set(selectors.portfolio_roll_up(user=money.cast.executive, by="project")) == {"WEB"}
    assert set(selectors.portfolio_roll_up(user=money.cast.analyst, by="project")) == {"WEB", "HR"}


def test_an_unknown_key_is_refused(money):
    with pytest.raises(ValueError, match="not 'colour'"):
        selectors.portfolio_roll_up(user=money.finance, by="colour")


def test_the_roll_up_s_queries_do_not_grow_with_the_projects(money):
    def queries(user):
        with CaptureQueriesContext(connection) as context:
            selectors.portfolio_roll_up(user=user, by="portfolio")
        return len(context.captured_queries)

    reader = money.finance
    reader._pmo_role_names = frozenset({"Finance partner"})  # roles read once per request
    few = queries(reader)
    for n in range(5):
        project = money.cast.project.__class__.objects.get(pk=money.cast.project.pk)
        project.pk, project.code, project.name = None, f"X{n}", f"Extra {n}"
        project.save()
        draft = services.budget_draft(
            actor=None, project=project, reason="v1", lines=[line(NOV, money.staff, 10)]
        )
        services.budget_approve(actor=None, version=draft, expected_version=1)
    assert (few, queries(reader)) == (6, 6)
