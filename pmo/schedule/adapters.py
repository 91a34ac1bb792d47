"""Plan rows <-> the engine: a plan's document read into the engine's ``ImportedProject``, and a
schedule's dates as ``PlanTask`` and ``PlanLink`` rows. The engine's times are wall-clock times
(naive); rows keep them in the site's time zone."""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, overload

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from pmo.engine.calendar import Calendar, CalendarError, Period, clock, uk_bank_holidays
from pmo.engine.mspdi import ImportedProject, read_mspdi, write_mspdi
from pmo.engine.schedule import Schedule
from pmo.schedule.models import (
    Plan,
    PlanBaseline,
    PlanCalendar,
    PlanCalendarException,
    PlanLink,
    PlanTask,
)


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


def task_values(project: ImportedProject, computed: Schedule) -> list[dict[str, Any]]:
    """The row values (by column) of each active task the schedule dates, in the file's order."""
    zone = timezone.get_current_timezone()  # once: ``aware`` asks for it each time

    def at(moment: datetime | None) -> datetime | None:
        return None if moment is None else moment.replace(tzinfo=zone)  # as ``aware`` makes it

    rows = []
    for item in project.tasks:
        dates = computed.tasks.get(item.uid)
        if dates is None:  # an inactive task: not scheduled, not shown
            continue
        task = item.task
        baseline = next((b for b in item.baselines if b.number == 0), None)
        rows.append(
            {
                "uid": item.uid,
                "row": item.row if item.row is not None else item.uid,
                "wbs": item.wbs[:100],
                "outline_level": item.outline_level,
                "parent_uid": task.parent,
                "name": task.name[:255],
                "duration": task.duration,
                "duration_unit": item.duration_unit.value,
                "summary": item.summary,
                "milestone": task.milestone,
                "critical": dates.critical,
                "percent_complete": round(task.percent_complete, 2),
                "start": at(dates.start),
                "finish": at(dates.finish),
                "early_start": at(dates.early_start),
                "early_finish": at(dates.early_finish),
                "late_start": at(dates.late_start),
                "late_finish": at(dates.late_finish),
                "total_float": dates.total_float,
                "free_float": dates.free_float,
                "constraint": task.constraint.value,
                "constraint_date": at(task.constraint_date),
                "deadline": at(task.deadline),
                "baseline_start": at(baseline.start) if baseline else None,
                "baseline_finish": at(baseline.finish) if baseline else None,
            }
        )
    return rows


def task_rows(plan: Plan, project: ImportedProject, computed: Schedule) -> list[PlanTask]:
    """A row for each active task the schedule dates, in the file's order."""
    return [PlanTask(plan=plan, **values) for values in task_values(project, computed)]


def link_values(project: ImportedProject, scheduled: set[int]) -> list[dict[str, Any]]:
    """The row values (by column) of each link between two scheduled tasks."""
    return [
        {
            "predecessor_uid": item.link.predecessor,
            "successor_uid": item.link.successor,
            "type": item.link.type.value,
            "lag": item.link.lag,
            "lag_percent": item.link.lag_percent,
        }
        for item in project.links
        if item.link.predecessor in scheduled and item.link.successor in scheduled
    ]


def link_rows(plan: Plan, project: ImportedProject, scheduled: set[int]) -> list[PlanLink]:
    """A row for each link between two scheduled tasks."""
    return [PlanLink(plan=plan, **values) for values in link_values(project, scheduled)]


def hours_text(periods: tuple[Period, ...]) -> str:
    """Working times as text: ``08:00-12:00, 13:00-17:00`` (blank: not working)."""
    return ", ".join(
        f"{clock(start)}-{clock(end % 1440) if end < 1440 else '24:00'}" for start, end in periods
    )[:200]


def baseline_rows(plan: Plan, project: ImportedProject, computed: Schedule) -> list[PlanBaseline]:
    """A row for each saved baseline (0-10) of each scheduled task, with its variances against
    the schedule in working minutes of the task's calendar (the plan's when it has none)."""
    tasks = dict(PlanTask.objects.filter(plan=plan).values_list("uid", "pk"))
    rows = []
    for item in project.tasks:
        dates = computed.tasks.get(item.uid)
        if dates is None or item.uid not in tasks or not item.baselines:
            continue
        calendar = item.task.calendar or project.calendar
        for saved in item.baselines:
            if not 0 <= saved.number <= 10:
                continue
            rows.append(
                PlanBaseline(
                    task_id=tasks[item.uid],
                    number=saved.number,
                    start=aware(saved.start),
                    finish=aware(saved.finish),
                    duration=saved.duration,
                    work=saved.work,
                    cost=saved.cost,
                    start_variance=None if saved.start is None else _work(calendar, saved.start, dates.start),
                    finish_variance=None
                    if saved.finish is None
                    else _work(calendar, saved.finish, dates.finish),
                    duration_variance=None if saved.duration is None else item.task.duration - saved.duration,
                )
            )
    return rows


def _work(calendar: Calendar, start: datetime, end: datetime) -> int | None:
    try:
        return calendar.working_minutes(start, end)
    except CalendarError:  # a baseline date outside MS Project's range
        return None


def calendar_rows(
    plan: Plan, project: ImportedProject
) -> list[tuple[PlanCalendar, list[PlanCalendarException]]]:
    """A row for each of the plan's calendars with its exceptions, consecutive days with the same
    hours as one (a UK bank holiday, named, always on its own)."""
    bank_holidays: Any = uk_bank_holidays()
    found = []
    for uid, calendar in sorted(project.calendars.items()):
        row = PlanCalendar(
            plan=plan,
            uid=uid,
            name=calendar.name[:255],
            plan_calendar=calendar is project.calendar,
            minutes_per_day=calendar.minutes_per_day,
            minutes_per_week=calendar.minutes_per_week,
            days_per_month=calendar.days_per_month,
            **{day: hours_text(periods) for day, periods in zip(WEEKDAYS, calendar.week, strict=True)},
        )
        exceptions: list[PlanCalendarException] = []
        for day, periods in sorted(calendar.exceptions.items()):
            hours = hours_text(periods)
            name = "" if periods else (bank_holidays.get(day) or "")[:100]
            last = exceptions[-1] if exceptions else None
            if (
                last is not None
                and not name
                and not last.name
                and last.hours == hours
                and last.finish + timedelta(days=1) == day
            ):
                last.finish = day
                continue
            exceptions.append(
                PlanCalendarException(calendar=row, start=day, finish=day, hours=hours, name=name)
            )
        found.append((row, exceptions))
    return found


def baseline_numbers(project: ImportedProject) -> str:
    """The numbers of the baselines the project's tasks saved: ``0,2``."""
    found = {b.number for item in project.tasks for b in item.baselines if 0 <= b.number <= 10}
    return ",".join(str(number) for number in sorted(found))


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


BASELINE_VALUES = (
    "start",
    "finish",
    "duration",
    "work",
    "cost",
    "start_variance",
    "finish_variance",
    "duration_variance",
)


def baselines_write(plan: Plan, project: ImportedProject, computed: Schedule) -> None:
    """Make ``plan``'s saved-baseline rows match its document, their variances against
    ``computed`` (after an edit moved its dates: the saved baselines themselves do not change, so
    only the rows whose variances moved are updated)."""
    wanted = {(row.task_id, row.number): row for row in baseline_rows(plan, project, computed)}
    stale: list[int] = []
    changed: list[tuple[int, dict[str, Any]]] = []
    touched: set[str] = set()
    stored_rows = PlanBaseline.objects.filter(task__plan=plan).values_list(
        "pk", "task_id", "number", *BASELINE_VALUES
    )
    for pk, task_id, number, *stored in stored_rows:
        row = wanted.pop((task_id, number), None)
        if row is None:
            stale.append(pk)
            continue
        values = {name: getattr(row, name) for name in BASELINE_VALUES}
        differ = [
            name
            for name, old in zip(BASELINE_VALUES, stored, strict=True)
            if (values[name] if name != "cost" or values[name] is None else Decimal(str(values[name]))) != old
        ]
        if differ:
            touched.update(differ)
            changed.append((pk, values))
    if stale:
        PlanBaseline.objects.filter(pk__in=stale).delete()
    if changed:
        update_rows(PlanBaseline, changed, sorted(touched))
    PlanBaseline.objects.bulk_create(wanted.values(), batch_size=2000)


UPDATE_BATCH = 200  # rows an UPDATE sets at once (two parameters per row and column)


def update_rows(model: type[Model], rows: Sequence[tuple[Any, Mapping[str, Any]]], names: list[str]) -> None:
    """Set the ``names`` columns (attnames) of the ``model`` rows given as (pk, values), an
    UPDATE per batch of rows with a CASE per column: what ``bulk_update`` writes, without
    building an expression per row and column (at 5,000 tasks that took most of a save)."""
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    fields = [field for field in model._meta.concrete_fields if field.attname in names]
    cast = connection.features.requires_casted_case_in_updates
    for first in range(0, len(rows), UPDATE_BATCH):
        batch = rows[first : first + UPDATE_BATCH]
        sets, params = [], []
        for field in fields:
            case = f"CASE {pk} {' '.join(['WHEN %s THEN %s'] * len(batch))} END"
            for key, values in batch:
                params += [key, field.get_db_prep_save(values[field.attname], connection)]
            if cast:
                case = f"CAST({case} AS {field.db_type(connection)})"
            sets.append(f"{quote(field.column)} = {case}")
        params += [key for key, _ in batch]
        marks = ", ".join(["%s"] * len(batch))
        sql = f"UPDATE {quote(model._meta.db_table)} SET {', '.join(sets)} WHERE {pk} IN ({marks})"  # noqa: S608 - names from the model, values as parameters
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def rows_of_baselines_and_calendars(plan: Plan, project: ImportedProject, computed: Schedule) -> None:
    """Rewrite ``plan``'s baseline and calendar rows from its document and schedule (after its
    task rows: baselines hang from them)."""
    PlanCalendar.objects.filter(plan=plan).delete()
    baselines_write(plan, project, computed)
    made = calendar_rows(plan, project)
    PlanCalendar.objects.bulk_create([row for row, _ in made])
    PlanCalendarException.objects.bulk_create(
        [exception for _, exceptions in made for exception in exceptions], batch_size=2000
    )
