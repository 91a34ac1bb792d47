"""Dependencies tied to plan tasks: set and checked by the service, their dates from the plans,
a slip carried into the needing project's plan and told in words; broken ties never fail."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid import services
from pmo.raid.models import Dependency
from pmo.schedule import crosslinks
from pmo.schedule import services as schedule_services
from pmo.schedule.tests.plans import chain_xml

pytestmark = pytest.mark.django_db

FIT_OUT, MOVE_IN, STEP_10 = 5, 6, 10



def tie(cast, actor=None, **extra):
    fields = {
        "title": "HR data for the move",
        "owner": cast.project.project_manager,
        "depends_on": cast.other_project,
        "giving_task_uid": STEP_10,
        "needing_task_uid": FIT_OUT,
        **extra,
    }
    return services.raid_item_create(actor=actor, model=Dependency, register=cast.project, fields=fields)


def test_a_tie_takes_its_dates_from_the_plans_and_moves_the_needing_plan(plans):
    dependency = tie(plans, plans.pm, due=dt.date(2027, 3, 1))
    assert dependency.due == dt.date(2027, 1, 11)  # the Fit out's start, not the typed date
    network = crosslinks.cross_network()
    read = network.ties[dependency.pk]
    assert (read.need_by, read.forecast, read.slip_days) == (dt.date(2027, 1, 11), dt.date(2027, 1, 15), 5)
    assert network.shift_days(plans.project.pk, FIT_OUT) == network.shift_days(plans.project.pk, MOVE_IN) == 5
    assert network.shift_days(plans.other_project.pk, STEP_10) == 0
    move = network.moves[plans.project.pk]
    assert move.sentence() == "WEB's Move in moves 5 days because HR's Step 10 slipped"
    assert (
        move.sentence(seen={plans.project.pk})
        == "WEB's Move in moves 5 days because a project you cannot see slipped"
    )


def test_a_task_not_in_the_plan_or_a_summary_is_refused_naming_the_field(plans):
    with pytest.raises(ValidationError) as caught:
        tie(plans, plans.pm, giving_task_uid=99, needing_task_uid=1)
    assert caught.value.message_dict == {
        "giving_task_uid": ["HR's plan has no task with UID 99: choose one of its tasks."],
        "needing_task_uid": ["Task 1 of WEB's plan is a summary: choose a task or milestone within it."],
    }
    assert not Dependency.objects.exists()


def test_a_delivering_task_needs_a_project_to_depend_on(plans):
    with pytest.raises(ValidationError) as caught:
        tie(plans, depends_on=None, provider="BT")
    assert "giving_task_uid" in caught.value.message_dict


def test_a_project_without_a_plan_cannot_be_tied(cast):
    with pytest.raises(ValidationError) as caught:
        tie(cast)
    assert set(caught.value.message_dict) == {"giving_task_uid", "needing_task_uid"}


def test_a_task_gone_on_re_import_leaves_the_tie_broken_and_the_item_editable(plans):
    dependency = tie(plans)
    schedule_services.plan_import(
        actor=None, project=plans.other_project, data=chain_xml(5), filename="hr.xml"
    )
    network = crosslinks.cross_network()
    assert network.ties[dependency.pk].giving_broken and network.moves == {}
    changed = services.raid_item_update(
        actor=None, item=dependency, fields={"title": "HR data (late)"}, expected_version=dependency.version
    )
    assert changed.title == "HR data (late)"  # an unchanged broken tie does not block other edits
    with pytest.raises(ValidationError):
        services.raid_item_update(
            actor=None, item=changed, fields={"giving_task_uid": 8}, expected_version=changed.version
        )


def test_a_slip_runs_on_through_a_chain_of_three_projects(plans):
    third = ProjectFactory(code="APP", project_manager=PersonFactory())
    schedule_services.plan_import(actor=None, project=third, data=chain_xml(3), filename="app.xml")
    first = tie(plans)
    second = services.raid_item_create(
        actor=None,
        model=Dependency,
        register=third,
        fields={
            "title": "Offices ready",
            "owner": third.project_manager,
            "depends_on": plans.project,
            "giving_task_uid": MOVE_IN,  # 14 Jan as planned, 19 Jan once moved
            "needing_task_uid": 1,  # 4 Jan
        },
    )
    network = crosslinks.cross_network()
    assert network.ties[second.pk].forecast == dt.date(2027, 1, 19)
    assert network.moves[third.pk].dependency_id == second.pk
    assert network.moves[third.pk].days > network.ties[first.pk].slip_days
    assert "because WEB's Move in slipped" in network.moves[third.pk].sentence()


def test_closed_dependencies_move_nothing(plans):
    dependency = tie(plans)
    services.raid_item_update(
        actor=None, item=dependency, fields={"status": "delivered"}, expected_version=dependency.version
    )
    assert crosslinks.cross_network().moves == {}
