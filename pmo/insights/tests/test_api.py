"""``GET /api/v1/dashboard/``: the dashboard's figures as JSON, same filters and visibility,
documented in the OpenAPI schema."""

import json

import pytest
from rest_framework.test import APIClient

from pmo.core.choices import Role
from pmo.insights.api import DashboardSerializer, figures_json
from pmo.insights.selectors import DashboardFilters, dashboard

pytestmark = pytest.mark.django_db

URL = "/api/v1/dashboard/"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_figures_as_json(portfolio, pmo_head):
    response = api_for(pmo_head).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert [row["code"] for row in body["heatmap"]] == [
        "BRE-001",
        "OPT-001",
        "LAT-001",
        "NEW-001",
        "CON-001",
        "STE-001",
    ]
    optimistic = body["heatmap"][1]
    assert optimistic["statuses"]["overall"] == {"rating": "green", "label": "Green"}
    assert optimistic["statuses"]["schedule"] == {"rating": "green", "label": "Green"}
    assert optimistic["evidence"] == {"rating": "red", "label": "Red"}
    assert optimistic["optimistic"] == [
        "Overall: declared green, evidence red (3 milestone(s) overdue)",
        "Schedule: declared green, evidence red (3 milestone(s) overdue)",
    ]
    assert optimistic["url"] == "/reporting/projects/OPT-001/"
    assert body["heatmap"][0]["tolerance"] == "Breached"
    assert body["counts"]["flagged"] == 1 and body["counts"]["open_exceptions"] == 1
    assert [p["counts"] for p in body["trend"]] == [
        {"green": 4},
        {"green": 2, "amber": 1},
        {"green": 2, "red": 1},
        {"green": 3, "red": 1},
    ]
    # The shares' denominator: the closed project reported only in the first period, and two
    # projects started in the latest.
    assert [p["active_projects"] for p in body["trend"]] == [5, 4, 4, 6]
    # The period being chased (the fortnight ended, due yesterday), not the newest: NEW-001 and
    # CON-001 started since, so owe nothing for it.
    assert {k: body["compliance"][k] for k in ("owed", "on_time", "late", "draft", "missing")} == {
        "owed": 4,
        "on_time": 0,
        "late": 3,
        "draft": 0,
        "missing": 1,
    }
    assert body["exceptions"][0]["age_days"] == 12 and body["exceptions"][0]["report_overdue"] is True
    assert body["at_risk"][0]["actions"][0]["owner"] == "Olive Owner"
    assert body["at_risk"][0]["actions"][0]["overdue"] is True
    assert [(s["milestone"], s["slip_days"]) for s in body["slippage"]] == [("Build", 30), ("Design", 10)]


def test_the_json_is_what_the_documented_serializer_gives(portfolio, pmo_head):
    figures = dashboard(user=pmo_head, filters=DashboardFilters())
    assert figures_json(figures) == json.loads(json.dumps(DashboardSerializer(figures).data))


def test_filters_and_visibility(portfolio, pmo_head, make_user):
    finance = portfolio.projects["CON-001"].department_id
    filtered = api_for(pmo_head).get(URL, {"department": finance}).json()
    assert [row["code"] for row in filtered["heatmap"]] == ["CON-001"]
    outsider = api_for(make_user(Role.PROJECT_MANAGER)).get(URL).json()
    assert "CON-001" not in [row["code"] for row in outsider["heatmap"]]
    assert outsider["compliance"]["owed"] == 4  # CON-001 is hidden, and owes nothing yet anyway


def test_a_bad_filter_is_a_400_naming_the_field(portfolio, pmo_head):
    response = api_for(pmo_head).get(URL, {"programme": "999999"})
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "programme": ["Select a valid choice. That choice is not one of the available choices."]
    }


def test_signed_out_is_refused(portfolio):
    assert APIClient().get(URL).status_code in (401, 403)


def test_the_schema_documents_the_endpoint_and_its_filters(pmo_head):
    schema = api_for(pmo_head).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/dashboard/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"portfolio", "programme", "department", "sponsor"}
    reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    assert {"heatmap", "trend", "compliance", "exceptions", "at_risk", "slippage"} <= set(
        component["properties"]
    )
