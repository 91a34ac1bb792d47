"""The register's reference collections over the API: portfolios, programmes, people,
organisation units, strategic objectives and lifecycle stages."""

import pytest

from pmo.core.choices import Role
from pmo.core.permissions import NOT_ALLOWED
from pmo.portfolio.models import (
    PARENT_LOOP,
    LifecycleStage,
    OrgUnit,
    Person,
    Portfolio,
    Programme,
    StrategicObjective,
)
from pmo.portfolio.tests.factories import (
    OrgUnitFactory,
    PersonFactory,
    PortfolioFactory,
    ProgrammeFactory,
    StrategicObjectiveFactory,
)

pytestmark = pytest.mark.django_db


def new_bodies():
    """A valid new record for each collection, with what to check on the answer."""
    portfolio = PortfolioFactory(name="IT Portfolio")
    owner = PersonFactory(name="Olive Owner")
    department = OrgUnitFactory(name="Digital Services")
    return {
        "portfolios": (Portfolio, {"name": "Estates", "owner": owner.pk}, {"owner_name": "Olive Owner"}),
        "programmes": (
            Programme,
            {"code": "DIG", "name": "Digital first", "portfolio": portfolio.pk, "manager": owner.pk},
            {"portfolio_name": "IT Portfolio", "manager_name": "Olive Owner", "sponsor_name": None},
        ),
        "people": (
            Person,
            {"name": "Nia Newcomer", "email": "nia@council.example", "org_unit": department.pk},
            {"org_unit_name": "Digital Services", "username": None},
        ),
        "org-units": (
            OrgUnit,
            {"name": "Libraries", "kind": "service_area", "parent": department.pk},
            {"parent_name": "Digital Services"},
        ),
        "strategic-objectives": (
            StrategicObjective,
            {"code": "SO7", "title": "Digital by default"},
            {"is_active": True},
        ),
        "lifecycle-stages": (LifecycleStage, {"name": "Benefits review", "order": 99}, {"gate_name": ""}),
    }


@pytest.mark.parametrize(
    "collection",
    ["portfolios", "programmes", "people", "org-units", "strategic-objectives", "lifecycle-stages"],
)
def test_the_head_of_pmo_creates_reads_changes_and_deletes_each_kind(client_for, pmo_head, collection):
    model, body, names = new_bodies()[collection]
    client = client_for(pmo_head)

    created = client.post(f"/api/v1/{collection}/", body, format="json")
    assert created.status_code == 201, created.json()
    record = created.json()
    assert record["version"] == 1
    assert record["url"] == f"http://testserver/api/v1/{collection}/{record['id']}/"
    assert {key: record[key] for key in names} == names

    fetched = client.get(record["url"])
    assert fetched.json() == record

    field = "title" if collection == "strategic-objectives" else "name"
    changed = client.patch(record["url"], {field: "Renamed", "version": 1}, format="json")
    assert changed.status_code == 200
    assert (changed.json()[field], changed.json()["version"]) == ("Renamed", 2)
    assert model.history.filter(id=record["id"]).first().history_user == pmo_head

    stale = client.patch(record["url"], {field: "Again", "version": 1}, format="json")
    assert stale.status_code == 409

    assert client.delete(record["url"]).status_code == 204
    assert not model.objects.filter(pk=record["id"]).exists()


@pytest.mark.parametrize(
    "collection", ["portfolios", "programmes", "people", "org-units", "strategic-objectives"]
)
@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.SPONSOR, Role.EXECUTIVE, Role.FINANCE_PARTNER])
def test_outside_the_pmo_people_read_but_do_not_add(client_for, make_user, collection, role):
    model, body, _ = new_bodies()[collection]
    client = client_for(make_user(role))

    listed = client.get(f"/api/v1/{collection}/")
    added = client.post(f"/api/v1/{collection}/", body, format="json")

    assert listed.status_code == 200
    assert added.status_code == 403
    assert added.json()["message"] == NOT_ALLOWED.format(action=f"add {model._meta.verbose_name_plural}")


@pytest.mark.parametrize(
    ("role", "expected"), [(Role.PMO_HEAD, 201), (Role.PMO_ANALYST, 403), (Role.PMO_OFFICER, 403)]
)
def test_only_the_head_of_pmo_shapes_the_lifecycle(client_for, make_user, role, expected):
    response = client_for(make_user(role)).post(
        "/api/v1/lifecycle-stages/", {"name": "Benefits review", "order": 99}, format="json"
    )

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"), [(Role.PMO_HEAD, 204), (Role.PMO_ANALYST, 403), (Role.PMO_OFFICER, 403)]
)
def test_only_the_head_of_pmo_deletes_reference_records(client_for, make_user, role, expected):
    unit = OrgUnitFactory(name="Old department")

    response = client_for(make_user(role)).delete(f"/api/v1/org-units/{unit.pk}/")

    assert response.status_code == expected
    assert OrgUnit.objects.filter(pk=unit.pk).exists() is (expected == 403)


@pytest.mark.parametrize(("role", "expected"), [(Role.PMO_ANALYST, 200), (Role.EXECUTIVE, 403)])
def test_the_pmo_maintains_reference_records(client_for, make_user, role, expected):
    objective = StrategicObjectiveFactory(title="Old title")

    response = client_for(make_user(role)).patch(
        f"/api/v1/strategic-objectives/{objective.pk}/", {"title": "New title", "version": 1}, format="json"
    )

    assert response.status_code == expected
    objective.refresh_from_db()
    assert (objective.title == "New title") is (expected == 200)


def test_a_programme_manager_changes_their_programme_but_not_others(client_for, make_user):
    manager = make_user(Role.PROJECT_MANAGER)
    mine = ProgrammeFactory(manager=PersonFactory(user=manager))
    theirs = ProgrammeFactory()
    client = client_for(manager)

    ok = client.patch(f"/api/v1/programmes/{mine.pk}/", {"description": "Scope", "version": 1}, format="json")
    denied = client.patch(
        f"/api/v1/programmes/{theirs.pk}/", {"description": "Scope", "version": 1}, format="json"
    )

    assert ok.status_code == 200
    assert denied.status_code == 403
    assert denied.json()["message"] == NOT_ALLOWED.format(action=f"change {theirs}")


def test_an_organisation_unit_cannot_sit_under_itself(client_for, pmo_head):
    unit = OrgUnitFactory(name="Digital")

    response = client_for(pmo_head).patch(
        f"/api/v1/org-units/{unit.pk}/", {"parent": unit.pk, "version": 1}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"parent": [PARENT_LOOP]}


def test_a_person_needs_a_valid_unique_email(client_for, pmo_head):
    PersonFactory(email="taken@council.example")
    client = client_for(pmo_head)

    bad = client.post("/api/v1/people/", {"name": "A", "email": "not-an-email"}, format="json")
    taken = client.post("/api/v1/people/", {"name": "B", "email": "taken@council.example"}, format="json")

    assert bad.json()["fields"] == {"email": ["Enter a valid email address."]}
    assert taken.json()["fields"] == {"email": ["person with this email already exists."]}


def test_a_portfolio_in_use_cannot_be_deleted(client_for, pmo_head):
    programme = ProgrammeFactory(portfolio=PortfolioFactory(name="IT Portfolio"))

    response = client_for(pmo_head).delete(f"/api/v1/portfolios/{programme.portfolio_id}/")

    assert response.status_code == 400
    assert (
        "IT Portfolio cannot be deleted because other records use it: programmes"
        in response.json()["message"]
    )


def test_me_says_who_i_am_my_roles_and_my_person_record(client_for, make_user):
    user = make_user(Role.PROJECT_MANAGER, Role.SPONSOR, username="pam", first_name="Pam", last_name="Lee")
    person = PersonFactory(user=user)

    response = client_for(user).get("/api/v1/auth/me/")

    assert response.json() == {
        "id": user.pk,
        "username": "pam",
        "name": "Pam Lee",
        "email": "",
        "roles": ["Project manager", "Sponsor"],
        "is_superuser": False,
        "person": person.pk,
    }
