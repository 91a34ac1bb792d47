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
earlier than it; a manually scheduled task stays on its given dates. Loops are refused, naming
the tasks around the loop.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pmo.engine.calendar import ELAPSED, Calendar, minute_of, moment_of, standard_calendar
from pmo.engine.network import find_loop

TaskId = Hashable

LOOP = "Link loop: {path}. Remove one of these links."
UNKNOWN_TASK = "Link {predecessor} -> {successor}: there is no task {missing}."
DUPLICATE_TASK = "Task {task} appears twice in the plan."
UNKNOWN_PARENT = "Task {task}: its parent {parent} is not in the plan."
MISSING_DATE = "Task {task}: {field} needs a date."
MANUAL_DATES = "Task {task} is scheduled manually but has no start and finish."
NEGATIVE_DURATION = "Task {task}: the duration cannot be negative ({minutes} minutes)."


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


@dataclass(frozen=True)
class TaskDates:
    """What the schedule says about one task; floats in working minutes of its calendar."""

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
        return [task for task, dates in self.tasks.items() if dates.critical]

    @property
    def negative_float(self) -> list[TaskId]:
        """Tasks whose constraints or deadlines cannot be met."""
        return [task for task, dates in self.tasks.items() if dates.total_float < 0]


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


def schedule(plan: Plan) -> Schedule:
    """Forward and backward pass over ``plan``: every task's dates, floats and critical flag."""
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
        return calendar.work_before(minute_of(moment))

    # -- forward pass --------------------------------------------------------------------------
    start_work: dict[int, int] = {}
    for index in order:
        task = tasks[index]
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
            begin = -(10**12)  # as MS Project: with no predecessors the date holds, even before the start
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
        calendar = calendars[index]
        duration = durations[index]
        if done[index]:
            total = 0
        elif task.actual_start is not None:
            total = lf[index] - ef[index]
        else:
            total = min(ls[index] - es[index], lf[index] - ef[index])
        free = finish_work.get(id(calendar), calendar.work_before(finish_minute)) - ef[index]
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
            late_start_at = late_finish_at = calendar.finish_at(lf[index]) if lf[index] else 0
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
