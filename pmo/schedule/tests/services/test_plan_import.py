"""A plan comes in from MS Project XML, all or nothing: read, scheduled by the engine on its own
calendars, and made the project's plan, replacing the one it had, with its history."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pmo.core.choices import Role
from pmo.engine.mspdi import read_mspdi
from pmo.schedule import services
from pmo.schedule.models import Plan, PlanLink, PlanTask
from pmo.schedule.tests.plans import office_move_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]


def at(day: str, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day).replace(hour=hour))


def test_the_project_manager_imports_a_plan_the_engine_schedules(pm, project):
    plan = services.plan_import(actor=pm, project=project, data=office_move_xml(), filename="move.xml")

    assert (plan.tasks_count, plan.critical_count, plan.source_name) == (6, 5, "move.xml")
    # Survey Mon 4 - Tue 5 Jan; Design Wed 6 - Fri 8; Fit out Mon 11 - Thu 14; Move in Thu 14 17:00
    assert (plan.start, plan.finish) == (at("2027-01-04", 8), at("2027-01-14", 17))
    tasks = {t.name: t for t in PlanTask.objects.filter(plan=plan)}
    assert [n for n, t in tasks.items() if t.critical] == [
        "Office move",
        "Survey",
        "Design",
        "Fit out",
        "Move in",
    ]
    order = tasks["Order furniture"]
    assert (order.start, order.finish, order.total_float) == (
        at("2027-01-06", 8),
        at("2027-01-06", 17),
        6 * 480,
    )
    assert tasks["Move in"].milestone and tasks["Office move"].summary
    assert PlanLink.objects.filter(plan=plan).count() == 5
    assert plan.history.first().history_change_reason == (
        "Imported from move.xml: 6 tasks, finishing 14 Jan 2027."
    )


def test_a_second_import_replaces_the_plan_as_a_whole(pm, project):
    first = services.plan_import(actor=pm, project=project, data=office_move_xml(), filename="v1.xml")
    xml = office_move_xml().replace(b"<Name>Fit out</Name>", b"<Name>Fit-out works</Name>")

    second = services.plan_import(actor=pm, project=project, data=xml, filename="v2.xml")

    assert second.pk == first.pk and second.version == first.version + 1
    names = set(PlanTask.objects.filter(plan=second).values_list("name", flat=True))
    assert "Fit-out works" in names and "Fit out" not in names
    assert PlanTask.objects.count() == 6
    assert [h.source_name for h in second.history.all()] == ["v2.xml", "v1.xml"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<Project><Tasks>", "move.xml: The file is not well-formed XML"),
        (
            b"<Plan/>",
            "move.xml: This is not an MS Project XML file: its root element is <Plan>, not <Project>.",
        ),
        (
            b'<!DOCTYPE x [<!ENTITY a "aaaa">]><Project/>',
            "move.xml: The file declares a DOCTYPE (entities)",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_naming_why_and_nothing_changes(pm, project, data, message):
    services.plan_import(actor=pm, project=project, data=office_move_xml(), filename="kept.xml")

    with pytest.raises(ValidationError) as error:
        services.plan_import(actor=pm, project=project, data=data, filename="move.xml")

    assert error.value.message_dict["file"][0].startswith(message)
    assert Plan.objects.get().source_name == "kept.xml"
    assert PlanTask.objects.count() == 6


def test_a_link_loop_is_refused_naming_the_tasks(pm, project):
    xml = office_move_xml()
    survey = read_mspdi(xml).tasks[1].uid  # Survey, made to wait on Fit out
    loop = xml.replace(
        f"<UID>{survey}</UID>".encode(),
        f"<UID>{survey}</UID><PredecessorLink><PredecessorUID>5</PredecessorUID><Type>1</Type></PredecessorLink>".encode(),
        1,
    )

    with pytest.raises(ValidationError) as error:
        services.plan_import(actor=pm, project=project, data=loop, filename="loop.xml")

    assert "loop.xml: " in error.value.message_dict["file"][0] and "->" in error.value.message_dict["file"][0]
    assert not Plan.objects.exists()


def test_only_the_project_manager_and_the_pmo_import_a_plan(make_user, project):
    other = make_user(Role.PROJECT_MANAGER, username="other")
    officer = make_user(Role.PMO_OFFICER, username="officer")

    with pytest.raises(PermissionDenied):
        services.plan_import(actor=other, project=project, data=office_move_xml(), filename="move.xml")
    assert not Plan.objects.exists()
    assert services.plan_import(actor=officer, project=project, data=office_move_xml(), filename="m.xml")


def test_the_export_reimports_to_the_same_schedule(pm, project):
    plan = services.plan_import(actor=pm, project=project, data=office_move_xml(), filename="move.xml")
    before = list(
        PlanTask.objects.filter(plan=plan).values_list("uid", "name", "start", "finish", "critical")
    )

    again = services.plan_import(
        actor=pm, project=project, data=services.plan_export(plan=plan), filename="x.xml"
    )

    after = list(
        PlanTask.objects.filter(plan=again).values_list("uid", "name", "start", "finish", "critical")
    )
    assert after == before
