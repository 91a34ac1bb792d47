"""Every register over the API: create, list (its project's register), change with the
version, history; and the rules of dependencies and actions."""

import pytest

from pmo.raid import services
from pmo.raid.models import DEPENDS_ON_ITSELF, REGISTERS, Dependency
from pmo.raid.tests.factories import DependencyFactory, RiskFactory

pytestmark = pytest.mark.django_db


def bodies(cast):
    """Per register: what to create, the change to make, and whether the change closes it."""
    return {
        "risks": (
            {
                "title": "Data migration overruns",
                "category": "technical",
                "inherent_probability": 3,
                "inherent_impact": 3,
                "residual_probability": 2,
                "residual_impact": 2,
            },
            {"status": "occurred"},
        ),
        "assumptions": (
            {"title": "Trainers available in March", "consequence": "Go-live slips", "due": "2026-12-01"},
            {"status": "valid"},
        ),
        "issues": (
            {
                "title": "Test server failed",
                "issue_type": "off_spec",
                "priority": "high",
                "severity": "major",
            },
            {"status": "resolved", "closure_note": "Rebuilt"},
        ),
        "dependencies": (
            {"title": "Single sign-on", "depends_on": "HR", "milestone": "Go live", "due": "2027-01-15"},
            {"status": "delivered"},
        ),
        "actions": (
            {"title": "Chase the supplier", "source": "meeting", "source_reference": "Board, 3 Nov"},
            {"status": "done"},
        ),
        "decisions": (
            {
                "title": "Host in the cloud",
                "decided_on": "2026-11-01",
                "rationale": "Cheaper to run",
                "options_considered": "On premises; cloud",
                "status": "proposed",
            },
            {"status": "made"},
        ),
    }


@pytest.mark.parametrize("kind", list(REGISTERS))
def test_each_register_creates_lists_changes_and_keeps_history(client_for, cast, kind):
    client = client_for(cast.pm)
    create, change = bodies(cast)[kind]
    model = REGISTERS[kind]

    # when the PM raises an item in WEB's register
    created = client.post(
        f"/api/v1/{kind}/", {"project": "WEB", "owner": cast.sponsor.person.pk, **create}, format="json"
    )

    # then it is in that register with its reference, its owner named, and open
    assert created.status_code == 201, created.json()
    item = created.json()
    assert item["reference"] == f"{model.PREFIX}-{model.objects.get().pk}"
    assert (item["project"], item["owner"], item["owner_name"]) == (
        "WEB",
        cast.sponsor.person.pk,
        "Sam Sponsor",
    )
    assert item["is_open"] is True
    for name, value in create.items():
        assert item[name] == value, name
    listed = client.get(f"/api/v1/{kind}/", {"project": "WEB"}).json()
    assert [row["reference"] for row in listed["results"]] == [item["reference"]]
    assert client.get(f"/api/v1/{kind}/", {"project": "HR"}).json()["count"] == 0
    assert client.get(f"/api/v1/{kind}/", {"open": "true"}).json()["count"] == 1

    # when the PM moves it on, with its version
    changed = client.patch(f"/api/v1/{kind}/{item['id']}/", {**change, "version": 1}, format="json")

    # then it is no longer open, and its history says who changed what
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["status"], changed.json()["is_open"], changed.json()["version"]) == (
        change["status"],
        False,
        2,
    )
    assert changed.json()["closed_on"] is not None
    assert client.get(f"/api/v1/{kind}/", {"open": "true"}).json()["count"] == 0
    assert client.get(f"/api/v1/{kind}/", {"open": "false"}).json()["count"] == 1
    assert client.get(f"/api/v1/{kind}/", {"status": change["status"]}).json()["count"] == 1
    history = client.get(f"/api/v1/{kind}/{item['id']}/history/").json()
    assert [entry["kind"] for entry in history] == ["changed", "created"]
    assert history[0]["who"] == str(cast.pm)
    assert {"field": "status"}.items() <= next(
        c for c in history[0]["changes"] if c["field"] == "status"
    ).items()


@pytest.mark.parametrize("kind", list(REGISTERS))
def test_each_register_refuses_an_owner_who_is_not_a_person(client_for, cast, kind):
    create, _ = bodies(cast)[kind]

    response = client_for(cast.pm).post(
        f"/api/v1/{kind}/", {"project": "WEB", "owner": 424242, **create}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["owner"]
    assert "There is no person with id 424242" in response.json()["message"]
    assert not REGISTERS[kind].objects.exists()


def test_a_dependency_of_a_project_on_itself_is_refused(client_for, cast):
    response = client_for(cast.pm).post(
        "/api/v1/dependencies/",
        {"project": "WEB", "title": "Ourselves", "owner": cast.pm.person.pk, "depends_on": "WEB"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"depends_on": [DEPENDS_ON_ITSELF]}
    assert not Dependency.objects.exists()


def test_a_dependency_that_closes_a_loop_is_refused(client_for, cast):
    # given HR waits on WEB
    DependencyFactory(project=cast.other_project, depends_on=cast.project, provider="")

    # when WEB is said to wait on HR
    response = client_for(cast.head).post(
        "/api/v1/dependencies/",
        {"project": "WEB", "title": "Staff records", "owner": cast.pm.person.pk, "depends_on": "HR"},
        format="json",
    )

    # then the loop is refused, naming it
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "depends_on": [services.DEPENDENCY_LOOP.format(loop="HR → WEB → HR")]
    }
    assert Dependency.objects.count() == 1


def test_a_dependency_changed_into_a_loop_is_refused(client_for, cast):
    DependencyFactory(project=cast.other_project, depends_on=cast.project, provider="")
    mine = DependencyFactory(project=cast.project, provider="Supplier")

    response = client_for(cast.pm).patch(
        f"/api/v1/dependencies/{mine.pk}/", {"depends_on": "HR", "version": 1}, format="json"
    )

    assert response.status_code == 400
    assert "This would make a loop of dependencies" in response.json()["fields"]["depends_on"][0]
    mine.refresh_from_db()
    assert mine.depends_on is None


def test_a_dependency_names_whom_it_depends_on(client_for, cast):
    response = client_for(cast.pm).post(
        "/api/v1/dependencies/",
        {"project": "WEB", "title": "Something", "owner": cast.pm.person.pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "depends_on": ["Say whom this depends on: a project in the register or a named provider."]
    }


def test_an_action_from_a_raid_item_names_one_of_the_project(client_for, cast):
    client = client_for(cast.pm)
    risk = RiskFactory(project=cast.project)
    other = RiskFactory(project=cast.other_project)
    base = {"project": "WEB", "title": "Mitigate", "owner": cast.pm.person.pk, "source": "raid"}

    missing = client.post("/api/v1/actions/", base, format="json")
    elsewhere = client.post("/api/v1/actions/", {**base, "source_reference": other.reference}, format="json")
    made = client.post(
        "/api/v1/actions/", {**base, "source_reference": risk.reference.lower()}, format="json"
    )

    assert missing.json()["fields"] == {"source_reference": [services.SOURCE_NEEDS_ITEM]}
    assert elsewhere.json()["fields"] == {"source_reference": [f"There is no {other.reference} in WEB."]}
    assert made.status_code == 201
    assert made.json()["source_reference"] == risk.reference
