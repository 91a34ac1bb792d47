"""The API reads a plan's calendars (working week, hours, exceptions with UK bank holidays named)
and its tasks' saved baselines with the schedule's variances against them, as the plan's MS
Project document has them; only the plans of projects the caller may see; the same queries
whatever the size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from pmo.core.choices import Role
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.schedule import services, services_edit
from pmo.schedule.models import PlanBaseline
from pmo.schedule.tests.baselined import baselined_move
from pmo.schedule.tests.plans import DAY, chain_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def plan(pm, project):
    return services.plan_import(actor=pm, project=project, data=baselined_move(), filename="move.xml")


def test_a_plans_calendar_with_its_week_and_exceptions(pm, plan):
    found = client_for(pm).get("/api/v1/calendars/", {"project": "WEB"}).json()["results"]

    assert [(c["project"], c["name"], c["plan_calendar"], c["minutes_per_day"]) for c in found] == [
        ("WEB", "Standard", True, 480)
    ]
    week = {day["day"]: day["hours"] for day in found[0]["week"]}
    assert week["Monday"] == "08:00-12:00, 13:00-17:00"
    assert week["Saturday"] == week["Sunday"] == ""
    exceptions = {e["start"]: e for e in found[0]["exceptions"]}
    assert exceptions["2027-01-01"] == {
        "start": "2027-01-01",
        "finish": "2027-01-01",
        "working": False,
        "hours": "",
        "name": "New Year's Day",
    }
    assert exceptions["2027-01-08"]["hours"] == "08:00-12:00"
    assert exceptions["2027-01-08"]["working"] is True
    assert "2027-12-25" in exceptions  # bank holidays over the plan's years and after


def test_the_saved_baselines_with_their_variances(pm, plan):
    client = client_for(pm)

    every = client.get("/api/v1/plan-baselines/", {"project": "WEB"}).json()["results"]
    second = client.get("/api/v1/plan-baselines/", {"number": 2}).json()["results"]

    assert [(b["name"], b["number"]) for b in every][:3] == [("Office move", 0), ("Survey", 0), ("Design", 0)]
    assert {b["finish_variance"] for b in every if b["number"] == 0} == {0}
    assert len(second) == 1
    fit_out = second[0]
    assert (fit_out["name"], fit_out["start"], fit_out["finish"]) == (
        "Fit out",
        "2027-01-06T08:00:00Z",
        "2027-01-08T17:00:00Z",
    )
    # scheduled from Monday 11 January 13:00 (after the half-day Friday) to Friday 15 January 12:00
    assert (fit_out["scheduled_start"], fit_out["scheduled_finish"]) == (
        "2027-01-11T13:00:00Z",
        "2027-01-15T12:00:00Z",
    )
    assert fit_out["start_variance"] == 3 * DAY  # Wednesday, Thursday, half Friday, Monday morning
    assert fit_out["finish_variance"] == 4 * DAY + 4 * 60
    assert fit_out["duration_variance"] == DAY
    assert plan.saved_baselines == [0, 2]


def test_someone_who_may_not_see_the_project_sees_no_calendar_nor_baseline(make_user, plan):
    plan.project.confidential = True
    plan.project.save()
    stranger = client_for(make_user(Role.PROJECT_MANAGER, username="stranger"))

    assert stranger.get("/api/v1/calendars/").json()["count"] == 0
    assert stranger.get("/api/v1/plan-baselines/").json()["count"] == 0


def test_the_lists_cost_the_same_queries_whatever_the_plans(pm, project, plan):
    client = client_for(pm)
    client.get("/api/v1/calendars/")  # the roles, read once per client
    urls = ("/api/v1/calendars/", "/api/v1/plan-baselines/")
    small = [_count(client, url) for url in urls]
    for code in ("BIG", "BIGGER"):
        big = ProjectFactory(code=code, project_manager=project.project_manager)
        services.plan_import(actor=pm, project=big, data=chain_xml(40), filename="b.xml")
    services.plan_import(actor=pm, project=project, data=baselined_move(), filename="again.xml")

    large = [_count(client, url) for url in urls]
    assert small == large == [3, 2]


def test_the_lists_do_not_read_the_plans_ms_project_documents(pm, plan):
    client = client_for(pm)
    with CaptureQueriesContext(connection) as captured:
        for url in ("/api/v1/calendars/", "/api/v1/plan-baselines/"):
            assert client.get(url).json()["count"] > 0

    assert not [q["sql"] for q in captured.captured_queries if '"schedule_plan"."document"' in q["sql"]]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_an_edit_moves_the_variances_with_the_dates(pm, plan):
    before = PlanBaseline.objects.get(task__name="Fit out", number=2).finish_variance
    services_edit.plan_task_change(
        actor=pm, plan=plan, uid=5, fields={"duration": "5d"}, expected_version=plan.version
    )

    after = PlanBaseline.objects.get(task__name="Fit out", number=2)
    assert after.finish_variance == before + DAY
    assert after.duration_variance == 2 * DAY


def test_an_edit_keeps_the_baseline_rows_and_leaves_those_of_unmoved_tasks_as_they_were(pm, plan):
    before = {row.pk: row for row in PlanBaseline.objects.filter(task__plan=plan).select_related("task")}
    services_edit.plan_task_change(
        actor=pm, plan=plan, uid=5, fields={"duration": "5d"}, expected_version=plan.version
    )

    after = {row.pk: row for row in PlanBaseline.objects.filter(task__plan=plan).select_related("task")}
    assert after.keys() == before.keys()
    moved = {row.task.name for pk, row in after.items() if row.finish_variance != before[pk].finish_variance}
    assert "Fit out" in moved and "Survey" not in moved
