"""In Chromium, from the keyboard alone: the project manager moves along the Gantt chart's tasks
with the arrow keys and pushes Fit out a working day later with +; the server schedules the plan
again and the page shows Move in, its successor, a day later, the focus back on Fit out."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from pmo.schedule import services
from pmo.schedule.tests.plans import office_move_xml

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.today("2027-01-06")]


def test_plus_on_a_focused_bar_moves_the_task_and_its_successor(
    live_server: Any, pm: Any, project: Any, sign_in: Any
) -> None:
    # Given the office move: Fit out (ID 5) then Move in (ID 6), finishing Thursday 14 January
    services.plan_import(actor=pm, project=project, data=office_move_xml(), filename="move.xml")
    page: Page = sign_in(pm)
    page.goto(f"{live_server.url}/plans/projects/WEB/?zoom=day")
    move_in = page.get_by_test_id("plan-tasks").locator("tbody tr").nth(5).locator("td").nth(2)
    expect(move_in).to_have_text("14 Jan 2027")

    # when the PM tabs to Design's bar, goes down to Fit out and presses +,
    page.locator("#task-3").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#task-5")).to_be_focused()
    page.keyboard.press("+")

    # then the plan is scheduled again: Fit out starts a working day later, Move in follows it.
    expect(page.locator(".messages")).to_contain_text("Moved Fit out")
    expect(move_in).to_have_text("15 Jan 2027")
    expect(page.locator("#task-5")).to_be_focused()
    expect(page.locator("#task-5")).to_have_attribute(
        "aria-label", "Fit out: 12 Jan 2027 08:00 to 15 Jan 2027 17:00, critical"
    )
