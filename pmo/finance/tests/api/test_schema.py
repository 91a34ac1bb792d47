"""Finance is in the OpenAPI schema: the read-only lists, their filters and history."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_describes_finance_read_only(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for name in ("budgets", "actuals", "forecasts", "cost-codes"):
        assert set(paths[f"/api/v1/{name}/"]) == {"get"}
        assert set(paths[f"/api/v1/{name}/{{id}}/"]) == {"get"}
    assert set(paths["/api/v1/financial-years/"]) == {"get"}
    for name in ("budgets", "forecasts", "cost-codes"):
        assert "get" in paths[f"/api/v1/{name}/{{id}}/history/"]
    assert "/api/v1/actuals/{id}/history/" not in paths
    listed = {parameter["name"] for parameter in paths["/api/v1/actuals/"]["get"]["parameters"]}
    assert {"project", "cost_code", "month", "year", "spend_type", "search", "ordering", "page"} <= listed
    components = response.json()["components"]["schemas"]
    assert {"lines", "total", "baseline", "change_request", "exception"} <= set(
        components["BudgetVersion"]["properties"]
    )
