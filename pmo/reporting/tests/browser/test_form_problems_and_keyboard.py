"""In Chromium: a highlight report submitted with three problems shows all three at once with
the focus on the summary, and the top menu works from the keyboard (a visible focus ring, Space
opens it)."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from pmo.conftest import assert_accessible
from pmo.core.choices import Role
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.reporting import services
from pmo.reporting.forms import MILESTONE_NEEDS_DATE
from pmo.reporting.models import NEGATIVE_AMOUNT
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_report_with_three_problems_shows_them_all_and_the_focus_lands_on_them(
    live_server: Any, make_user: Any, sign_in: Any
) -> None:
    # Given the PM's draft highlight report
    pm = make_user(Role.PROJECT_MANAGER, username="pat", first_name="Pat", last_name="Manager")
    project = ProjectFactory(code="DFD-001", project_manager=PersonFactory(user=pm, name="Pat Manager"))
    report = services.highlight_report_start(actor=pm, project=project, period=PeriodFactory())
    page: Page = sign_in(pm)
    page.goto(f"{live_server.url}/reporting/reports/{report.pk}/edit/")

    # When they submit it with no overall status, a negative cost and a milestone
    # without its date
    page.get_by_label("Forecast cost at completion (£)").fill("-5")
    page.get_by_label("Milestone 1: Name").fill("Pilot")
    page.get_by_role("button", name="Submit to the PMO").click()

    # Then all three problems show at once, and the focus is on their summary
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text(f"Overall status: {services.MISSING_FOR_SUBMISSION}")
    expect(summary).to_contain_text(f"Forecast cost at completion (£): {NEGATIVE_AMOUNT}")
    expect(summary).to_contain_text(f"Milestone 1, Date: {MILESTONE_NEEDS_DATE}")
    expect(summary).to_be_focused()
    assert_accessible(page, "report-form-problems")


def test_the_top_menu_shows_its_focus_and_opens_with_space(pmo_head: Any, sign_in: Any) -> None:
    page: Page = sign_in(pmo_head)
    menu = page.get_by_role("navigation", name="Main")
    reporting = menu.get_by_role("button", name="Reporting")

    # When a keyboard user tabs to the Reporting menu
    page.keyboard.press("Tab")  # the skip link
    for _ in range(12):
        page.keyboard.press("Tab")
        if reporting.evaluate("element => element === document.activeElement"):
            break
    expect(reporting).to_be_focused()

    # Then its focus ring is drawn, white on the navy bar
    ring = reporting.evaluate(
        "element => { const s = getComputedStyle(element); "
        "return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
    )
    assert ring == ["solid", "3px", "rgb(255, 255, 255)"]

    # And Space opens it
    page.keyboard.press("Space")
    expect(reporting).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Periods")).to_be_visible()


def test_sorting_the_register_keeps_the_focus_on_the_heading_chosen(
    live_server: Any, pmo_head: Any, sign_in: Any
) -> None:
    ProjectFactory(code="AAA-001", name="Alpha")
    ProjectFactory(code="ZZZ-001", name="Zulu")
    page: Page = sign_in(pmo_head)
    page.goto(f"{live_server.url}/projects/")
    heading = page.locator("#record-results th a").first
    chosen = heading.get_attribute("id")

    # When a keyboard user sorts by the first column with Enter
    heading.focus()
    page.keyboard.press("Enter")

    # Then the table is sorted by it, and the focus is still on its heading
    expect(page.locator(f"#record-results th[aria-sort]:has(#{chosen})")).to_be_visible()
    expect(page.locator(f"#{chosen}")).to_be_focused()
