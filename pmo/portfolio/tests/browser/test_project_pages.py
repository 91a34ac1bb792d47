"""In Chromium: people create and edit projects through the forms, read their pages and
history, and meet the limits of their role: no editing of others' projects, no confidential
projects for executives, and no silent overwrite when two people edit at once."""

import pytest
from playwright.sync_api import Locator, Page, expect

from pmo.conftest import assert_accessible
from pmo.core.choices import Role
from pmo.core.generic import NOT_FOUND
from pmo.portfolio.models import FINISH_BEFORE_START, Project
from pmo.portfolio.tests.browser.conftest import choose, results_count, row_keys
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory, StrategicObjectiveFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REQUIRED = "This field is required."


def shown(page: Page, label: str) -> str:
    """The value a record page shows under a field's label."""
    term = page.locator("dl.record-fields dt", has_text=label)
    return term.locator("xpath=following-sibling::dd[1]").inner_text()


def name_field(page: Page) -> Locator:
    """The form's Name box (its label also holds a required-field star)."""
    return page.get_by_role("textbox", name="Name", exact=True)


def test_officer_creates_a_project_after_correcting_mistakes(live_server, sign_in, make_user, register):
    # Given a PMO officer on the register, with a strategic objective to link to
    StrategicObjectiveFactory(code="SO1", title="Digital by default")
    page = sign_in(make_user(Role.PMO_OFFICER, username="olly", first_name="Olly", last_name="Officer"))
    page.goto(f"{live_server.url}/projects/")

    # When they start a new project, leave out the name and finish before the start
    page.get_by_role("link", name="New project").click()
    expect(page.get_by_role("heading", name="New project")).to_be_visible()
    page.get_by_label("Code").fill("DFD-010")
    page.get_by_label("Portfolio").select_option(label="IT Portfolio")
    page.get_by_label("Programme").select_option(label="Digital Front Door")
    page.get_by_label("Department").select_option(label="Digital Services")
    choose(page, "Sponsor", "sara", "Sara Sponsor (sara@council.example)")
    choose(page, "Project manager", "max", "Max Manager (max@council.example)")
    page.get_by_label("Category").select_option(label="Service improvement")
    page.get_by_label("Stage").select_option(label="Initiation")
    page.get_by_label("Planned start").fill("2026-06-01")
    page.get_by_label("Proposed finish").fill("2026-05-01")
    page.get_by_label("Proposed budget (£)").fill("120000")
    page.get_by_label("SO1 Digital by default").check()
    page.get_by_role("button", name="Save").click()

    # Then nothing is saved; each error is beside its field and what they typed is still there
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("Nothing was saved: please correct what is listed here")
    expect(summary).to_contain_text(f"Name: {REQUIRED}")
    expect(summary).to_contain_text(f"Proposed finish: {FINISH_BEFORE_START}")
    expect(name_field(page)).to_have_attribute("aria-invalid", "true")
    expect(name_field(page)).to_have_accessible_description(REQUIRED)
    expect(page.get_by_label("Proposed finish")).to_have_accessible_description(FINISH_BEFORE_START)
    expect(page.get_by_label("Code")).to_have_value("DFD-010")
    expect(page.get_by_label("Planned start")).to_have_value("2026-06-01")
    expect(page.get_by_label("Proposed budget (£)")).to_have_value("120000")
    expect(page.get_by_label("Programme").locator("option:checked")).to_have_text("Digital Front Door")
    expect(page.get_by_label("SO1 Digital by default")).to_be_checked()
    assert not Project.objects.filter(code="DFD-010").exists()
    assert_accessible(page, "project-form-errors")

    # When they correct both and save
    summary.get_by_role("link", name="Name").click()
    expect(name_field(page)).to_be_focused()
    name_field(page).fill("Resident app")
    page.get_by_label("Proposed finish").fill("2026-12-01")
    page.get_by_role("button", name="Save").click()

    # Then they land on the new project's page, which shows what they entered
    expect(page.get_by_role("heading", level=1)).to_have_text("DFD-010 Resident app")
    expect(page.get_by_role("alert")).to_contain_text("DFD-010 Resident app saved.")
    assert page.url == f"{live_server.url}/projects/DFD-010/"
    assert shown(page, "Programme") == "Digital Front Door"
    assert shown(page, "Sponsor") == "Sara Sponsor"
    assert shown(page, "Stage") == "Initiation"
    assert shown(page, "Planned start") == "1 Jun 2026"
    assert shown(page, "Proposed finish") == "1 Dec 2026"
    assert shown(page, "Proposed budget (£)") == "£120,000"
    assert shown(page, "Size tier") == "Medium"  # set from the budget
    assert shown(page, "Strategic objectives") == "SO1 Digital by default"
    assert_accessible(page, "project-detail")

    # And its History tab says they created it
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("link", name="History")).to_have_attribute("aria-current", "page")
    entries = page.locator("table.history-table tbody tr")
    expect(entries).to_have_count(1)
    expect(entries.first.locator("td").nth(1)).to_have_text("Olly Officer")
    expect(entries.first.locator("td").nth(2)).to_contain_text("Created")
    expect(entries.first).to_contain_text("Resident app")
    assert_accessible(page, "project-history")


def test_project_manager_edits_their_own_project_only(live_server, sign_in, make_user, register):
    # Given a project manager who manages one project; another is managed by someone else
    pm = make_user(Role.PROJECT_MANAGER, username="pat", first_name="Pat", last_name="Lee")
    ProjectFactory(
        code="LIB-001", name="Library self-service", project_manager=PersonFactory(user=pm, name="Pat Lee"),
        sponsor=register.sponsor, portfolio=register.portfolio, department=register.digital,
    )
    page = sign_in(pm)

    # When they open their project from the register and change its name
    page.goto(f"{live_server.url}/projects/")
    page.get_by_role("link", name="Library self-service").click()
    page.get_by_role("link", name="Edit", exact=True).click()
    name_field(page).fill("Library self-service kiosks")
    page.get_by_role("button", name="Save").click()

    # Then the page shows the new name, and the history shows it before → after, by them
    expect(page.get_by_role("heading", level=1)).to_have_text("LIB-001 Library self-service kiosks")
    page.get_by_role("link", name="History").click()
    latest = page.locator("table.history-table tbody tr").first
    expect(latest.locator("td").nth(1)).to_have_text("Pat Lee")
    expect(latest.locator("td").nth(2)).to_contain_text("Changed")
    change = latest.locator(".history-changes li", has_text="Name")
    expect(change.locator("del")).to_have_text("Library self-service")
    expect(change.locator("ins")).to_have_text("Library self-service kiosks")

    # When they open someone else's project, there is no Edit button
    page.goto(f"{live_server.url}/projects/DFD-001/")
    expect(page.get_by_role("heading", level=1)).to_have_text("DFD-001 Resident portal")
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Delete")).to_have_count(0)

    # And going to its edit address directly is refused with a reason
    response = page.goto(f"{live_server.url}/projects/DFD-001/edit/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="You cannot do that")).to_be_visible()
    expect(page.get_by_test_id("reason")).to_have_text(
        "You do not have permission to change DFD-001 Resident portal."
    )
    assert_accessible(page, "permission-denied")
    assert Project.objects.get(code="DFD-001").name == "Resident portal"


def test_executive_does_not_see_confidential_projects(live_server, sign_in, make_user, register):
    # Given a confidential project among the register's seven
    ProjectFactory(code="SEC-001", name="Restructure", confidential=True, portfolio=register.portfolio,
                   department=register.digital)
    page = sign_in(make_user(Role.EXECUTIVE, username="erin", first_name="Erin", last_name="Shaw"))

    # When the executive reads the overview and the register
    expect(page.get_by_text("7 projects in the register you can see.")).to_be_visible()
    page.goto(f"{live_server.url}/projects/?q=")  # every status, not only the active ones

    # Then the confidential project is nowhere, and there is no New project button
    expect(results_count(page)).to_have_text("7 projects")
    assert "SEC-001" not in row_keys(page)
    page.get_by_role("searchbox", name="Search").fill("Restructure")
    expect(results_count(page)).to_have_text("0 projects")
    expect(page.get_by_role("link", name="New project")).to_have_count(0)
    expect(page.get_by_role("link", name="Import from Excel")).to_have_count(0)

    # And its address answers "not found"
    response = page.goto(f"{live_server.url}/projects/SEC-001/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_test_id("reason")).to_have_text(NOT_FOUND.format(kind="project", key="SEC-001"))
    expect(page.get_by_text("Restructure")).to_have_count(0)
    assert_accessible(page, "not-found")


def test_two_people_edit_the_same_project_at_once(live_server, make_user, register, open_browser):
    # Given two PMO officers with the same project's edit form open
    alice = open_browser(make_user(Role.PMO_OFFICER, username="alice", first_name="Alice", last_name="Ng"))
    ben = open_browser(make_user(Role.PMO_OFFICER, username="ben", first_name="Ben", last_name="Ode"))
    for page in (alice, ben):
        page.goto(f"{live_server.url}/projects/DFD-001/edit/")
        expect(name_field(page)).to_have_value("Resident portal")

    # When Alice saves a new name first
    name_field(alice).fill("Resident portal phase 1")
    alice.get_by_role("button", name="Save").click()
    expect(alice.get_by_role("heading", level=1)).to_have_text("DFD-001 Resident portal phase 1")

    # And Ben then saves his change from the form he opened before
    name_field(ben).fill("Resident portal (Ben)")
    ben.get_by_label("Proposed budget (£)").fill("450000")
    ben.get_by_role("button", name="Save").click()

    # Then Ben is told Alice changed it meanwhile, and nothing of his is saved
    conflict = ben.get_by_test_id("conflict")
    expect(conflict).to_contain_text("Not saved: this project changed while you were editing")
    expect(conflict).to_contain_text("was changed by Alice Ng")
    expect(name_field(ben)).to_have_value("Resident portal (Ben)")  # what he typed is kept
    assert_accessible(ben, "project-form-conflict")

    # And the project keeps Alice's change, as Ben sees when he opens the latest version
    conflict.get_by_role("link", name="Open the latest version").click()
    expect(name_field(ben)).to_have_value("Resident portal phase 1")
    expect(ben.get_by_label("Proposed budget (£)")).to_have_value("400000.00")
    project = Project.objects.get(code="DFD-001")
    assert (project.name, project.budget, project.version) == ("Resident portal phase 1", 400000, 2)
