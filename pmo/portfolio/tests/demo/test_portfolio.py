"""The demo portfolio looks like a UK council's IT portfolio, with one login per role."""

from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pmo.core.choices import PMO_ROLES, Role
from pmo.core.models import User
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    PROJECT_MANAGER_USERNAMES,
    PROJECT_MANAGERS,
    STAGE_NAMES,
)
from pmo.portfolio.management.commands.demo import NOT_EMPTY, SKIPPED
from pmo.portfolio.models import OrgUnit, Person, Programme, Project, StrategicObjective
from pmo.portfolio.tests.demo.conftest import TODAY, fingerprint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_the_register_has_a_council_it_portfolios_mix_of_projects() -> None:
    projects = list(Project.objects.select_related("stage"))
    statuses = Counter(p.status for p in projects)

    assert 50 <= statuses[ProjectStatus.ACTIVE] <= 60
    assert 6 <= statuses[ProjectStatus.PROPOSED] <= 10
    assert 6 <= statuses[ProjectStatus.CLOSED] + statuses[ProjectStatus.CANCELLED] <= 12
    assert statuses[ProjectStatus.ON_HOLD] >= 2
    assert {p.stage.name for p in projects} == set(STAGE_NAMES)
    assert {p.stage.name for p in projects if p.status == ProjectStatus.PROPOSED} == {"Pipeline"}
    assert len({p.category for p in projects}) == 4
    assert len({p.methodology for p in projects}) == 3
    assert len({p.priority for p in projects}) == 4
    assert len({p.size_tier for p in projects}) == 4
    assert all(Decimal(20_000) <= p.budget <= Decimal(4_000_000) for p in projects)
    assert sum(p.confidential for p in projects) >= 2


def test_the_organisation_strategy_and_programmes_are_filled_in() -> None:
    assert Programme.objects.count() == 6
    assert not Programme.objects.filter(projects__isnull=True).exists()
    assert not Programme.objects.filter(sponsor__isnull=True).exists()
    assert 4 <= StrategicObjective.objects.count() <= 6
    assert not Project.objects.filter(strategic_objectives__isnull=True).exists()
    assert OrgUnit.objects.filter(kind="department").count() == 8
    assert not OrgUnit.objects.filter(kind="department", parent__kind__isnull=True).exists()
    assert OrgUnit.objects.filter(kind="service_area", parent__kind="department").count() >= 5
    assert Person.objects.count() >= 30
    assert not Person.objects.filter(job_title="").exists()


def test_planned_dates_fit_each_projects_stage_and_status() -> None:
    for project in Project.objects.select_related("stage"):
        assert project.planned_start <= project.planned_finish, project
        assert project.planned_start.weekday() == 0, project  # Mondays
        if project.status == ProjectStatus.ACTIVE:
            assert project.planned_start <= TODAY, project
            if project.stage.name in ("Initiation", "Planning", "Delivery"):
                assert project.planned_finish > TODAY, project
        elif project.status == ProjectStatus.PROPOSED:
            assert project.planned_start > TODAY, project
        elif project.status == ProjectStatus.CLOSED:
            assert project.planned_finish < TODAY, project


def test_every_role_has_one_login_linked_to_a_person() -> None:
    for role in Role:
        users = list(
            User.objects.filter(groups__name=role.label).exclude(username__in=PROJECT_MANAGER_USERNAMES)
        )
        assert len(users) == 1, role
        user = users[0]
        assert user.check_password(DEMO_PASSWORD)
        assert Person.objects.get(user=user).job_title
        assert not user.is_superuser
        assert user.is_staff == (role.label in PMO_ROLES)
    assert [login.username for login in DEMO_LOGINS] == [
        "head", "analyst", "officer", "pm", "sponsor", "exec", "finance", "resource"
    ]


def test_the_other_project_managers_have_users_without_a_password_for_the_reports_they_write() -> None:
    users = User.objects.filter(username__in=PROJECT_MANAGER_USERNAMES)

    assert sorted(user.get_full_name() for user in users) == sorted(PROJECT_MANAGERS)
    for user in users:
        assert not user.has_usable_password()  # the demo's published password opens only its logins
        assert [group.name for group in user.groups.all()] == [Role.PROJECT_MANAGER.label]
        assert not user.is_staff
        assert Person.objects.get(user=user).managed_projects.exists()


def test_the_pm_and_the_sponsor_own_several_projects() -> None:
    pm = Person.objects.get(user__username="pm")
    sponsor = Person.objects.get(user__username="sponsor")

    assert pm.managed_projects.count() >= 4
    assert pm.managed_projects.filter(confidential=True).exists()
    assert sponsor.sponsored_projects.count() >= 4


def test_every_project_has_history_and_the_changes_say_who_and_why() -> None:
    created = Project.history.filter(history_type="+")
    assert set(created.values_list("id", flat=True)) == set(Project.objects.values_list("id", flat=True))
    changes = Project.history.filter(history_type="~").select_related("history_user")
    assert changes.count() >= 8
    assert {c.history_user.username for c in changes} >= {"head", "officer", "analyst", "pm", "sponsor"}
    assert all(c.history_change_reason for c in changes)


def test_if_empty_does_nothing_when_the_register_holds_projects() -> None:
    before = fingerprint()
    out = StringIO()

    call_command("demo", "--if-empty", stdout=out)

    assert out.getvalue().strip() == SKIPPED.format(count=len(before))
    assert fingerprint() == before


def test_without_if_empty_a_populated_register_is_refused() -> None:
    before = fingerprint()

    with pytest.raises(CommandError) as error:
        call_command("demo", stdout=StringIO())

    assert str(error.value) == NOT_EMPTY.format(count=len(before))
    assert fingerprint() == before


def test_logins_lists_each_demo_login_and_flags_a_changed_password() -> None:
    user = User.objects.get(username="finance")
    user.set_password("something-else-entirely")
    user.save()
    out = StringIO()

    call_command("demo", "--logins", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == f"Demo logins (password: {DEMO_PASSWORD}):"
    assert [line.split()[0] for line in lines[1:]] == [login.username for login in DEMO_LOGINS]
    assert lines[1].split() == ["head", "PMO", "head", "Priya", "Shah"]
    assert [line.split()[0] for line in lines if "(password changed)" in line] == ["finance"]
