"""Change control is in the OpenAPI schema: the change log with its workflow and history, and
the delegated limits."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_describes_change_control(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths["/api/v1/change-requests/"]) == {"get", "post"}
    assert set(paths["/api/v1/change-requests/{id}/"]) == {"get", "patch"}
    assert "get" in paths["/api/v1/change-requests/{id}/history/"]
    for step, body in (
        ("assess", "ChangeAssessmentRequest"),
        ("decide", "ChangeDecisionRequest"),
        ("implement", "ChangeImplementationRequest"),
    ):
        post = paths[f"/api/v1/change-requests/{{id}}/{step}/"]["post"]
        assert post["requestBody"]["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{body}"
        }
        assert {"200", "400", "403", "404", "409"} <= set(post["responses"])
    listed = {parameter["name"] for parameter in paths["/api/v1/change-requests/"]["get"]["parameters"]}
    assert {"project", "status", "authority", "change_type", "search", "ordering", "page"} <= listed
    components = response.json()["components"]["schemas"]
    assert {"authority", "new_baseline"} <= set(components["ChangeRequest"]["properties"])
    assert set(components["BaselineLink"]["properties"]) == {"id", "number", "url"}
    assert set(paths["/api/v1/change-settings/{id}/"]) == {"get", "patch"}
