"""On the Plan tab a project manager chooses which saved baseline the Gantt's baseline bars show,
sees each task's start and finish variance against it, and can show the tasks' custom fields (MS
Project's extended attributes) as kept in the plan's document."""

import lxml.html
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pmo.schedule import services
from pmo.schedule.tests.baselined import baselined_move
from pmo.schedule.tests.plans import office_move_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2027-01-06")]


@pytest.fixture
def client(pm, project) -> Client:
    services.plan_import(actor=pm, project=project, data=baselined_move(), filename="move.xml")
    client = Client()
    client.force_login(pm)
    return client


def rows(response) -> dict[str, list[str]]:
    page = lxml.html.fromstring(response.content.decode())
    found = {}
    for row in page.xpath("//*[@data-testid='plan-tasks']/tbody/tr"):
        name = row.xpath("string(th)").split(" (critical)")[0].replace("milestone", "").strip()
        found[name] = [" ".join(cell.text_content().split()) for cell in row.xpath("td")]
    return found


def test_the_baseline_chosen_is_drawn_with_each_tasks_variances(client):
    first = client.get("/plans/projects/WEB/")
    second = client.get("/plans/projects/WEB/", {"baseline": "2"})

    page = lxml.html.fromstring(first.content.decode())
    assert page.xpath("//select[@name='baseline']/option/text()") == ["Baseline", "Baseline 2"]
    assert rows(first)["Fit out"][-2:] == ["0 days", "0 days"]  # baseline 0 saved as scheduled
    assert first.content.decode().count('class="gantt-baseline"') == 6
    # ID, start, finish, float, then the variances against baseline 2
    assert rows(second)["Fit out"][-2:] == ["+3 days", "+4.5 days"]
    assert rows(second)["Design"][-2:] == ["", ""]  # saved no baseline 2
    assert second.content.decode().count('class="gantt-baseline"') == 1


def test_the_custom_fields_show_when_asked(client):
    plain = client.get("/plans/projects/WEB/")
    shown = client.get("/plans/projects/WEB/", {"custom": "1"})

    assert "Cost centre" not in plain.content.decode()
    page = lxml.html.fromstring(shown.content.decode())
    assert page.xpath("//*[@data-testid='plan-tasks']/thead//th/text()")[-1] == "Cost centre"
    assert rows(shown)["Design"][-1] == "CC-42"
    assert rows(shown)["Survey"][-1] == ""


def test_a_plan_without_baselines_nor_custom_fields_says_so(pm, project, client):
    services.plan_import(actor=pm, project=project, data=office_move_xml(), filename="plain.xml")

    response = client.get("/plans/projects/WEB/", {"custom": "1"})

    assert 'name="baseline"' not in response.content.decode()
    page = lxml.html.fromstring(response.content.decode())
    assert (
        page.xpath("string(//*[@data-testid='no-custom-fields'])")
        == "No task on this page has a custom field."
    )


def test_another_baseline_costs_no_more_queries(client):
    client.get("/plans/projects/WEB/")
    counts = []
    for number in ("0", "2"):
        with CaptureQueriesContext(connection) as captured:
            client.get("/plans/projects/WEB/", {"baseline": number})
        counts.append(len(captured.captured_queries))

    assert counts[0] == counts[1]
