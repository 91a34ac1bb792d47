"""Finance is in the OpenAPI schema: the lists, their filters and history, the writes each
collection takes, and earned value."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_describes_finance(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths["/api/v1/cost-codes/"]) == {"get", "post"}
    assert set(paths["/api/v1/cost-codes/{id}/"]) == {"get", "patch"}
    for name in ("budgets", "actuals", "forecasts", "closed-months"):
        assert set(paths[f"/api/v1/{name}/"]) == {"get", "post"}
        assert set(paths[f"/api/v1/{name}/{{id}}/"]) == {"get"}
    assert set(paths["/api/v1/budgets/{id}/lines/"]) == {"put"}
    assert set(paths["/api/v1/budgets/{id}/approve/"]) == {"post"}
    assert set(paths["/api/v1/closed-months/{id}/reopen/"]) == {"post"}
    assert set(paths["/api/v1/financial-years/"]) == {"get"}
    assert set(paths["/api/v1/evm/"]) == {"get"}
    for name in ("budgets", "forecasts", "cost-codes", "closed-months"):
        assert "get" in paths[f"/api/v1/{name}/{{id}}/history/"]
    assert "/api/v1/actuals/{id}/history/" not in paths
    listed = {parameter["name"] for parameter in paths["/api/v1/actuals/"]["get"]["parameters"]}
    assert {"project", "cost_code", "month", "year", "spend_type", "search", "ordering", "page"} <= listed
    assert {"project", "as_of", "page"} <= {p["name"] for p in paths["/api/v1/evm/"]["get"]["parameters"]}
    components = response.json()["components"]["schemas"]
    assert {"lines", "total", "baseline", "change_request", "exception"} <= set(
        components["BudgetVersion"]["properties"]
    )
    assert {"pv", "ev", "ac", "bac", "spi_t", "ieac_t", "forecasts", "undefined"} <= set(
        components["Evm"]["properties"]
    )
    load = paths["/api/v1/actuals/"]["post"]
    assert {"201", "400", "403"} <= set(load["responses"])
