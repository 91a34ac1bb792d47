"""The main menu, written once per kind of page and user and kept (``{% main_menu %}``), is the
one its template writes for each page and each user: the section and the page it is on marked,
and the links a role has."""

import lxml.html
import pytest
from django.template.loader import get_template
from django.test import Client, RequestFactory

from pmo.core.choices import Role
from pmo.core.templatetags import menus
from pmo.portfolio.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def menu(client: Client, path: str) -> lxml.html.HtmlElement:
    response = client.get(path)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode()).xpath("//ul[contains(@class,'me-auto')]")[0]


def marked(nav: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    return [(a.text_content().strip(), a.get("aria-current")) for a in nav.xpath(".//a[@aria-current]")]


@pytest.fixture(autouse=True)
def nothing_kept():
    menus._KEPT.clear()


def test_each_page_marks_its_own_place_in_the_menu(client, pmo_head):
    # given the PMO head, and a project
    project = ProjectFactory()
    client.force_login(pmo_head)
    # when they open the register, a project's page, the overview and two RAID registers
    # then each menu marks its own page, or its section for a page the menu does not link to
    assert marked(menu(client, "/projects/")) == [("Register", "page")]
    assert marked(menu(client, f"/projects/{project.code}/")) == [("Register", "true")]
    assert marked(menu(client, "/")) == [("Overview", "page")]
    assert marked(menu(client, "/raid/risks/")) == [("Risks", "page")]
    assert marked(menu(client, "/raid/issues/")) == [("Issues", "page")]
    assert marked(menu(client, "/projects/")) == [("Register", "page")]  # kept, the same


def test_a_menu_kept_for_one_role_is_not_shown_to_another(client, pmo_head, make_user):
    # given the PMO head's menu of the register, kept
    client.force_login(pmo_head)
    assert "Users and roles" in menu(client, "/projects/").text_content()
    # when a PMO officer opens the same page
    client.force_login(make_user(Role.PMO_OFFICER))
    # then their menu has no link to the users' pages
    assert "Users and roles" not in menu(client, "/projects/").text_content()
    client.force_login(make_user(Role.FINANCE_PARTNER))
    assert "Import actuals" in menu(client, "/projects/").text_content()


def test_the_kept_menu_is_what_its_template_writes(client, pmo_head):
    # given a page shown once (its menu kept)
    client.force_login(pmo_head)
    client.get("/projects/")
    # when the page is shown again
    response = client.get("/projects/")
    # then its menu is the template's own, character for character
    request = RequestFactory().get("/projects/")
    request.user = pmo_head
    request.resolver_match = response.resolver_match
    written = get_template(menus.MENU_TEMPLATE).render(
        {"request": request, "user_is_pmo_head": True, "perms": response.context["perms"]}
    )
    assert written in response.content.decode()


def test_a_missing_page_keeps_one_menu_whatever_its_address(client, pmo_head):
    # given the PMO head on addresses no page answers
    client.force_login(pmo_head)
    first, second = client.get("/no-such-page/"), client.get("/nor-this-one/")
    # then each is "not found", its menu marking nothing, and one menu is kept for both
    assert first.status_code == second.status_code == 404
    nav = lxml.html.fromstring(second.content.decode()).xpath("//ul[contains(@class,'me-auto')]")
    assert nav and marked(nav[0]) == []
    assert len([key for key in menus._KEPT if key[2] == ""]) == 1
