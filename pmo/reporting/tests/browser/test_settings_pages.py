"""The PMO head's reporting settings in Chromium: the settings page, default tolerances (adding
one for a portfolio through the form), and the periods, reports and exceptions lists pass axe."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from pmo.conftest import assert_accessible
from pmo.portfolio.tests.browser.conftest import sign_in_on
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.reporting.models import ToleranceDefault
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_pmo_head_adds_a_portfolio_tolerance(live_server: Any, page: Page, pmo_head) -> None:
    project = ProjectFactory()
    PeriodFactory()
    sign_in_on(page, live_server.url, pmo_head)

    page.goto(f"{live_server.url}/reporting/settings/")
    expect(page.get_by_role("heading", name="Reporting settings", exact=True)).to_be_visible()
    assert_accessible(page, "reporting-settings")

    page.goto(f"{live_server.url}/reporting/settings/tolerances/")
    page.get_by_label("Portfolio").select_option(label=project.portfolio.name)
    page.get_by_label("Dimension").select_option(label="Cost")
    page.get_by_label("Percentage of baseline").fill("7.5")
    page.get_by_role("button", name="Add default").click()

    expect(page.locator("main")).to_contain_text(f"Cost tolerance for {project.portfolio.name} added.")
    row = page.get_by_test_id("defaults").get_by_role("row", name=f"{project.portfolio.name} Cost")
    expect(row).to_contain_text("±7.5%")
    assert ToleranceDefault.objects.get(portfolio=project.portfolio, dimension="cost").percent == 7.5
    assert_accessible(page, "reporting-tolerance-defaults")

    for path, name in (
        ("/reporting/periods/", "reporting-periods"),
        ("/reporting/reports/", "reporting-reports"),
        ("/reporting/exceptions/", "reporting-exceptions"),
        ("/notifications/", "notifications-empty"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page, name)
