"""The admin obeys the register's rules: rows restricted like everywhere else, permissions per
record, and saves through the services (history names who; a stale form is refused)."""

import pytest

from pmo.core.choices import Role
from pmo.portfolio.admin import CHANGED_WHILE_EDITING
from pmo.portfolio.models import OrgUnit, Project
from pmo.portfolio.tests.factories import (
    OrgUnitFactory,
    PersonFactory,
    PortfolioFactory,
    ProjectFactory,
    StrategicObjectiveFactory,
    default_stage,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/portfolio/project/"


def change_url(project):
    return f"/admin/portfolio/project/{project.pk}/change/"


@pytest.fixture
def projects(make_user):
    pm = make_user(Role.PROJECT_MANAGER, username="pam", is_staff=True)
    pam = PersonFactory(name="Pam", user=pm)
    return {
        "pm": pm,
        "own": ProjectFactory(code="OWN", project_manager=pam),
        "own_secret": ProjectFactory(code="OWN-SEC", project_manager=pam, confidential=True),
        "other": ProjectFactory(code="OTHER"),
        "secret": ProjectFactory(code="SECRET", confidential=True),
    }


def listed(client):
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    return sorted(project.code for project in response.context["cl"].result_list)


def form_data(project, **overrides):
    data = {
        "code": project.code,
        "name": project.name,
        "description": project.description,
        "portfolio": project.portfolio_id,
        "programme": project.programme_id or "",
        "department": project.department_id,
        "sponsor": project.sponsor_id,
        "project_manager": project.project_manager_id,
        "business_owner": project.business_owner_id or "",
        "category": project.category,
        "methodology": project.methodology,
        "size_tier": project.size_tier,
        "stage": project.stage_id,
        "status": project.status,
        "planned_start": project.planned_start.isoformat() if project.planned_start else "",
        "planned_finish": project.planned_finish.isoformat() if project.planned_finish else "",
        "budget": str(project.budget),
        "priority": project.priority,
        "strategic_objectives": [o.pk for o in project.strategic_objectives.all()] if project.pk else [],
        "editing_version": project.version if project.pk else "",
    }
    if project.confidential:
        data["confidential"] = "on"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_staff_project_manager_sees_only_open_and_own_projects(client, projects):
    # given a project manager with access to the admin
    client.force_login(projects["pm"])

    # when they open the project list, then someone else's confidential project is not there
    assert listed(client) == ["OTHER", "OWN", "OWN-SEC"]
    assert client.get(change_url(projects["secret"])).status_code == 302  # "does not exist"
    assert client.get(f"/admin/portfolio/project/{projects['secret'].pk}/history/").status_code == 403


def test_a_staff_project_manager_changes_their_own_project_only(client, projects):
    client.force_login(projects["pm"])
    own, other = projects["own"], projects["other"]

    saved = client.post(change_url(own), form_data(own, name="Renamed by Pam"))
    refused = client.post(change_url(other), form_data(other, name="Renamed by Pam"))

    assert saved.status_code == 302
    own.refresh_from_db()
    assert (own.name, own.version) == ("Renamed by Pam", 2)
    assert own.history.first().history_user == projects["pm"]
    assert refused.status_code == 403
    other.refresh_from_db()
    assert other.name != "Renamed by Pam"


def test_a_staff_project_manager_cannot_delete_or_add(client, projects):
    client.force_login(projects["pm"])

    page = client.get(change_url(projects["own"]))
    deleted = client.post(f"/admin/portfolio/project/{projects['own'].pk}/delete/", {"post": "yes"})
    bulk = client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [projects["own"].pk], "post": "yes"}
    )

    assert page.context["has_delete_permission"] is False
    assert deleted.status_code == 403
    assert bulk.status_code == 200  # the list again: no delete action is offered to them
    assert Project.objects.filter(code="OWN").exists()
    assert client.get("/admin/portfolio/project/add/").status_code == 403


def test_a_superuser_sees_every_project(client, make_user, projects):
    client.force_login(make_user(username="root", is_staff=True, is_superuser=True))

    assert listed(client) == ["OTHER", "OWN", "OWN-SEC", "SECRET"]


def test_a_pmo_officer_with_admin_access_sees_every_project(client, make_user, projects):
    client.force_login(make_user(Role.PMO_OFFICER, is_staff=True))

    assert listed(client) == ["OTHER", "OWN", "OWN-SEC", "SECRET"]


def test_the_admin_index_shows_the_register_to_staff_with_no_model_permissions(client, projects):
    client.force_login(projects["pm"])

    response = client.get("/admin/")

    models = {m["object_name"] for app in response.context["app_list"] for m in app["models"]}
    assert {"Project", "Programme", "Person", "Portfolio", "OrgUnit"} <= models


def test_adding_a_project_goes_through_the_service(client, make_user):
    officer = make_user(Role.PMO_OFFICER, is_staff=True)
    client.force_login(officer)
    objective = StrategicObjectiveFactory()
    draft = ProjectFactory.build(
        code="NEW",
        portfolio=PortfolioFactory(name="IT Portfolio"),
        department=OrgUnitFactory(name="Digital"),
        sponsor=PersonFactory(),
        project_manager=PersonFactory(),
        stage=default_stage(),
    )

    response = client.post(
        "/admin/portfolio/project/add/", form_data(draft, strategic_objectives=[objective.pk])
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    project = Project.objects.get(code="NEW")
    assert list(project.strategic_objectives.all()) == [objective]
    (created,) = project.history.all()
    assert (created.history_type, created.history_user) == ("+", officer)


def test_a_stale_admin_form_is_refused_and_the_other_change_kept(client, make_user, projects):
    officer = make_user(Role.PMO_OFFICER, is_staff=True)
    client.force_login(officer)
    own = projects["own"]
    opened = form_data(own, name="Officer's name")
    Project.objects.filter(pk=own.pk).update(name="Someone else's name", version=2)

    response = client.post(change_url(own), opened)

    assert response.status_code == 200
    assert CHANGED_WHILE_EDITING.format(yours=1, theirs=2) in response.content.decode()
    own.refresh_from_db()
    assert own.name == "Someone else's name"


def test_the_head_of_pmo_deletes_through_the_service(client, make_user, projects):
    head = make_user(Role.PMO_HEAD, is_staff=True)
    client.force_login(head)

    response = client.post(f"/admin/portfolio/project/{projects['other'].pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Project.objects.filter(code="OTHER").exists()
    assert Project.history.filter(code="OTHER").first().history_user == head


def test_the_history_page_shows_changes_but_does_not_revert(client, make_user, projects):
    head = make_user(Role.PMO_HEAD, is_staff=True)
    client.force_login(head)
    own = projects["own"]
    client.post(change_url(own), form_data(own, name="Renamed"))
    first = own.history.last()

    history = client.get(f"/admin/portfolio/project/{own.pk}/history/")
    revert = client.post(f"/admin/portfolio/project/{own.pk}/history/{first.history_id}/", form_data(own))

    assert history.status_code == 200
    assert "Renamed" in history.content.decode()
    assert revert.status_code == 403
    own.refresh_from_db()
    assert own.name == "Renamed"


def test_reference_records_save_through_the_services_too(client, make_user):
    officer = make_user(Role.PMO_OFFICER, is_staff=True)
    client.force_login(officer)
    unit = OrgUnitFactory(name="Digital")

    response = client.post(
        f"/admin/portfolio/orgunit/{unit.pk}/change/",
        {"name": "Digital Services", "kind": "department", "parent": "", "editing_version": 1},
    )

    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.version) == ("Digital Services", 2)
    assert unit.history.first().history_user == officer
    assert client.post(f"/admin/portfolio/orgunit/{unit.pk}/delete/", {"post": "yes"}).status_code == 403
    assert OrgUnit.objects.filter(pk=unit.pk).exists()


def test_an_admin_form_without_its_version_saves_nothing(client, make_user, projects):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    own = projects["own"]
    Project.objects.filter(pk=own.pk).update(name="Someone else's name", version=2)

    response = client.post(change_url(own), form_data(own, name="Overwrite", editing_version=""))

    assert response.status_code == 200
    own.refresh_from_db()
    assert (own.name, own.version) == ("Someone else's name", 2)
