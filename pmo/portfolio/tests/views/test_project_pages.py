"""A project's page, its History tab, and the buttons each person gets there."""

import pytest

from pmo.core.choices import Role
from pmo.portfolio.services import project_update
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory, StrategicObjectiveFactory
from pmo.portfolio.tests.views.conftest import page, text_of

pytestmark = pytest.mark.django_db


def buttons(response):
    links = page(response).xpath("//div[@class='page-header']//a[contains(@class,'btn')]")
    return [a.text_content().strip() for a in links]


def test_the_overview_shows_every_field_with_readable_labels(browser_for, pmo_head):
    project = ProjectFactory(code="IT-7", name="Payroll upgrade", description="Move payroll to the cloud.",
                             sponsor=PersonFactory(name="Sam Ortiz"), confidential=True)
    project.strategic_objectives.set([StrategicObjectiveFactory(code="SO1", title="Digital by default")])

    response = browser_for(pmo_head).get("/projects/IT-7/")

    shown = text_of(response)
    for expected in ["IT-7 Payroll upgrade", "Move payroll to the cloud.", "Sponsor Sam Ortiz",
                     "Proposed budget (£) £250,000", "Category Technical / infrastructure",
                     "Proposed finish 18 Dec 2026", "SO1 Digital by default", "Confidential",
                     "Approved finish18 Dec 2026 Approved budget£250,000 FromNo baseline yet"]:
        assert expected in shown
    assert page(response).xpath("//*[@data-testid='confidential']")
    assert buttons(response) == ["Edit", "Delete"]


def test_an_executive_reads_a_project_but_gets_no_edit_button(browser_for, make_user):
    ProjectFactory(code="IT-7")

    response = browser_for(make_user(Role.EXECUTIVE)).get("/projects/IT-7/")

    assert response.status_code == 200
    assert buttons(response) == []


def test_a_project_manager_may_edit_but_not_delete_their_project(browser_for, make_user):
    pm = make_user(Role.PROJECT_MANAGER)
    ProjectFactory(code="IT-7", project_manager=PersonFactory(user=pm))

    response = browser_for(pm).get("/projects/IT-7/")

    assert buttons(response) == ["Edit"]


@pytest.mark.parametrize("path", ["/projects/IT-7/", "/projects/IT-7/history/", "/projects/IT-7/edit/"])
def test_a_hidden_project_is_not_found(browser_for, make_user, path):
    ProjectFactory(code="IT-7", confidential=True)

    response = browser_for(make_user(Role.EXECUTIVE)).get(path)

    assert response.status_code == 404


def test_an_unknown_project_is_not_found(browser_for, pmo_head):
    assert browser_for(pmo_head).get("/projects/NOPE/").status_code == 404


def test_the_history_tab_says_who_changed_what_from_and_to(browser_for, make_user, pmo_head):
    ann = make_user(Role.PMO_ANALYST, username="ann", first_name="Ann", last_name="Lee")
    project = ProjectFactory(code="IT-7", name="Old name")
    project_update(actor=ann, project=project, fields={"name": "New name"}, expected_version=1)

    response = browser_for(pmo_head).get("/projects/IT-7/history/")

    newest = page(response).xpath("//table[contains(@class,'history-table')]/tbody/tr")[0]
    cells = [" ".join(td.text_content().split()) for td in newest.xpath("td")]
    assert cells[1] == "Ann Lee"
    assert cells[2].startswith("Changed")
    assert "Name: Old name → changed to New name" in cells[3]
    assert newest.xpath(".//del")[0].text == "Old name" and newest.xpath(".//ins")[0].text == "New name"
    tab = page(response).xpath("//a[@aria-current='page'][contains(@class,'nav-link')]")
    assert [a.text_content() for a in tab] == ["History"]
