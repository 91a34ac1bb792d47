"""Finance in reporting's pages: the report form says its forecast cost came from finance (and
still takes a typed figure, as the plan's finish does), and an exception raised for a cost or
time breach shows the earned value figures it kept. On 4 December 2026: a budget of £62,500 a
month from October to January, £90,000 spent in each of October and November (EAC £305,000),
a plan 40% complete (EV £100,000, CPI 0.56)."""

import datetime as dt

import pytest

from pmo.core.choices import Role
from pmo.reporting.models import ProjectException
from pmo.reporting.tests.finance_money import budget, plan, spend
from pmo.reporting.tests.views.helpers import doc, text_of

pytestmark = pytest.mark.django_db

OCT, NOV, DEC, JAN = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1)


@pytest.fixture
def money(world, make_user):
    finance = make_user(Role.FINANCE_PARTNER, username="finance")
    budget(finance, world.project, dict.fromkeys((OCT, NOV, DEC, JAN), 62_500))
    spend(finance, world.project, {OCT: 90_000, NOV: 90_000})
    plan(world.project, 40)
    return world


def test_the_report_form_says_the_forecast_cost_is_finance_s_eac(money):
    report = money.draft()

    response = money.client(money.pm).get(f"/reporting/reports/{report.pk}/edit/")

    assert response.status_code == 200
    cost = doc(response).xpath("//input[@name='forecast_cost']")[0]
    assert cost.get("value") == "305000.00"
    assert cost.get("disabled") is None  # still the PM's to type over, as the plan's finish is
    assert "From finance (EAC £305,000, as of 30 Nov 2026)" in text_of(response)


def test_without_finance_data_the_form_says_nothing_of_finance(world):
    report = world.draft()

    response = world.client(world.pm).get(f"/reporting/reports/{report.pk}/edit/")

    assert "From finance" not in text_of(response)


def test_an_exception_s_page_shows_the_earned_value_at_the_breach(money):
    money.breaching_submission()
    exception = ProjectException.objects.get(project=money.project)

    response = money.client(money.pm).get(exception.get_absolute_url())

    page = text_of(response)
    assert "Earned value at the breach (as of 4 Dec 2026, actuals to 30 Nov 2026)" in page
    rows = {
        " ".join(row.xpath("th")[0].text_content().split()): " ".join(
            row.xpath("td")[0].text_content().split()
        )
        for row in doc(response).xpath("//table[@data-testid='evm']//tr")
    }
    assert rows["Estimate at completion (EAC, finance)"] == "£305,000"
    assert rows["Actual cost (AC)"] == "£180,000"
    assert rows["Earned value (EV)"] == "£100,000"
    assert rows["Cost performance index (CPI)"] == "0.56"


def test_an_exception_without_finance_data_shows_no_earned_value(world):
    world.breaching_submission()
    exception = ProjectException.objects.get(project=world.project)

    response = world.client(world.pm).get(exception.get_absolute_url())

    assert "Earned value at the breach" not in text_of(response)
