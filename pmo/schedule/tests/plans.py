"""Plans for the tests, written as MS Project XML by the engine: a small office move with a
critical path, a float and a milestone."""

from dataclasses import replace
from datetime import datetime

from pmo.engine.mspdi import Baseline, project_from_plan, write_mspdi
from pmo.engine.schedule import Link, LinkType, Plan, Task, schedule

DAY = 480  # working minutes


def office_move() -> Plan:
    """Survey (2 days), then Design (3) and Order furniture (1); Fit out (4) after Design; Move in
    (a milestone) after Fit out and the furniture: Design and Fit out are critical, the order has
    six days of float."""
    tasks = [
        Task(id=1, name="Office move", duration=0),
        Task(id=2, name="Survey", duration=2 * DAY, parent=1),
        Task(id=3, name="Design", duration=3 * DAY, parent=1),
        Task(id=4, name="Order furniture", duration=DAY, parent=1),
        Task(id=5, name="Fit out", duration=4 * DAY, parent=1),
        Task(id=6, name="Move in", duration=0, milestone=True, parent=1),
    ]
    links = [
        Link(2, 3),
        Link(2, 4),
        Link(3, 5),
        Link(5, 6),
        Link(4, 6, LinkType.FS),
    ]
    return Plan(tasks=tasks, links=links, start=datetime(2027, 1, 4, 8))


def office_move_xml() -> bytes:
    plan = office_move()
    return write_mspdi(project_from_plan(plan, "Office move"), schedule(plan))


def chain_xml(tasks: int) -> bytes:
    """``tasks`` one-day tasks, each after the one before."""
    plan = Plan(
        tasks=[Task(id=n, name=f"Step {n}", duration=DAY) for n in range(1, tasks + 1)],
        links=[Link(n, n + 1) for n in range(1, tasks)],
        start=datetime(2027, 1, 4, 8),
    )
    return write_mspdi(project_from_plan(plan, "Chain"), schedule(plan))


def milestones_xml(*, build_days: int = 20, done_before: datetime | None = None) -> bytes:
    """Design (10 days) from Mon 7 Sep 2026, then its milestone "Design signed off", Build
    (``build_days``, baselined at 20) and "Go live": baselined as planned; tasks finishing by
    ``done_before`` are complete (with their actual dates)."""

    def plan(build: int) -> Plan:
        tasks = [
            Task(id=1, name="Design", duration=10 * DAY),
            Task(id=2, name="Design signed off", duration=0, milestone=True),
            Task(id=3, name="Build", duration=build * DAY),
            Task(id=4, name="Go live", duration=0, milestone=True),
        ]
        links = [Link(1, 2), Link(2, 3), Link(3, 4)]
        return Plan(tasks=tasks, links=links, start=datetime(2026, 9, 7, 8))

    planned = schedule(plan(20)).tasks
    current = plan(build_days)
    if done_before is not None:
        dates = schedule(current).tasks
        current = replace(
            current,
            tasks=[
                replace(
                    t,
                    percent_complete=100.0,
                    actual_start=dates[t.id].start,
                    actual_finish=dates[t.id].finish,
                )
                if dates[t.id].finish <= done_before
                else t
                for t in current.tasks
            ],
            status_date=done_before,
        )
    project = project_from_plan(current, "Website")
    project = replace(
        project,
        tasks=[
            replace(item, baselines=(Baseline(0, planned[item.uid].start, planned[item.uid].finish),))
            for item in project.tasks
        ],
    )
    return write_mspdi(project, schedule(current))
