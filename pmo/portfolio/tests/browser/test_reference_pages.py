"""In Chromium: the register's other pages (programmes, portfolios, organisation units,
objectives, people, lifecycle, profile) read well, link up, and let only the PMO head change
the lifecycle."""

import pytest
from playwright.sync_api import Page, expect

from pmo.conftest import assert_accessible
from pmo.core.choices import Role
from pmo.portfolio.models import LifecycleStage
from pmo.portfolio.tests.browser.conftest import (
    column_values,
    results_count,
    row_keys,
    sign_in_on,
    sign_out,
)
from pmo.portfolio.tests.factories import StrategicObjectiveFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_reference_page(page: Page, name: str) -> None:
    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("button", name="Reference data").click()
    menu.get_by_role("link", name=name, exact=True).click()
    # The live search binds when the page has loaded (htmx is deferred); typing before then is lost.
    page.wait_for_load_state()


def test_officer_reads_programmes_portfolios_and_reference_data(live_server, sign_in, make_user, register):
    # Given a PMO officer and a register with an objective that two projects serve
    objective = StrategicObjectiveFactory(code="SO1", title="Digital by default")
    register.projects["DFD-001"].strategic_objectives.add(objective)
    register.projects["DFD-002"].strategic_objectives.add(objective)
    page = sign_in(make_user(Role.PMO_OFFICER, username="olly", first_name="Olly", last_name="Officer"))
    main_nav = page.get_by_role("navigation", name="Main")

    # When they open the programmes, each shows its projects and budget
    main_nav.get_by_role("link", name="Programmes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programmes")
    assert row_keys(page) == ["DFD", "INF"]
    expect(page.locator("#record-results tbody tr").first).to_contain_text("£700,000")
    assert_accessible(page, "programmes")

    page.get_by_role("link", name="Digital Front Door").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Digital Front Door")
    expect(page.get_by_test_id("project-totals")).to_have_text("4 projects · £700,000 approved budget")
    assert row_keys(page, "section[aria-labelledby=projects-heading] table") == [
        "DFD-001", "DFD-002", "DFD-003", "DFD-004"
    ]
    assert_accessible(page, "programme-detail")

    # And "Open these in the register" shows the register filtered to that programme
    page.get_by_role("link", name="Open these in the register").click()
    expect(results_count(page)).to_have_text("4 projects")
    expect(page.get_by_label("Digital Front Door")).to_be_checked()

    # When they open the portfolios, the portfolio shows its programmes and all its projects
    main_nav.get_by_role("link", name="Portfolios").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Portfolios")
    expect(page.locator("#record-results tbody tr")).to_have_count(1)
    assert_accessible(page, "portfolios")
    page.get_by_role("link", name="IT Portfolio").click()
    expect(page.get_by_test_id("project-totals")).to_have_text("7 projects · £2,770,000 approved budget")
    programmes = page.get_by_role("table", name="Programmes in this portfolio")
    expect(programmes.locator("tbody th")).to_have_text(["DFD", "INF"])
    assert_accessible(page, "portfolio-detail")

    # When they open each kind of reference data from the menu
    open_reference_page(page, "Organisation units")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation units")
    expect(page.locator("#record-results tbody tr")).to_have_count(1)
    assert column_values(page, "Name") == ["Digital Services"]
    assert column_values(page, "Projects") == ["7"]
    assert_accessible(page, "org-units")

    open_reference_page(page, "Strategic objectives")
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategic objectives")
    expect(page.locator("#record-results tbody tr", has_text="SO1")).to_contain_text("Digital by default")
    assert_accessible(page, "objectives")
    page.get_by_role("link", name="Digital by default").click()
    expect(page.get_by_test_id("project-totals")).to_have_text("2 projects · £550,000 approved budget")

    open_reference_page(page, "People")
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    page.get_by_role("searchbox", name="Search people").fill("Sara")
    expect(page.locator("#record-results tbody tr")).to_have_count(1)
    expect(page.locator("#record-results tbody tr")).to_contain_text("Director")
    assert_accessible(page, "people")

    # And their profile from the user menu
    page.get_by_test_id("user-menu").click()
    page.get_by_role("link", name="Profile and API tokens").click()
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    expect(page.locator("dd", has_text="PMO officer")).to_be_visible()
    assert_accessible(page, "profile-officer")


def test_pmo_head_adds_a_lifecycle_stage_the_officer_can_only_read(live_server, page, make_user):
    head = make_user(Role.PMO_HEAD, username="hana", first_name="Hana", last_name="Head")
    officer = make_user(Role.PMO_OFFICER, username="olly", first_name="Olly", last_name="Officer")

    # Given the PMO head on the lifecycle page
    sign_in_on(page, live_server.url, head)
    open_reference_page(page, "Lifecycle")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lifecycle")
    assert row_keys(page) == ["1", "2", "3", "4", "5", "6"]
    assert_accessible(page, "lifecycle")

    # When they add a seventh stage
    page.get_by_role("link", name="New lifecycle stage").click()
    page.get_by_label("Order").fill("7")
    page.get_by_role("textbox", name="Name", exact=True).fill("Lessons review")
    page.get_by_label("Entry gate").fill("Gate 6: Lessons captured")
    page.get_by_label("Description").fill("Lessons shared with the PMO community.")
    page.get_by_role("button", name="Save").click()

    # Then the lifecycle lists it last, with its gate
    expect(page.get_by_role("alert")).to_contain_text("Lessons review saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lifecycle")
    last = page.locator("#record-results tbody tr").last
    expect(last).to_contain_text("Lessons review")
    expect(last).to_contain_text("Gate 6: Lessons captured")
    expect(last.get_by_role("link", name="Edit Lessons review")).to_be_visible()

    # When a PMO officer opens the lifecycle
    sign_out(page)
    sign_in_on(page, live_server.url, officer)
    open_reference_page(page, "Lifecycle")

    # Then they see the new stage but nothing to change it with
    expect(page.locator("#record-results tbody tr").last).to_contain_text("Lessons review")
    expect(page.get_by_role("link", name="New lifecycle stage")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit Lessons review")).to_have_count(0)
    expect(page.get_by_role("link", name="History of Lessons review")).to_be_visible()

    # And the edit address refuses them
    stage = LifecycleStage.objects.get(name="Lessons review")
    response = page.goto(f"{live_server.url}/settings/lifecycle/{stage.pk}/edit/")
    assert response is not None and response.status == 403
    expect(page.get_by_test_id("reason")).to_have_text("You do not have permission to change Lessons review.")
