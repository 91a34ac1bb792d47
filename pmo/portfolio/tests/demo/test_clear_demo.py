"""`pmo demo --clear` on the demo after a trial (see test_clear.py)."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from pmo.core.choices import Role
from pmo.core.models import ApiToken, User
from pmo.portfolio.demo_clear import KEPT, NOT_DEMO_DATA, _owner, demo_clear
from pmo.portfolio.models import LifecycleStage, Person, Project
from pmo.portfolio.tests.demo.test_clear import rows_by_model
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_the_demo_and_the_trial_go_and_the_configuration_and_own_logins_stay(make_user) -> None:
    # Given the demo after a trial, and the site's own administrator with an API token
    admin = make_user(Role.PMO_HEAD, username="admin")
    ApiToken.objects.create(user=admin, name="scripts", prefix="pmo_x", digest="d" * 64)
    stages = list(LifecycleStage.objects.values_list("name", flat=True))
    out = StringIO()

    call_command("demo", "--clear", stdout=out)

    assert out.getvalue().startswith("Cleared the demo: ")
    left = rows_by_model()
    assert {
        label for label in left if _owner(apps.get_model(label))._meta.label_lower not in KEPT
    } == set()
    assert list(User.objects.values_list("username", flat=True)) == ["admin"]
    assert ApiToken.objects.filter(user=admin).count() == 1
    assert list(LifecycleStage.objects.values_list("name", flat=True)) == stages
    connection.check_constraints()  # nothing left pointing at a deleted row


def test_records_the_demo_did_not_make_refuse_the_clear_unless_forced() -> None:
    demo = Project.objects.first()
    mine = ProjectFactory(
        code="ICT-1", name="Our real project", portfolio=demo.portfolio, department=demo.department,
        sponsor=demo.sponsor, project_manager=demo.project_manager,
    )  # fmt: skip
    PersonFactory(name="Real Person", email="real@council.example")
    projects = Project.objects.count()

    with pytest.raises(ValueError) as refused:
        demo_clear()

    assert str(refused.value) == NOT_DEMO_DATA.format(records="1 person, 1 project")
    assert Project.objects.count() == projects

    demo_clear(force=True)

    assert not Project.objects.filter(pk=mine.pk).exists()
    assert Person.objects.count() == 0
