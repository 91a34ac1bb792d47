"""The PMO's own budget in Chromium, on the demo: the head of the PMO opens Portfolio finance →
Cost centres → PMO and reads where the year's non-staff spend lands against its £50k limit,
staff and non-staff, month by month; the finance partner changes March's training in the
year's budget grid and sees the year's figures move, the change in the budget's history. The
pages pass axe (screenshots kept)."""

import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from pmo.conftest import assert_accessible
from pmo.core.models import User
from pmo.finance.models import CostCentreBudget
from pmo.portfolio.demo import DEMO_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo"),
    pytest.mark.today("2026-12-07"),
]


def test_the_head_of_the_pmo_reads_the_pmo_budget_and_finance_revises_it(
    live_server: Any, sign_in: Any
) -> None:
    base = live_server.url
    page: Page = sign_in(User.objects.get(username="head"), DEMO_PASSWORD)
    page.goto(f"{base}/finance/")
    page.get_by_role("link", name="Cost centres").click()
    expect(page.get_by_test_id("cost-centres")).to_contain_text("IT Portfolio Management Office")
    page.get_by_role("link", name="PMO", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("IT Portfolio Management Office: 2026/27")
    limit = page.get_by_test_id("non-staff-limit")
    expect(limit).to_contain_text("against a limit of £50,000")
    expect(limit).to_contain_text("under it")
    expect(page.get_by_label(re.compile(r"Non-staff outturn, \d+% of the limit"))).to_be_visible()
    expect(page.get_by_test_id("outturn")).to_contain_text("Non-staff")
    expect(page.get_by_test_id("months")).to_contain_text("Mar 2027")
    assert_accessible(page, "cost-centre-pmo-year")

    page.context.clear_cookies()  # sign out
    finance = sign_in(User.objects.get(username="finance"), DEMO_PASSWORD)
    finance.goto(f"{base}/finance/cost-centres/PMO/")
    before = finance.get_by_test_id("non-staff-limit").inner_text()
    finance.get_by_role("link", name="Set the 2026/27 budget").click()
    expect(finance.get_by_test_id("budget-source")).to_contain_text("Set (version 2)")
    assert_accessible(finance, "cost-centre-pmo-budget")
    cell = finance.get_by_label(re.compile(r"^Mar 2027, Services \(revenue, Revenue budget\), £$"))
    cell.fill(str(int(Decimal(cell.input_value() or "0")) + 2000))
    finance.get_by_label("Note").fill("March's certification course added.")
    finance.get_by_role("button", name="Save the budget").click()

    expect(finance.get_by_role("alert").first).to_contain_text("Budget of PMO for 2026/27 saved")
    after = finance.get_by_test_id("non-staff-limit").inner_text()
    assert after != before  # the year's non-staff outturn moved by the £2,000
    assert CostCentreBudget.objects.get(cost_centre__code="PMO", year=2026).version == 3
    finance.get_by_role("link", name="History").click()
    expect(finance.get_by_test_id("budget-history-2026")).to_contain_text("Budget for 2026/27 set")
