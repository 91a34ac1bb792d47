"""In Chromium at 1280 × 800, on the demo's day, the demo's head of PMO opens the dashboard: every
cockpit panel ends within the first screen, the demo's early-warning projects show with their
reasons beside the projects beyond tolerance, and a figure opens the list behind it counting the
same. Axe finds nothing serious; a screenshot of the first screen goes to the test output."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pmo.conftest import assert_accessible
from pmo.core.models import User
from pmo.core.tests.demo_database import DEMO_TODAY
from pmo.insights.early_warning import active, early_warnings, ranked
from pmo.insights.selectors import LISTED
from pmo.portfolio.demo import DEMO_PASSWORD
from pmo.portfolio.models import Project

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo"),
    pytest.mark.today("2026-11-23"),
]

SCREEN = {"width": 1280, "height": 800}
PANELS = (
    "panel-status",
    "panel-exceptions",
    "panel-reports",
    "panel-decisions",
    "panel-tolerance",
    "panel-early-warning",
    "panel-slippage",
)


def test_the_head_of_pmo_sees_the_portfolio_on_one_screen_and_drills_through(
    live_server, sign_in, output_path
):
    # Given the demo's head of PMO signed in on a 1280 × 800 screen
    page = sign_in(User.objects.get(username="head"), DEMO_PASSWORD)
    page.set_viewport_size(SCREEN)
    warned = ranked(early_warnings(active(Project.objects.all()), DEMO_TODAY))
    assert warned, "the demo has early-warning projects"

    # When they open the dashboard from the menu
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", name="Portfolio dashboard", level=1)).to_be_visible()

    # Then every panel of the cockpit ends within the first screen, unscrolled
    Path(output_path).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(output_path) / "cockpit-1280x800.png"))
    assert page.evaluate("window.scrollY") == 0
    for panel in PANELS:
        box = page.get_by_test_id(panel).bounding_box()
        assert box is not None, panel
        bottom = box["y"] + box["height"]
        assert bottom <= SCREEN["height"], f"{panel} ends at {bottom:.0f} px"

    # And the early-warning projects show, heaviest first, each with its heaviest signal's reason
    listed = page.get_by_test_id("early-warnings").locator("li[data-project]")
    expect(listed).to_have_count(min(LISTED, len(warned)))
    for item, warning in zip(listed.all(), warned[:LISTED], strict=True):
        expect(item).to_have_attribute("data-project", warning.project.code)
        first = warning.signals[0].reason
        expect(item.locator(".why")).to_contain_text(first[:1].upper() + first[1:])
    expect(page.get_by_test_id("count-early-warnings")).to_have_text(f"{len(warned)} projects")
    # beside the projects beyond tolerance, breaches first, each with why
    breaches = page.get_by_test_id("beyond-tolerance").locator("li[data-project]")
    expect(breaches.first).to_contain_text("Breached")
    expect(breaches.first.locator(".why")).to_contain_text("tolerance breached")
    assert_accessible(page, "cockpit")

    # When they open the amber count, then the projects listed are as many, all amber
    amber = page.locator('tr[data-status="amber"] a')
    count = int(amber.inner_text())
    amber.click()
    expect(page).to_have_url(re.compile(r"/dashboard/projects/\?status=amber$"))
    expect(page.get_by_test_id("shown-count")).to_have_text(str(count))
    rows = page.locator("tr[data-project]")
    expect(rows).to_have_count(count)
    expect(rows.locator("td:first-of-type .rating")).to_have_text(["Amber"] * count)

    # And back on the cockpit, the early-warning count opens every warned project
    page.go_back()
    page.get_by_test_id("count-early-warnings").click()
    expect(page).to_have_url(re.compile(r"/dashboard/early-warnings/$"))
    expect(page.get_by_test_id("early-warnings").locator("tbody tr")).to_have_count(len(warned))
