"""Hostile input to the API gets the JSON error shape, never a server error: ids no row can hold
in every filter and path, odd paging values, unknown routes and oversized bodies."""

import json
from typing import Any

import django_filters
import pytest
from django.db import connection
from rest_framework.test import APIClient

from config.api_urls import router
from pmo.core.choices import Role
from pmo.core.errors import BODY_TOO_BIG, NO_SUCH_ROUTE, SERVER_ERROR, server_error
from pmo.core.filters import FilterBackend
from pmo.schedule.models import PlanBaseline

pytestmark = pytest.mark.django_db

BIG = "99999999999999999999"  # above 2^63 - 1, the largest id a row can hold
# What Django says of a value that names no record (several may be chosen / only one), and of a
# number beyond an integer column.
NOT_ONE_OF = f"Select a valid choice. {BIG} is not one of the available choices."
NOT_THE_CHOICE = "Select a valid choice. That choice is not one of the available choices."
BEYOND_IDS = "Ensure this value is less than or equal to 9223372036854775807."

RAID = ("risks", "assumptions", "issues", "dependencies", "actions", "decisions")
ID_FILTERS: dict[tuple[str, str], str] = {
    **{
        ("projects", name): NOT_ONE_OF
        for name in (
            "portfolio",
            "programme",
            "department",
            "stage",
            "sponsor",
            "project_manager",
            "strategic_objective",
        )
    },
    ("portfolios", "owner"): NOT_THE_CHOICE,
    ("programmes", "portfolio"): NOT_THE_CHOICE,
    ("programmes", "sponsor"): NOT_THE_CHOICE,
    ("programmes", "manager"): NOT_THE_CHOICE,
    ("people", "org_unit"): NOT_THE_CHOICE,
    ("people", "user"): NOT_THE_CHOICE,
    ("org-units", "parent"): NOT_THE_CHOICE,
    ("highlight-reports", "period"): BEYOND_IDS,
    ("gate-reviews", "gate"): BEYOND_IDS,
    ("gate-evidence", "gate"): BEYOND_IDS,
    ("meetings", "board"): BEYOND_IDS,
    ("agenda-items", "meeting"): BEYOND_IDS,
    ("minutes", "meeting"): BEYOND_IDS,
    ("health-checks", "questionnaire"): BEYOND_IDS,
    ("compliance", "project_manager"): NOT_THE_CHOICE,
    ("compliance", "department"): NOT_THE_CHOICE,
    ("lessons", "department"): BEYOND_IDS,
    ("tolerance-defaults", "portfolio"): NOT_THE_CHOICE,
    ("actuals", "year"): "Ensure this value is less than or equal to 9998.",
    ("closed-months", "year"): "Ensure this value is less than or equal to 9998.",
    ("cost-centre-budgets", "year"): "Ensure this value is less than or equal to 2200.",
    **{(register, "owner"): NOT_ONE_OF for register in RAID},
    **{(register, level): NOT_THE_CHOICE for register in RAID for level in ("project", "programme")},
    **{(register, "portfolio"): NOT_THE_CHOICE for register in RAID},
    # A small column: its top is the database's (SQLite holds 64 bits in any integer column).
    ("plan-baselines", "number"): "Ensure this value is less than or equal to {}.".format(
        connection.ops.integer_field_range(PlanBaseline._meta.get_field("number").get_internal_type())[1]
    ),
}


def _filters_taking_records() -> set[tuple[str, str]]:
    """Every API filter that names records by key or compares a number with a column."""
    found = set()
    for prefix, viewset, _ in router.registry:
        view: Any = viewset()
        view.as_of = None
        filterset = FilterBackend().get_filterset_class(view, viewset.queryset)
        for name, each in filterset.base_filters.items() if filterset else ():
            if isinstance(
                each,
                django_filters.ModelChoiceFilter
                | django_filters.ModelMultipleChoiceFilter
                | django_filters.NumberFilter,
            ):
                found.add((prefix, name))
    return found


def head_api(make_user: Any) -> APIClient:
    client = APIClient()
    client.force_login(make_user(Role.PMO_HEAD))
    return client


def test_every_filter_taking_records_is_tried_below():
    assert _filters_taking_records() == set(ID_FILTERS)


@pytest.mark.parametrize(("collection", "name"), sorted(ID_FILTERS))
def test_an_id_no_row_can_hold_in_a_filter_is_refused_as_bad_input(make_user, collection, name):
    # Given the PMO head, when a list is filtered by an id beyond a 64-bit integer,
    response = head_api(make_user).get(f"/api/v1/{collection}/", {name: BIG})

    # then the answer is a 400 naming the filter, not a server error.
    message = ID_FILTERS[collection, name]
    assert response.status_code == 400
    assert response.json() == {"message": f"{name}: {message}", "fields": {name: [message]}}


@pytest.mark.parametrize("name", ["stage", "strategic_objective", "sponsor"])
def test_the_register_as_of_a_date_refuses_the_same_ids(make_user, name):
    response = head_api(make_user).get("/api/v1/projects/", {"as_of": "2026-11-30", name: BIG})

    assert response.status_code == 400
    assert response.json() == {"message": f"{name}: {NOT_ONE_OF}", "fields": {name: [NOT_ONE_OF]}}


def test_ids_that_are_not_numbers_are_refused_as_before(make_user):
    api = head_api(make_user)

    stage = api.get("/api/v1/projects/", {"stage": "abc"})
    period = api.get("/api/v1/highlight-reports/", {"period": "abc"})

    not_a_value = "“abc” is not a valid value."
    assert stage.json() == {"message": f"stage: {not_a_value}", "fields": {"stage": [not_a_value]}}
    assert period.json() == {"message": "period: Enter a number.", "fields": {"period": ["Enter a number."]}}


def test_an_executive_is_refused_the_same_way(make_user):
    client = APIClient()
    client.force_login(make_user(Role.EXECUTIVE))

    response = client.get("/api/v1/risks/", {"owner": BIG})

    assert response.status_code == 400
    assert response.json()["fields"] == {"owner": [NOT_ONE_OF]}


DETAIL_COLLECTIONS = sorted(prefix for prefix, viewset, _ in router.registry if hasattr(viewset, "retrieve"))


@pytest.mark.parametrize("collection", DETAIL_COLLECTIONS)
def test_an_id_no_row_can_hold_in_a_path_is_not_found(make_user, collection):
    api = head_api(make_user)

    record = api.get(f"/api/v1/{collection}/{BIG}/")
    history = api.get(f"/api/v1/{collection}/{BIG}/history/")

    assert (record.status_code, record.json()) == (404, {"message": "Not found.", "fields": {}})
    assert history.status_code == 404
    assert history["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"page": BIG}, 404),
        ({"page": "-1"}, 404),
        ({"page": "²"}, 404),
        ({"page_size": BIG}, 200),
        ({"page_size": "-5"}, 200),
        ({"ordering": "-nonsense,code"}, 200),
        ({"ordering": BIG}, 200),
        ({"search": "x" * 5000}, 200),
    ],
)
def test_odd_paging_ordering_and_search_values_answer_json(make_user, query, status):
    response = head_api(make_user).get("/api/v1/projects/", query)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    if status == 404:
        assert response.json() == {"message": "Invalid page.", "fields": {}}


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/projects/IT-1/no-such/", "/api/v2/"])
def test_an_unknown_api_route_is_a_json_404(make_user, path):
    response = head_api(make_user).get(path)

    assert response.status_code == 404
    assert response.json() == {"message": NO_SUCH_ROUTE.format(path=path), "fields": {}}


def test_an_unknown_route_outside_the_api_is_still_the_html_page(make_user):
    response = head_api(make_user).get("/nothing-here/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_body_over_the_upload_limit_is_a_json_413(make_user, settings, content_type):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"name": "x" * 2000}) if content_type == "application/json" else "name=" + "x" * 2000

    response = head_api(make_user).post("/api/v1/portfolios/", body, content_type=content_type)

    assert response.status_code == 413
    assert response.json() == {"message": BODY_TOO_BIG.format(limit=1000), "fields": {}}


def test_a_server_fault_under_the_api_is_json_and_elsewhere_the_page(rf):
    api = server_error(rf.get("/api/v1/projects/"))
    page = server_error(rf.get("/projects/"))

    assert (api.status_code, json.loads(api.content)) == (500, {"message": SERVER_ERROR, "fields": {}})
    assert (page.status_code, page["Content-Type"]) == (500, "text/html; charset=utf-8")
