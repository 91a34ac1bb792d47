"""Finance's lists in Chromium, on the demo: the finance partner opens Finance settings → Cost
categories, finds Contractors in use (the PMO's interim analyst's cost code and lines), is
refused its deletion and offered retirement instead, then marks it as staff costs and sees the
PMO cost centre's non-staff spend fall by its amount; the change is in its history. A funding
source nothing uses is added and deleted. The pages pass axe (screenshots kept)."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from pmo.conftest import assert_accessible
from pmo.core.models import User
from pmo.finance.models import CostCategory, FundingSource
from pmo.finance.reference import STAFF_NOW
from pmo.portfolio.demo import DEMO_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo"),
    pytest.mark.today("2026-12-07"),
]


def test_finance_keeps_the_categories_and_sources(live_server: Any, sign_in: Any) -> None:
    base = live_server.url
    page: Page = sign_in(User.objects.get(username="finance"), DEMO_PASSWORD)
    page.goto(f"{base}/finance/cost-centres/PMO/")
    before = page.get_by_test_id("non-staff-limit").inner_text()

    page.goto(f"{base}/finance/settings/")
    page.get_by_test_id("finance-lists").get_by_role("link", name="Cost categories").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cost categories")
    assert_accessible(page, "cost-categories")
    page.get_by_role("link", name="Contractors", exact=True).click()
    expect(page.get_by_test_id("uses")).to_contain_text("cost code")
    assert_accessible(page, "cost-category-contractors")

    page.get_by_role("link", name="Delete").click()
    expect(page.get_by_test_id("in-use")).to_contain_text("it cannot be deleted")
    expect(page.get_by_role("button", name="Retire cost category")).to_be_visible()
    assert_accessible(page, "cost-category-in-use")
    page.get_by_role("link", name="Cancel").click()

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Staff costs").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_contain_text("Cost category Contractors saved.")
    assert CostCategory.objects.get(name="Contractors").staff

    page.get_by_role("link", name="History").click()
    expect(page.get_by_test_id("history")).to_contain_text(STAFF_NOW)
    page.goto(f"{base}/finance/cost-centres/PMO/")
    assert page.get_by_test_id("non-staff-limit").inner_text() != before  # contractors left it

    page.goto(f"{base}/finance/funding-sources/")
    page.get_by_role("link", name="Add a funding source").click()
    page.get_by_label("Name").fill("Levelling Up Fund")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding source Levelling Up Fund")
    expect(page.get_by_test_id("uses")).to_have_text("Nothing uses it yet.")
    page.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete funding source").click()
    expect(page.get_by_role("alert").first).to_contain_text("Funding source Levelling Up Fund deleted.")
    assert not FundingSource.objects.filter(name="Levelling Up Fund").exists()
