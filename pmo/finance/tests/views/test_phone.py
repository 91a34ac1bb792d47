"""In Chromium on a phone (390 × 844), the finance pages read without scrolling sideways, their
tables turn into cards whose cells name their column, and axe finds nothing serious."""

import pytest
from playwright.sync_api import expect

from pmo.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PAGES = [
    ("finance-tab", "/finance/projects/WEB/", "months"),
    ("finance-forecast", "/finance/projects/WEB/forecast/", "forecast-grid"),
    ("finance-portfolio", "/finance/?year=2026&by=programme", "roll-up"),
    ("finance-cost-codes", "/finance/cost-codes/", None),
    ("finance-months", "/finance/months/", "closed-months"),
    ("finance-accuracy", "/finance/accuracy/", "accuracy"),
    ("finance-settings", "/finance/settings/", None),
]


def test_the_finance_pages_read_well_on_a_phone(live_server, sign_in, money):
    page = sign_in(money.finance)
    page.set_viewport_size(PHONE)

    for name, path, table in PAGES:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state()
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name} ({path}) is {width} px wide on a {PHONE['width']} px phone"
        if table:
            row = page.locator(f"[data-testid='{table}'] tbody tr").first
            assert row.evaluate("r => getComputedStyle(r).display") == "block", name
        assert_accessible(page, f"phone-{name}")


@pytest.mark.parametrize("width", [1200, 1400])
def test_the_menu_with_finance_fits_the_screen(live_server, sign_in, books, width):
    # Finance's pages are in the Reporting menu: a menu more would push the bar past the screen.
    page = sign_in(books.cast.head)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/finance/")
    page.wait_for_load_state()

    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name="Reporting").click()
    expect(page.get_by_role("link", name="Portfolio finance")).to_be_visible()
