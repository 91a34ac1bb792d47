"""Creating, changing and deleting projects over the API: the happy paths, bad input named by
field, and concurrent edits that conflict instead of overwriting."""

import pytest

from pmo.core.api import VERSION_NOT_NUMBER, VERSION_REQUIRED
from pmo.core.choices import Role
from pmo.core.services import DELETE_PROTECTED
from pmo.portfolio.models import FINISH_BEFORE_START, PROGRAMME_IN_OTHER_PORTFOLIO, Project
from pmo.portfolio.tests.factories import (
    OrgUnitFactory,
    PersonFactory,
    PortfolioFactory,
    ProgrammeFactory,
    ProjectFactory,
    StrategicObjectiveFactory,
    default_stage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    return make_user(Role.PMO_OFFICER, username="olly", first_name="Olly", last_name="Officer")


@pytest.fixture
def body():
    portfolio = PortfolioFactory(name="IT Portfolio")
    return {
        "code": "NEW-1",
        "name": "Council tax online",
        "portfolio": portfolio.pk,
        "programme": ProgrammeFactory(name="Digital first", portfolio=portfolio).pk,
        "department": OrgUnitFactory(name="Finance").pk,
        "sponsor": PersonFactory(name="Sam Sponsor").pk,
        "project_manager": PersonFactory(name="Pat Manager").pk,
        "category": "service_improvement",
        "stage": default_stage().pk,
        "planned_start": "2026-04-01",
        "planned_finish": "2027-03-31",
        "budget": "650000.00",
        "strategic_objectives": [StrategicObjectiveFactory(code="SO1").pk],
    }


def test_the_pmo_adds_a_project_and_reads_it_back_with_names(client_for, officer, body):
    # when an officer posts a new project without a size tier
    response = client_for(officer).post("/api/v1/projects/", body, format="json")

    # then it is in the register, with the tier from its budget and readable names
    assert response.status_code == 201
    created = response.json()
    assert created["code"] == "NEW-1"
    assert created["size_tier"] == "large"
    assert created["version"] == 1
    assert created["programme_name"] == "Digital first"
    assert created["sponsor_name"] == "Sam Sponsor"
    assert created["project_manager_name"] == "Pat Manager"
    assert created["stage_name"] == "Delivery"
    assert created["business_owner_name"] is None
    assert created["url"] == "http://testserver/api/v1/projects/NEW-1/"
    assert response["ETag"] == '"1"'
    project = Project.objects.get(code="NEW-1")
    assert [o.code for o in project.strategic_objectives.all()] == ["SO1"]
    assert project.history.get().history_user == officer


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"planned_start": "2026-05-01", "planned_finish": "2026-04-01"},
            "planned_finish",
            FINISH_BEFORE_START,
        ),
        ({"budget": "-1"}, "budget", "Ensure this value is greater than or equal to 0."),
        ({"programme": 999999}, "programme", 'Invalid pk "999999" - object does not exist.'),
        ({"sponsor": None}, "sponsor", "This field may not be null."),
        ({"category": "fun"}, "category", '"fun" is not a valid choice.'),
        ({"code": "has space"}, "code", None),
        ({"planned_start": "31/03/2026"}, "planned_start", None),
        (
            {"strategic_objectives": [424242]},
            "strategic_objectives",
            'Invalid pk "424242" - object does not exist.',
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(client_for, officer, body, change, field, message):
    response = client_for(officer).post("/api/v1/projects/", {**body, **change}, format="json")

    assert response.status_code == 400
    error = response.json()
    assert set(error["fields"]) == {field}
    if message:
        assert error["fields"][field] == [message]
        assert error["message"] == f"{field}: {message}"
    assert not Project.objects.filter(code__in=["NEW-1", "has space"]).exists()


def test_missing_required_fields_are_all_named(client_for, officer):
    response = client_for(officer).post("/api/v1/projects/", {"name": "Half a project"}, format="json")

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {
        "code",
        "portfolio",
        "department",
        "sponsor",
        "project_manager",
        "category",
        "stage",
    }


def test_a_programme_from_another_portfolio_is_refused(client_for, officer, body):
    elsewhere = ProgrammeFactory(name="Estates", portfolio=PortfolioFactory(name="Property"))

    response = client_for(officer).post(
        "/api/v1/projects/", {**body, "programme": elsewhere.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "programme": [
            PROGRAMME_IN_OTHER_PORTFOLIO.format(
                programme="Estates", portfolio="Property", chosen="IT Portfolio"
            )
        ]
    }


def test_a_duplicate_code_is_refused(client_for, officer, body):
    ProjectFactory(code="NEW-1")

    response = client_for(officer).post("/api/v1/projects/", body, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"code": ["project with this code already exists."]}


def test_a_project_manager_updates_their_project_and_history_names_them(client_for, register):
    # when the PM moves the finish date of their own project
    response = client_for(register.pm).patch(
        "/api/v1/projects/OWN-1/", {"planned_finish": "2027-01-29", "version": 1}, format="json"
    )

    # then the change is saved, the version goes up, and history says who did it
    assert response.status_code == 200
    assert response.json()["planned_finish"] == "2027-01-29"
    assert response.json()["version"] == 2
    latest = register.own.history.first()
    assert latest.history_user == register.pm
    assert latest.version == 2


def test_a_full_update_replaces_the_fields_and_objectives(client_for, officer, register):
    client = client_for(officer)
    current = client.get("/api/v1/projects/OWN-1/").json()
    objective = StrategicObjectiveFactory(code="SO9")

    response = client.put(
        "/api/v1/projects/OWN-1/",
        {**current, "name": "Libraries Wi-Fi and printing", "strategic_objectives": [objective.pk]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["name"] == "Libraries Wi-Fi and printing"
    assert response.json()["strategic_objectives"] == [objective.pk]
    register.own.refresh_from_db()
    assert list(register.own.strategic_objectives.all()) == [objective]
    assert register.own.history.count() == 2  # created, then one entry for the whole change


def test_an_update_without_a_version_is_refused(client_for, register):
    response = client_for(register.pm).patch("/api/v1/projects/OWN-1/", {"name": "Renamed"}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"version": [VERSION_REQUIRED]}
    register.own.refresh_from_db()
    assert register.own.name == "Libraries Wi-Fi"


def test_a_version_that_is_not_a_number_is_refused(client_for, register):
    response = client_for(register.pm).patch(
        "/api/v1/projects/OWN-1/", {"name": "Renamed"}, format="json", HTTP_IF_MATCH='"two"'
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"version": [VERSION_NOT_NUMBER]}


def test_a_stale_version_is_a_conflict_and_the_other_change_survives(client_for, officer, register):
    # given the PM and an officer both opened version 1
    pm, other = client_for(register.pm), client_for(officer)

    # when the officer saves first, then the PM saves from the old version
    first = other.patch("/api/v1/projects/OWN-1/", {"name": "Officer's name", "version": 1}, format="json")
    second = pm.patch("/api/v1/projects/OWN-1/", {"name": "PM's name", "version": 1}, format="json")

    # then the PM is told who changed it, and the officer's change is kept
    assert first.status_code == 200
    assert second.status_code == 409
    error = second.json()
    assert error["current_version"] == 2
    assert "was changed by Olly Officer" in error["message"]
    assert "you had version 1, it is now version 2" in error["message"]
    assert error["fields"] == {"version": [error["message"]]}
    register.own.refresh_from_db()
    assert (register.own.name, register.own.version) == ("Officer's name", 2)


def test_the_version_may_come_in_an_if_match_header(client_for, register):
    client = client_for(register.pm)
    etag = client.get("/api/v1/projects/OWN-1/")["ETag"]

    ok = client.patch("/api/v1/projects/OWN-1/", {"name": "Renamed"}, format="json", HTTP_IF_MATCH=etag)
    stale = client.patch("/api/v1/projects/OWN-1/", {"name": "Again"}, format="json", HTTP_IF_MATCH=etag)

    assert ok.status_code == 200
    assert ok["ETag"] == '"2"'
    assert stale.status_code == 409


def test_an_update_that_changes_nothing_keeps_the_version(client_for, register):
    response = client_for(register.pm).patch(
        "/api/v1/projects/OWN-1/", {"name": "Libraries Wi-Fi", "version": 1}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert register.own.history.count() == 1


def test_an_update_that_breaks_a_rule_names_the_field_and_saves_nothing(client_for, register):
    response = client_for(register.pm).patch(
        "/api/v1/projects/OWN-1/", {"planned_finish": "2025-01-01", "version": 1}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"planned_finish": [FINISH_BEFORE_START]}
    register.own.refresh_from_db()
    assert register.own.version == 1


def test_the_head_deletes_a_project_and_history_keeps_who(client_for, pmo_head, register):
    response = client_for(pmo_head).delete("/api/v1/projects/OTH-1/")

    assert response.status_code == 204
    assert not Project.objects.filter(code="OTH-1").exists()
    last = Project.history.filter(code="OTH-1").first()
    assert (last.history_type, last.history_user) == ("-", pmo_head)


def test_a_delete_naming_an_old_version_is_a_conflict(client_for, pmo_head, register):
    client = client_for(pmo_head)
    client.patch("/api/v1/projects/OTH-1/", {"name": "Renamed", "version": 1}, format="json")

    response = client.delete("/api/v1/projects/OTH-1/", HTTP_IF_MATCH='"1"')

    assert response.status_code == 409
    assert Project.objects.filter(code="OTH-1").exists()


def test_a_stage_in_use_cannot_be_deleted(client_for, pmo_head, register):
    stage = default_stage()

    response = client_for(pmo_head).delete(f"/api/v1/lifecycle-stages/{stage.pk}/")

    assert response.status_code == 400
    assert response.json()["message"] == DELETE_PROTECTED.format(record="Delivery", used_by="projects")


def test_a_pm_cannot_hand_their_project_over_only_the_pmo_can(client_for, register):
    successor = PersonFactory(name="Sue Successor")
    client = client_for(register.pm)

    response = client.patch(
        "/api/v1/projects/SEC-2/", {"project_manager": successor.pk, "version": 1}, format="json"
    )

    assert response.status_code == 403
    assert "only the PMO can" in response.json()["message"]
    assert client.get("/api/v1/projects/SEC-2/").json()["project_manager_name"] != "Sue Successor"
