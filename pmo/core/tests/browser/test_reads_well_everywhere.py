"""In Chromium on a phone (390 × 844), the demo's head of PMO opens the main pages: none scrolls
sideways, the menu folds into its button, a register's rows read as cards whose cells name their
column; with the system set to dark the pages turn dark, follow the setting when it changes, and
axe finds nothing serious. Screenshots of each page go to the test output (ADR 0034)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from pmo.conftest import assert_accessible, screenshot
from pmo.core.models import User
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.demo import DEMO_PASSWORD
from pmo.portfolio.models import Project

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo"),
]

PHONE = {"width": 390, "height": 844}


def _main_pages() -> list[tuple[str, str]]:
    project = Project.objects.filter(status=ProjectStatus.ACTIVE).order_by("code").first()
    assert project is not None, "the demo has active projects"
    return [
        ("home", reverse("portfolio:home")),
        ("register", reverse("portfolio:project_list")),
        ("project", project.get_absolute_url()),
        ("raid-register", reverse("raid:register", args=["risks"])),
        ("change-log", reverse("change:list")),
        ("reports", reverse("reporting:report_list")),
        ("dashboard", reverse("insights:dashboard")),
        ("people", reverse("portfolio:person_list")),
        ("users", reverse("user_list")),
    ]


def _labels(row) -> list[str]:
    return row.locator("td").evaluate_all("cells => cells.map(c => c.dataset.label ?? '')")


def test_the_head_of_pmo_reads_every_main_page_on_a_phone_in_light_and_dark(live_server, sign_in):
    # Given the demo's head of PMO signed in on a phone
    page = sign_in(User.objects.get(username="head"), DEMO_PASSWORD)
    page.set_viewport_size(PHONE)

    # When they open each main page, then none is wider than the phone
    for name, path in _main_pages():
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state()
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, f"phone-{name}")
        assert width <= PHONE["width"], f"{name} ({path}) is {width} px wide on a {PHONE['width']} px phone"

    # And the menu is folded into its button, which opens it
    menu_button = page.get_by_role("button", name="Toggle navigation")
    dashboard_link = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Dashboard", exact=True
    )
    expect(menu_button).to_be_visible()
    expect(dashboard_link).to_be_hidden()
    menu_button.click()
    expect(dashboard_link).to_be_visible()

    # And the register's rows are cards: no header row, each cell says its column
    page.goto(f"{live_server.url}{reverse('portfolio:project_list')}")
    register = page.locator("table.table-register").first
    expect(register.locator("thead")).to_be_hidden()
    row = register.locator("tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    labels = _labels(row)
    assert "Name" in labels and "Status" in labels and all(labels), labels
    shown = row.locator("td[data-label='Name']").evaluate("c => getComputedStyle(c, '::before').content")
    assert shown == '"Name"'

    # And a register written by its app (RAID) is labelled the same way, from its header row
    page.goto(f"{live_server.url}{reverse('raid:register', args=['risks'])}")
    risk = page.get_by_test_id("register-table").locator("tbody tr").first
    labels = _labels(risk)
    assert "Owner" in labels and "Residual" in labels and all(labels), labels

    # When the system is set to dark, then the pages are dark and pass axe
    page.emulate_media(color_scheme="dark")
    page.goto(f"{live_server.url}{reverse('portfolio:project_list')}")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    assert_accessible(page, "phone-register-dark")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}{reverse('insights:dashboard')}")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    assert_accessible(page, "dashboard-dark")

    # And when the setting changes back, the open page follows it without reloading
    page.emulate_media(color_scheme="light")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")
