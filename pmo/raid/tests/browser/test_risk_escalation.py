"""In Chromium: a PM logs a risk through the form, sees it on the project's RAID tab, escalates
it to the programme, and the programme manager finds it in the programme's register. The
overview, the risk register and the form pass axe."""

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pmo.conftest import assert_accessible
from pmo.portfolio.tests.browser.conftest import choose, sign_in_on, sign_out
from pmo.raid.models import Risk
from pmo.raid.tests.factories import DependencyFactory
from pmo.reporting.choices import Rating, ReportStatus
from pmo.reporting.tests.factories import ReportFactory

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
    choose(page, "Owner", "pat", "Pat Manager")
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
    page.get_by_role("link", name="HR HR system, Not reported: who is affected if it slips").click()

    expect(page.get_by_test_id("affected")).to_contain_text("WEB Website: directly")
    expect(
        page.get_by_role("link", name="WEB Website, Not reported (affected): who is affected if it slips")
    ).to_be_visible()
    assert_accessible(page, "raid-dependency-map")


def test_the_dependency_map_finds_a_project_by_typing_and_shows_names_and_status(
    live_server: Any, page: Page, cast
) -> None:
    # Given WEB waits on HR, whose latest report declares Amber
    DependencyFactory(project=cast.project, depends_on=cast.other_project, provider="", title="HR feed")
    ReportFactory(
        project=cast.other_project,
        status=ReportStatus.SUBMITTED,
        overall_status=Rating.AMBER,
        submitted_at=timezone.now(),
    )
    sign_in_on(page, live_server.url, cast.analyst)
    page.goto(f"{live_server.url}/raid/dependencies/map/")
    page.wait_for_load_state()

    # Then each box names its project and says its status in words, coloured to match
    hr = page.locator("svg g.node").filter(has_text="HR system")
    expect(hr).to_contain_text("Amber")
    expect(hr).to_have_class(re.compile(r"\brating-amber\b"))
    expect(page.locator("svg g.node").filter(has_text="Website")).to_contain_text("Not reported")

    # When they type part of a name and pick the match with the keyboard
    box = page.get_by_role("combobox", name="If this project slips")
    box.fill("hr sys")
    option = page.get_by_role("option", name="HR HR system")
    expect(option).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    assert_accessible(page, "raid-dependency-map-search")
    box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(box).to_have_value("HR HR system")
    expect(page.get_by_role("listbox")).to_be_hidden()
    page.get_by_role("button", name="Show who is affected").click()

    # Then the map says who is affected if HR slips
    expect(page.get_by_test_id("affected")).to_contain_text("If HR slips, these are affected")
    expect(page.get_by_test_id("affected")).to_contain_text("WEB Website: directly")
    assert_accessible(page, "raid-dependency-map-chosen")
