"""Model permissions ticked on a group in the admin add nothing: who may do what comes from the
roles alone (``rules``), in the admin, the API and the services (ADR 0023)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied

from pmo.core.choices import Role
from pmo.core.permissions import NOT_ALLOWED
from pmo.portfolio.models import Project
from pmo.portfolio.services import project_create, project_update
from pmo.portfolio.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_team_member(make_user):
    """A staff login with no role, in a group given "add project" and "change project"."""
    group = Group.objects.create(name="Data team")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="portfolio", codename__in=["add_project", "change_project"]
        )
    )
    member = make_user(username="dana", is_staff=True)
    member.groups.add(group)
    return member


def test_a_group_given_change_project_in_the_admin_gives_its_member_nothing(data_team_member):
    project = ProjectFactory(code="IT-1")

    assert not data_team_member.has_perm("portfolio.change_project")
    assert not data_team_member.has_perm("portfolio.change_project", project)
    assert not data_team_member.has_perm("portfolio.add_project")
    with pytest.raises(PermissionDenied) as refused:
        project_update(
            actor=data_team_member, project=project, fields={"name": "Renamed"}, expected_version=1
        )
    assert str(refused.value) == NOT_ALLOWED.format(action=f"change {project}")
    project.refresh_from_db()
    assert project.version == 1


def test_the_groups_member_cannot_add_a_project_through_the_service_admin_or_api(client, data_team_member):
    template = ProjectFactory.build(code="IT-2")
    fields = {
        name: getattr(template, name)
        for name in ("code", "name", "category", "methodology", "size_tier", "status", "budget")
    }

    with pytest.raises(PermissionDenied) as refused:
        project_create(actor=data_team_member, fields=fields)
    client.force_login(data_team_member)
    admin_add = client.get("/admin/portfolio/project/add/")
    api_add = client.post("/api/v1/projects/", {"code": "IT-3", "name": "Through the API"})

    assert str(refused.value) == NOT_ALLOWED.format(action="add projects")
    assert admin_add.status_code == 403
    assert api_add.status_code == 403
    assert api_add.json()["message"]
    assert not Project.objects.filter(code__in=["IT-2", "IT-3"]).exists()


def test_a_superuser_keeps_every_right_and_a_role_keeps_its_own(make_user):
    root = make_user(username="root", is_superuser=True)
    head = make_user(Role.PMO_HEAD, username="hanna")
    executive = make_user(Role.EXECUTIVE, username="eve")
    project = ProjectFactory(code="IT-4")

    assert root.has_perm("portfolio.change_project", project)
    assert head.has_perm("portfolio.change_project", project)
    assert not executive.has_perm("portfolio.change_project", project)
