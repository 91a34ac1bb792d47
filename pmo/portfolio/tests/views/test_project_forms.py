"""Creating, editing and deleting projects in the browser: inline errors, HTMX, permissions
and the version check that stops one person overwriting another's change."""

from decimal import Decimal

import pytest

from pmo.core.choices import Role
from pmo.portfolio.forms import ProjectForm
from pmo.portfolio.models import LifecycleStage, Project
from pmo.portfolio.services import project_update
from pmo.portfolio.tests.factories import (
    OrgUnitFactory,
    PersonFactory,
    PortfolioFactory,
    ProjectFactory,
)
from pmo.portfolio.tests.views.conftest import form_data, page, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    return make_user(Role.PMO_OFFICER, username="olly", first_name="Olly", last_name="Officer")


def new_project_data(**changes):
    person = PersonFactory()
    data = {
        "code": "NEW-1", "name": "Citizen portal", "portfolio": PortfolioFactory().pk,
        "department": OrgUnitFactory().pk, "sponsor": person.pk, "project_manager": person.pk,
        "category": "technical", "methodology": "agile", "priority": "high",
        "stage": LifecycleStage.objects.get(name="Delivery").pk, "status": "proposed",
        "budget": "750000", "planned_start": "2026-03-01", "planned_finish": "2026-09-30",
    }
    return {**data, **changes}


def test_a_new_project_gets_its_size_tier_from_the_budget(browser_for, officer):
    response = browser_for(officer).post("/projects/new/", new_project_data())

    assert response.status_code == 302 and response["Location"] == "/projects/NEW-1/"
    assert Project.objects.get(code="NEW-1").size_tier == "large"


def test_bad_input_is_shown_beside_each_field_and_nothing_is_saved(browser_for, officer):
    data = new_project_data(name="", budget="-5", planned_finish="2026-01-01")

    response = browser_for(officer).post("/projects/new/", data)

    assert not Project.objects.exists()
    doc = page(response)
    for field in ("name", "budget", "planned_finish"):
        control = doc.xpath(f"//*[@id='id_{field}']")[0]
        assert "is-invalid" in control.get("class")
        assert control.get("aria-invalid") == "true"
        assert f"id_{field}_error" in control.get("aria-describedby")
        assert doc.xpath(f"//*[@id='id_{field}_error']")[0].text_content().strip()
    assert "planned finish must be on or after the planned start" in text_of(response)
    assert doc.xpath("//*[@data-testid='error-summary']")


def test_with_htmx_only_the_form_comes_back_with_its_errors(browser_for, officer):
    response = browser_for(officer).post(
        "/projects/new/", new_project_data(name=""), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="record-form"
    )

    html = response.content.decode()
    assert "<html" not in html and html.lstrip().startswith('<form id="record-form"')
    assert "This field is required." in page(response).xpath("//*[@id='id_name_error']")[0].text_content()


def test_with_htmx_a_saved_form_sends_the_browser_to_the_project(browser_for, officer):
    response = browser_for(officer).post(
        "/projects/new/", new_project_data(), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="record-form"
    )

    assert response["HX-Redirect"] == "/projects/NEW-1/"


def test_a_stale_version_shows_the_conflict_and_keeps_the_other_change(browser_for, officer, make_user):
    project = ProjectFactory(code="IT-7", name="Payroll", budget=Decimal(100000))
    form = ProjectForm(instance=project)  # what the officer opened, at version 1
    ann = make_user(Role.PMO_ANALYST, username="ann", first_name="Ann", last_name="Lee")
    project_update(actor=ann, project=project, fields={"name": "Payroll and HR"}, expected_version=1)

    response = browser_for(officer).post("/projects/IT-7/edit/", form_data(form, budget="999999"))

    conflict = page(response).xpath("//*[@data-testid='conflict']")[0].text_content()
    assert "changed by Ann Lee" in conflict and "were not saved" in conflict
    project.refresh_from_db()
    assert (project.name, project.budget, project.version) == ("Payroll and HR", Decimal(100000), 2)


def test_a_project_manager_edits_their_own_project(browser_for, make_user):
    pm = make_user(Role.PROJECT_MANAGER)
    project = ProjectFactory(code="IT-7", project_manager=PersonFactory(user=pm))
    client = browser_for(pm)

    response = client.post("/projects/IT-7/edit/", form_data(ProjectForm(instance=project), name="Renamed"))

    assert response.status_code == 302
    assert Project.objects.get(code="IT-7").name == "Renamed"
    assert "IT-7 Renamed saved." in text_of(client.get(response["Location"]))


def test_a_project_manager_is_refused_another_managers_project(browser_for, make_user):
    pm = make_user(Role.PROJECT_MANAGER)
    PersonFactory(user=pm)
    project = ProjectFactory(code="IT-8", name="Theirs")
    client = browser_for(pm)

    shown = client.get("/projects/IT-8/edit/")
    posted = client.post("/projects/IT-8/edit/", form_data(ProjectForm(instance=project), name="Mine now"))

    assert shown.status_code == posted.status_code == 403
    assert "You do not have permission to change IT-8 Theirs." in text_of(shown)
    assert Project.objects.get(code="IT-8").name == "Theirs"


def test_an_executive_is_refused_the_edit_page(browser_for, make_user):
    ProjectFactory(code="IT-7")

    response = browser_for(make_user(Role.EXECUTIVE)).get("/projects/IT-7/edit/")

    assert response.status_code == 403
    assert page(response).xpath("//h1")[0].text == "You cannot do that"


def test_only_the_pmo_may_open_the_new_project_form(browser_for, make_user, officer):
    assert browser_for(officer).get("/projects/new/").status_code == 200
    assert browser_for(make_user(Role.PROJECT_MANAGER)).get("/projects/new/").status_code == 403


def test_the_pmo_head_deletes_a_project_after_confirming(browser_for, pmo_head):
    ProjectFactory(code="IT-7")
    client = browser_for(pmo_head)

    confirm = client.get("/projects/IT-7/delete/")
    response = client.post("/projects/IT-7/delete/", {"version": 1})

    assert "Delete IT-7" in text_of(confirm)
    assert response.status_code == 302 and response["Location"] == "/projects/"
    assert not Project.objects.filter(code="IT-7").exists()


def test_a_pmo_officer_may_not_delete_a_project(browser_for, officer):
    ProjectFactory(code="IT-7")

    response = browser_for(officer).post("/projects/IT-7/delete/", {"version": 1})

    assert response.status_code == 403
    assert Project.objects.filter(code="IT-7").exists()


def test_deleting_a_changed_project_is_refused(browser_for, pmo_head):
    project = ProjectFactory(code="IT-7")
    project_update(actor=pmo_head, project=project, fields={"name": "Changed"}, expected_version=1)

    response = browser_for(pmo_head).post("/projects/IT-7/delete/", {"version": 1})

    assert response.status_code == 409
    assert "while you were editing" in page(response).xpath("//*[@data-testid='problem']")[0].text_content()
    assert Project.objects.filter(code="IT-7").exists()


def test_a_project_manager_sees_who_runs_the_project_but_cannot_change_it(browser_for, make_user):
    pm = make_user(Role.PROJECT_MANAGER)
    me = PersonFactory(user=pm, name="Dan Whitaker")
    project = ProjectFactory(code="IT-9", name="Mine", project_manager=me)
    client = browser_for(pm)

    form = page(client.get("/projects/IT-9/edit/"))
    for field in ("code", "sponsor", "project_manager", "confidential", "portfolio"):
        assert form.xpath(f"//*[@id='id_{field}']")[0].get("disabled") is not None
    data = form_data(ProjectForm(instance=project), name="Mine, renamed", project_manager=PersonFactory().pk)
    response = client.post("/projects/IT-9/edit/", data)

    assert response.status_code == 302
    saved = Project.objects.get(code="IT-9")
    assert (saved.name, saved.project_manager) == ("Mine, renamed", me)


def test_the_register_filters_name_no_one_whose_only_projects_are_hidden(browser_for, make_user):
    ProjectFactory(code="OPEN-1", sponsor=PersonFactory(name="Open Sponsor"))
    ProjectFactory(code="SEC-1", confidential=True, sponsor=PersonFactory(name="Secret Sponsor"),
                   project_manager=PersonFactory(name="Secret Manager"))

    text = text_of(browser_for(make_user(Role.EXECUTIVE)).get("/projects/"))

    assert "Open Sponsor" in text
    assert "Secret Sponsor" not in text and "Secret Manager" not in text
