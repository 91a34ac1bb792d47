"""The API flags key milestones as the Plan tab does: each milestone says whether it is ``key``,
``PATCH`` sets it (the project's manager or the PMO), a bad value is refused as a JSON error,
and the flag's history is read beside it."""

import pytest
from rest_framework.test import APIClient

from pmo.core.choices import Role
from pmo.schedule import services
from pmo.schedule.models import PlanTask
from pmo.schedule.tests.plans import milestones_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def plan(pm, project):
    return services.plan_import(actor=pm, project=project, data=milestones_xml(), filename="p.xml")


def milestone(plan, name: str) -> PlanTask:
    return PlanTask.objects.get(plan=plan, name=name)


def test_the_manager_flags_a_key_milestone_and_reads_it_back_with_its_history(pm, plan):
    client = client_for(pm)
    go_live = milestone(plan, "Go live")

    response = client.patch(f"/api/v1/milestones/{go_live.pk}/", {"key": True}, format="json")

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["key"]) == ("Go live", True)
    listed = client.get("/api/v1/milestones/", {"project": "WEB"}).json()["results"]
    assert [(m["name"], m["key"]) for m in listed] == [("Design signed off", False), ("Go live", True)]
    assert [m["name"] for m in client.get("/api/v1/milestones/", {"key": "true"}).json()["results"]] == [
        "Go live"
    ]
    history = client.get(f"/api/v1/milestones/{go_live.pk}/history/").json()
    assert [(entry["who"], entry["reason"]) for entry in history] == [("pm", "Flagged as a key milestone.")]


def test_a_value_that_is_not_true_or_false_is_refused_as_json(pm, plan):
    response = client_for(pm).patch(
        f"/api/v1/milestones/{milestone(plan, 'Go live').pk}/", {"key": "perhaps"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "message": "key: Must be a valid boolean.",
        "fields": {"key": ["Must be a valid boolean."]},
    }
    assert not milestone(plan, "Go live").plan.key_milestones.exists()


def test_a_task_that_is_no_milestone_is_not_found_and_another_manager_is_refused(pm, plan, make_user):
    build = milestone(plan, "Build")
    other = client_for(make_user(Role.PROJECT_MANAGER, username="other"))

    assert (
        client_for(pm).patch(f"/api/v1/milestones/{build.pk}/", {"key": True}, format="json").status_code
        == 404
    )
    refused = other.patch(
        f"/api/v1/milestones/{milestone(plan, 'Go live').pk}/", {"key": True}, format="json"
    )
    assert refused.status_code == 403
    assert not plan.key_milestones.exists()
