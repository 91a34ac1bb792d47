"""A plan with saved baselines, a calendar with exceptions and a custom field, for the tests."""

from dataclasses import replace
from datetime import date, datetime

from pmo.engine.calendar import period, standard_calendar
from pmo.engine.mspdi import Baseline, project_from_plan, write_mspdi
from pmo.engine.schedule import schedule
from pmo.schedule.tests.plans import DAY, office_move

COST_CENTRE = "188743731"  # MS Project's field id of the task's Text1


def baselined_move() -> bytes:
    """The office move on the Standard calendar (UK bank holidays, and Friday 8 January 2027 a
    half day), with baseline 0 as scheduled and baseline 2 two working days earlier for Fit out
    (and a day shorter); Design has a custom field, its cost centre (MS Project's Text1)."""
    calendar = standard_calendar(exceptions={date(2027, 1, 8): (period("08:00", "12:00"),)})
    plan = replace(office_move(), calendar=calendar)
    dates = schedule(plan).tasks
    project = project_from_plan(plan, "Office move")
    tasks = []
    for item in project.tasks:
        found = dates[item.uid]
        saved = [Baseline(0, found.start, found.finish, item.task.duration)]
        if item.task.name == "Fit out":
            saved.append(Baseline(2, datetime(2027, 1, 6, 8), datetime(2027, 1, 8, 17), 3 * DAY))
        custom = {COST_CENTRE: "CC-42"} if item.task.name == "Design" else {}
        tasks.append(replace(item, baselines=tuple(saved), custom_fields=custom))
    fields = {COST_CENTRE: "Cost centre"}
    return write_mspdi(replace(project, tasks=tasks, custom_field_names=fields), schedule(plan))
