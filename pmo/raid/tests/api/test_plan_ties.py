"""Dependencies tied to plan tasks through the API: set by UID, refused with the field named,
read with the plans' dates and the slip; ``affected/`` says what a slip does to each plan."""

import pytest

from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.schedule import services as schedule_services
from pmo.schedule.tests.plans import chain_xml

pytestmark = pytest.mark.django_db



def body(**extra):
    return {
        "project": "WEB",
        "title": "HR data for the move",
        "owner": extra.pop("owner"),
        "depends_on": "HR",
        "giving_task_uid": 10,
        "needing_task_uid": 5,
        **extra,
    }


def test_a_pm_ties_a_dependency_to_plan_tasks_and_reads_the_slip(client_for, plans):
    client = client_for(plans.pm)
    created = client.post(
        "/api/v1/dependencies/", body(owner=plans.project.project_manager.pk), format="json"
    )
    assert created.status_code == 201, created.json()
    tie = created.json()["plan_tie"]
    assert tie == {
        "giving_task": "Step 10",
        "needing_task": "Fit out",
        "broken": False,
        "need_by": "2027-01-11",
        "forecast": "2027-01-15",
        "slip_days": 5,
        "moves": "WEB's Move in moves 5 days because HR's Step 10 slipped",
    }
    assert created.json()["due"] == "2027-01-11"
    affected = client.get("/api/v1/dependencies/affected/", {"project": "HR"}).json()
    assert affected["affected"][0]["plan_moves"] == "WEB's Move in moves 5 days because HR's Step 10 slipped"


def test_a_task_not_in_the_plan_is_refused_as_json_naming_the_field(client_for, plans):
    response = client_for(plans.pm).post(
        "/api/v1/dependencies/",
        body(owner=plans.project.project_manager.pk, giving_task_uid=77),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "giving_task_uid": ["HR's plan has no task with UID 77: choose one of its tasks."]
    }


def test_an_untied_dependency_has_no_plan_tie(client_for, plans):
    response = client_for(plans.pm).post(
        "/api/v1/dependencies/",
        {"project": "WEB", "title": "Network", "owner": plans.project.project_manager.pk, "provider": "BT"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["plan_tie"] is None


def test_a_confidential_projects_tasks_are_not_told(client_for, plans):
    secret = ProjectFactory(code="SEC", confidential=True, project_manager=PersonFactory())
    schedule_services.plan_import(actor=None, project=secret, data=chain_xml(12), filename="sec.xml")
    response = client_for(plans.pm).post(
        "/api/v1/dependencies/",
        body(owner=plans.project.project_manager.pk, depends_on="SEC", giving_task_uid=12),
        format="json",
    )
    assert response.status_code == 400 and "Step 12" not in str(response.json())
