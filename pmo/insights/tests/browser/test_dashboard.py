"""In Chromium: the Head of PMO opens the dashboard, reads the trend chart (SVG drawn by the
server, no script) with the keyboard and as a table, reads the green-outside-red-inside flag on
the heatmap one click deeper, filters (a sponsor picked by typing), and drills down to a project."""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from pmo.conftest import assert_accessible
from pmo.portfolio.tests.browser.conftest import choose

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_head_of_pmo_reads_the_dashboard_and_drills_down(live_server, sign_in, pmo_head, portfolio):
    page = sign_in(pmo_head)
    scripts: list[str] = []
    page.on("request", lambda request: request.resource_type == "script" and scripts.append(request.url))

    # When the Head of PMO opens the dashboard from the navigation
    page.get_by_role("link", name="Dashboard", exact=True).click()

    # Then the trend chart is there without any chart script, and only our own scripts load
    expect(page.get_by_role("heading", name="Portfolio dashboard", level=1)).to_be_visible()
    chart = page.get_by_test_id("trend-chart")
    expect(chart.locator("svg").first).to_be_visible()
    expect(chart.locator(".chart-key", has_text="Green")).to_have_count(1)
    own = urlparse(live_server.url).netloc
    assert scripts and all(urlparse(url).netloc == own for url in scripts), scripts
    assert not any("plotly" in url for url in scripts), scripts

    # And the keyboard reaches each bar, which names its period and shares
    latest = portfolio.periods[-1]
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('[data-testid=trend-chart] .chart-point')"):
            break
    else:
        pytest.fail("Tab never reached the trend chart")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.locator(".chart-point:focus")
    expect(focused).to_have_attribute("data-period", str(latest))
    expect(focused).to_have_attribute("aria-label", re.compile(r"6 active projects: Green 50% \(3\)"))

    # And the same figures read as a table, once opened
    page.get_by_text("The trend as a table").click()
    expect(page.get_by_test_id("trend-table").get_by_role("row", name=str(latest))).to_contain_text("2 (33%)")

    # And the compliance of the period being chased (the fortnight just past due) is on the cockpit
    expect(page.get_by_test_id("compliance").get_by_role("row", name="Submitted late")).to_have_text(
        re.compile(r"Submitted late\s*3")
    )
    assert_accessible(page, "dashboard")

    # And one click deeper, the optimistic project is flagged, with why
    page.get_by_role("link", name="by area").click()
    optimistic = page.locator('tr[data-project="OPT-001"]')
    expect(optimistic.get_by_test_id("optimistic-flag")).to_have_text(re.compile("Green outside, red inside"))
    expect(optimistic).to_contain_text("Schedule: declared green, evidence red (3 milestone(s) overdue)")
    expect(page.locator('tr[data-project="BRE-001"] [data-column="reasons"]')).to_contain_text(
        "time tolerance breached"
    )
    assert_accessible(page, "dashboard-projects")

    # When they filter the dashboard by the Finance department
    page.locator("main").get_by_role("link", name="Dashboard", exact=True).click()
    page.get_by_label("Department").select_option(label="Finance")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator('tr[data-status="green"] a')).to_have_text("1")
    page.get_by_role("link", name="by area").click()
    expect(page.locator("tr[data-project]")).to_have_count(1)
    expect(page.locator('tr[data-project="CON-001"]')).to_be_visible()

    # And by a sponsor, picked by typing part of the name instead of the department
    page.locator("main").get_by_role("link", name="Dashboard", exact=True).click()
    page.get_by_label("Department").select_option(label="All departments")
    choose(page, "Sponsor", "sam", "Sam Sponsor")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("combobox", name="Sponsor", exact=True)).to_have_value(re.compile("^Sam Sponsor"))
    page.get_by_role("link", name="by area").click()
    expect(page).to_have_url(re.compile(rf"sponsor={portfolio.sponsor.pk}$"))
    expect(page.locator("tr[data-project]")).to_have_count(5)
    expect(page.locator('tr[data-project="CON-001"]')).to_have_count(0)

    # And clear the filter and drill down to a project
    page.locator("main").get_by_role("link", name="Dashboard", exact=True).click()
    page.get_by_role("link", name="Clear").click()
    page.get_by_role("link", name="by area").click()
    expect(page.locator("tr[data-project]")).to_have_count(6)
    page.locator('tr[data-project="OPT-001"]').get_by_role("link", name="OPT-001").click()
    expect(page).to_have_url(f"{live_server.url}/reporting/projects/OPT-001/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("OPT-001")
