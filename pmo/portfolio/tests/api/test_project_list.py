"""Listing the register: pagination, filters, search and ordering."""

import pytest

from pmo.portfolio.models import LifecycleStage
from pmo.portfolio.tests.factories import (
    PersonFactory,
    PortfolioFactory,
    ProgrammeFactory,
    ProjectFactory,
    StrategicObjectiveFactory,
)

pytestmark = pytest.mark.django_db


def codes(response):
    assert response.status_code == 200, response.json()
    return [row["code"] for row in response.json()["results"]]


@pytest.fixture
def client(client_for, pmo_head):
    return client_for(pmo_head)


def test_the_list_is_paginated_with_counts_and_links(client):
    for n in range(7):
        ProjectFactory(code=f"P{n}")

    first = client.get("/api/v1/projects/", {"page_size": 3})
    last = client.get("/api/v1/projects/", {"page_size": 3, "page": 3})

    assert first.json()["count"] == 7
    assert codes(first) == ["P0", "P1", "P2"]
    assert first.json()["previous"] is None
    assert first.json()["next"] == "http://testserver/api/v1/projects/?page=2&page_size=3"
    assert codes(last) == ["P6"]
    assert last.json()["next"] is None


def test_a_page_past_the_end_is_not_found(client):
    ProjectFactory()

    response = client.get("/api/v1/projects/", {"page": 9})

    assert response.status_code == 404
    assert response.json() == {"message": "Invalid page.", "fields": {}}


def test_filters_combine_and_accept_several_values(client):
    programme = ProgrammeFactory(portfolio=PortfolioFactory(name="IT Portfolio"))
    ProjectFactory(code="A", status="active", programme=programme)
    ProjectFactory(code="B", status="on_hold", programme=programme)
    ProjectFactory(code="C", status="closed", programme=programme)
    ProjectFactory(code="D", status="active")

    assert codes(client.get("/api/v1/projects/?status=active&status=on_hold")) == ["A", "B", "D"]
    assert codes(client.get(f"/api/v1/projects/?status=active&programme={programme.pk}")) == ["A"]
    assert codes(client.get("/api/v1/projects/?confidential=true")) == []


def test_filtering_by_strategic_objective_and_people(client):
    objective = StrategicObjectiveFactory()
    pat = PersonFactory(name="Pat")
    ProjectFactory(code="A").strategic_objectives.add(objective)
    ProjectFactory(code="B", project_manager=pat)

    assert codes(client.get("/api/v1/projects/", {"strategic_objective": objective.pk})) == ["A"]
    assert codes(client.get("/api/v1/projects/", {"project_manager": pat.pk})) == ["B"]


def test_a_project_serving_both_chosen_objectives_is_listed_once(client):
    first, second = StrategicObjectiveFactory(), StrategicObjectiveFactory()
    ProjectFactory(code="A", status="active").strategic_objectives.add(first, second)
    ProjectFactory(code="B", status="active").strategic_objectives.add(second)

    response = client.get(
        "/api/v1/projects/", {"strategic_objective": [first.pk, second.pk], "status": ["active", "closed"]}
    )

    assert codes(response) == ["A", "B"]
    assert response.json()["count"] == 2


def test_an_unknown_filter_value_is_refused_naming_the_filter(client):
    response = client.get("/api/v1/projects/", {"status": "sleeping", "programme": 0})

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"status", "programme"}


@pytest.mark.parametrize("param", ["q", "search"])
def test_search_finds_code_name_and_people(client, param):
    ProjectFactory(code="WIFI-1", name="Libraries Wi-Fi")
    ProjectFactory(code="PAY-1", name="Payroll", project_manager=PersonFactory(name="Wilma Wifield"))
    ProjectFactory(code="HR-1", name="HR system")

    assert codes(client.get("/api/v1/projects/", {param: "wi"})) == ["PAY-1", "WIFI-1"]
    assert codes(client.get("/api/v1/projects/", {param: "hr-1"})) == ["HR-1"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("budget", ["B", "C", "A"]),
        ("-budget", ["A", "C", "B"]),
        ("name", ["C", "A", "B"]),
        ("planned_finish", ["B", "A", "C"]),
        ("priority", ["A", "C", "B"]),
        ("-priority", ["B", "C", "A"]),
        ("stage", ["C", "B", "A"]),
        ("status,-code", ["C", "B", "A"]),
        ("not_a_field", ["A", "B", "C"]),
    ],
)
def test_ordering(client, ordering, expected):
    stages = list(LifecycleStage.objects.order_by("order"))
    ProjectFactory(
        code="A",
        name="Beta",
        budget=900,
        priority="critical",
        stage=stages[3],
        planned_finish="2026-06-30",
        status="active",
    )
    ProjectFactory(
        code="B",
        name="Gamma",
        budget=100,
        priority="low",
        stage=stages[1],
        planned_finish="2026-05-31",
        status="active",
    )
    ProjectFactory(
        code="C",
        name="Alpha",
        budget=500,
        priority="medium",
        stage=stages[0],
        planned_finish="2026-07-31",
        status="active",
    )

    assert codes(client.get("/api/v1/projects/", {"ordering": ordering})) == expected


def test_the_other_collections_filter_search_and_order(client):
    it = PortfolioFactory(name="IT Portfolio")
    estates = PortfolioFactory(name="Estates")
    ProgrammeFactory(code="DIG", name="Digital first", portfolio=it)
    ProgrammeFactory(code="ACC", name="Accommodation", portfolio=estates)

    by_portfolio = client.get("/api/v1/programmes/", {"portfolio": estates.pk}).json()
    searched = client.get("/api/v1/programmes/", {"search": "digital"}).json()
    ordered = client.get("/api/v1/programmes/", {"ordering": "-code"}).json()

    assert [row["code"] for row in by_portfolio["results"]] == ["ACC"]
    assert by_portfolio["results"][0]["portfolio_name"] == "Estates"
    assert [row["code"] for row in searched["results"]] == ["DIG"]
    assert [row["code"] for row in ordered["results"]] == ["DIG", "ACC"]
