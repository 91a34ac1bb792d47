"""The Plan tab lists the plan's milestones with a "Key" checkbox each for its manager (and the
PMO), who saves them with one button; a refused save says why; others read which are key."""

import lxml.html
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pmo.core.choices import Role
from pmo.schedule import selectors, services
from pmo.schedule.tests.plans import milestones_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]
KEYS = "//*[@data-testid='key-milestones']"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def plan(pm, project):
    return services.plan_import(actor=pm, project=project, data=milestones_xml(), filename="p.xml")


def test_the_manager_ticks_a_key_milestone_on_the_plan_tab_and_saves_it(pm, plan):
    client = signed_in(pm)
    page = lxml.html.fromstring(client.get("/plans/projects/WEB/").content)
    boxes = page.xpath(f"{KEYS}//input[@type='checkbox']")
    assert [(box.get("value"), box.get("checked")) for box in boxes] == [("2", None), ("4", None)]
    assert [label.text_content() for label in page.xpath(f"{KEYS}//label")] == [
        "Design signed off",
        "Go live",
    ]

    response = client.post(
        "/plans/projects/WEB/key-milestones/", {"shown": ["2", "4"], "key": ["4"]}, follow=True
    )

    assert response.redirect_chain == [("/plans/projects/WEB/", 302)]
    assert "1 key milestone flag changed." in response.content.decode()
    assert [task.name for task in selectors.key_milestones(plan)] == ["Go live"]
    again = lxml.html.fromstring(response.content)
    assert [box.get("value") for box in again.xpath("//input[@name='key'][@checked]")] == ["4"]
    assert "key" in again.xpath("//*[@data-testid='plan-tasks']//span[contains(@class, 'badge')]/text()")


def test_a_refused_save_says_why_and_changes_nothing(pm, plan):
    response = signed_in(pm).post("/plans/projects/WEB/key-milestones/", {"shown": ["3"], "key": ["3"]})

    assert response.status_code == 400
    errors = lxml.html.fromstring(response.content).xpath("//*[@data-testid='key-errors']//li")
    assert [e.text_content() for e in errors] == ["Build (ID 3): only a milestone can be a key milestone."]
    assert not plan.key_milestones.exists()


def test_others_read_which_milestones_are_key_but_cannot_change_them(pm, plan, make_user):
    services.key_milestones_set(actor=pm, plan=plan, keys={4: True})
    executive = signed_in(make_user(Role.EXECUTIVE, username="cio"))

    page = lxml.html.fromstring(executive.get("/plans/projects/WEB/").content)

    assert not page.xpath(f"{KEYS}//input[@type='checkbox']")
    assert page.xpath(f"{KEYS}//span[contains(@class, 'badge')]/text()") == ["key"]
    assert executive.post("/plans/projects/WEB/key-milestones/", {"shown": ["4"]}).status_code == 403
    assert [task.name for task in selectors.key_milestones(plan)] == ["Go live"]


def test_the_key_milestones_page_costs_the_same_queries_whatever_the_plan(pm, plan):
    client = signed_in(pm)
    client.get("/plans/projects/WEB/key-milestones/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/plans/projects/WEB/key-milestones/").status_code == 200
    services.key_milestones_set(actor=pm, plan=plan, keys={2: True, 4: True})
    with CaptureQueriesContext(connection) as again:
        assert client.get("/plans/projects/WEB/key-milestones/").status_code == 200

    assert len(captured.captured_queries) == len(again.captured_queries) == 9
