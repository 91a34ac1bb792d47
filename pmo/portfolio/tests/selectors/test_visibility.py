"""Who sees which projects, now and as of a past date."""

import datetime as dt

import pytest
from django.utils import timezone

from pmo.core.choices import Role
from pmo.portfolio.selectors import project_list, project_list_as_of
from pmo.portfolio.services import project_update
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects():
    return {
        "open": ProjectFactory(code="OPEN"),
        "secret": ProjectFactory(code="SECRET", confidential=True),
    }


@pytest.mark.parametrize("role", [Role.PMO_HEAD, Role.PMO_ANALYST, Role.PMO_OFFICER])
def test_the_pmo_sees_confidential_projects(make_user, projects, role):
    assert set(project_list(user=make_user(role)).values_list("code", flat=True)) == {"OPEN", "SECRET"}


@pytest.mark.parametrize(
    "role", [Role.EXECUTIVE, Role.PROJECT_MANAGER, Role.SPONSOR, Role.FINANCE_PARTNER, Role.RESOURCE_MANAGER]
)
def test_others_do_not_see_confidential_projects(make_user, projects, role):
    assert list(project_list(user=make_user(role)).values_list("code", flat=True)) == ["OPEN"]


@pytest.mark.parametrize("relation", ["sponsor", "project_manager"])
def test_the_sponsor_and_pm_see_their_confidential_project(make_user, relation):
    user = make_user(Role.PROJECT_MANAGER)
    ProjectFactory(code="SECRET", confidential=True, **{relation: PersonFactory(user=user)})

    assert list(project_list(user=user).values_list("code", flat=True)) == ["SECRET"]


def test_an_inactive_user_sees_nothing(make_user, projects):
    assert not project_list(user=make_user(Role.PMO_HEAD, is_active=False)).exists()


def test_the_register_as_of_a_past_moment_shows_the_old_name(make_user):
    head = make_user(Role.PMO_HEAD)
    project = ProjectFactory(name="Old name")
    project.history.update(history_date=timezone.now() - dt.timedelta(days=10))
    before_rename = timezone.now() - dt.timedelta(days=5)

    project_update(actor=head, project=project, fields={"name": "New name"}, expected_version=1)

    assert [p.name for p in project_list_as_of(user=head, when=before_rename)] == ["Old name"]
    assert [p.name for p in project_list(user=head)] == ["New name"]


def test_as_of_before_a_project_existed_leaves_it_out(make_user):
    ProjectFactory()
    assert (
        list(project_list_as_of(user=make_user(Role.PMO_HEAD), when=timezone.now() - dt.timedelta(days=1)))
        == []
    )


def test_as_of_keeps_confidential_projects_hidden(make_user, projects):
    for project in projects.values():
        project.history.update(history_date=timezone.now() - dt.timedelta(days=2))
    when = timezone.now() - dt.timedelta(days=1)

    assert [p.code for p in project_list_as_of(user=make_user(Role.EXECUTIVE), when=when)] == ["OPEN"]


def test_a_project_made_confidential_since_stays_hidden_in_the_past_register(make_user):
    head, executive = make_user(Role.PMO_HEAD), make_user(Role.EXECUTIVE)
    project = ProjectFactory(code="NOW-SECRET")
    project.history.update(history_date=timezone.now() - dt.timedelta(days=10))

    project_update(actor=head, project=project, fields={"confidential": True}, expected_version=1)
    when = timezone.now() - dt.timedelta(days=5)

    assert list(project_list_as_of(user=executive, when=when)) == []
    assert [p.code for p in project_list_as_of(user=head, when=when)] == ["NOW-SECRET"]
