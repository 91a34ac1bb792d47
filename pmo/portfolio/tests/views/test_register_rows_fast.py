"""The register's rows and the projects API as they were before being written in Python and read
from one address pattern (ADR 0046): the same cells, links, names and fields."""

import pytest
from django.urls import reverse
from django.utils.html import escape
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from pmo.core.cells import cell_html
from pmo.core.links import address
from pmo.portfolio import selectors
from pmo.portfolio.api import ProjectSerializer
from pmo.portfolio.register import evidence
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_an_address_from_its_pattern_is_the_one_reverse_gives():
    project = "portfolio:project_detail"
    assert address(project, "IT-118") == reverse(project, args=["IT-118"])
    assert address("portfolio:person_detail", 42) == reverse("portfolio:person_detail", args=[42])
    assert address("api:project-detail", "A.b_9") == reverse("api:project-detail", args=["A.b_9"])


def test_a_cell_shows_its_value_escaped_and_linked():
    project = ProjectFactory(code="P-1", name="Tea & <cakes>", programme=None)

    name = cell_html("link", project.name, project)
    empty = cell_html("text", None, project)
    person = cell_html("text", project.project_manager, project)

    shown = escape(project.name)
    assert name == f'<a class="cell-clip" href="/projects/P-1/" title="{shown}">{shown}</a>'
    assert empty == "—"
    manager = project.project_manager
    assert person == f'<a href="/people/{manager.pk}/">{escape(manager)}</a>'
    rating = cell_html("rating", evidence(project), project)
    assert rating == '<span class="rating rating-none">Not judged</span>'


def test_the_register_shows_each_row_with_its_links_and_people(pmo_head, client):
    manager = PersonFactory(name="Ann O'Neil")
    ProjectFactory(code="P-2", name="Roof", project_manager=manager, status="active")

    client.force_login(pmo_head)
    page = client.get("/projects/").content.decode()

    code = '<a class="cell-clip" href="/projects/P-2/" title="P-2">P-2</a>'
    assert f'<th scope="row" data-label="Code">{code}</th>' in page
    assert f'<a href="/people/{manager.pk}/">Ann O&#x27;Neil</a>' in page


def test_the_api_gives_a_row_as_drf_would(pmo_head):
    ProjectFactory(code="P-3", programme=None, business_owner=None)
    request = Request(APIRequestFactory().get("/api/v1/projects/"))
    request.user = pmo_head
    row = selectors.as_rows(selectors.project_list(user=pmo_head)).get(code="P-3")
    child = ProjectSerializer(context={"request": request})

    quick = child.to_representation(row)
    plain = serializers.ModelSerializer.to_representation(child, row)

    assert quick == {**plain, "declared_status": None}
    assert quick["url"] == "http://testserver/api/v1/projects/P-3/"
    assert quick["programme_name"] is None
