"""The API reads plans as the pages do: each plan (with its history), its tasks in plan order
with their early and late dates, floats and critical flags, and its milestones; only the plans of
projects the caller may see; the same queries whatever the size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from pmo.core.choices import Role
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.schedule import services
from pmo.schedule.tests.plans import chain_xml, office_move_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def plan(pm, project):
    return services.plan_import(actor=pm, project=project, data=office_move_xml(), filename="move.xml")


def test_a_plan_its_tasks_and_its_milestones(pm, plan):
    client = client_for(pm)

    found = client.get("/api/v1/schedules/").json()["results"]
    tasks = client.get("/api/v1/tasks/", {"project": "WEB"}).json()["results"]
    critical = client.get("/api/v1/tasks/", {"project": "WEB", "critical": "true"}).json()["results"]
    milestones = client.get("/api/v1/milestones/").json()["results"]
    history = client.get(f"/api/v1/schedules/{plan.pk}/history/").json()

    assert [(p["project"], p["source_name"], p["tasks_count"], p["critical_count"]) for p in found] == [
        ("WEB", "move.xml", 6, 5)
    ]
    order = next(t for t in tasks if t["name"] == "Order furniture")
    assert (order["total_float"], order["critical"], order["early_start"]) == (
        2880,
        False,
        "2027-01-06T08:00:00Z",
    )
    assert [t["name"] for t in critical] == ["Office move", "Survey", "Design", "Fit out", "Move in"]
    assert [(m["project"], m["name"], m["finish"]) for m in milestones] == [
        ("WEB", "Move in", "2027-01-14T17:00:00Z")
    ]
    assert len(history["results"] if isinstance(history, dict) else history) == 1


def test_someone_who_may_not_see_the_project_sees_no_plan(make_user, plan):
    plan.project.confidential = True
    plan.project.save()
    stranger = client_for(make_user(Role.PROJECT_MANAGER, username="stranger"))

    assert stranger.get("/api/v1/schedules/").json()["count"] == 0
    assert stranger.get("/api/v1/tasks/").json()["count"] == 0
    assert stranger.get(f"/api/v1/schedules/{plan.pk}/").status_code == 404


def test_the_lists_cost_the_same_queries_whatever_the_plans(pm, project):
    services.plan_import(actor=pm, project=project, data=office_move_xml(), filename="a.xml")
    client = client_for(pm)
    client.get("/api/v1/schedules/")  # the roles, read once per client
    small = [_count(client, url) for url in ("/api/v1/schedules/", "/api/v1/tasks/", "/api/v1/milestones/")]
    for code in ("BIG", "BIGGER"):
        big = ProjectFactory(code=code, project_manager=project.project_manager)
        services.plan_import(actor=pm, project=big, data=chain_xml(40), filename="b.xml")

    large = [_count(client, url) for url in ("/api/v1/schedules/", "/api/v1/tasks/", "/api/v1/milestones/")]
    assert small == large == [2, 2, 2]


def test_the_lists_do_not_read_the_plans_ms_project_documents(pm, project):
    services.plan_import(actor=pm, project=project, data=office_move_xml(), filename="a.xml")
    client = client_for(pm)
    with CaptureQueriesContext(connection) as captured:
        for url in ("/api/v1/schedules/", "/api/v1/tasks/", "/api/v1/milestones/"):
            assert client.get(url).json()["count"] > 0

    assert not [q["sql"] for q in captured.captured_queries if '"schedule_plan"."document"' in q["sql"]]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)
