"""``GET /api/v1/my-work/``: the signed-in user's work queue as JSON, documented, paginated,
with the API's error shape, in a number of queries that does not grow with the work."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from pmo.core.services import api_token_create
from pmo.core.tests.work.conftest import Desk, add_work

pytestmark = pytest.mark.django_db
URL = "/api/v1/my-work/"


def client_for(user) -> APIClient:
    client = APIClient()
    _, secret = api_token_create(user=user, name="tests")
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_a_project_manager_reads_their_queue_overdue_first(desk: Desk):
    response = client_for(desk.pm).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 9
    first, last = body["results"][0], body["results"][-1]
    assert first["kind"] == "raid-past-due"
    assert (first["due"], first["overdue"], first["project"]) == ("2026-10-31", True, "IT-103")
    assert last == {
        "key": last["key"],
        "kind": "report-returned",
        "title": "Revise the November 2026 highlight report",
        "due": "2026-12-11",
        "overdue": False,
        "url": last["url"],
        "reason": "Returned with comments: Reconcile the forecast cost with the ledger.",
        "project": "IT-102",
        "project_name": last["project_name"],
    }
    assert last["url"].startswith("/reporting/reports/")


def test_the_queue_comes_a_page_at_a_time(desk: Desk):
    client = client_for(desk.pm)

    page = client.get(URL, {"page_size": 4}).json()
    rest = client.get(URL, {"page_size": 4, "page": 3}).json()

    assert (page["count"], len(page["results"])) == (9, 4)
    assert page["next"].endswith("page=2&page_size=4")
    assert [item["kind"] for item in rest["results"]] == ["report-returned"]


def test_a_page_beyond_the_end_is_a_json_error(desk: Desk):
    response = client_for(desk.pm).get(URL, {"page": 9})

    assert response.status_code == 404
    assert response.json()["message"] == "Invalid page."


def test_nobody_signed_out_reads_a_queue(desk: Desk):
    response = APIClient().get(URL)

    assert response.status_code == 401
    assert response.json()["message"] == "Authentication credentials were not provided."


def test_someone_with_nothing_to_do_gets_an_empty_list(desk: Desk):
    assert client_for(desk.executive).get(URL).json() == {
        "count": 0, "next": None, "previous": None, "results": []
    }


def test_the_schema_documents_the_queue(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    operation = schema["paths"][URL]["get"]
    assert operation["tags"] == ["work"]
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    item = schema["components"]["schemas"][page]["properties"]["results"]["items"]["$ref"].split("/")[-1]
    fields = schema["components"]["schemas"][item]["properties"]
    assert set(fields) == {
        "key", "kind", "title", "due", "overdue", "url", "reason", "project", "project_name"
    }
    assert fields["due"] == {"type": "string", "format": "date"}


def test_the_queue_costs_the_same_queries_with_four_times_the_work(desk: Desk):
    client = client_for(desk.pm)
    client.get(URL)  # the first read of the settings rows makes them

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured.captured_queries)

    few = queries()
    add_work(desk, 4)
    many = queries()

    assert client.get(URL).json()["count"] > 4 * 8
    # finance's forecasts due, its cost centres; the next gates judged; lessons; health checks;
    # compliance (its rules switched off here: the projects and the rules); the boards' seats
    assert (few, many) == (49, 49)
