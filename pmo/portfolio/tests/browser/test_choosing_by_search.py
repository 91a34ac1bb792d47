"""In Chromium: people are chosen by typing, not from a select of everyone. A keyboard user
types part of a name, moves through the matches with the arrow keys and picks one with Enter
(the combobox pattern); without JavaScript the same box takes a name or e-mail and says when
it names nobody or more than one person. Paging the register keeps the focus on the page link
chosen."""

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from pmo.conftest import assert_accessible
from pmo.core.choices import Role
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Person, Project
from pmo.portfolio.tests.browser.conftest import PASSWORD
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.today("2026-06-01")]


def fill_new_project(page: Page, code: str) -> None:
    page.get_by_label("Code").fill(code)
    page.get_by_role("textbox", name="Name", exact=True).fill("Resident app")
    page.get_by_label("Portfolio").select_option(label="IT Portfolio")
    page.get_by_label("Department").select_option(label="Digital Services")
    page.get_by_label("Category").select_option(label="Service improvement")
    page.get_by_label("Stage").select_option(label="Initiation")
    page.get_by_label("Planned start").fill("2026-06-01")
    page.get_by_label("Proposed finish").fill("2026-12-01")
    page.get_by_label("Proposed budget (£)").fill("120000")


def test_a_keyboard_user_picks_the_sponsor_from_the_matches(live_server, sign_in, make_user, register):
    # Given two thousand people besides those of the register
    Person.objects.bulk_create(
        Person(name=f"Resident {n:04}", email=f"resident{n}@council.example") for n in range(2000)
    )
    PersonFactory(name="Sara Sponge", email="sponge@council.example")
    page = sign_in(make_user(Role.PMO_OFFICER, username="olly"))
    page.goto(f"{live_server.url}/projects/new/")
    page.wait_for_load_state()
    fill_new_project(page, "DFD-020")

    # When they type part of a name into the sponsor box
    sponsor = page.get_by_role("combobox", name="Sponsor", exact=True)
    sponsor.press_sequentially("sara sp")

    # Then the two who match are listed under it, and the list is announced
    listbox = page.locator("#id_sponsor_options")
    expect(listbox).to_be_visible()
    expect(listbox.get_by_role("option")).to_have_text(
        ["Sara Sponge (sponge@council.example)", "Sara Sponsor (sara@council.example)"]
    )
    expect(sponsor).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#id_sponsor_status")).to_have_text(
        "2 matches: use the up and down arrows to choose."
    )
    assert_accessible(page, "people-search-open")

    # When they move down twice and press Enter
    sponsor.press("ArrowDown")
    sponsor.press("ArrowDown")
    second = listbox.get_by_role("option").nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(sponsor).to_have_attribute("aria-activedescendant", second.get_attribute("id") or "")
    sponsor.press("Enter")

    # Then the box holds the person picked, the list closes and nothing was sent yet
    expect(sponsor).to_have_value("Sara Sponsor (sara@council.example)")
    expect(listbox).to_be_hidden()
    expect(sponsor).to_have_attribute("aria-expanded", "false")
    assert not Project.objects.filter(code="DFD-020").exists()

    # And Escape closes a list without picking
    manager = page.get_by_role("combobox", name="Project manager", exact=True)
    manager.press_sequentially("max")
    expect(page.locator("#id_project_manager_options")).to_be_visible()
    manager.press("Escape")
    expect(page.locator("#id_project_manager_options")).to_be_hidden()
    expect(manager).to_have_value("max")

    # When they save, the name typed in full is enough for the one person who has it
    manager.fill("Max Manager")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("DFD-020 Resident app")
    project = Project.objects.get(code="DFD-020")
    assert (project.sponsor.email, project.project_manager.email) == (
        "sara@council.example",
        "max@council.example",
    )


def test_without_javascript_a_name_or_email_is_typed_and_checked(
    live_server: Any, browser: Browser, make_user, register
) -> None:
    PersonFactory(name="Sara Sponsor", email="sara.two@council.example")  # a second Sara Sponsor
    make_user(Role.PMO_OFFICER, username="olly")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("olly")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/projects/new/")
    fill_new_project(page, "DFD-021")

    # When they type a name two people share and one nobody has
    page.get_by_label("Sponsor").fill("Sara Sponsor")
    page.get_by_label("Project manager").fill("Maxine Manager")
    page.get_by_role("button", name="Save").click()

    # Then nothing is saved and each box says why, keeping what was typed
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text(
        "2 people are called “Sara Sponsor”: type the e-mail of the one you mean."
    )
    expect(summary).to_contain_text("No one in People is called or has the e-mail “Maxine Manager”")
    expect(page.get_by_label("Project manager")).to_have_value("Maxine Manager")
    assert not Project.objects.filter(code="DFD-021").exists()

    # When they type the e-mail of the one they mean and the name of the manager
    page.get_by_label("Sponsor").fill("sara.two@council.example")
    page.get_by_label("Project manager").fill("max manager")
    page.get_by_role("button", name="Save").click()

    # Then the project is saved with those two
    expect(page.get_by_role("heading", level=1)).to_have_text("DFD-021 Resident app")
    project = Project.objects.get(code="DFD-021")
    assert (project.sponsor.email, project.project_manager.email) == (
        "sara.two@council.example",
        "max@council.example",
    )
    context.close()


def test_paging_the_register_keeps_the_focus_on_the_page_chosen(live_server, sign_in, pmo_head) -> None:
    for n in range(55):
        ProjectFactory(code=f"P-{n:03}", name=f"Project {n}", status=ProjectStatus.ACTIVE)
    page: Page = sign_in(pmo_head)
    page.goto(f"{live_server.url}/projects/")
    page.wait_for_load_state()

    # When a keyboard user opens page 2 with Enter
    page.locator("#page-2").focus()
    page.keyboard.press("Enter")

    # Then page 2 shows and the focus is still on its link (now the current page)
    expect(page.locator("#page-2")).to_have_attribute("aria-current", "page")
    expect(page.locator("#page-2")).to_be_focused()

    # And Next, then Previous, keep the focus on the link used
    page.locator("#page-previous").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#page-1")).to_have_attribute("aria-current", "page")
    expect(page.locator("#page-previous")).to_be_focused()
