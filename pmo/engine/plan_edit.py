"""Editing a plan as MS Project does, on the plan read from its MS Project XML (``ImportedProject``).

A project manager changes a task's name, duration, predecessors, constraint, percent complete or
actual dates, adds a task or a milestone, deletes a task, or moves a task to a day (dragging its
bar: a "start no earlier than" constraint on that day, as MS Project sets when a bar is dragged).
Each function here takes the project and returns a new one (nothing is changed in place); the
caller schedules it (``pmo.engine.schedule``) and writes it back (``pmo.engine.mspdi``).

What a person types is read in MS Project's own notation: durations ``5d``, ``3w``, ``4h``,
``30m``, ``2mo``, ``1.5 days``, ``2ed`` (elapsed days; ``e`` before any unit), a bare number being
days; predecessors ``3FS+2d, 5SS, 7FF-1d, 8SS+50%`` by task ID (the row number), ``3`` alone
being finish-to-start. Dates are days: a start (a constraint on the start, an actual start) is
at the first working moment of the day, a finish at its last, on the task's calendar.

As MS Project does: a duration of zero makes a task a milestone and a longer one a task again;
progress above 0% starts a task (its actual start is its scheduled start unless given), 100%
finishes it (its actual finish its scheduled finish), 0% clears both; an actual finish makes it
100%. IDs are positions: adding or deleting a task renumbers those after it, and outline numbers
follow the outline. Deleting a summary deletes the tasks under it. Every refusal is a
``PlanEditError`` naming the task (ID and name) and the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from pmo.engine.calendar import (
    ELAPSED,
    LAST_DAY,
    ORIGIN_DAY,
    Calendar,
    CalendarError,
    DurationUnit,
    from_minutes,
    minute_of,
    minutes_per_unit,
    moment_of,
)
from pmo.engine.mspdi import ImportedLink, ImportedProject, ImportedTask
from pmo.engine.schedule import DATED, Constraint, Link, LinkType, Task

FIELDS = (
    "name",
    "duration",
    "predecessors",
    "constraint",
    "constraint_date",
    "percent_complete",
    "actual_start",
    "actual_finish",
)
NAME_LENGTH = 255
EIGHT_HOUR_DAYS = Calendar(name="Eight-hour days")  # to show lags where the plan's calendar is not read
NOT_XML_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MAX_DURATION = 100 * 365 * 1440  # minutes: a century, beyond which no plan reaches (MS Project's 2149)

NOT_A_DURATION = "{task}: the duration “{text}” is not a duration like 5d, 3w, 4h or 30m."
NEGATIVE = "{task}: the duration cannot be negative."
TOO_LONG = "{task}: the duration “{text}” is longer than any plan can hold."
NOT_PREDECESSORS = (
    "{task}: the predecessor “{text}” is not a task ID with an optional type and lag, like 3, 3FS+2d or 5SS."
)
NO_SUCH_ID = "{task}: a predecessor has ID {row}; there is no task with that ID."
ITSELF = "{task}: a task cannot be its own predecessor."
TWICE = "{task}: task ID {row} is listed twice as a predecessor."
NEEDS_DATE = "{task}: the constraint “{constraint}” needs a date."
NO_DATE_WANTED = "{task}: the constraint “{constraint}” takes no date."
SUMMARY_DURATION = "{task} is a summary task: its duration comes from the tasks under it."
SUMMARY_PROGRESS = "{task} is a summary task: its progress comes from the tasks under it."
PERCENT_RANGE = "{task}: the percent complete must be from 0 to 100."
FINISH_BEFORE_START = "{task}: the actual finish cannot be before the actual start."
NAME_TOO_LONG = "{task}: the name can be at most {limit} characters."
NAME_NEEDED = "A new task needs a name."
NO_SUCH_TASK = "There is no task with UID {uid} in the plan."
NO_TASK_AFTER = "There is no task with UID {uid} to add the new task after."
OUT_OF_RANGE = "{task}: the {field} {day} is outside the days a plan can hold (1984 to 2149)."
LAG_TOO_LONG = "{task}: the lag of “{text}” is longer than any plan can hold."
NOT_TEXT = "{task}: the name holds characters that MS Project XML cannot (control characters)."
INACTIVE = "{task} is inactive in MS Project: make it active there to edit it here."

CONSTRAINT_NAMES = {
    Constraint.ASAP: "As soon as possible",
    Constraint.ALAP: "As late as possible",
    Constraint.SNET: "Start no earlier than",
    Constraint.SNLT: "Start no later than",
    Constraint.FNET: "Finish no earlier than",
    Constraint.FNLT: "Finish no later than",
    Constraint.MSO: "Must start on",
    Constraint.MFO: "Must finish on",
}
UNITS = {
    "m": DurationUnit.MINUTES,
    "min": DurationUnit.MINUTES,
    "mins": DurationUnit.MINUTES,
    "minute": DurationUnit.MINUTES,
    "minutes": DurationUnit.MINUTES,
    "h": DurationUnit.HOURS,
    "hr": DurationUnit.HOURS,
    "hrs": DurationUnit.HOURS,
    "hour": DurationUnit.HOURS,
    "hours": DurationUnit.HOURS,
    "": DurationUnit.DAYS,
    "d": DurationUnit.DAYS,
    "dy": DurationUnit.DAYS,
    "dys": DurationUnit.DAYS,
    "day": DurationUnit.DAYS,
    "days": DurationUnit.DAYS,
    "w": DurationUnit.WEEKS,
    "wk": DurationUnit.WEEKS,
    "wks": DurationUnit.WEEKS,
    "week": DurationUnit.WEEKS,
    "weeks": DurationUnit.WEEKS,
    "mo": DurationUnit.MONTHS,
    "mon": DurationUnit.MONTHS,
    "mons": DurationUnit.MONTHS,
    "month": DurationUnit.MONTHS,
    "months": DurationUnit.MONTHS,
}
ELAPSED_OF = {
    DurationUnit.MINUTES: DurationUnit.ELAPSED_MINUTES,
    DurationUnit.HOURS: DurationUnit.ELAPSED_HOURS,
    DurationUnit.DAYS: DurationUnit.ELAPSED_DAYS,
    DurationUnit.WEEKS: DurationUnit.ELAPSED_WEEKS,
    DurationUnit.MONTHS: DurationUnit.ELAPSED_MONTHS,
}
AMOUNT = re.compile(r"^\s*(\d+(?:[.,]\d+)?|[.,]\d+)\s*([a-z]*)\s*\??\s*$", re.IGNORECASE)
PREDECESSOR = re.compile(
    r"^\s*(\d+)\s*(FS|SS|FF|SF)?\s*(?:([+-])\s*(\d+(?:[.,]\d+)?)\s*(%|[a-z]*)\s*)?$", re.IGNORECASE
)


class PlanEditError(ValueError):
    """An edit that cannot be made; ``field`` is the field at fault (``name``, ``duration``…)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def named(item: ImportedTask) -> str:
    """How messages name a task: its ID (row) and name, as MS Project shows them."""
    row = item.row if item.row is not None else item.uid
    return f"Task {row} “{item.task.name}”" if item.task.name else f"Task {row}"


# -- reading and showing MS Project's notation ------------------------------------------------------


def _unit(word: str) -> DurationUnit | None:
    word = word.lower()
    if word in UNITS:
        return UNITS[word]
    if word.startswith("e") and word[1:] in UNITS and word[1:]:
        return ELAPSED_OF[UNITS[word[1:]]]
    return None


def parse_duration(text: str, calendar: Calendar) -> tuple[int, DurationUnit]:
    """``5d`` (MS Project's notation) as minutes and the unit it was given in; ValueError when
    it is not a duration."""
    found = AMOUNT.match(text)
    unit = _unit(found.group(2)) if found else None
    if found is None or unit is None:
        raise ValueError(text)
    value = float(found.group(1).replace(",", "."))
    return round(value * minutes_per_unit(unit, calendar)), unit


SHORT = {
    DurationUnit.MINUTES: "m",
    DurationUnit.HOURS: "h",
    DurationUnit.DAYS: "d",
    DurationUnit.WEEKS: "w",
    DurationUnit.MONTHS: "mo",
}


def _amount(minutes: int, unit: DurationUnit, calendar: Calendar) -> str:
    if unit in (DurationUnit.PERCENT, DurationUnit.ELAPSED_PERCENT):
        unit = DurationUnit.ELAPSED_DAYS if unit.elapsed else DurationUnit.DAYS
    value = from_minutes(minutes, unit, calendar)
    shown = f"{value:.2f}".rstrip("0").rstrip(".")
    short = SHORT.get(unit) or "e" + SHORT[next(k for k, v in ELAPSED_OF.items() if v is unit)]
    return f"{shown}{short}"


def format_duration(minutes: int, unit: DurationUnit, calendar: Calendar) -> str:
    """Minutes in MS Project's notation in their unit: ``5d``, ``1.5w``, ``4h``, ``2ed``."""
    return _amount(minutes, unit, calendar)


def format_predecessors(
    links: list[tuple[int, str, int, float | None]],
    calendar: Calendar,
    lag_unit: DurationUnit = DurationUnit.DAYS,
) -> str:
    """(predecessor ID, type, lag minutes, lag percent) as MS Project writes them: ``3, 5SS,
    7FS+2d, 8FF-50%``."""
    parts = []
    for row, kind, lag, percent in links:
        if percent is not None and percent:
            parts.append(f"{row}{kind}{'+' if percent > 0 else '-'}{abs(percent):g}%")
        elif lag:
            parts.append(f"{row}{kind}{'+' if lag > 0 else '-'}{_amount(abs(lag), lag_unit, calendar)}")
        else:
            parts.append(f"{row}" if kind == LinkType.FS else f"{row}{kind}")
    return ", ".join(parts)


def _lag_unit(unit: DurationUnit) -> DurationUnit:
    return unit if unit not in (DurationUnit.PERCENT, DurationUnit.ELAPSED_PERCENT) else DurationUnit.DAYS


def parse_predecessors(
    text: str, item: ImportedTask, uid_of_row: Mapping[int, int], calendar: Calendar
) -> list[ImportedLink]:
    """``3FS+2d, 5SS`` for ``item`` as its links (by UID); PlanEditError naming the task."""
    links: list[ImportedLink] = []
    seen: set[int] = set()
    for part in re.split(r"[,;]", text):
        if not part.strip():
            continue
        found = PREDECESSOR.match(part)
        if found is None:
            raise PlanEditError("predecessors", NOT_PREDECESSORS.format(task=named(item), text=part.strip()))
        row_text, kind_text, sign, amount, unit_text = found.groups()
        row = int(row_text)
        if row not in uid_of_row:
            raise PlanEditError("predecessors", NO_SUCH_ID.format(task=named(item), row=row))
        uid = uid_of_row[row]
        if uid == item.uid:
            raise PlanEditError("predecessors", ITSELF.format(task=named(item)))
        if uid in seen:
            raise PlanEditError("predecessors", TWICE.format(task=named(item), row=row))
        seen.add(uid)
        kind = LinkType((kind_text or "FS").upper())
        if amount is None:
            links.append(ImportedLink(Link(uid, item.uid, kind)))
            continue
        value = float(amount.replace(",", ".")) * (-1 if sign == "-" else 1)
        if unit_text == "%":
            links.append(ImportedLink(Link(uid, item.uid, kind, lag_percent=value), DurationUnit.PERCENT))
            continue
        unit = _unit(unit_text)
        if unit is None:
            raise PlanEditError("predecessors", NOT_PREDECESSORS.format(task=named(item), text=part.strip()))
        lag = round(value * minutes_per_unit(unit, calendar))
        if abs(lag) > MAX_DURATION:
            raise PlanEditError("predecessors", LAG_TOO_LONG.format(task=named(item), text=part.strip()))
        links.append(ImportedLink(Link(uid, item.uid, kind, lag=lag, lag_elapsed=unit.elapsed), unit))
    return links


def predecessors_text(project: ImportedProject, uid: int) -> str:
    """A task's predecessors as MS Project writes them (IDs, types, lags)."""
    rows = {item.uid: item.row if item.row is not None else item.uid for item in project.tasks}
    return ", ".join(
        format_predecessors(
            [(rows[int(link.link.predecessor)], link.link.type.value, link.link.lag, link.link.lag_percent)],
            project.calendar,
            _lag_unit(link.lag_unit),
        )
        for link in project.links
        if link.link.successor == uid and link.link.predecessor in rows
    )


# -- days as a task's moments -----------------------------------------------------------------------


def _calendar(project: ImportedProject, task: Task) -> Calendar:
    return ELAPSED if task.elapsed else (task.calendar or project.calendar)


def start_of(day: date, calendar: Calendar) -> datetime:
    """The first working moment on or after ``day``."""
    return moment_of(calendar.start_at(calendar.work_before(minute_of(datetime.combine(day, time())))))


def finish_of(day: date, calendar: Calendar) -> datetime:
    """The last working moment on or before the end of ``day``."""
    return moment_of(
        calendar.finish_at(calendar.work_before(minute_of(datetime.combine(day + timedelta(1), time()))))
    )


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else moment.date()


def current_values(project: ImportedProject, item: ImportedTask) -> dict[str, Any]:
    """The editable fields of a task as an edit gives them (days for dates, notation for the
    duration and predecessors), to fill a form and to tell what an edit changes."""
    task = item.task
    calendar = _calendar(project, task)
    return {
        "name": task.name,
        "duration": format_duration(task.duration, item.duration_unit, calendar),
        "predecessors": predecessors_text(project, item.uid),
        "constraint": task.constraint,
        "constraint_date": _day(task.constraint_date),
        "percent_complete": round(task.percent_complete, 2),
        "actual_start": _day(task.actual_start),
        "actual_finish": _day(task.actual_finish),
    }


# -- the edits -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scheduled:
    """A task's start and finish as the plan is scheduled now (wall-clock), for progress entered
    without actual dates."""

    start: datetime
    finish: datetime


def _find(project: ImportedProject, uid: int) -> tuple[int, ImportedTask]:
    for index, item in enumerate(project.tasks):
        if item.uid == uid:
            if not item.active:
                raise PlanEditError("uid", INACTIVE.format(task=named(item)))
            return index, item
    raise PlanEditError("uid", NO_SUCH_TASK.format(uid=uid))


def changed_fields(
    project: ImportedProject, uid: int, changes: Mapping[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """The fields ``changes`` really changes: name -> (before, after) in the edit's terms."""
    _, item = _find(project, uid)
    before = current_values(project, item)
    found = {}
    for name, value in changes.items():
        if name not in before:
            continue
        old = before[name]
        if name == "constraint":
            value = Constraint(value)
        elif name == "percent_complete":
            value = round(float(value), 2)
        elif name in ("name", "duration", "predecessors"):
            value = (value or "").strip()
        if name == "duration" and value:
            try:
                minutes, unit = parse_duration(value, _calendar(project, item.task))
            except ValueError:
                found[name] = (old, value)
                continue
            if minutes == item.task.duration and unit == item.duration_unit:
                continue
        if name == "predecessors" and _same_predecessors(old, value):
            continue
        if old != value:
            found[name] = (old, value)
    return found


def _same_predecessors(old: str, new: str) -> bool:
    def parts(text: str) -> list[str]:
        return sorted(
            part.strip().upper().replace(" ", "") for part in re.split(r"[,;]", text) if part.strip()
        )

    return parts(old) == parts(new)


def change_task(
    project: ImportedProject, uid: int, changes: Mapping[str, Any], *, scheduled: Scheduled | None = None
) -> ImportedProject:
    """``project`` with task ``uid`` changed: ``changes`` maps fields of ``FIELDS`` to their new
    value (text in MS Project's notation for the duration and predecessors, a ``Constraint``,
    days for dates, a number for the percent complete); only fields that differ are applied."""
    index, item = _find(project, uid)
    edited = {name: after for name, (_, after) in changed_fields(project, uid, changes).items()}
    task = item.task
    calendar = _calendar(project, task)
    links = list(project.links)
    unit = item.duration_unit
    if "name" in edited:
        task = replace(task, name=_name(edited["name"], item))
    if "duration" in edited:
        if item.summary:
            raise PlanEditError("duration", SUMMARY_DURATION.format(task=named(item)))
        minutes, unit = _duration(edited["duration"], item, calendar)
        task = replace(task, duration=minutes, milestone=minutes == 0, remaining=None)
        if task.manual and task.start is not None:
            task = replace(
                task,
                finish=moment_of(calendar.finish_at(calendar.work_before(minute_of(task.start)) + minutes)),
            )
    if "predecessors" in edited:
        rows = {
            other.row if other.row is not None else other.uid: other.uid
            for other in project.tasks
            if other.active
        }
        made = parse_predecessors(edited["predecessors"], item, rows, project.calendar)
        links = [link for link in links if link.link.successor != uid] + made
    if "constraint" in edited or "constraint_date" in edited:
        task = _constrained(task, item, edited, calendar)
    task = _progress(task, item, edited, calendar, scheduled)
    tasks = list(project.tasks)
    tasks[index] = replace(item, task=task, duration_unit=unit)
    return replace(project, tasks=tasks, links=links)


def _name(name: str, item: ImportedTask) -> str:
    if len(name) > NAME_LENGTH:
        raise PlanEditError("name", NAME_TOO_LONG.format(task=named(item), limit=NAME_LENGTH))
    if NOT_XML_TEXT.search(name):
        raise PlanEditError("name", NOT_TEXT.format(task=named(item)))
    return name


def _in_range(day: date | None, item: ImportedTask, field: str) -> date | None:
    """``day`` if a plan can hold it; PlanEditError naming the task and field otherwise."""
    if day is not None and not ORIGIN_DAY <= day < LAST_DAY:
        raise PlanEditError(
            field, OUT_OF_RANGE.format(task=named(item), field=field.replace("_", " "), day=day)
        )
    return day


def _duration(text: str, item: ImportedTask, calendar: Calendar) -> tuple[int, DurationUnit]:
    if text.strip().startswith("-"):
        raise PlanEditError("duration", NEGATIVE.format(task=named(item)))
    try:
        minutes, unit = parse_duration(text, calendar)
    except ValueError:
        raise PlanEditError("duration", NOT_A_DURATION.format(task=named(item), text=text)) from None
    if minutes > MAX_DURATION:
        raise PlanEditError("duration", TOO_LONG.format(task=named(item), text=text))
    return minutes, unit


def _constrained(task: Task, item: ImportedTask, edited: Mapping[str, Any], calendar: Calendar) -> Task:
    constraint = Constraint(edited.get("constraint", task.constraint))
    day = edited["constraint_date"] if "constraint_date" in edited else _day(task.constraint_date)
    _in_range(day, item, "constraint_date")
    if constraint not in DATED:
        if "constraint_date" in edited and day is not None and "constraint" not in edited:
            raise PlanEditError(
                "constraint_date",
                NO_DATE_WANTED.format(task=named(item), constraint=CONSTRAINT_NAMES[constraint]),
            )
        return replace(task, constraint=constraint, constraint_date=None)
    if day is None:
        raise PlanEditError(
            "constraint_date", NEEDS_DATE.format(task=named(item), constraint=CONSTRAINT_NAMES[constraint])
        )
    at_start = constraint in (Constraint.SNET, Constraint.SNLT, Constraint.MSO)
    moment = start_of(day, calendar) if at_start else finish_of(day, calendar)
    return replace(task, constraint=constraint, constraint_date=moment)


def _progress(
    task: Task, item: ImportedTask, edited: Mapping[str, Any], calendar: Calendar, scheduled: Scheduled | None
) -> Task:
    touched = {"percent_complete", "actual_start", "actual_finish"} & edited.keys()
    if not touched:
        return task
    if item.summary:
        raise PlanEditError(sorted(touched)[0], SUMMARY_PROGRESS.format(task=named(item)))
    percent = float(edited.get("percent_complete", task.percent_complete))
    if not 0 <= percent <= 100:
        raise PlanEditError("percent_complete", PERCENT_RANGE.format(task=named(item)))
    start = task.actual_start
    finish = task.actual_finish
    for name in ("actual_start", "actual_finish"):
        _in_range(edited.get(name), item, name)
    if "actual_start" in edited:
        start = None if edited["actual_start"] is None else start_of(edited["actual_start"], calendar)
    if "actual_finish" in edited:
        finish = None if edited["actual_finish"] is None else finish_of(edited["actual_finish"], calendar)
        if finish is not None and "percent_complete" not in edited:
            percent = 100.0
    if "percent_complete" in edited:
        if percent == 0 and "actual_start" not in edited:
            start = finish = None
        elif percent < 100 and "actual_finish" not in edited:
            finish = None
    if finish is not None or percent == 100:
        percent = 100.0
        if start is None:
            start = scheduled.start if scheduled else None
        if finish is None:
            finish = scheduled.finish if scheduled else None
    elif percent > 0 and start is None and scheduled is not None:
        start = scheduled.start
    if start is not None and finish is not None and finish < start:
        raise PlanEditError("actual_finish", FINISH_BEFORE_START.format(task=named(item)))
    return replace(task, percent_complete=percent, actual_start=start, actual_finish=finish, remaining=None)


def move_task(project: ImportedProject, uid: int, day: date) -> ImportedProject:
    """Task ``uid`` moved to start on ``day`` (its bar dragged there): a "start no earlier than"
    constraint on that day, as MS Project sets when a bar is dragged (a manually scheduled task
    keeps its duration and moves its dates instead)."""
    index, item = _find(project, uid)
    task = item.task
    calendar = _calendar(project, task)
    begin = start_of(_in_range(day, item, "start") or day, calendar)
    if task.manual:
        work = calendar.work_before(minute_of(begin))
        finish = moment_of(calendar.finish_at(work + task.duration)) if task.duration else begin
        moved = replace(task, start=begin, finish=finish)
    else:
        moved = replace(task, constraint=Constraint.SNET, constraint_date=begin)
    tasks = list(project.tasks)
    tasks[index] = replace(item, task=moved)
    return replace(project, tasks=tasks)


def shift_task(project: ImportedProject, uid: int, start: datetime, days: int) -> ImportedProject:
    """Task ``uid``, starting at ``start`` now, moved ``days`` working days later (earlier when
    negative): ``move_task`` to that day."""
    _, item = _find(project, uid)
    calendar = _calendar(project, item.task)
    work = calendar.work_before(minute_of(start)) + days * project.calendar.minutes_per_day
    try:
        day = moment_of(calendar.start_at(max(work, 0))).date()
    except CalendarError as exc:
        raise PlanEditError("start", f"{named(item)}: {exc}") from exc
    return move_task(project, uid, day)


def add_task(
    project: ImportedProject,
    *,
    name: str,
    duration: str = "1d",
    predecessors: str = "",
    milestone: bool = False,
    after: int | None = None,
) -> tuple[ImportedProject, int]:
    """``project`` with a new task (or milestone: no duration) after task ``after`` and the
    tasks under it (at its outline level), or at the end; returns the project and its UID."""
    name = name.strip()
    if not name:
        raise PlanEditError("name", NAME_NEEDED)
    tasks = list(project.tasks)
    if after is None:
        position = len(tasks)
        anchor = tasks[-1] if tasks else None
    else:
        found = next((i for i, t in enumerate(tasks) if t.uid == after), None)
        if found is None:
            raise PlanEditError("after", NO_TASK_AFTER.format(uid=after))
        anchor = tasks[found]
        position = found + 1
        while position < len(tasks) and tasks[position].outline_level > anchor.outline_level:
            position += 1
    uid = max((t.uid for t in tasks), default=0) + 1
    level = anchor.outline_level if anchor else 1
    parent = anchor.task.parent if anchor else None
    draft = ImportedTask(
        uid=uid, task=Task(id=uid, name=name, parent=parent), row=position + 1, outline_level=level
    )
    _name(name, draft)
    calendar = project.calendar
    minutes, unit = (0, DurationUnit.DAYS) if milestone else _duration(duration or "1d", draft, calendar)
    draft = replace(
        draft, task=replace(draft.task, duration=minutes, milestone=minutes == 0), duration_unit=unit
    )
    tasks.insert(position, draft)
    project = _renumbered(replace(project, tasks=tasks))
    item = project.tasks[position]
    item = replace(item, wbs=item.outline_number)  # a new task's WBS code is its place in the outline
    project = replace(project, tasks=[*project.tasks[:position], item, *project.tasks[position + 1 :]])
    links = list(project.links)
    if predecessors.strip():
        rows = {t.row: t.uid for t in project.tasks if t.active and t.row is not None}
        links += parse_predecessors(predecessors, item, rows, calendar)
    return replace(project, links=links), uid


def delete_task(project: ImportedProject, uid: int) -> tuple[ImportedProject, list[int]]:
    """``project`` without task ``uid`` (and, for a summary, the tasks under it), their links and
    their resource assignments; returns the project and the UIDs deleted."""
    index, item = _find(project, uid)
    end = index + 1
    while end < len(project.tasks) and project.tasks[end].outline_level > item.outline_level:
        end += 1
    gone = {t.uid for t in project.tasks[index:end]}
    tasks = project.tasks[:index] + project.tasks[end:]
    links = [
        link
        for link in project.links
        if link.link.predecessor not in gone and link.link.successor not in gone
    ]
    assignments = [row for row in project.assignments if row.get("TaskUID") not in {str(g) for g in gone}]
    project = replace(project, tasks=tasks, links=links, assignments=assignments)
    return _renumbered(project), sorted(gone)


def _renumbered(project: ImportedProject) -> ImportedProject:
    """IDs as positions, outline numbers following the outline, and summary flags for the tasks
    that (still) have tasks under them: as MS Project keeps them."""
    parents = {item.task.parent for item in project.tasks}
    counters: list[int] = []
    tasks = []
    for position, item in enumerate(project.tasks, start=1):
        level = max(item.outline_level, 1)
        del counters[level:]
        counters += [0] * (level - len(counters))
        counters[level - 1] += 1
        summary = item.uid in parents
        tasks.append(
            replace(
                item,
                row=position,
                outline_number=".".join(str(n) for n in counters),
                summary=summary,
                task=replace(item.task, summary=summary),
            )
        )
    return replace(project, tasks=tasks)
