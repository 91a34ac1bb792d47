"""The API runs a plan's schedule risk simulation (its manager or the PMO) and reads the runs of
the plans the caller may see: forecast, chance of the baseline finish, histogram, each task's
criticality and sensitivity, and history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from pmo.core.choices import Role
from pmo.engine.schedule_risk import Estimate
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.schedule import services
from pmo.schedule.tests.plans import DAY
from pmo.schedule.tests.services.test_schedule_risk import baselined_office_move_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_run_is_made_and_read_through_the_api(pm, project, make_user):
    plan = services.plan_import(actor=pm, project=project, data=baselined_office_move_xml(), filename="m.xml")
    services.task_estimates_set(actor=pm, plan=plan, estimates={5: Estimate(3 * DAY, 4 * DAY, 10 * DAY)})
    services.key_milestones_set(actor=pm, plan=plan, keys={6: True})
    ProjectFactory(code="SEC", confidential=True)
    client = client_for(pm)

    made = client.post(
        "/api/v1/schedule-runs/", {"project": "WEB", "iterations": 1000, "seed": 3}, format="json"
    )
    refused = client_for(make_user(Role.EXECUTIVE, username="exec")).post(
        "/api/v1/schedule-runs/", {"project": "WEB"}, format="json"
    )
    no_plan = client_for(make_user(Role.PMO_OFFICER, username="officer")).post(
        "/api/v1/schedule-runs/", {"project": "SEC"}, format="json"
    )

    assert made.status_code == 201, made.json()
    assert (refused.status_code, no_plan.status_code) == (403, 400)
    body = made.json()
    assert (body["project"], body["iterations"], body["seed"], body["estimates_count"]) == ("WEB", 1000, 3, 1)
    assert body["target"].startswith("2027-01-14") and 0 < body["target_chance"] < 0.5
    assert sum(b["count"] for b in body["bins"]) == 1000
    assert body["tasks"][0]["criticality"] == 1.0
    fit_out = next(t for t in body["tasks"] if t["name"] == "Fit out")
    assert fit_out["sensitivity"] > 0.9
    [move_in] = body["milestones"]
    assert (move_in["name"], move_in["p80"], move_in["baseline"][:10]) == (
        "Move in",
        body["p80"],
        "2027-01-14",
    )
    listed = client.get("/api/v1/schedule-runs/", {"project": "WEB"}).json()["results"]
    assert [r["id"] for r in listed] == [body["id"]]
    assert client.get("/api/v1/schedule-runs/", {"project": "SEC"}).json()["results"] == []
    history = client.get(f"/api/v1/schedule-runs/{body['id']}/history/").json()
    assert len(history["results"] if isinstance(history, dict) else history) == 1


def test_the_runs_cost_the_same_queries_however_many_and_however_big(pm, project):
    plan = services.plan_import(actor=pm, project=project, data=baselined_office_move_xml(), filename="m.xml")
    services.schedule_run_create(actor=pm, plan=plan, iterations=200, seed=1)
    client = client_for(pm)
    client.get("/api/v1/schedule-runs/")  # the roles, read once per client

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/schedule-runs/").status_code == 200
        return len(captured.captured_queries)

    few = count()
    for seed in (2, 3, 4):
        services.schedule_run_create(actor=pm, plan=plan, iterations=500, seed=seed)

    assert (few, count()) == (5, 5)  # the count, the page, its bins, its tasks and its milestones
