"""Lessons are in the OpenAPI schema: the library with its filters, the workflow, applying,
suggestions and history."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_describes_lessons(client) -> None:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths["/api/v1/lessons/"]) == {"get", "post"}
    assert set(paths["/api/v1/lessons/{id}/"]) == {"get", "patch"}
    assert "get" in paths["/api/v1/lessons/{id}/history/"]
    assert "get" in paths["/api/v1/lessons/suggestions/"]
    for step in ("publish", "retire", "apply"):
        assert {"400", "403"} <= set(paths[f"/api/v1/lessons/{{id}}/{step}/"]["post"]["responses"])
    listed = {parameter["name"] for parameter in paths["/api/v1/lessons/"]["get"]["parameters"]}
    assert {"project", "category", "tag", "department", "methodology", "source", "status", "search"} <= listed
    lesson = response.json()["components"]["schemas"]["Lesson"]["properties"]
    assert lesson["event"]["maxLength"] > 0
    assert {"applied_count", "actions", "risks", "tags"} <= set(lesson)
