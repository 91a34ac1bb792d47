"""A null character (%00), which no key or text the database keeps can hold (PostgreSQL refuses
it): in an address it is not found, in a page's query a bad request saying so; the API's filters
refuse it naming the parameter. Never a server error, on either database."""

import pytest

from pmo.core.choices import Role
from pmo.core.errors import NULL_IN_QUERY

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(client, make_user):
    client.force_login(make_user(Role.PMO_HEAD, username="hanna"))
    return client


@pytest.mark.parametrize("path", ["/projects/a%00/", "/raid/projects/a%00/", "/reporting/projects/a%00/"])
def test_an_address_holding_a_null_character_is_not_found(head, path):
    response = head.get(path)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("query", ["/settings/users/?q=a%00", "/projects/?q=a%00b", "/raid/risks/?a%00=1"])
def test_a_page_query_holding_a_null_character_is_refused_saying_so(head, query):
    response = head.get(query)

    assert response.status_code == 400
    assert response.content.decode() == NULL_IN_QUERY


def test_the_api_refuses_it_naming_the_parameter(head):
    query = head.get("/api/v1/projects/?q=a%00b")
    address = head.get("/api/v1/risks/a%00/")

    assert (query.status_code, query.json()["fields"]) == (400, {"q": ["Null characters are not allowed."]})
    assert (address.status_code, address["Content-Type"]) == (404, "application/json")
