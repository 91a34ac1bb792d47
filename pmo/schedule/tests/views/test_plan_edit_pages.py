"""The project manager edits the plan on its pages without any script: a task's form from its ID
on the Plan tab, a new task, a deleted one, a bar moved (the form the chart's script posts); the
Plan tab then shows the new dates. Problems show on the form naming the task; a stale form is
the conflict page; others may not edit."""

import lxml.html
import pytest
from django.test import Client

from pmo.core.choices import Role
from pmo.schedule import services
from pmo.schedule.models import PlanTask
from pmo.schedule.tests.plans import office_move_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2027-01-06")]

DESIGN = "/plans/projects/WEB/tasks/3/"
FORM = {
    "name": "Design",
    "duration": "3d",
    "predecessors": "2",
    "constraint": "ASAP",
    "constraint_date": "",
    "percent_complete": "0",
    "actual_start": "",
    "actual_finish": "",
    "version": "1",
}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response) -> str:
    return " ".join(" ".join(lxml.html.fromstring(response.content.decode()).itertext()).split())


@pytest.fixture
def plan(pm, project):
    return services.plan_import(actor=pm, project=project, data=office_move_xml(), filename="move.xml")


def test_the_form_saves_and_the_plan_tab_shows_the_new_dates(pm, plan):
    client = signed_in(pm)
    tab = lxml.html.fromstring(client.get("/plans/projects/WEB/?zoom=day").content.decode())
    link = tab.xpath("//a[@aria-label='Edit task 3: Design']")[0].get("href")
    form = lxml.html.fromstring(client.get(link).content.decode())
    assert form.xpath("//input[@name='duration']")[0].get("value") == "3d"
    assert form.xpath("//input[@name='predecessors']")[0].get("value") == "2"

    response = client.post(link, {**FORM, "duration": "5d", "next": "/plans/projects/WEB/?zoom=day"})

    assert response.status_code == 302 and response["Location"] == "/plans/projects/WEB/?zoom=day#task-3"
    shown = text_of(client.get(response["Location"]))
    assert "Saved Design: the plan finishes 18 Jan 2027." in shown
    assert "4 Jan 2027 to 18 Jan 2027" in shown


def test_a_problem_is_shown_on_the_form_naming_the_task(pm, plan):
    response = signed_in(pm).post(DESIGN, {**FORM, "duration": "three days"})

    assert response.status_code == 400
    assert "Task 3 “Design”: the duration “three days” is not a duration like 5d, 3w, 4h or 30m." in text_of(
        response
    )
    assert PlanTask.objects.get(plan=plan, uid=3).duration == 3 * 480


def test_a_stale_form_gets_the_conflict_page_and_saves_nothing(pm, plan):
    client = signed_in(pm)
    client.post(DESIGN, {**FORM, "name": "Design work"})

    response = client.post(DESIGN, {**FORM, "duration": "9d"})

    assert response.status_code == 409
    assert "Not saved: this plan changed while you were editing" in text_of(response)
    assert PlanTask.objects.get(plan=plan, uid=3).duration == 3 * 480


def test_a_bar_moved_to_a_day_or_by_a_working_day(pm, plan):
    client = signed_in(pm)

    client.post("/plans/projects/WEB/tasks/5/", {"action": "move", "start": "2027-01-13", "version": "1"})
    client.post("/plans/projects/WEB/tasks/5/", {"action": "shift", "days": "1", "version": "2"})

    fit_out = PlanTask.objects.get(plan=plan, uid=5)
    assert (fit_out.constraint, fit_out.start_day.isoformat()) == ("SNET", "2027-01-14")
    assert PlanTask.objects.get(plan=plan, uid=6).finish_day.isoformat() == "2027-01-19"


def test_a_task_is_added_and_another_deleted(pm, plan):
    client = signed_in(pm)

    added = client.post(
        "/plans/projects/WEB/tasks/add/",
        {"name": "Snagging", "duration": "2d", "predecessors": "5", "after": "5", "version": "1"},
    )
    deleted = client.post("/plans/projects/WEB/tasks/4/", {"action": "delete", "version": "2"})

    assert added.status_code == deleted.status_code == 302
    rows = list(PlanTask.objects.filter(plan=plan).order_by("row").values_list("row", "name"))
    assert rows == [
        (1, "Office move"),
        (2, "Survey"),
        (3, "Design"),
        (4, "Fit out"),
        (5, "Snagging"),
        (6, "Move in"),
    ]


def test_others_see_no_edit_links_and_may_not_edit(plan, make_user):
    reader = signed_in(make_user(Role.EXECUTIVE, username="director"))

    tab = text_of(reader.get("/plans/projects/WEB/"))

    assert "Add a task" not in tab and "arrow keys" not in tab
    assert reader.get(DESIGN).status_code == 403
    assert reader.post(DESIGN, {**FORM, "duration": "9d"}).status_code == 403
    assert PlanTask.objects.get(plan=plan, uid=3).duration == 3 * 480
