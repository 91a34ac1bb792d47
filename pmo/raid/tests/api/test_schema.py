"""The RAID collections are in the OpenAPI schema (which builds without warnings), each record
with its history and workflow actions."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from drf_spectacular.validation import validate_schema

from pmo.raid.models import REGISTERS

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    """The schema as the API serves it, once for the module. What serving it writes (the RAID
    settings row, made on first read) is rolled back, as a test's writes are: a row left in this
    process's database would be in the demo template if this process built it next (ADR 0026)."""
    with django_db_blocker.unblock(), transaction.atomic():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        transaction.set_rollback(True)
    assert response.status_code == 200
    return response.json()


def test_the_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


def test_every_register_has_its_collection_history_and_actions(schema):
    validate_schema(schema)
    paths = schema["paths"]
    for kind, model in REGISTERS.items():
        assert set(paths[f"/api/v1/{kind}/"]) == {"get", "post"}
        assert set(paths[f"/api/v1/{kind}/{{id}}/"]) == {"get", "patch", "delete"}
        assert "get" in paths[f"/api/v1/{kind}/{{id}}/history/"]
        for step in ("escalate", "deescalate", "review"):
            post = paths[f"/api/v1/{kind}/{{id}}/{step}/"]["post"]
            assert post["responses"]["200"]["content"]["application/json"]["schema"] == {
                "$ref": f"#/components/schemas/{model.__name__}"
            }
            assert {"400", "403", "404", "409"} <= set(post["responses"])
        listed = {parameter["name"] for parameter in paths[f"/api/v1/{kind}/"]["get"]["parameters"]}
        assert {"project", "programme", "portfolio", "status", "open", "stale", "past_due", "owner"} <= listed
        assert {"escalated_to", "search", "ordering", "page", "page_size"} <= listed
    assert "get" in paths["/api/v1/risks/heat-map/"]
    assert "get" in paths["/api/v1/dependencies/affected/"]
    assert set(paths["/api/v1/raid-settings/{id}/"]) == {"get", "patch"}


def test_a_risks_scores_and_owner_are_described(schema):
    risk = schema["components"]["schemas"]["Risk"]["properties"]
    assert {"reference", "owner", "owner_name", "inherent_band", "residual_band", "expected_value"} <= set(
        risk
    )
    assert risk["expected_value"]["readOnly"] is True
    request = schema["components"]["schemas"]["RiskRequest"]["properties"]
    assert "inherent_score" not in request
    assert {"project", "programme", "portfolio", "owner", "inherent_probability"} <= set(request)
    heat_map = schema["paths"]["/api/v1/risks/heat-map/"]["get"]
    assert {"project", "category", "status"} <= {parameter["name"] for parameter in heat_map["parameters"]}
