"""Helpers for driving the register's pages in Chromium: signing people in and out, reading
the register table as a person sees it, and a small register to work on."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from pmo.core.models import User
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import OrgUnit, Person, Portfolio, Programme, Project
from pmo.portfolio.tests.factories import (
    OrgUnitFactory,
    PersonFactory,
    PortfolioFactory,
    ProgrammeFactory,
    ProjectFactory,
)

PASSWORD = "pass-Word-123"
SORT_MARKS = "▲▼↕"


def sign_in_on(page: Page, base_url: str, user: User) -> Page:
    """Sign ``user`` in through the login form on ``page`` (any browser context)."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("user-menu")).to_have_text(str(user))
    return page


def sign_out(page: Page) -> None:
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


@pytest.fixture
def open_browser(browser: Browser, live_server: Any) -> Iterator[Callable[[User], Page]]:
    """A separate browser (its own context and cookies) signed in as the given user, for
    tests where two people work at once."""
    contexts = []

    def open_as(user: User) -> Page:
        context = browser.new_context()
        contexts.append(context)
        return sign_in_on(context.new_page(), live_server.url, user)

    yield open_as
    for context in contexts:
        context.close()


def results_count(page: Page) -> Any:
    """The "N projects" line above the register table."""
    return page.locator("#record-results .results-toolbar [role=status]")


def column_headers(page: Page) -> list[str]:
    """The register table's column headings as shown, without the sort marks."""
    texts = page.locator("#record-results table thead th").all_inner_texts()
    return [text.strip().rstrip(SORT_MARKS).strip() for text in texts]


def row_keys(page: Page, table: str = "#record-results table") -> list[str]:
    """The first cell of each row (the project code in the register)."""
    return [text.strip() for text in page.locator(f"{table} tbody tr th").all_inner_texts()]


def column_values(page: Page, label: str) -> list[str]:
    """The cells of one column of the register table, top to bottom."""
    index = column_headers(page).index(label)
    rows = page.locator("#record-results table tbody tr")
    return [rows.nth(i).locator("th, td").nth(index).inner_text().strip() for i in range(rows.count())]


@dataclass
class Register:
    portfolio: Portfolio
    front_door: Programme
    infrastructure: Programme
    digital: OrgUnit
    sponsor: Person
    manager: Person
    projects: dict[str, Project]


@pytest.fixture
def register(db: None) -> Register:
    """A small IT portfolio: two programmes, seven projects in several statuses."""
    portfolio = PortfolioFactory(name="IT Portfolio", description="Every IT project of the council.")
    digital = OrgUnitFactory(name="Digital Services")
    sponsor = PersonFactory(name="Sara Sponsor", email="sara@council.example", job_title="Director")
    manager = PersonFactory(name="Max Manager", email="max@council.example", job_title="Project manager")
    front_door = ProgrammeFactory(code="DFD", name="Digital Front Door", portfolio=portfolio, sponsor=sponsor)
    infrastructure = ProgrammeFactory(code="INF", name="Infrastructure Renewal", portfolio=portfolio)
    common = {"portfolio": portfolio, "department": digital, "sponsor": sponsor, "project_manager": manager}
    rows = [
        ("DFD-001", "Resident portal", front_door, ProjectStatus.ACTIVE, "400000"),
        ("DFD-002", "Online payments portal", front_door, ProjectStatus.ACTIVE, "150000"),
        ("DFD-003", "Chatbot pilot", front_door, ProjectStatus.ACTIVE, "60000"),
        ("DFD-004", "Council tax portal", front_door, ProjectStatus.PROPOSED, "90000"),
        ("INF-001", "Network refresh", infrastructure, ProjectStatus.ACTIVE, "800000"),
        ("INF-002", "Data centre exit", infrastructure, ProjectStatus.ON_HOLD, "1200000"),
        ("INF-003", "Portal hosting", infrastructure, ProjectStatus.ACTIVE, "70000"),
    ]
    projects = {
        code: ProjectFactory(code=code, name=name, programme=programme, status=status,
                             budget=Decimal(budget), **common)
        for code, name, programme, status, budget in rows
    }
    return Register(portfolio, front_door, infrastructure, digital, sponsor, manager, projects)


def choose(page: Page, label: str, typed: str, option: str) -> None:
    """Type into a search box (pmo.core.choosers) and pick the match whose label starts with
    ``option`` ("Pat Manager" picks "Pat Manager (pat@…)")."""
    page.wait_for_load_state()  # htmx binds the box once the page has loaded
    box = page.get_by_role("combobox", name=label, exact=True)
    box.fill(typed)
    starts = re.compile("^" + re.escape(option))
    page.get_by_role("option", name=starts).click()
    expect(box).to_have_value(starts)
