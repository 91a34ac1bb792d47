"""On the demo's day a PMO analyst finds a project the evidence has caught early in the register
and opens it: its page opens on the health summary, the early-warning panel giving each signal's
reason beside tolerance use, the next milestones, open exceptions, top risks and the latest
report. Axe finds nothing serious."""

import pytest
from playwright.sync_api import expect

from pmo.conftest import assert_accessible
from pmo.core.models import User
from pmo.core.tests.demo_database import DEMO_TODAY
from pmo.insights.early_warning import early_warnings
from pmo.portfolio.demo import DEMO_PASSWORD
from pmo.portfolio.models import Project

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo"),
    pytest.mark.today("2026-11-23"),
]

CAUGHT = "IT-128"  # the demo's project whose confidence keeps falling and milestones slip
PANELS = ("early-warning", "tolerances", "milestones", "exceptions", "risks", "report")


def test_a_project_caught_early_opens_on_its_health_with_the_reasons(live_server, sign_in):
    project = Project.objects.get(code=CAUGHT)
    signals = early_warnings([project], DEMO_TODAY)[project.pk].signals
    page = sign_in(User.objects.get(username="analyst"), DEMO_PASSWORD)

    page.goto(f"{live_server.url}/projects/?q={CAUGHT}")
    page.get_by_role("link", name=CAUGHT, exact=True).click()

    expect(page.get_by_role("heading", name="Health", level=2)).to_be_visible()
    warning = page.get_by_test_id("health-panel-early-warning")
    for signal in signals:
        expect(warning).to_contain_text(signal.reason)
    expect(warning).to_contain_text("Confidence falling")
    for panel in PANELS:
        expect(page.get_by_test_id(f"health-panel-{panel}")).to_be_visible()
    expect(page.get_by_test_id("health-panel-report")).to_contain_text("November 2026")
    assert_accessible(page, "project-health-summary")
