"""A RAID item's owner and the project a dependency waits on are typed (a name, an e-mail, a
code) and picked from a search, not chosen from a select of everyone; what is typed names one
record the user may see, or the field says why not."""

import pytest

from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid.models import Dependency
from pmo.raid.tests.views.helpers import client_for, doc, field_error

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-06-01")]


def test_a_dependency_is_raised_with_its_owner_and_project_typed(cast):
    PersonFactory(name="Ana Diaz", email="ana.diaz@council.example")

    response = client_for(cast.pm).post(
        "/raid/dependencies/new/?project=WEB",
        {
            "title": "HR feed",
            "depends_on": "hr system",
            "owner": "ANA.DIAZ@council.example",
            "status": "open",
        },
    )

    assert response.status_code == 302
    dependency = Dependency.objects.get()
    assert (dependency.depends_on.code, dependency.owner.name) == ("HR", "Ana Diaz")


def test_the_form_shows_search_boxes_for_the_owner_and_the_project(cast):
    response = client_for(cast.pm).get("/raid/dependencies/new/?project=WEB")

    page = doc(response)
    owner = page.xpath("//input[@id='id_owner']")[0]
    depends_on = page.xpath("//input[@id='id_depends_on']")[0]
    assert owner.get("hx-get") == "/search/people/?field=owner"
    assert depends_on.get("hx-get") == "/search/projects/?field=depends_on"
    assert not page.xpath("//select[@id='id_owner' or @id='id_depends_on']")


def test_a_confidential_project_the_user_may_not_see_cannot_be_typed(cast):
    ProjectFactory(code="SEC", name="Restructure", confidential=True)

    response = client_for(cast.pm).post(
        "/raid/dependencies/new/?project=WEB",
        {"title": "Org chart", "depends_on": "SEC", "owner": "Pat Manager", "status": "open"},
    )

    assert field_error(response, "depends_on") == "No project you may see has the code or name “SEC”."
    assert not Dependency.objects.exists()
