"""The PMO's forecast in Chromium, on the demo: the head of the PMO opens the PMO cost centre's
year, sees the rest of it come from the forecast made last month and the forecasts made so far,
forecasts a contractor for January in the grid and sees the year land over the £50k non-staff
limit, the new forecast in use and listed. The page passes axe (screenshot kept). (A module of
its own: a transactional module's demo is emptied after its test.)"""

import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from pmo.conftest import assert_accessible
from pmo.core.models import User
from pmo.finance.models import CostCentreForecast
from pmo.portfolio.demo import DEMO_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo"),
    pytest.mark.today("2026-12-07"),
]


def test_the_head_of_the_pmo_forecasts_the_rest_of_the_year_and_sees_where_it_lands(
    live_server: Any, sign_in: Any
) -> None:
    base = live_server.url
    page: Page = sign_in(User.objects.get(username="head"), DEMO_PASSWORD)
    page.goto(f"{base}/finance/cost-centres/PMO/")
    expect(page.get_by_test_id("forecast-source")).to_contain_text("the forecast made for November 2026")
    expect(page.get_by_test_id("forecast-versions")).to_contain_text("Nov 2026")
    expect(page.get_by_test_id("forecast-versions")).to_contain_text("Oct 2026")
    expect(page.get_by_test_id("forecast-grid-source")).to_contain_text("December 2026")
    before = page.get_by_test_id("non-staff-limit").inner_text()

    # a contractor for January: £60,000 more outside staff costs takes the year over its limit
    cell = page.get_by_label(re.compile(r"^Jan 2027, Contractors \(revenue, Revenue budget\), £$"))
    cell.fill(str(int(Decimal(cell.input_value() or "0")) + 60_000))
    page.get_by_label("Note").fill("An interim for the portfolio review in January.")
    page.get_by_role("button", name="Save the forecast").click()

    expect(page.get_by_role("alert").first).to_contain_text(
        "Forecast of PMO for 2026/27 from December 2026 saved"
    )
    limit = page.get_by_test_id("non-staff-limit")
    expect(limit).to_contain_text("over the limit")
    assert limit.inner_text() != before
    expect(page.get_by_test_id("forecast-source")).to_contain_text("the forecast made for December 2026")
    expect(page.get_by_test_id("forecast-versions")).to_contain_text("An interim for the portfolio review")
    assert CostCentreForecast.objects.filter(cost_centre__code="PMO", year=2026).count() == 3
    assert_accessible(page, "cost-centre-pmo-forecast")
