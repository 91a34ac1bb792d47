"""Editing a plan as MS Project does (``pmo.engine.plan_edit``): durations and predecessors in MS
Project's notation, IDs renumbered on add and delete, a bar dragged to a non-working day starting
on the next working one, progress setting the actual dates; refusals name the task and field."""

from datetime import date, datetime

import pytest

from pmo.engine import plan_edit
from pmo.engine.calendar import Calendar, DurationUnit
from pmo.engine.mspdi import project_from_plan
from pmo.engine.schedule import Constraint, Link, LinkType, Plan, Task, schedule

DAY = 480
CALENDAR = Calendar()


def office() -> object:
    plan = Plan(
        tasks=[
            Task(1, name="Move", duration=0),
            Task(2, 2 * DAY, name="Survey", parent=1),
            Task(3, 3 * DAY, name="Design", parent=1),
            Task(4, 0, name="Done", parent=1, milestone=True),
        ],
        links=[Link(2, 3), Link(3, 4)],
        start=datetime(2027, 1, 4, 8),  # a Monday
        calendar=CALENDAR,
    )
    return project_from_plan(plan, "Move")


@pytest.mark.parametrize(
    ("text", "minutes", "unit"),
    [
        ("5d", 5 * DAY, DurationUnit.DAYS),
        ("5", 5 * DAY, DurationUnit.DAYS),
        ("1.5 days", 720, DurationUnit.DAYS),
        ("3w", 3 * 2400, DurationUnit.WEEKS),
        ("4h", 240, DurationUnit.HOURS),
        ("30m", 30, DurationUnit.MINUTES),
        ("2mo", 2 * 20 * DAY, DurationUnit.MONTHS),
        ("2ed", 2 * 1440, DurationUnit.ELAPSED_DAYS),
        ("1d?", DAY, DurationUnit.DAYS),
    ],
)
def test_durations_read_as_ms_project_writes_them(text, minutes, unit):
    assert plan_edit.parse_duration(text, CALENDAR) == (minutes, unit)
    assert plan_edit.parse_duration(plan_edit.format_duration(minutes, unit, CALENDAR), CALENDAR) == (
        minutes,
        unit,
    )


def test_predecessors_read_and_written_back_in_ms_project_notation():
    project = office()
    item = project.tasks[3]

    links = plan_edit.parse_predecessors("2FS+2d, 3ss, 1FF-50%", item, {1: 1, 2: 2, 3: 3}, CALENDAR)
    changed = plan_edit.change_task(project, 4, {"predecessors": "2FS+2d, 3SS"})

    assert [(lk.link.predecessor, lk.link.type, lk.link.lag, lk.link.lag_percent) for lk in links] == [
        (2, LinkType.FS, 2 * DAY, None),
        (3, LinkType.SS, 0, None),
        (1, LinkType.FF, 0, -50.0),
    ]
    assert plan_edit.predecessors_text(changed, 4) == "2FS+2d, 3SS"


def test_adding_and_deleting_renumber_the_ids_and_keep_the_outline():
    project, uid = plan_edit.add_task(office(), name="Approve", duration="1d", predecessors="2", after=2)

    assert [(t.row, t.task.name, t.outline_number) for t in project.tasks] == [
        (1, "Move", "1"),
        (2, "Survey", "1.1"),
        (3, "Approve", "1.2"),
        (4, "Design", "1.3"),
        (5, "Done", "1.4"),
    ]
    assert project.tasks[2].uid == uid == 5 and project.tasks[2].task.parent == 1
    gone, deleted = plan_edit.delete_task(project, 2)
    assert [t.row for t in gone.tasks] == [1, 2, 3, 4] and deleted == [2]
    assert all(2 not in (lk.link.predecessor, lk.link.successor) for lk in gone.links)


def test_a_bar_dropped_on_a_saturday_starts_on_monday():
    moved = plan_edit.move_task(office(), 3, date(2027, 1, 16))

    task = moved.tasks[2].task
    assert (task.constraint, task.constraint_date) == (Constraint.SNET, datetime(2027, 1, 18, 8))
    assert schedule(moved.plan()).tasks[4].finish == datetime(2027, 1, 20, 17)


def test_progress_sets_the_actual_dates_as_ms_project_does():
    scheduled = plan_edit.Scheduled(datetime(2027, 1, 4, 8), datetime(2027, 1, 5, 17))

    started = plan_edit.change_task(office(), 2, {"percent_complete": 50}, scheduled=scheduled).tasks[1].task
    finished = plan_edit.change_task(office(), 2, {"actual_finish": date(2027, 1, 6)}, scheduled=scheduled)

    assert (started.actual_start, started.actual_finish) == (datetime(2027, 1, 4, 8), None)
    survey = finished.tasks[1].task
    assert (survey.percent_complete, survey.actual_start, survey.actual_finish) == (
        100.0,
        datetime(2027, 1, 4, 8),
        datetime(2027, 1, 6, 17),
    )


@pytest.mark.parametrize(
    ("uid", "changes", "field", "message"),
    [
        (
            1,
            {"duration": "3d"},
            "duration",
            "Task 1 “Move” is a summary task: its duration comes from the tasks under it.",
        ),
        (3, {"predecessors": "3"}, "predecessors", "Task 3 “Design”: a task cannot be its own predecessor."),
        (
            3,
            {"predecessors": "2, 2SS"},
            "predecessors",
            "Task 3 “Design”: task ID 2 is listed twice as a predecessor.",
        ),
        (
            3,
            {"predecessors": "2XX"},
            "predecessors",
            "Task 3 “Design”: the predecessor “2XX” is not a task ID with an optional type and lag, "
            "like 3, 3FS+2d or 5SS.",
        ),
        (
            3,
            {"constraint": "SNET", "constraint_date": date(1900, 1, 1)},
            "constraint_date",
            "Task 3 “Design”: the constraint date 1900-01-01 is outside the days a plan can hold "
            "(1984 to 2149).",
        ),
        (
            3,
            {"name": "Bad\x01name"},
            "name",
            "Task 3 “Design”: the name holds characters that MS Project XML cannot (control characters).",
        ),
        (
            3,
            {"duration": "999999999w"},
            "duration",
            "Task 3 “Design”: the duration “999999999w” is longer than any plan can hold.",
        ),
    ],
)
def test_refusals_name_the_task_and_field(uid, changes, field, message):
    with pytest.raises(plan_edit.PlanEditError) as error:
        plan_edit.change_task(office(), uid, changes)

    assert (error.value.field, str(error.value)) == (field, message)
