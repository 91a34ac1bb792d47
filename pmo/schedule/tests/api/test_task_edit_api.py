"""The API edits a plan's tasks through the Plan tab's service: ``PATCH`` a task in MS Project's
notation, ``POST`` a new one, ``DELETE`` one; the plan is scheduled again at once; errors are
JSON naming the task and field; a stale version is a 409; readers may not edit."""

import pytest
from rest_framework.test import APIClient

from pmo.core.choices import Role
from pmo.schedule import services
from pmo.schedule.models import PlanTask
from pmo.schedule.tests.plans import office_move_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def plan(pm, project):
    return services.plan_import(actor=pm, project=project, data=office_move_xml(), filename="move.xml")


def test_a_patched_duration_moves_the_successors(pm, plan):
    client = client_for(pm)
    design = PlanTask.objects.get(plan=plan, uid=3)
    read = client.get(f"/api/v1/tasks/{design.pk}/").json()
    assert (read["version"], read["predecessors"]) == (1, "2")

    answer = client.patch(
        f"/api/v1/tasks/{design.pk}/",
        {"duration": "5d", "predecessors": "2FS+1d", "version": 1},
        format="json",
    )

    assert answer.status_code == 200 and answer["ETag"] == '"2"'
    body = answer.json()
    assert (body["id"], body["duration"], body["predecessors"], body["version"]) == (
        design.pk,
        2400,
        "2FS+1d",
        2,
    )
    move_in = client.get("/api/v1/tasks/", {"project": "WEB", "milestone": "true"}).json()["results"][0]
    assert move_in["finish"] == "2027-01-19T17:00:00Z"


def test_errors_name_the_task_and_field_and_a_stale_version_is_a_conflict(pm, plan):
    client = client_for(pm)
    design = PlanTask.objects.get(plan=plan, uid=3)

    bad = client.patch(f"/api/v1/tasks/{design.pk}/", {"duration": "5 parsecs", "version": 1}, format="json")
    loop = client.patch(f"/api/v1/tasks/{design.pk}/", {"predecessors": "5", "version": 1}, format="json")
    stale = client.patch(
        f"/api/v1/tasks/{design.pk}/", {"name": "X"}, format="json", headers={"If-Match": '"0"'}
    )

    assert bad.status_code == 400 and bad.json()["fields"] == {
        "duration": ["Task 3 “Design”: the duration “5 parsecs” is not a duration like 5d, 3w, 4h or 30m."]
    }
    said = loop.json()["fields"]["predecessors"][0]
    assert loop.status_code == 400 and said.startswith("Link loop: ")
    assert "Task 3 “Design” -> Task 5 “Fit out”" in said
    assert stale.status_code == 409
    assert PlanTask.objects.get(pk=design.pk).name == "Design"


def test_a_task_is_added_and_deleted(pm, plan):
    client = client_for(pm)

    added = client.post(
        "/api/v1/tasks/",
        {
            "project": "WEB",
            "name": "Snagging",
            "duration": "2d",
            "predecessors": "5",
            "after": 5,
            "version": 1,
        },
        format="json",
    )
    order = PlanTask.objects.get(plan=plan, uid=4)
    deleted = client.delete(f"/api/v1/tasks/{order.pk}/", headers={"If-Match": '"2"'})

    assert added.status_code == 201
    assert (added.json()["row"], added.json()["finish"]) == (6, "2027-01-18T17:00:00Z")
    assert deleted.status_code == 204
    assert list(PlanTask.objects.filter(plan=plan).order_by("row").values_list("name", flat=True)) == [
        "Office move",
        "Survey",
        "Design",
        "Fit out",
        "Snagging",
        "Move in",
    ]


def test_a_reader_may_not_edit(plan, make_user):
    client = client_for(make_user(Role.EXECUTIVE, username="director"))
    design = PlanTask.objects.get(plan=plan, uid=3)

    assert client.get(f"/api/v1/tasks/{design.pk}/").status_code == 200
    assert (
        client.patch(f"/api/v1/tasks/{design.pk}/", {"name": "X", "version": 1}, format="json").status_code
        == 403
    )
    assert client.delete(f"/api/v1/tasks/{design.pk}/").status_code == 403
    assert PlanTask.objects.filter(plan=plan).count() == 6
