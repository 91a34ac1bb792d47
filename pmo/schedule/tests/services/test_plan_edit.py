"""The project manager edits the plan where it is shown: each change goes into the plan's MS
Project document, the engine schedules it again and the rows show the new dates at once, all or
nothing, as a new version with its history; a stale edit is a conflict.

The office move (tests/plans.py): Survey (ID 2, 2 days) then Design (3, 3 days) and Order
furniture (4, 1 day); Fit out (5, 4 days) after Design; Move in (6, a milestone) after Fit out
and the furniture. Starts Monday 4 January 2027; finishes Thursday 14 January 17:00."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo.core.choices import Role
from pmo.core.services import ConflictError
from pmo.engine.mspdi import read_mspdi
from pmo.schedule import services, services_edit
from pmo.schedule.models import PlanLink, PlanTask, TaskEstimate
from pmo.schedule.tests.plans import office_move_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]


def at(day: str, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day).replace(hour=hour))


@pytest.fixture
def plan(pm, project):
    return services.plan_import(actor=pm, project=project, data=office_move_xml(), filename="move.xml")


def task(plan, name: str) -> PlanTask:
    return PlanTask.objects.get(plan=plan, name=name)


def test_a_longer_task_moves_its_successors_and_the_finish_at_once(pm, plan):
    fit_out = task(plan, "Fit out")

    edited = services_edit.plan_task_change(
        actor=pm, plan=plan, uid=3, fields={"duration": "5d"}, expected_version=plan.version
    )

    # Design now Wed 6 - Tue 12 Jan; Fit out Wed 13 - Mon 18; Move in Mon 18 17:00
    assert edited.version == 2 and edited.finish == at("2027-01-18", 17)
    moved = task(plan, "Fit out")
    assert moved.pk == fit_out.pk  # the row (and its API id) is kept
    assert (moved.start, moved.finish, moved.critical) == (at("2027-01-13", 8), at("2027-01-18", 17), True)
    assert task(plan, "Order furniture").total_float == 8 * 480
    assert edited.history.first().history_change_reason == "Task 3 “Design”: duration 3d → 5d"
    document = read_mspdi(bytes(edited.document))
    assert next(t for t in document.tasks if t.uid == 3).task.duration == 5 * 480


def test_an_edit_reads_the_plans_document_once_the_plan_it_locked(pm, plan):
    """The document (megabytes for a plan of thousands of tasks) is not read again to save it or
    to hand back the edited plan."""
    with CaptureQueriesContext(connection) as captured:
        edited = services_edit.plan_task_change(
            actor=pm, plan=plan, uid=3, fields={"duration": "5d"}, expected_version=plan.version
        )

    reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and '"schedule_plan"."document"' in q["sql"]
    ]
    assert len(reads) == 1
    assert edited.version == 2
    assert next(t for t in read_mspdi(bytes(edited.document)).tasks if t.uid == 3).task.duration == 5 * 480


def test_predecessors_in_ms_project_notation_with_type_and_lag(pm, plan):
    services_edit.plan_task_change(
        actor=pm, plan=plan, uid=4, fields={"predecessors": "3SS+2d"}, expected_version=plan.version
    )

    # Order furniture two working days after Design starts (Wed 6): Fri 8 Jan
    order = task(plan, "Order furniture")
    assert (order.start, order.finish) == (at("2027-01-08", 8), at("2027-01-08", 17))
    assert list(
        PlanLink.objects.filter(plan=plan, successor_uid=4).values_list("predecessor_uid", "type", "lag")
    ) == [(3, "SS", 960)]


def test_a_link_loop_is_refused_naming_its_tasks_and_nothing_changes(pm, plan):
    before = bytes(plan.document)

    with pytest.raises(ValidationError) as error:
        services_edit.plan_task_change(
            actor=pm, plan=plan, uid=2, fields={"predecessors": "5"}, expected_version=plan.version
        )

    assert error.value.message_dict == {
        "predecessors": [
            "Link loop: Task 5 “Fit out” -> Task 2 “Survey” -> Task 3 “Design” -> Task 5 “Fit out”. "
            "Remove one of these links."
        ]
    }
    plan.refresh_from_db()
    assert plan.version == 1 and bytes(plan.document) == before
    assert not PlanLink.objects.filter(plan=plan, successor_uid=2).exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"duration": "5x"},
            "duration",
            "Task 3 “Design”: the duration “5x” is not a duration like 5d, 3w, 4h or 30m.",
        ),
        ({"duration": "-1d"}, "duration", "Task 3 “Design”: the duration cannot be negative."),
        (
            {"predecessors": "9"},
            "predecessors",
            "Task 3 “Design”: a predecessor has ID 9; there is no task with that ID.",
        ),
        (
            {"constraint": "MSO"},
            "constraint_date",
            "Task 3 “Design”: the constraint “Must start on” needs a date.",
        ),
        (
            {"percent_complete": 101},
            "percent_complete",
            "Task 3 “Design”: the percent complete must be from 0 to 100.",
        ),
    ],
)
def test_bad_input_names_the_task_and_field(pm, plan, fields, field, message):
    with pytest.raises(ValidationError) as error:
        services_edit.plan_task_change(actor=pm, plan=plan, uid=3, fields=fields, expected_version=1)

    assert error.value.message_dict == {field: [message]}


def test_a_stale_edit_is_a_conflict_and_others_may_not_edit(pm, plan, make_user):
    services_edit.plan_task_change(actor=pm, plan=plan, uid=3, fields={"name": "Designs"}, expected_version=1)

    with pytest.raises(ConflictError):
        services_edit.plan_task_change(
            actor=pm, plan=plan, uid=3, fields={"duration": "4d"}, expected_version=1
        )
    with pytest.raises(PermissionDenied):
        services_edit.plan_task_change(
            actor=make_user(Role.EXECUTIVE, username="exec"),
            plan=plan,
            uid=3,
            fields={"name": "X"},
            expected_version=2,
        )
    assert task(plan, "Designs").duration == 3 * 480


def test_a_task_added_after_another_takes_the_next_id_and_is_scheduled(pm, plan):
    edited, uid = services_edit.plan_task_add(
        actor=pm, plan=plan, name="Snagging", duration="2d", predecessors="5", after=5, expected_version=1
    )

    rows = list(PlanTask.objects.filter(plan=plan).order_by("row").values_list("row", "name"))
    assert rows[4:] == [(5, "Fit out"), (6, "Snagging"), (7, "Move in")]
    snag = task(plan, "Snagging")
    assert (snag.uid, snag.start, snag.finish, snag.wbs) == (
        uid,
        at("2027-01-15", 8),
        at("2027-01-18", 17),
        "1.5",
    )
    assert snag.critical and edited.finish == at("2027-01-18", 17)  # it now finishes the plan
    assert edited.history.first().history_change_reason == "Added Task 6 “Snagging”"


def test_a_milestone_added_at_the_end_and_a_task_deleted(pm, plan):
    services_edit.plan_task_add(
        actor=pm, plan=plan, name="Handover", milestone=True, predecessors="6", expected_version=1
    )
    TaskEstimate.objects.create(plan=plan, uid=4, minimum=1, likely=2, maximum=3, updated_at=timezone.now())

    edited = services_edit.plan_task_delete(actor=pm, plan=plan, uid=4, expected_version=2)

    handover = task(plan, "Handover")
    assert handover.milestone and handover.row == 6 and handover.finish == at("2027-01-14", 17)
    assert not PlanTask.objects.filter(plan=plan, name="Order furniture").exists()
    assert not PlanLink.objects.filter(plan=plan, predecessor_uid=4).exists()
    assert not TaskEstimate.objects.filter(plan=plan).exists()
    assert edited.tasks_count == 6 and edited.history.first().history_change_reason == (
        "Deleted Task 4 “Order furniture”"
    )


def test_dragging_a_bar_sets_start_no_earlier_than_and_moves_what_follows(pm, plan):
    services_edit.plan_task_move(actor=pm, plan=plan, uid=5, day=dt.date(2027, 1, 13), expected_version=1)

    fit_out, move_in = task(plan, "Fit out"), task(plan, "Move in")
    assert (fit_out.constraint, fit_out.constraint_date) == ("SNET", at("2027-01-13", 8))
    assert (fit_out.start, move_in.finish) == (at("2027-01-13", 8), at("2027-01-18", 17))

    services_edit.plan_task_move(actor=pm, plan=plan, uid=5, days=-1, expected_version=2)

    assert task(plan, "Fit out").start == at("2027-01-12", 8)
    assert task(plan, "Move in").finish == at("2027-01-15", 17)


def test_progress_starts_a_task_at_its_scheduled_start(pm, plan):
    services_edit.plan_task_change(
        actor=pm, plan=plan, uid=2, fields={"percent_complete": 50}, expected_version=1
    )

    survey = next(t for t in read_mspdi(bytes(task(plan, "Survey").plan.document)).tasks if t.uid == 2)
    assert survey.task.actual_start == dt.datetime(2027, 1, 4, 8) and survey.task.percent_complete == 50
    assert float(task(plan, "Survey").percent_complete) == 50


def test_the_edited_plan_exports_and_reimports_to_the_same_schedule(pm, plan):
    services_edit.plan_task_change(actor=pm, plan=plan, uid=3, fields={"duration": "1w"}, expected_version=1)
    edited = services_edit.plan_task_change(
        actor=pm,
        plan=plan,
        uid=5,
        fields={"constraint": "SNET", "constraint_date": dt.date(2027, 1, 20)},
        expected_version=2,
    )

    again = services.plan_import(
        actor=pm, project=plan.project, data=services.plan_export(plan=edited), filename="x.xml"
    )

    assert again.finish == edited.finish == at("2027-01-25", 17)
