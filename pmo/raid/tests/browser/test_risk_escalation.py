"""In Chromium: a PM logs a risk through the form, sees it on the project's RAID tab, escalates
it to the programme, and the programme manager finds it in the programme's register. The
overview, the risk register and the form pass axe."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from pmo.conftest import assert_accessible
from pmo.portfolio.tests.browser.conftest import sign_in_on, sign_out
from pmo.raid.models import Risk
from pmo.raid.tests.factories import DependencyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pm_logs_and_escalates_a_risk_the_programme_manager_sees(
    live_server: Any, page: Page, cast
) -> None:
    base = live_server.url
    sign_in_on(page, base, cast.pm)

    page.goto(f"{base}/raid/projects/WEB/")
    expect(page.get_by_role("heading", name="WEB Website: RAID")).to_be_visible()
    page.get_by_role("link", name="Add risk").click()
    expect(page.get_by_role("heading", name="New risk in WEB Website")).to_be_visible()
    assert_accessible(page, "raid-risk-form")
    page.get_by_label("Title").fill("Hosting supplier may fold")
    page.get_by_role("combobox", name="Category", exact=True).select_option(label="Commercial and supplier")
    page.get_by_role("combobox", name="Owner", exact=True).select_option(label="Pat Manager")
    page.get_by_label("Inherent probability").fill("4")
    page.get_by_label("Inherent impact").fill("5")
    page.get_by_label("Residual probability").fill("3")
    page.get_by_label("Residual impact").fill("4")
    page.get_by_role("button", name="Raise risk").click()

    risk = Risk.objects.get()
    expect(page.locator("main")).to_contain_text(f"{risk.reference} Hosting supplier may fold raised.")
    expect(page.get_by_test_id("scores")).to_contain_text("20 high")
    expect(page.get_by_test_id("scores")).to_contain_text("12 medium")

    page.get_by_test_id("project-tabs").get_by_role("link", name="RAID").click()
    row = page.get_by_test_id("register-table").get_by_role("row", name=risk.reference)
    expect(row).to_contain_text("Hosting supplier may fold")
    expect(row).to_contain_text("12 medium")

    row.get_by_role("link", name=risk.reference).click()
    page.get_by_role("link", name="Escalate").click()
    page.get_by_label("Escalate to").select_option(label="Programme register")
    page.get_by_label("Why").fill("Only the programme can fund a second supplier.")
    page.get_by_role("button", name="Escalate").click()
    expect(page.locator("main")).to_contain_text(f"{risk.reference} escalated to the programme register.")
    expect(page.get_by_test_id("escalation")).to_contain_text("Escalated to the programme register")
    sign_out(page)

    sign_in_on(page, base, cast.programme_manager)
    page.goto(f"{base}/raid/programmes/{cast.programme.pk}/")
    row = page.get_by_test_id("register-table").get_by_role("row", name=risk.reference)
    expect(row).to_contain_text("escalated from WEB Website")
    expect(row).to_contain_text("Escalated to programme")

    page.goto(f"{base}/raid/")
    expect(page.get_by_test_id("heat-residual")).to_contain_text("1 medium")
    assert_accessible(page, "raid-overview")
    page.goto(f"{base}/raid/risks/")
    expect(page.get_by_test_id("register-table")).to_contain_text("Hosting supplier may fold")
    assert_accessible(page, "raid-risk-register")


def test_the_dependency_map_shows_who_is_affected_when_a_project_slips(
    live_server: Any, page: Page, cast
) -> None:
    DependencyFactory(project=cast.project, depends_on=cast.other_project, provider="", title="HR feed")
    sign_in_on(page, live_server.url, cast.analyst)

    page.goto(f"{live_server.url}/raid/dependencies/map/")
    page.get_by_role("link", name="HR HR system: who is affected if it slips").click()

    expect(page.get_by_test_id("affected")).to_contain_text("WEB Website: directly")
    expect(
        page.get_by_role("link", name="WEB Website (affected): who is affected if it slips")
    ).to_be_visible()
    assert_accessible(page, "raid-dependency-map")
