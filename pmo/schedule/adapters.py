"""Plan rows <-> the engine: a plan's document read into the engine's ``ImportedProject``, and a
schedule's dates as ``PlanTask`` and ``PlanLink`` rows. The engine's times are wall-clock times
(naive); rows keep them in the site's time zone."""

from datetime import datetime
from typing import overload

from django.utils import timezone

from pmo.engine.mspdi import ImportedProject, read_mspdi, write_mspdi
from pmo.engine.schedule import Schedule
from pmo.schedule.models import Plan, PlanLink, PlanTask


@overload
def aware(moment: datetime) -> datetime: ...
@overload
def aware(moment: None) -> None: ...
def aware(moment: datetime | None) -> datetime | None:
    """A plan's wall-clock time as a moment in the site's time zone."""
    return None if moment is None else timezone.make_aware(moment)


def wall_clock(moment: datetime) -> datetime:
    """A stored moment back as the plan's wall-clock time."""
    return timezone.localtime(moment).replace(tzinfo=None)


def project_of(plan: Plan) -> ImportedProject:
    """The plan's document, read."""
    return read_mspdi(bytes(plan.document))


def document(project: ImportedProject, computed: Schedule) -> bytes:
    """The plan as MSPDI with the dates the engine worked out."""
    return write_mspdi(project, computed)


def task_rows(plan: Plan, project: ImportedProject, computed: Schedule) -> list[PlanTask]:
    """A row for each active task the schedule dates, in the file's order."""
    rows = []
    for item in project.tasks:
        dates = computed.tasks.get(item.uid)
        if dates is None:  # an inactive task: not scheduled, not shown
            continue
        task = item.task
        baseline = next((b for b in item.baselines if b.number == 0), None)
        rows.append(
            PlanTask(
                plan=plan,
                uid=item.uid,
                row=item.row if item.row is not None else item.uid,
                wbs=item.wbs[:100],
                outline_level=item.outline_level,
                parent_uid=task.parent,
                name=task.name[:255],
                duration=task.duration,
                duration_unit=item.duration_unit.value,
                summary=item.summary,
                milestone=task.milestone,
                critical=dates.critical,
                percent_complete=round(task.percent_complete, 2),
                start=aware(dates.start),
                finish=aware(dates.finish),
                early_start=aware(dates.early_start),
                early_finish=aware(dates.early_finish),
                late_start=aware(dates.late_start),
                late_finish=aware(dates.late_finish),
                total_float=dates.total_float,
                free_float=dates.free_float,
                constraint=task.constraint.value,
                constraint_date=aware(task.constraint_date),
                deadline=aware(task.deadline),
                baseline_start=aware(baseline.start) if baseline else None,
                baseline_finish=aware(baseline.finish) if baseline else None,
            )
        )
    return rows


def link_rows(plan: Plan, project: ImportedProject, scheduled: set[int]) -> list[PlanLink]:
    """A row for each link between two scheduled tasks."""
    return [
        PlanLink(
            plan=plan,
            predecessor_uid=item.link.predecessor,
            successor_uid=item.link.successor,
            type=item.link.type.value,
            lag=item.link.lag,
            lag_percent=item.link.lag_percent,
        )
        for item in project.links
        if item.link.predecessor in scheduled and item.link.successor in scheduled
    ]
