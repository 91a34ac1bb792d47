"""``cost-categories`` and ``funding-sources``: read by everyone signed in; added, changed
(with the version), retired and deleted by finance partners and the PMO. Bad input is the API's
error shape naming the field; one in use cannot be deleted (a 400 naming what uses it); a stale
version is a 409; other roles are refused (403). The lists cost a fixed number of queries.
Run on 4 December 2026."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.core.choices import Role
from pmo.finance.models import CostCategory, FundingSource
from pmo.finance.reference import IN_USE, NAME_TAKEN, STAFF_NO_LONGER

pytestmark = pytest.mark.django_db
CATEGORIES, SOURCES = "/api/v1/cost-categories/", "/api/v1/funding-sources/"


def test_everyone_signed_in_reads_the_lists_in_order(client_for, books):
    client = client_for(books.cast.pm)

    body = client.get(CATEGORIES).json()
    assert [row["name"] for row in body["results"]] == [
        "Staff",
        "Contractors",
        "Software",
        "Hardware",
        "Services",
        "Other",
    ]
    staff = body["results"][0]
    assert (staff["staff"], staff["active"], staff["position"], staff["version"]) == (True, True, 1, 1)
    assert staff["url"].endswith(f"{CATEGORIES}{books.staff.pk}/")
    assert [
        r["name"] for r in client.get(CATEGORIES, {"staff": "false", "search": "ware"}).json()["results"]
    ] == [
        "Software",
        "Hardware",
    ]
    sources = client.get(SOURCES, {"ordering": "-name"}).json()["results"]
    assert [row["name"] for row in sources] == ["Revenue budget", "Capital programme"]
    assert client_for(None).get(CATEGORIES).status_code in (401, 403)


def test_finance_adds_changes_retires_and_deletes_a_category_with_history(client_for, books):
    client = client_for(books.finance)
    made = client.post(CATEGORIES, {"name": " Training ", "position": 7, "staff": True}, format="json")
    assert made.status_code == 201, made.content
    url = f"{CATEGORIES}{made.json()['id']}/"
    assert (made.json()["name"], made.json()["staff"], made["ETag"]) == ("Training", True, '"1"')

    changed = client.patch(url, {"version": 1, "staff": False, "active": False}, format="json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["staff"], changed.json()["active"], changed.json()["version"]) == (False, False, 2)
    history = client.get(f"{url}history/").json()
    assert len(history) == 2 and history[0]["reason"] == STAFF_NO_LONGER

    assert client.delete(url, HTTP_IF_MATCH='"2"').status_code == 204
    assert not CostCategory.objects.filter(name="Training").exists()


def test_the_pmo_keeps_the_funding_sources_too(client_for, books):
    client = client_for(books.cast.officer)
    made = client.post(SOURCES, {"name": "Levelling-up grant"}, format="json")
    assert made.status_code == 201, made.content

    renamed = client.patch(f"{SOURCES}{made.json()['id']}/", {"name": "Levelling Up Fund"}, HTTP_IF_MATCH="1")

    assert renamed.status_code == 200, renamed.content
    assert FundingSource.objects.get(pk=made.json()["id"]).name == "Levelling Up Fund"


@pytest.mark.parametrize("role", ["pm", "sponsor", "executive"])
def test_other_roles_may_read_but_not_write(client_for, books, role):
    client = client_for(books.by_name(role))
    url = f"{CATEGORIES}{books.software.pk}/"

    refused = client.post(CATEGORIES, {"name": "Training"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["message"] == "You do not have permission to add cost categories."
    assert client.patch(url, {"version": 1, "name": "Apps"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    assert CostCategory.objects.get(pk=books.software.pk).name == "Software"


def test_bad_input_names_the_field(client_for, books):
    client = client_for(books.finance)

    taken = client.post(CATEGORIES, {"name": "STAFF"}, format="json")
    assert taken.status_code == 400
    assert taken.json()["fields"] == {"name": [NAME_TAKEN.format(kind="cost category", name="Staff")]}

    blank = client.post(SOURCES, {"name": ""}, format="json")
    assert blank.status_code == 400 and list(blank.json()["fields"]) == ["name"]

    negative = client.post(CATEGORIES, {"name": "Training", "position": -1}, format="json")
    assert negative.status_code == 400 and list(negative.json()["fields"]) == ["position"]

    not_a_flag = client.patch(
        f"{CATEGORIES}{books.software.pk}/", {"version": 1, "staff": "perhaps"}, format="json"
    )
    assert not_a_flag.status_code == 400 and list(not_a_flag.json()["fields"]) == ["staff"]

    no_version = client.patch(f"{CATEGORIES}{books.software.pk}/", {"name": "Apps"}, format="json")
    assert no_version.status_code == 400 and "version" in no_version.json()["message"]
    assert CostCategory.objects.get(pk=books.software.pk).name == "Software"


def test_a_stale_version_is_a_conflict(client_for, books):
    client = client_for(books.finance)
    url = f"{SOURCES}{books.capital.pk}/"
    assert client.patch(url, {"version": 1, "name": "Capital"}, format="json").status_code == 200

    stale = client.patch(url, {"version": 1, "active": False}, format="json")

    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert FundingSource.objects.get(pk=books.capital.pk).active


def test_one_in_use_cannot_be_deleted_the_message_names_what_uses_it(client_for, books):
    client = client_for(books.finance)

    refused = client.delete(f"{CATEGORIES}{books.software.pk}/")

    assert refused.status_code == 400
    message = IN_USE.format(record="Cost category Software", uses="1 cost code")
    assert refused.json() == {"message": message, "fields": {"non_field_errors": [message]}}
    assert CostCategory.objects.filter(pk=books.software.pk).exists()
    retired = client.patch(
        f"{CATEGORIES}{books.software.pk}/", {"version": 1, "active": False}, format="json"
    )
    assert retired.status_code == 200 and not retired.json()["active"]


def test_a_retired_category_is_refused_on_a_new_cost_code(client_for, books):
    client = client_for(books.finance)
    client.patch(f"{CATEGORIES}{books.software.pk}/", {"version": 1, "active": False}, format="json")

    refused = client.post(
        "/api/v1/cost-codes/",
        {"code": "C9", "project": "WEB", "category": "Software", "spend_type": "revenue"},
        format="json",
    )

    assert refused.status_code == 400 and list(refused.json()["fields"]) == ["category"]


@pytest.mark.parametrize(("url", "pinned"), [(CATEGORIES, 4), (SOURCES, 4)])
def test_the_lists_cost_a_fixed_number_of_queries(client_for, make_user, url, pinned):
    # session, user, count, page
    client = client_for(make_user(Role.PROJECT_MANAGER))

    def read() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200
        return len(context.captured_queries), response.json()["count"]

    few, few_rows = read()
    CostCategory.objects.bulk_create(CostCategory(name=f"Category {n}", position=10 + n) for n in range(20))
    FundingSource.objects.bulk_create(FundingSource(name=f"Grant {n}") for n in range(20))
    many, many_rows = read()

    assert (few, many) == (pinned, pinned)
    assert many_rows - few_rows == 20
