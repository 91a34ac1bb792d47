"""Early warning reads a dependency tied to plan tasks with the plans' dates: the same rule, fed
the delivering task's forecast finish and the needing task's start, the task named to those who
may see its project."""

import datetime as dt

import pytest

from pmo.engine.early_warning import Kind, Signal, provider_unnamed
from pmo.insights.early_warning import early_warnings
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid import services
from pmo.raid.models import Dependency
from pmo.schedule import services as schedule_services
from pmo.schedule.tests.plans import chain_xml, office_move_xml

pytestmark = pytest.mark.django_db


@pytest.mark.today("2027-01-04")
def test_a_tied_dependency_warns_with_the_plans_dates_and_the_task():
    needing = ProjectFactory(code="WEB", status=ProjectStatus.ACTIVE, project_manager=PersonFactory())
    giving = ProjectFactory(code="HR", status=ProjectStatus.ACTIVE, planned_finish=dt.date(2027, 1, 1))
    schedule_services.plan_import(actor=None, project=needing, data=office_move_xml(), filename="web.xml")
    schedule_services.plan_import(actor=None, project=giving, data=chain_xml(30), filename="hr.xml")
    services.raid_item_create(
        actor=None,
        model=Dependency,
        register=needing,
        fields={
            "title": "HR data",
            "owner": needing.project_manager,
            "depends_on": giving,
            "giving_task_uid": 30,  # finishes 12 Feb 2027
            "needing_task_uid": 5,  # starts 11 Jan 2027
        },
    )
    found = early_warnings([needing], dt.date(2027, 1, 4))
    reasons = [s.reason for s in found[needing.pk].signals if s.kind is Kind.DEPENDENCY]
    assert reasons == ["waits on HR's Step 30, forecast 4 weeks after need"]


def test_a_task_of_a_project_the_reader_may_not_see_is_not_named():
    signal = Signal(Kind.DEPENDENCY, 2, "waits on SEC's Secret step, forecast 3 weeks after need", "SEC")
    assert provider_unnamed(signal).reason == "waits on a project you cannot see, forecast 3 weeks after need"
