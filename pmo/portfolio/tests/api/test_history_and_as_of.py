"""Every record's history over the API, and the register as it stood at an earlier date."""

import datetime as dt

import pytest
from django.utils import timezone

from pmo.core.choices import Role
from pmo.core.history import BAD_POINT_IN_TIME, FUTURE_POINT_IN_TIME
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import (
    OrgUnitFactory,
    PersonFactory,
    PortfolioFactory,
    ProjectFactory,
    StrategicObjectiveFactory,
)

pytestmark = pytest.mark.django_db

LAST_QUARTER_END = dt.date(2026, 3, 31)


def backdate(record, day):
    """Make every history entry of ``record`` so far look as if written on ``day``, in order."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    for offset, entry in enumerate(record.history.order_by("history_date", "history_id")):
        record.history.filter(history_id=entry.history_id).update(
            history_date=moment + dt.timedelta(seconds=offset)
        )


def test_history_shows_who_changed_what_when_from_and_to(client_for, make_user, register):
    ann = make_user(Role.PMO_ANALYST, username="ann", first_name="Ann", last_name="Lee")
    client = client_for(ann)
    client.patch("/api/v1/projects/OWN-1/", {"name": "Libraries Wi-Fi refresh", "version": 1}, format="json")

    response = client.get("/api/v1/projects/OWN-1/history/")

    assert response.status_code == 200
    changed, created = response.json()
    assert (changed["kind"], changed["who"], changed["version"]) == ("changed", "Ann Lee", 2)
    assert changed["changes"] == [
        {"field": "name", "before": "Libraries Wi-Fi", "after": "Libraries Wi-Fi refresh"}
    ]
    assert timezone.now() - dt.datetime.fromisoformat(changed["when"]) < dt.timedelta(minutes=1)
    assert created["kind"] == "created"


@pytest.mark.parametrize(
    ("collection", "make"),
    [
        ("portfolios", lambda: PortfolioFactory(name="Before")),
        ("org-units", lambda: OrgUnitFactory(name="Before")),
        ("people", lambda: PersonFactory(name="Before")),
    ],
)
def test_every_collection_has_history(client_for, pmo_head, collection, make):
    record = make()
    client = client_for(pmo_head)
    client.patch(f"/api/v1/{collection}/{record.pk}/", {"name": "After", "version": 1}, format="json")

    entries = client.get(f"/api/v1/{collection}/{record.pk}/history/").json()

    assert entries[0]["who"] == "head"
    assert entries[0]["changes"] == [{"field": "name", "before": "Before", "after": "After"}]


def test_history_of_objectives_names_them(client_for, pmo_head):
    project = ProjectFactory(code="P1")
    objective = StrategicObjectiveFactory(code="SO1", title="Digital by default")
    client = client_for(pmo_head)
    client.patch(
        "/api/v1/projects/P1/", {"strategic_objectives": [objective.pk], "version": 1}, format="json"
    )

    latest = client.get(f"/api/v1/projects/{project.code}/history/").json()[0]

    assert latest["changes"] == [
        {"field": "strategic objectives", "before": "—", "after": "SO1 Digital by default"}
    ]


def test_the_register_as_of_a_date_shows_the_old_name_after_a_rename(client_for, pmo_head):
    # given a project that existed at the end of last quarter, renamed since
    project = ProjectFactory(code="P1", name="Old name")
    objective = StrategicObjectiveFactory(code="SO1")
    project.strategic_objectives.add(objective)
    backdate(project, LAST_QUARTER_END)
    client = client_for(pmo_head)
    client.patch(
        "/api/v1/projects/P1/", {"name": "New name", "strategic_objectives": [], "version": 1}, format="json"
    )

    # when the register is read as of that date
    then = client.get("/api/v1/projects/", {"as_of": "2026-03-31"})
    now = client.get("/api/v1/projects/")

    # then it shows the name (and objectives) of the time; today's register shows the new name
    assert then.status_code == 200
    (row,) = then.json()["results"]
    assert (row["code"], row["name"], row["version"]) == ("P1", "Old name", 1)
    assert row["stage_name"] == "Delivery"
    assert row["strategic_objectives"] == [objective.pk]
    assert now.json()["results"][0]["name"] == "New name"


def test_as_of_leaves_out_what_did_not_exist_yet(client_for, pmo_head):
    backdate(ProjectFactory(code="OLD"), LAST_QUARTER_END)
    ProjectFactory(code="NEW")

    response = client_for(pmo_head).get("/api/v1/projects/", {"as_of": "2026-03-31"})

    assert [row["code"] for row in response.json()["results"]] == ["OLD"]


def test_as_of_hides_what_was_confidential_then(client_for, make_user):
    backdate(ProjectFactory(code="SEC", confidential=True), LAST_QUARTER_END)

    response = client_for(make_user(Role.EXECUTIVE)).get("/api/v1/projects/", {"as_of": "2026-03-31"})

    assert response.json()["count"] == 0


def test_as_of_filters_and_orders_like_today(client_for, pmo_head):
    objective = StrategicObjectiveFactory(code="SO1")
    a = ProjectFactory(code="A", status="active", budget=300)
    a.strategic_objectives.add(objective)
    for project in (
        a,
        ProjectFactory(code="B", status="active", budget=100),
        ProjectFactory(code="C", name="Office closure", status="closed"),
    ):
        backdate(project, LAST_QUARTER_END)
    client = client_for(pmo_head)

    by_status = client.get(
        "/api/v1/projects/", {"as_of": "2026-03-31", "status": "active", "ordering": "budget"}
    )
    by_objective = client.get(
        "/api/v1/projects/", {"as_of": "2026-03-31", "strategic_objective": objective.pk}
    )

    assert [row["code"] for row in by_status.json()["results"]] == ["B", "A"]
    assert [row["code"] for row in by_objective.json()["results"]] == ["A"]
    for param in ("q", "search"):
        searched = client.get("/api/v1/projects/", {"as_of": "2026-03-31", param: "closure"})
        assert [row["code"] for row in searched.json()["results"]] == ["C"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("31/03/2026", BAD_POINT_IN_TIME.format(raw="31/03/2026")),
        ("2026-02-30", BAD_POINT_IN_TIME.format(raw="2026-02-30")),
        ("2999-01-01", FUTURE_POINT_IN_TIME.format(raw="2999-01-01")),
    ],
)
def test_a_bad_as_of_date_is_refused_naming_as_of(client_for, pmo_head, raw, message):
    response = client_for(pmo_head).get("/api/v1/projects/", {"as_of": raw})

    assert response.status_code == 400
    assert response.json() == {"message": f"as_of: {message}", "fields": {"as_of": [message]}}
    assert Project.objects.count() == 0
