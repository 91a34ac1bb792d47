"""The reporting collections are in the OpenAPI schema, each record with its history, and
every workflow action documented."""

import pytest
from django.conf import settings
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

WITH_HISTORY = [
    "reporting-periods",
    "highlight-reports",
    "baselines",
    "tolerances",
    "tolerance-defaults",
    "exceptions",
]
ACTIONS = [
    "reporting-periods/{id}/close/",
    "reporting-periods/{id}/reopen/",
    "highlight-reports/{id}/submit/",
    "highlight-reports/{id}/return/",
    "highlight-reports/{id}/accept/",
    "highlight-reports/{id}/publish/",
    "highlight-reports/{id}/revise/",
    "exceptions/{id}/report/",
    "exceptions/{id}/decide/",
    "notifications/{id}/read/",
    "notifications/read-all/",
]


def test_the_schema_describes_the_reporting_cycle(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    validate_schema(schema)
    paths = schema["paths"]
    for collection in WITH_HISTORY:
        assert f"/api/v1/{collection}/" in paths
        assert f"/api/v1/{collection}/{{id}}/history/" in paths
    for collection in ("tolerance-checks", "notifications"):
        assert f"/api/v1/{collection}/" in paths
    for path in ACTIONS:
        assert "post" in paths[f"/api/v1/{path}"], path
    assert set(paths["/api/v1/baselines/{id}/"]) == {"get"}
    assert set(paths["/api/v1/exceptions/{id}/"]) == {"get"}
    decide = paths["/api/v1/exceptions/{id}/decide/"]["post"]
    assert decide["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DecideBodyRequest"
    }
    assert {"400", "403", "404", "409"} <= set(decide["responses"])
    current = [p for p in paths["/api/v1/highlight-reports/"]["get"]["parameters"] if p["name"] == "current"]
    assert current[0]["schema"] == {"type": "boolean"}


@pytest.mark.parametrize(
    "component", ["BaselineRequest", "PatchedHighlightReportRequest", "NewBaselineRequest", "HighlightReport"]
)
def test_the_schema_says_how_many_milestones_the_api_takes(client, component):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    milestones = schema["components"]["schemas"][component]["properties"]["milestones"]
    assert milestones["maxItems"] == settings.PMO_MAX_MILESTONES == 30
