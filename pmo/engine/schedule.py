"""The critical path method with working calendars: early and late dates, float, the critical path.

A plan is tasks (with a duration in minutes of working time, or of elapsed time), links between
them (finish-to-start, start-to-start, finish-to-finish, start-to-finish, with a lag or lead in
working minutes, in elapsed minutes or as a percentage of the predecessor's duration) and
constraints (as soon or as late as possible, start or finish no earlier / no later than, must
start or finish on). ``schedule`` runs the forward and the backward pass and returns each task's
dates, total and free float and critical flag, and the project's finish.

How it counts: each task works on its calendar (its own or the plan's; an elapsed task on the
round-the-clock calendar). Every date is turned into the working minutes before it on that
calendar (``Calendar.work_before``), so a pass is integer additions and ``max``; a link between
tasks on different calendars converts through the moment itself. A start is shown where work
starts (08:00), a finish where it ends (17:00); a milestone after a task sits at that task's
finish. Float is counted in working minutes of the task's calendar.

As MS Project does: constraints take precedence over links (a start-no-later-than earlier than
the predecessors allow gives negative float, as does a deadline or a must-finish-on before the
early finish); a link to or from a summary task applies to every task under it; started tasks
ignore their predecessors; a status date moves the remaining work of unfinished tasks to start no
earlier than it; a manually scheduled task stays on its given dates; a task with resources
assigned runs from its first resource's start to its last one's finish, each working on its own
calendar. Loops are refused, naming the tasks around the loop. Large plans on one calendar are
scheduled with numpy (``schedule_at_once``), others task by task (``schedule_each``): same result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import partial
from operator import attrgetter, is_
from typing import Any, NamedTuple

import numpy as np

from pmo.engine.calendar import ELAPSED, Calendar, CalendarError, minute_of, moment_of, standard_calendar
from pmo.engine.network import find_loop

TaskId = int | str  # a plan names its tasks by number (MS Project UIDs) or by code

LOOP = "Link loop: {path}. Remove one of these links."
UNKNOWN_TASK = "Link {predecessor} -> {successor}: there is no task {missing}."
DUPLICATE_TASK = "Task {task} appears twice in the plan."
UNKNOWN_PARENT = "Task {task}: its parent {parent} is not in the plan."
MISSING_DATE = "Task {task}: {field} needs a date."
MANUAL_DATES = "Task {task} is scheduled manually but has no start and finish."
NEGATIVE_DURATION = "Task {task}: the duration cannot be negative ({minutes} minutes)."
OUT_OF_RANGE = "Task {task}: {error}"
PLAN_OUT_OF_RANGE = "The plan's start or status date: {error}"


class ScheduleError(ValueError):
    """A plan that cannot be scheduled, with a message naming the task and field at fault."""


class LinkLoopError(ScheduleError):
    """Links that go round in a loop; ``tasks`` are the tasks around it, first one repeated."""

    def __init__(self, tasks: list[TaskId]) -> None:
        self.tasks = tasks
        super().__init__(LOOP.format(path=" -> ".join(str(task) for task in tasks)))


class LinkType(StrEnum):
    FS = "FS"  # the successor starts after the predecessor finishes
    SS = "SS"
    FF = "FF"
    SF = "SF"


class Constraint(StrEnum):
    ASAP = "ASAP"  # as soon as possible
    ALAP = "ALAP"  # as late as possible
    SNET = "SNET"  # start no earlier than
    SNLT = "SNLT"  # start no later than
    FNET = "FNET"  # finish no earlier than
    FNLT = "FNLT"  # finish no later than
    MSO = "MSO"  # must start on
    MFO = "MFO"  # must finish on


DATED = {Constraint.SNET, Constraint.SNLT, Constraint.FNET, Constraint.FNLT, Constraint.MSO, Constraint.MFO}


@dataclass(frozen=True)
class Task:
    """One line of a plan. ``duration`` is in minutes (working minutes of the task's calendar, or
    elapsed minutes when ``elapsed``). A task with children (tasks naming it as ``parent``) is a
    summary: its dates roll up from them. ``remaining`` is the duration left (by default what
    ``percent_complete`` leaves). A ``manual`` task keeps ``start`` and ``finish`` as given."""

    id: TaskId
    duration: int = 0
    name: str = ""
    parent: TaskId | None = None
    milestone: bool = False
    elapsed: bool = False
    constraint: Constraint = Constraint.ASAP
    constraint_date: datetime | None = None
    deadline: datetime | None = None
    percent_complete: float = 0.0
    remaining: int | None = None
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    manual: bool = False
    start: datetime | None = None
    finish: datetime | None = None
    calendar: Calendar | None = None
    summary: bool = False
    assigned: bool = False  # resources are assigned to it (MS Project then weighs a manual task as critical)
    assignments: tuple[Assignment, ...] = ()  # when set, the work of each sets the dates


@dataclass(frozen=True)
class Assignment:
    """A resource's share of a task: ``work`` minutes at full time on the resource's ``calendar``
    (the assignment's work divided by its units). A task with assignments starts when its first
    resource can start and finishes when its last one is done (MS Project's effort-driven dates)."""

    calendar: Calendar
    work: int


@dataclass(frozen=True)
class Link:
    """``successor`` waits on ``predecessor``. ``lag`` is working minutes on the successor's
    calendar (negative: a lead), elapsed minutes when ``lag_elapsed``; ``lag_percent``, when set,
    is a percentage of the predecessor's duration instead."""

    predecessor: TaskId
    successor: TaskId
    type: LinkType = LinkType.FS
    lag: int = 0
    lag_elapsed: bool = False
    lag_percent: float | None = None


@dataclass(frozen=True)
class Plan:
    tasks: Sequence[Task]
    links: Sequence[Link] = ()
    start: datetime = field(default_factory=lambda: datetime(2026, 1, 5, 8))  # noqa: DTZ001 - wall-clock times
    calendar: Calendar = field(default_factory=standard_calendar)
    status_date: datetime | None = None
    critical_slack: int = 0  # a task with this much total float or less (minutes) is critical


class TaskDates(NamedTuple):
    """What the schedule says about one task; floats in working minutes of its calendar. (A named
    tuple rather than a dataclass: a plan of 100,000 tasks makes 100,000 of them.)"""

    start: datetime
    finish: datetime
    early_start: datetime
    early_finish: datetime
    late_start: datetime
    late_finish: datetime
    total_float: int
    free_float: int
    critical: bool


@dataclass(frozen=True)
class Schedule:
    tasks: Mapping[TaskId, TaskDates]
    start: datetime
    finish: datetime

    @property
    def critical(self) -> list[TaskId]:
        """Critical tasks in plan order."""
        if isinstance(self.tasks, DatesTable):
            return self.tasks.where(critical=True)
        return [task for task, dates in self.tasks.items() if dates.critical]

    @property
    def negative_float(self) -> list[TaskId]:
        """Tasks whose constraints or deadlines cannot be met."""
        if isinstance(self.tasks, DatesTable):
            return self.tasks.where(negative=True)
        return [task for task, dates in self.tasks.items() if dates.total_float < 0]


class DatesTable(Mapping[TaskId, TaskDates]):
    """Every task's dates kept as columns (numpy arrays: six dates in minutes from ORIGIN, the
    floats, the critical flags); a task's ``TaskDates`` is made when asked for, so a plan of
    100,000 tasks costs no 100,000 objects until someone reads them all."""

    def __init__(
        self, ids: list[TaskId], moments: Any, floats: Any, critical: Any, summaries: dict[TaskId, TaskDates]
    ) -> None:
        self._ids = ids
        self._index = {task: index for index, task in enumerate(ids)}
        self._moments, self._floats, self._critical = moments, floats, critical
        self._summaries = summaries

    def __getitem__(self, task: TaskId) -> TaskDates:
        found = self._summaries.get(task)
        if found is not None:
            return found
        index = self._index[task]
        start, finish, early_start, early_finish, late_start, late_finish = (
            moment_of(minute) for minute in self._moments[:, index].tolist()
        )
        total, free = self._floats[:, index].tolist()
        return TaskDates(
            start,
            finish,
            early_start,
            early_finish,
            late_start,
            late_finish,
            total,
            free,
            bool(self._critical[index]),
        )

    def __iter__(self) -> Iterator[TaskId]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def where(self, *, critical: bool = False, negative: bool = False) -> list[TaskId]:
        """Tasks (plan order) that are critical, or whose total float is negative."""
        chosen = self._critical if critical else self._floats[0] < 0
        return [
            task
            for index, task in enumerate(self._ids)
            if (
                task in self._summaries
                and (self._summaries[task].critical if critical else self._summaries[task].total_float < 0)
            )
            or (task not in self._summaries and chosen[index])
        ]


class _Net:
    """The plan as parallel lists over leaf tasks (indices), with links expanded past summaries."""

    def __init__(self, plan: Plan) -> None:
        tasks = list(plan.tasks)
        self.position: dict[TaskId, int] = {}
        for index, task in enumerate(tasks):
            if task.id in self.position:
                raise ScheduleError(DUPLICATE_TASK.format(task=task.id))
            self.position[task.id] = index
        children: dict[int, list[int]] = defaultdict(list)
        for index, task in enumerate(tasks):
            if task.parent is not None:
                if task.parent not in self.position:
                    raise ScheduleError(UNKNOWN_PARENT.format(task=task.id, parent=task.parent))
                children[self.position[task.parent]].append(index)
        self.tasks = tasks
        self.children = children
        self.is_summary = [bool(children.get(index)) for index in range(len(tasks))]
        self.preds: list[list[tuple[int, LinkType, int, bool]]] = [[] for _ in tasks]
        self.succs: list[list[tuple[int, LinkType, int, bool]]] = [[] for _ in tasks]
        for link in plan.links:
            self._add(link)

    def leaves(self, index: int) -> list[int]:
        if not self.is_summary[index]:
            return [index]
        found: list[int] = []
        stack = [index]
        while stack:
            node = stack.pop()
            if self.is_summary[node]:
                stack.extend(self.children[node])
            else:
                found.append(node)
        return found

    def _add(self, link: Link) -> None:
        for end in (link.predecessor, link.successor):
            if end not in self.position:
                raise ScheduleError(
                    UNKNOWN_TASK.format(predecessor=link.predecessor, successor=link.successor, missing=end)
                )
        pred_index, succ_index = self.position[link.predecessor], self.position[link.successor]
        lag = link.lag
        if link.lag_percent is not None:
            lag = round(self.tasks[pred_index].duration * link.lag_percent / 100)
        if not self.is_summary[pred_index] and not self.is_summary[succ_index]:
            if pred_index == succ_index:
                raise LinkLoopError([link.predecessor, link.predecessor])
            self.preds[succ_index].append((pred_index, link.type, lag, link.lag_elapsed))
            self.succs[pred_index].append((succ_index, link.type, lag, link.lag_elapsed))
            return
        for pred in self.leaves(pred_index):
            for succ in self.leaves(succ_index):
                if pred == succ:
                    raise LinkLoopError([self.tasks[pred].id, self.tasks[pred].id])
                self.preds[succ].append((pred, link.type, lag, link.lag_elapsed))
                self.succs[pred].append((succ, link.type, lag, link.lag_elapsed))

    def order(self) -> list[int]:
        """Leaf tasks, each after all its predecessors (Kahn's algorithm); a loop is refused."""
        leaves = [index for index in range(len(self.tasks)) if not self.is_summary[index]]
        waiting = {index: len(self.preds[index]) for index in leaves}
        ready = [index for index in leaves if not waiting[index]]
        ordered: list[int] = []
        while ready:
            index = ready.pop()
            ordered.append(index)
            for succ, *_ in self.succs[index]:
                waiting[succ] -= 1
                if not waiting[succ]:
                    ready.append(succ)
        if len(ordered) < len(leaves):
            stuck = {index for index, count in waiting.items() if count}
            edges = [(pred, succ) for succ in stuck for pred, *_ in self.preds[succ] if pred in stuck]
            loop = find_loop(edges) or sorted(stuck)
            raise LinkLoopError([self.tasks[index].id for index in loop])
        return ordered


def _convert(work: int, source: Calendar, target: Calendar, finish: bool) -> int:
    """A position in working minutes of ``source`` as working minutes of ``target``."""
    if source is target:
        return work
    minute = source.finish_at(work) if finish else source.start_at(work)
    return target.work_before(minute)


AT_ONCE_FROM = 500  # tasks: from here a plan that allows it is scheduled with numpy


def schedule(plan: Plan) -> Schedule:
    """Forward and backward pass over ``plan``: every task's dates, floats and critical flag.
    A large plan whose tasks all work on the plan's calendar is scheduled all at once (numpy,
    ``schedule_at_once``); any other, task by task (``schedule_each``). Both give the same."""
    if len(plan.tasks) >= AT_ONCE_FROM:
        try:
            found = schedule_at_once(plan)
        except CalendarError:
            found = None  # task by task, the error names the task
        if found is not None:
            return found
    return schedule_each(plan)


def schedule_each(plan: Plan) -> Schedule:
    """The forward and backward pass task by task: every feature, any calendar per task."""
    current: list[TaskId] = []
    try:
        return _schedule_each(plan, current)
    except CalendarError as exc:  # a date or duration beyond what a plan can hold
        if not current:
            raise ScheduleError(PLAN_OUT_OF_RANGE.format(error=exc)) from exc
        raise ScheduleError(OUT_OF_RANGE.format(task=current[-1], error=exc)) from exc


def _schedule_each(plan: Plan, current: list[TaskId]) -> Schedule:
    net = _Net(plan)
    order = net.order()
    tasks = net.tasks
    count = len(tasks)
    calendars = [
        ELAPSED if task.elapsed else (task.calendar or plan.calendar) for task in tasks
    ]  # each task's dates are positions in working minutes of its calendar
    durations = []
    for task in tasks:
        if task.duration < 0:
            raise ScheduleError(NEGATIVE_DURATION.format(task=task.id, minutes=task.duration))
        durations.append(task.duration)
    start_minute = minute_of(plan.start)
    status_minute = minute_of(plan.status_date) if plan.status_date else None
    es = [0] * count
    ef = [0] * count
    es_at = [0] * count  # the same, as minutes from ORIGIN
    ef_at = [0] * count
    done = [False] * count

    def at(calendar: Calendar, moment: datetime | None, task: Task, what: str) -> int:
        if moment is None:
            raise ScheduleError(MISSING_DATE.format(task=task.id, field=what))
        try:
            return calendar.work_before(minute_of(moment))
        except CalendarError as exc:
            raise ScheduleError(OUT_OF_RANGE.format(task=task.id, error=f"{what}: {exc}")) from exc

    # -- forward pass --------------------------------------------------------------------------
    start_work: dict[int, int] = {}
    for index in order:
        task = tasks[index]
        current.append(task.id)
        calendar = calendars[index]
        duration = durations[index]
        key = id(calendar)
        if key not in start_work:
            start_work[key] = calendar.work_before(start_minute)
        if task.actual_start is not None:
            begin = at(calendar, task.actual_start, task, "actual start")
            if task.actual_finish is not None:
                end = at(calendar, task.actual_finish, task, "actual finish")
                done[index] = True
            else:
                left = _remaining(task)
                resume = begin + max(duration - left, 0)
                if status_minute is not None:
                    resume = max(resume, calendar.work_before(status_minute))
                end = resume + left
            es[index], ef[index] = begin, end
            es_at[index] = minute_of(task.actual_start)
            ef_at[index] = minute_of(task.actual_finish) if task.actual_finish else calendar.finish_at(end)
            if task.assignments and task.actual_finish is None:
                ef_at[index] = max(_work_finish(item, es_at[index]) for item in task.assignments)
                ef[index] = calendar.work_before(ef_at[index])
            continue
        if task.manual:
            if task.start is None or task.finish is None:
                raise ScheduleError(MANUAL_DATES.format(task=task.id))
            es_at[index], ef_at[index] = minute_of(task.start), minute_of(task.finish)
            es[index], ef[index] = calendar.work_before(es_at[index]), calendar.work_before(ef_at[index])
            continue
        begin = start_work[key]
        after_finish = False
        if not net.preds[index] and task.constraint in (Constraint.SNET, Constraint.FNET):
            begin = -BIG  # as MS Project: with no predecessors the date holds, even before the start
        for pred, kind, lag, lag_elapsed in net.preds[index]:
            source = calendars[pred]
            if kind is LinkType.FS or kind is LinkType.FF:
                base, base_is_finish = ef[pred], True
            else:
                base, base_is_finish = es[pred], False
            if lag_elapsed:
                moment = (source.finish_at(base) if base_is_finish else source.start_at(base)) + lag
                bound = calendar.work_before(moment)
            else:
                bound = _convert(base, source, calendar, base_is_finish) + lag
            if kind is LinkType.FF or kind is LinkType.SF:
                bound -= duration
            if bound > begin or (bound == begin and kind is LinkType.FS):
                begin, after_finish = bound, kind is LinkType.FS
        constraint, when = task.constraint, task.constraint_date
        if constraint in DATED:
            fixed = at(calendar, when, task, f"the {constraint} constraint")
            if constraint is Constraint.SNET and fixed > begin:
                begin, after_finish = fixed, False
            elif constraint is Constraint.FNET and fixed - duration > begin:
                begin, after_finish = fixed - duration, False
            elif constraint is Constraint.SNLT:
                begin = min(begin, fixed)
            elif constraint is Constraint.FNLT:
                begin = min(begin, fixed - duration)
            elif constraint is Constraint.MSO:
                begin, after_finish = fixed, False
            elif constraint is Constraint.MFO:
                begin, after_finish = fixed - duration, False
        if status_minute is not None:
            begin = max(begin, calendar.work_before(status_minute))
        if task.assignments:
            moment = calendar.finish_at(begin) if after_finish else calendar.start_at(begin)
            es_at[index] = min(_work_start(item, moment) for item in task.assignments)
            ef_at[index] = max(_work_finish(item, moment) for item in task.assignments)
            es[index], ef[index] = calendar.work_before(es_at[index]), calendar.work_before(ef_at[index])
            durations[index] = ef[index] - es[index]
            continue
        es[index], ef[index] = begin, begin + duration
        if duration == 0 and after_finish:
            es_at[index] = ef_at[index] = calendar.finish_at(begin)
        else:
            es_at[index] = calendar.start_at(begin)
            ef_at[index] = calendar.finish_at(begin + duration) if duration else es_at[index]

    finish_minute = max((ef_at[index] for index in order), default=start_minute)

    # -- backward pass -------------------------------------------------------------------------
    ls = [0] * count
    lf = [0] * count
    late_at: dict[int, tuple[int, int]] = {}  # late start and finish of tasks dated by their resources
    finish_work: dict[int, int] = {}
    for index in reversed(order):
        task = tasks[index]
        current.append(task.id)
        calendar = calendars[index]
        duration = durations[index]
        if done[index]:
            ls[index], lf[index] = es[index], ef[index]
            continue
        key = id(calendar)
        if key not in finish_work:
            finish_work[key] = calendar.work_before(finish_minute)
        end = finish_work[key]
        for succ, kind, lag, lag_elapsed in net.succs[index]:
            if done[succ] or (task.manual and (kind is LinkType.SS or kind is LinkType.SF)):
                continue  # as MS Project: SS and SF links leave a manual task's late dates alone
            target = calendars[succ]
            if kind is LinkType.FS or kind is LinkType.SS:
                base, base_is_finish = ls[succ], False
            else:
                base, base_is_finish = lf[succ], True
            if lag_elapsed:
                moment = (target.finish_at(base) if base_is_finish else target.start_at(base)) - lag
                bound = calendar.work_before(moment)
            else:
                shifted = base - lag
                bound = _convert(shifted, target, calendar, base_is_finish)
            if kind is LinkType.SS or kind is LinkType.SF:
                bound += duration
            end = min(end, bound)
        constraint, when = task.constraint, task.constraint_date
        if constraint in DATED and when is not None:
            fixed = calendar.work_before(minute_of(when))
            if constraint is Constraint.MSO:
                end = fixed + duration
            elif constraint is Constraint.MFO:
                end = fixed
            elif constraint is Constraint.SNLT:
                end = min(end, fixed + duration)
            elif constraint is Constraint.FNLT:
                end = min(end, fixed)
        if task.deadline is not None:
            end = min(end, calendar.work_before(minute_of(task.deadline)))
        lf[index] = end
        ls[index] = end - (_remaining(task) if task.actual_start is not None else duration)
        if task.assignments and not task.manual and task.actual_start is None:
            moment = calendar.finish_at(end)
            late_at[index] = (
                min(_work_back(item, moment) for item in task.assignments),
                max(item.calendar.finish_at(item.calendar.work_before(moment)) for item in task.assignments),
            )
            ls[index] = calendar.work_before(late_at[index][0])

    # -- floats, dates, summaries --------------------------------------------------------------
    result: dict[TaskId, TaskDates] = {}
    leaf_dates: dict[int, TaskDates] = {}
    for index in order:
        task = tasks[index]
        current.append(task.id)
        calendar = calendars[index]
        duration = durations[index]
        if done[index]:
            total = 0
        elif task.actual_start is not None:
            total = lf[index] - ef[index]
        else:
            total = min(ls[index] - es[index], lf[index] - ef[index])
        key = id(calendar)
        if key not in finish_work:
            finish_work[key] = calendar.work_before(finish_minute)
        free = finish_work[key] - ef[index]
        for succ, kind, lag, lag_elapsed in net.succs[index]:
            target = calendars[succ]
            base_is_finish = kind is LinkType.FS or kind is LinkType.FF
            base = ef[index] if base_is_finish else es[index]
            if lag_elapsed:
                moment = (calendar.finish_at(base) if base_is_finish else calendar.start_at(base)) + lag
                bound = target.work_before(moment)
            else:
                bound = _convert(base, calendar, target, base_is_finish) + lag
            room = (es[succ] if kind is LinkType.FS or kind is LinkType.SS else ef[succ]) - bound
            free = min(free, room)
        free = max(0, min(free, total))
        if duration == 0:
            late_start_at = late_finish_at = calendar.finish_at(lf[index])
        else:
            late_start_at, late_finish_at = calendar.start_at(ls[index]), calendar.finish_at(lf[index])
        if index in late_at:
            late_start_at, late_finish_at = late_at[index]
        if done[index]:
            late_start_at, late_finish_at = es_at[index], ef_at[index]
        elif task.actual_start is not None:
            late_start_at = es_at[index]  # a started task's late start is when it started
        # MS Project leaves a manually scheduled task off the critical path unless it is linked or
        # has resources assigned (seen in every MS Project file of the conformance corpus)
        linked_or_automatic = not task.manual or task.assigned or bool(net.preds[index] or net.succs[index])
        alap = task.constraint is Constraint.ALAP and task.actual_start is None and not task.manual
        dates = TaskDates(
            start=moment_of(late_start_at if alap else es_at[index]),
            finish=moment_of(late_finish_at if alap else ef_at[index]),
            early_start=moment_of(es_at[index]),
            early_finish=moment_of(ef_at[index]),
            late_start=moment_of(late_start_at),
            late_finish=moment_of(late_finish_at),
            total_float=total,
            free_float=free,
            critical=total <= plan.critical_slack and not done[index] and linked_or_automatic,
        )
        leaf_dates[index] = dates
    for index, task in enumerate(tasks):
        if net.is_summary[index]:
            result[task.id] = _roll_up(
                [leaf_dates[leaf] for leaf in net.leaves(index)], task.calendar or plan.calendar, plan
            )
        else:
            result[task.id] = leaf_dates[index]
    return Schedule(tasks=result, start=plan.start, finish=moment_of(finish_minute))


BIG = 1 << 60  # beyond any working position


def schedule_at_once(plan: Plan) -> Schedule | None:
    """The same passes with numpy, level by level of the network (every task of a level has all
    its predecessors in earlier levels), for plans whose tasks all work on the plan's calendar:
    no own or elapsed calendars, resources, manual tasks, progress, elapsed lags or links to
    summaries. None for any other plan (and for one with errors: ``schedule_each`` names them)."""
    calendar = plan.calendar
    tasks = list(plan.tasks)
    count = len(tasks)
    if not tasks:
        return None
    ids, parent_ids, durations, calendars, constraints, constraint_dates = (
        _column(tasks, name)
        for name in ("id", "parent", "duration", "calendar", "constraint", "constraint_date")
    )
    elapsed_tasks, manual, assignments, actual_starts, actual_finishes = (
        _column(tasks, name) for name in ("elapsed", "manual", "assignments", "actual_start", "actual_finish")
    )
    position = dict(zip(ids, range(count), strict=True))
    parents = set(parent_ids) - {None}
    kind_of = np.array(list(map(CONSTRAINT_CODES.__getitem__, constraints)), dtype=np.int64)
    undated = np.array(list(map(NONE_IS, constraint_dates)), dtype=bool)
    if (
        len(position) < count
        or not parents <= position.keys()
        or any(elapsed_tasks)
        or any(manual)
        or any(assignments)
        or actual_starts.count(None) < count
        or actual_finishes.count(None) < count
        or not set(map(id, calendars)) <= {id(None), id(calendar)}
        or min(durations) < 0
        or bool((undated & (kind_of >= CONSTRAINT_CODES[Constraint.SNET])).any())
    ):
        return None
    links = list(plan.links)
    heads, tails, kinds, lags, percents, elapsed = (
        _column(links, name)
        for name in ("predecessor", "successor", "type", "lag", "lag_percent", "lag_elapsed")
    )
    if any(elapsed):
        return None
    try:
        pred = np.array(list(map(position.__getitem__, heads)), dtype=np.int64)
        succ = np.array(list(map(position.__getitem__, tails)), dtype=np.int64)
    except KeyError:
        return None
    summary = np.zeros(count, dtype=bool)
    summary[[position[parent] for parent in parents]] = True
    if summary[pred].any() or summary[succ].any() or (pred == succ).any():
        return None
    duration = np.array(durations, dtype=np.int64)
    lag = np.array(lags, dtype=np.int64)
    for index, percent in enumerate(percents):
        if percent is not None:
            lag[index] = round(durations[position[heads[index]]] * percent / 100)
    kind_code = np.array(list(map(LINK_CODES.__getitem__, kinds)), dtype=np.int64)
    from_finish = (kind_code == 0) | (kind_code == 2)  # FS, FF
    to_finish = (kind_code == 2) | (kind_code == 3)  # FF, SF
    finish_to_start = kind_code == 0

    # levels: Kahn's algorithm a frontier at a time
    waiting = np.bincount(succ, minlength=count)
    outgoing = np.argsort(pred, kind="stable")
    out_from = np.searchsorted(pred[outgoing], np.arange(count + 1))
    level = np.full(count, -1, dtype=np.int64)
    frontier = np.flatnonzero(waiting == 0)
    depth = 0
    while frontier.size:
        level[frontier] = depth
        depth += 1
        firsts, sizes = out_from[frontier], out_from[frontier + 1] - out_from[frontier]
        total = int(sizes.sum())
        if not total:
            break
        picks = np.repeat(firsts - np.cumsum(sizes) + sizes, sizes) + np.arange(total)
        targets = succ[outgoing[picks]]
        waiting -= np.bincount(targets, minlength=count)
        candidates = np.unique(targets)
        frontier = candidates[waiting[candidates] == 0]
    if (level < 0).any():
        return None  # a loop: schedule_each names it
    by_level = np.argsort(level, kind="stable")
    level_from = np.searchsorted(level[by_level], np.arange(depth + 1))
    into = np.argsort(level[succ], kind="stable")
    into_from = np.searchsorted(level[succ][into], np.arange(depth + 1))
    out_of = np.argsort(level[pred], kind="stable")
    out_of_from = np.searchsorted(level[pred][out_of], np.arange(depth + 1))

    # constraints as clamps, in working minutes of the plan's calendar
    dated = [index for index, task in enumerate(tasks) if task.constraint in DATED]
    fixed_at = np.zeros(count, dtype=np.int64)
    if dated:
        moments = np.array([minute_of(tasks[index].constraint_date) for index in dated], dtype=np.int64)  # type: ignore[arg-type]
        fixed_at[dated] = calendar.work_before_many(moments)
    snet, snlt, fnet, fnlt, mso, mfo = (kind_of == CONSTRAINT_CODES[c] for c in DATED_ORDER)
    low = np.full(count, -BIG, dtype=np.int64)
    high = np.full(count, BIG, dtype=np.int64)
    low[snet], low[fnet] = fixed_at[snet], (fixed_at - duration)[fnet]
    high[snlt], high[fnlt] = fixed_at[snlt], (fixed_at - duration)[fnlt]
    must = mso | mfo
    must_at = np.where(mso, fixed_at, fixed_at - duration)
    deadline = np.full(count, BIG, dtype=np.int64)
    with_deadline = [index for index, task in enumerate(tasks) if task.deadline is not None]
    if with_deadline:
        moments = np.array([minute_of(tasks[index].deadline) for index in with_deadline], dtype=np.int64)  # type: ignore[arg-type]
        deadline[with_deadline] = calendar.work_before_many(moments)
    start_work = calendar.work_before(minute_of(plan.start))
    status_work = calendar.work_before(minute_of(plan.status_date)) if plan.status_date else -BIG

    # forward pass
    es = np.full(count, start_work, dtype=np.int64)
    es[(np.bincount(succ, minlength=count) == 0) & (snet | fnet)] = -BIG  # the date holds, as MS Project
    ef = es + duration
    best_finish_to_start = np.full(count, -BIG, dtype=np.int64)
    after_finish = np.zeros(count, dtype=bool)
    for step in range(depth):
        edges = into[into_from[step] : into_from[step + 1]]
        if edges.size:
            p, q = pred[edges], succ[edges]
            bound = (
                np.where(from_finish[edges], ef[p], es[p])
                + lag[edges]
                - np.where(to_finish[edges], duration[q], 0)
            )
            np.maximum.at(es, q, bound)
            fs = finish_to_start[edges]
            np.maximum.at(best_finish_to_start, q[fs], bound[fs])
        nodes = by_level[level_from[step] : level_from[step + 1]]
        begin = es[nodes]
        after = best_finish_to_start[nodes] == begin
        raised = low[nodes] > begin
        after &= ~raised
        begin = np.minimum(np.maximum(begin, low[nodes]), high[nodes])
        fixed = must[nodes]
        begin = np.where(fixed, must_at[nodes], begin)
        after &= ~fixed
        begin = np.maximum(begin, status_work)
        es[nodes], ef[nodes], after_finish[nodes] = begin, begin + duration[nodes], after
    leaves = ~summary
    milestone_after = (duration == 0) & after_finish
    starts_at = calendar.start_at_many(es)
    early_start_at = np.where(milestone_after, calendar.finish_at_many(es), starts_at)
    early_finish_at = np.where(duration > 0, calendar.finish_at_many(ef), early_start_at)
    finish_minute = int(early_finish_at[leaves].max()) if leaves.any() else minute_of(plan.start)
    finish_work = calendar.work_before(finish_minute)

    # backward pass
    lf = np.full(count, finish_work, dtype=np.int64)
    ls = lf - duration
    for step in range(depth - 1, -1, -1):
        edges = out_of[out_of_from[step] : out_of_from[step + 1]]
        if edges.size:
            p, q = pred[edges], succ[edges]
            bound = np.where(to_finish[edges], lf[q], ls[q]) - lag[edges]
            bound += np.where(from_finish[edges], 0, duration[p])
            np.minimum.at(lf, p, bound)
        nodes = by_level[level_from[step] : level_from[step + 1]]
        end = lf[nodes]
        end = np.where(mso[nodes], fixed_at[nodes] + duration[nodes], end)
        end = np.where(mfo[nodes], fixed_at[nodes], end)
        end = np.where(snlt[nodes], np.minimum(end, fixed_at[nodes] + duration[nodes]), end)
        end = np.where(fnlt[nodes], np.minimum(end, fixed_at[nodes]), end)
        end = np.minimum(end, deadline[nodes])
        lf[nodes], ls[nodes] = end, end - duration[nodes]

    # floats, dates
    total = np.minimum(ls - es, lf - ef)
    free = finish_work - ef
    if pred.size:
        bound = np.where(from_finish, ef[pred], es[pred]) + lag
        room = np.where(to_finish, ef[succ], es[succ]) - bound
        np.minimum.at(free, pred, room)
    free = np.maximum(0, np.minimum(free, total))
    late_finish_at = calendar.finish_at_many(lf)
    late_start_at = np.where(duration == 0, late_finish_at, calendar.start_at_many(ls))
    alap = kind_of == CONSTRAINT_CODES[Constraint.ALAP]
    minutes = np.concatenate(
        [
            np.where(alap, late_start_at, early_start_at),
            np.where(alap, late_finish_at, early_finish_at),
            early_start_at,
            early_finish_at,
            late_start_at,
            late_finish_at,
        ]
    )
    table_moments = minutes.reshape(6, count)
    table_floats = np.stack([total, free])
    critical = total <= plan.critical_slack
    summaries: dict[TaskId, TaskDates] = {}
    if parents:
        leaf_table = DatesTable(list(range(count)), table_moments, table_floats, critical, {})
        children: dict[int, list[int]] = defaultdict(list)
        for index, task in enumerate(tasks):
            if task.parent is not None:
                children[position[task.parent]].append(index)
        for index in np.flatnonzero(summary).tolist():
            stack, found = [index], []
            while stack:
                node = stack.pop()
                if summary[node]:
                    stack.extend(children[node])
                else:
                    found.append(leaf_table[node])
            summaries[tasks[index].id] = _roll_up(found, tasks[index].calendar or calendar, plan)
    result = DatesTable(ids, table_moments, table_floats, critical, summaries)
    return Schedule(tasks=result, start=plan.start, finish=moment_of(finish_minute))


def _column(rows: list[Any], name: str) -> list[Any]:
    """One attribute of every row (tasks or links), in order."""
    return list(map(attrgetter(name), rows))


CONSTRAINT_CODES = {constraint: code for code, constraint in enumerate(Constraint)}
NONE_IS = partial(is_, None)  # x -> x is None, as a C function for map()
LINK_CODES = {LinkType.FS: 0, LinkType.SS: 1, LinkType.FF: 2, LinkType.SF: 3}
DATED_ORDER = (
    Constraint.SNET,
    Constraint.SNLT,
    Constraint.FNET,
    Constraint.FNLT,
    Constraint.MSO,
    Constraint.MFO,
)


def _work_start(item: Assignment, moment: int) -> int:
    """When the resource can start at or after ``moment`` (minutes from ORIGIN)."""
    return item.calendar.start_at(item.calendar.work_before(moment))


def _work_finish(item: Assignment, moment: int) -> int:
    """When the resource, starting at ``moment``, has done its work."""
    begin = item.calendar.work_before(moment)
    return item.calendar.finish_at(begin + item.work) if item.work else item.calendar.start_at(begin)


def _work_back(item: Assignment, moment: int) -> int:
    """When the resource must start to have done its work by ``moment``."""
    return item.calendar.start_at(item.calendar.work_before(moment) - item.work)


def _remaining(task: Task) -> int:
    if task.remaining is not None:
        return task.remaining
    return round(task.duration * (1 - task.percent_complete / 100))


def _roll_up(children: Iterable[TaskDates], calendar: Calendar, plan: Plan) -> TaskDates:
    """A summary spans its tasks: earliest start to latest finish, early and late alike."""
    rows = list(children)
    early_start = min(row.early_start for row in rows)
    early_finish = max(row.early_finish for row in rows)
    late_start = min(row.late_start for row in rows)
    late_finish = max(row.late_finish for row in rows)
    total = min(
        calendar.working_minutes(early_start, late_start), calendar.working_minutes(early_finish, late_finish)
    )
    return TaskDates(
        start=min(row.start for row in rows),
        finish=max(row.finish for row in rows),
        early_start=early_start,
        early_finish=early_finish,
        late_start=late_start,
        late_finish=late_finish,
        total_float=total,
        free_float=max(0, total),  # as MS Project: a summary's free slack is its total slack
        critical=any(row.critical for row in rows),
    )
