"""Monte Carlo schedule risk: how likely a plan is to finish by a date, and which tasks drive it.

Each task may carry a three-point estimate (minimum, most likely and maximum duration in minutes of
the task's own time, as ``Task.duration``) with a triangular or a PERT (beta) distribution; tasks
without one keep their duration. Risk events (a probability and a schedule impact, fixed or three
point) add their impact to the tasks they name in the iterations where they occur.
``analyse_schedule_risk`` draws every duration for every iteration at once (a tasks x iterations
matrix of uniforms, turned into durations by each distribution's inverse CDF) and runs the
schedule engine's forward and backward pass for all iterations together, one numpy vector per task
in the network's order: link types, lags (working, elapsed, percentage of the predecessor's
sampled duration), calendars per task, constraints, progress from the status date and summaries as
``pmo.engine.schedule`` does. Finish minutes become dates only for what is reported.

What it reports (``ScheduleRiskAnalysis``): the P10/P50/P80/P90 finish of the project and of each
key task (the plan's milestones unless others are named), the chance of finishing by a date (the
target, such as the baseline finish, or any date through ``chance_by``), each task's criticality
index (the share of iterations in which it is critical by the engine's own rule: total float at
most the plan's critical slack), a sensitivity ranking (Spearman's rank correlation of each
uncertain task's duration with the project finish: the tornado chart), and the finish's histogram
and S-curve.

Same seed, same result. The uniforms are drawn for every task in plan order and before those of the
risks, so giving one task an estimate, or adding a risk, leaves every other task's draws as they
were; with a triangular estimate, a wider maximum gives each iteration a duration at least as long,
so on finish-to-start and start-to-start links no percentile moves earlier (a PERT distribution
with the same most likely puts more weight near the minimum as the maximum widens, so its low
percentiles can move earlier). When every estimate's three points are equal, every iteration is
the deterministic schedule. Durations are independent of each other: a common cause is a risk
event on the tasks it delays.

Simplified compared with ``pmo.engine.schedule`` (``approximated`` names the tasks concerned):
a task dated by its resources' calendars (assignments) keeps the span on its own calendar that the
deterministic schedule gives it, stretched in proportion to the sampled duration, and its late
dates are those of its own calendar; as-late-as-possible tasks and key tasks are reported at their
early finish. Constraints act as in the engine: a start or finish no earlier than (and must start
or finish on) is a floor; a no-later-than or must date holds against its predecessors, so slippage
ahead of it does not pass through (as MS Project schedules it); finished tasks keep their actual
dates; started tasks keep their actual start and sample only their remaining share; manually
scheduled tasks keep their dates; a longer task tied by its finish (an FF or SF link, a finish
constraint) starts earlier and can pull its start-to-start successors forward, as in the engine.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import numpy as np

from pmo.engine.calendar import ELAPSED, MINUTES_PER_CALENDAR_DAY, ORIGIN, Calendar, minute_of, moment_of
from pmo.engine.schedule import DATED, Constraint, LinkType, Plan, Schedule, Task, TaskId, schedule
from pmo.engine.schedule import _remaining as remaining_of

ITERATIONS = 10_000
BINS = 40  # at most this many bars in the histogram (each a whole number of days)
PERCENTILES = (0.10, 0.50, 0.80, 0.90)
PERT_WEIGHT = 4.0  # the most likely value's weight in a PERT distribution (mean (min + 4 ml + max) / 6)
PERT_CELLS = 4096  # the PERT quantile table's steps of probability
CHUNK_CELLS = 4_000_000  # iterations x tasks worked on at once (memory: a few arrays of this many)
BIG = 1 << 60

BAD_ESTIMATE = (
    "Task {task}: an estimate needs 0 <= minimum <= most likely <= maximum (got {minimum}, {likely}, "
    "{maximum} minutes)."
)
BAD_IMPACT = (
    "Risk {risk}: its impact needs minimum <= most likely <= maximum (got {minimum}, {likely}, {maximum})."
)
NO_SUCH_TASK = "{what}: there is no task {task} in the plan."
SUMMARY_ESTIMATE = "Task {task} is a summary: estimate the tasks under it."
BAD_PROBABILITY = "Risk {risk}: the probability must be from 0 to 1 (got {probability})."
NO_TASKS = "Risk {risk} names no task to delay."
BAD_ITERATIONS = "The number of iterations must be at least 1 (got {iterations})."
EMPTY_PLAN = "The plan has no tasks to simulate."


class ScheduleRiskError(ValueError):
    """Estimates, risks or settings that cannot be simulated, with a message naming what is wrong."""


class Distribution(StrEnum):
    TRIANGULAR = "triangular"
    PERT = "pert"  # a beta distribution with the most likely value weighted 4 (PERT_WEIGHT)


@dataclass(frozen=True)
class Estimate:
    """Three points in minutes (working minutes of the task's calendar, elapsed minutes for an
    elapsed task): the shortest, the most likely and the longest the work could take."""

    minimum: int
    likely: int
    maximum: int
    distribution: Distribution = Distribution.TRIANGULAR


@dataclass(frozen=True)
class RiskEvent:
    """A risk that, with ``probability`` (0 to 1) in any iteration, adds ``impact`` minutes (fixed,
    or drawn from a three-point estimate: negative for an opportunity) to each of ``tasks``."""

    name: str
    probability: float
    impact: Estimate | int
    tasks: tuple[TaskId, ...]


@dataclass(frozen=True)
class Forecast:
    """When something finishes: the date by which 10, 50, 80 and 90% of iterations have it done,
    and the deterministic schedule's date."""

    p10: datetime
    p50: datetime
    p80: datetime
    p90: datetime
    deterministic: datetime
    target: datetime | None = None
    target_chance: float | None = None  # share of iterations done by ``target`` (None: no target)


@dataclass(frozen=True)
class HistogramBin:
    start: datetime  # midnight
    end: datetime  # midnight after the bin's last day
    count: int


@dataclass(frozen=True)
class ScheduleRiskAnalysis:
    iterations: int
    seed: int | None  # None when a generator was given
    finish: Forecast
    key_tasks: Mapping[TaskId, Forecast]
    criticality: Mapping[TaskId, float]  # every task, summaries too: share of iterations critical
    sensitivity: tuple[tuple[TaskId, float], ...]  # uncertain tasks, strongest correlation first
    histogram: tuple[HistogramBin, ...]
    s_curve: tuple[tuple[datetime, float], ...]  # (end of a bin, share of iterations finished by then)
    target: datetime | None
    target_chance: float | None  # share of iterations finishing by the target
    approximated: tuple[TaskId, ...]  # tasks dated approximately (see the module's notes)
    finishes: Any = field(repr=False, compare=False)  # every iteration's finish, minutes from ORIGIN, sorted

    def chance_by(self, moment: datetime) -> float:
        """The share of iterations in which the project has finished by ``moment``."""
        found = np.searchsorted(self.finishes, minute_of(moment), side="right")
        return float(found) / self.iterations


# -- sampling -----------------------------------------------------------------------------------


@functools.cache
def _pert_quantiles(mode: float) -> Any:
    """The standard PERT (beta) distribution's quantiles at 0, 1/PERT_CELLS, ..., 1 for a most
    likely value at ``mode`` (0 to 1 of the range), from its CDF on a grid four times finer."""
    x = np.linspace(0.0, 1.0, 4 * PERT_CELLS + 1)
    alpha = 1 + PERT_WEIGHT * mode
    beta = 1 + PERT_WEIGHT * (1 - mode)
    inner = x[1:-1]
    density = np.empty_like(x)
    density[1:-1] = np.exp((alpha - 1) * np.log(inner) + (beta - 1) * np.log1p(-inner))
    density[0] = 1.0 if alpha == 1 else 0.0
    density[-1] = 1.0 if beta == 1 else 0.0
    cdf = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2)])
    return np.interp(np.linspace(0.0, 1.0, PERT_CELLS + 1), cdf / cdf[-1], x)


def _inverse(estimate: Estimate, uniforms: Any) -> Any:
    """Durations (float minutes) at the given quantiles of ``estimate``'s distribution: the same
    uniform always gives the same duration, a higher one a longer duration, and for a triangular
    estimate a wider maximum a duration at least as long. PERT reads its quantile table linearly
    between cells (each sample within the right 1/PERT_CELLS of probability)."""
    low, mode, high = float(estimate.minimum), float(estimate.likely), float(estimate.maximum)
    width = high - low
    if width <= 0:
        return np.full(uniforms.shape, low)
    if estimate.distribution is Distribution.PERT:
        table = low + width * _pert_quantiles(round((mode - low) / width, 9))
        position = uniforms * PERT_CELLS
        cell = np.minimum(position.astype(np.int64), PERT_CELLS - 1)
        below = table[cell]
        return below + (position - cell) * (table[cell + 1] - below)
    split = (mode - low) / width
    rising = low + np.sqrt(uniforms * width * (mode - low))
    falling = high - np.sqrt((1 - uniforms) * width * (high - mode))
    return np.where(uniforms < split, rising, falling)


# -- the network, as the schedule engine sees it -------------------------------------------------

FINISHED, STARTED, MANUAL, AUTOMATIC = range(4)


class _Edge:
    __slots__ = ("elapsed", "kind", "lag", "other", "percent_of")

    def __init__(
        self, other: int, kind: LinkType, lag: int, elapsed: bool, percent_of: tuple[int, float] | None
    ):
        self.other, self.kind, self.lag, self.elapsed, self.percent_of = other, kind, lag, elapsed, percent_of


def _lag(edge: _Edge, durations: list[Any]) -> Any:
    """The edge's lag; a percentage of its predecessor's (sampled) duration when so given."""
    if edge.percent_of is None:
        return edge.lag
    task, percent = edge.percent_of
    base = durations[task]
    if isinstance(base, np.ndarray):
        return np.rint(base * percent / 100).astype(np.int64)
    return round(base * percent / 100)


def _convert(work: Any, source: Calendar, target: Calendar, finish: bool) -> Any:
    """Positions in working minutes of ``source`` as working minutes of ``target`` (many at once)."""
    if source is target:
        return work
    moment = source.finish_at_many(work) if finish else source.start_at_many(work)
    return target.work_before_many(moment)


def _at(calendar: Calendar, moment: datetime) -> np.int64:
    return np.int64(calendar.work_before(minute_of(moment)))


class _Model:
    """The plan's leaf tasks and links (expanded past summaries), with what each task samples."""

    def __init__(
        self,
        plan: Plan,
        deterministic: Schedule,
        estimates: Mapping[TaskId, Estimate],
        risks: Sequence[RiskEvent],
    ) -> None:
        tasks = list(plan.tasks)
        self.plan, self.tasks = plan, tasks
        self.position = {task.id: index for index, task in enumerate(tasks)}
        self.children: dict[int, list[int]] = defaultdict(list)
        for index, task in enumerate(tasks):
            if task.parent is not None:
                self.children[self.position[task.parent]].append(index)
        self.is_summary = [bool(self.children.get(index)) for index in range(len(tasks))]
        self.leaves = [index for index in range(len(tasks)) if not self.is_summary[index]]
        if not self.leaves:
            raise ScheduleRiskError(EMPTY_PLAN)
        self.row = {index: row for row, index in enumerate(self.leaves)}  # a leaf's row of uniforms
        self.calendar = [ELAPSED if task.elapsed else (task.calendar or plan.calendar) for task in tasks]
        self.fixed_duration = [task.duration for task in tasks]
        self.preds: list[list[_Edge]] = [[] for _ in tasks]
        self.succs: list[list[_Edge]] = [[] for _ in tasks]
        for link in plan.links:
            head, tail = self.position[link.predecessor], self.position[link.successor]
            percent = None if link.lag_percent is None else (head, link.lag_percent)
            for pred in self.leaves_of(head):
                for succ in self.leaves_of(tail):
                    self.preds[succ].append(_Edge(pred, link.type, link.lag, link.lag_elapsed, percent))
                    self.succs[pred].append(_Edge(succ, link.type, link.lag, link.lag_elapsed, percent))
        self.order = self._order()
        self.kind = [self._kind(task) for task in tasks]
        self.approximated = tuple(
            task.id
            for index, task in enumerate(tasks)
            if not self.is_summary[index] and task.assignments and self.kind[index] != FINISHED
        )
        # each task's duration in iterations without a sample: its own, or for a task dated by its
        # resources the span they give it; and what a started task has left
        self.base = list(self.fixed_duration)
        self.left = [remaining_of(task) for task in tasks]
        for index, task in enumerate(tasks):
            if task.assignments and self.kind[index] == AUTOMATIC:
                dates = deterministic.tasks[task.id]
                calendar = self.calendar[index]
                self.base[index] = int(_at(calendar, dates.early_finish) - _at(calendar, dates.early_start))
        self.estimates = self._check_estimates(estimates)
        self.risks = self._check_risks(risks)

    def leaves_of(self, index: int) -> list[int]:
        if not self.is_summary[index]:
            return [index]
        found, stack = [], [index]
        while stack:
            node = stack.pop()
            if self.is_summary[node]:
                stack.extend(self.children[node])
            else:
                found.append(node)
        return found

    def _order(self) -> list[int]:
        """Leaves after their predecessors (the deterministic schedule has refused any loop)."""
        waiting = {index: len(self.preds[index]) for index in self.leaves}
        ready = [index for index in self.leaves if not waiting[index]]
        ordered = []
        while ready:
            index = ready.pop()
            ordered.append(index)
            for edge in self.succs[index]:
                waiting[edge.other] -= 1
                if not waiting[edge.other]:
                    ready.append(edge.other)
        return ordered

    @staticmethod
    def _kind(task: Task) -> int:
        if task.actual_start is not None:
            return FINISHED if task.actual_finish is not None else STARTED
        return MANUAL if task.manual else AUTOMATIC

    def _check_estimates(self, estimates: Mapping[TaskId, Estimate]) -> dict[int, Estimate]:
        checked = {}
        for task, estimate in estimates.items():
            if task not in self.position:
                raise ScheduleRiskError(NO_SUCH_TASK.format(what="Estimate", task=task))
            index = self.position[task]
            if self.is_summary[index]:
                raise ScheduleRiskError(SUMMARY_ESTIMATE.format(task=task))
            if not 0 <= estimate.minimum <= estimate.likely <= estimate.maximum:
                raise ScheduleRiskError(
                    BAD_ESTIMATE.format(
                        task=task, minimum=estimate.minimum, likely=estimate.likely, maximum=estimate.maximum
                    )
                )
            if self.kind[index] in (STARTED, AUTOMATIC):
                checked[index] = estimate
        return checked

    def _check_risks(self, risks: Sequence[RiskEvent]) -> list[tuple[int, RiskEvent, list[int]]]:
        checked = []
        for number, risk in enumerate(risks):
            if not 0 <= risk.probability <= 1:
                raise ScheduleRiskError(BAD_PROBABILITY.format(risk=risk.name, probability=risk.probability))
            if not risk.tasks:
                raise ScheduleRiskError(NO_TASKS.format(risk=risk.name))
            impact = risk.impact
            if isinstance(impact, Estimate) and not impact.minimum <= impact.likely <= impact.maximum:
                raise ScheduleRiskError(
                    BAD_IMPACT.format(
                        risk=risk.name, minimum=impact.minimum, likely=impact.likely, maximum=impact.maximum
                    )
                )
            targets: list[int] = []
            for task in risk.tasks:
                if task not in self.position:
                    raise ScheduleRiskError(NO_SUCH_TASK.format(what=f"Risk {risk.name}", task=task))
                targets.extend(
                    leaf
                    for leaf in self.leaves_of(self.position[task])
                    if self.kind[leaf] in (STARTED, AUTOMATIC)
                )
            checked.append((number, risk, targets))
        return checked

    def uncertain(self) -> set[int]:
        """Tasks whose duration varies between iterations."""
        varying = {
            index
            for index, estimate in self.estimates.items()
            if estimate.maximum > estimate.minimum and (self.kind[index] == AUTOMATIC or self.left[index] > 0)
        }
        for _, risk, targets in self.risks:
            if risk.probability > 0 and risk.impact != 0:
                varying.update(targets)
        return varying


# -- the passes, for a slice of iterations ---------------------------------------------------------


class _Run:
    """One slice of iterations through the forward and backward pass."""

    def __init__(self, model: _Model, uniforms: Any, risk_draws: Any) -> None:
        self.model = model
        self.count = uniforms.shape[1]
        self.durations, self.left = self._sample(uniforms, risk_draws)

    def _sample(self, uniforms: Any, risk_draws: Any) -> tuple[list[Any], list[Any]]:
        """Each task's duration and (started tasks) remaining duration in this slice: arrays for
        tasks that vary, plain numbers for the others."""
        model = self.model
        durations: list[Any] = list(model.base)
        left: list[Any] = list(model.left)
        for index, estimate in model.estimates.items():
            drawn = _inverse(estimate, uniforms[model.row[index]].astype(np.float64))
            durations[index], left[index] = self._scaled(index, drawn)
        for number, risk, targets in model.risks:
            occurs = risk_draws[2 * number] < risk.probability
            if isinstance(risk.impact, Estimate):
                impact = np.rint(_inverse(risk.impact, risk_draws[2 * number + 1])).astype(np.int64)
            else:
                impact = np.int64(risk.impact)
            added = np.where(occurs, impact, 0)
            for index in targets:
                if model.kind[index] == STARTED:
                    grown = np.maximum(left[index] + added, 0)
                    durations[index] = durations[index] + (grown - left[index])
                    left[index] = grown
                else:
                    durations[index] = np.maximum(durations[index] + added, 0)
        return durations, left

    def _scaled(self, index: int, drawn: Any) -> tuple[Any, Any]:
        model = self.model
        duration, base = model.fixed_duration[index], model.base[index]
        if model.kind[index] == STARTED:
            before = model.left[index]
            share = before / duration if duration else 1.0
            left = np.rint(drawn * share).astype(np.int64)
            return duration + (left - before), left
        if base != duration and duration:
            drawn = drawn * (base / duration)
        return np.rint(drawn).astype(np.int64), model.left[index]

    def forward(self) -> None:
        model, plan = self.model, self.model.plan
        tasks = model.tasks
        self.es: list[Any] = [None] * len(tasks)
        self.ef: list[Any] = [None] * len(tasks)
        self.odd: list[Any] = [False] * len(tasks)  # a zero-length task shown at the next start
        start_minute = minute_of(plan.start)
        status_minute = minute_of(plan.status_date) if plan.status_date else None
        starts: dict[int, np.int64] = {}
        for index in model.order:
            task, calendar, kind = tasks[index], model.calendar[index], model.kind[index]
            duration = self.durations[index]
            if kind == FINISHED:
                self.es[index] = _at(calendar, task.actual_start)  # type: ignore[arg-type]
                self.ef[index] = _at(calendar, task.actual_finish)  # type: ignore[arg-type]
                continue
            if kind == STARTED:
                begin = _at(calendar, task.actual_start)  # type: ignore[arg-type]
                resume = int(begin) + max(model.fixed_duration[index] - model.left[index], 0)
                if status_minute is not None:
                    resume = max(resume, calendar.work_before(status_minute))
                self.es[index], self.ef[index] = begin, np.int64(resume) + self.left[index]
                continue
            if kind == MANUAL:
                self.es[index] = _at(calendar, task.start)  # type: ignore[arg-type]
                self.ef[index] = _at(calendar, task.finish)  # type: ignore[arg-type]
                continue
            key = id(calendar)
            if key not in starts:
                starts[key] = np.int64(calendar.work_before(start_minute))
            begin = starts[key]
            if not model.preds[index] and task.constraint in (Constraint.SNET, Constraint.FNET):
                begin = np.int64(-BIG)  # as the engine: with no predecessors the date holds
            after_fs: Any = np.int64(-BIG)
            for edge in model.preds[index]:
                source, kind_of = model.calendar[edge.other], edge.kind
                from_finish = kind_of is LinkType.FS or kind_of is LinkType.FF
                base = self.ef[edge.other] if from_finish else self.es[edge.other]
                lag = _lag(edge, self.durations)
                if edge.elapsed:
                    moment = (
                        source.finish_at_many(base) if from_finish else source.start_at_many(base)
                    ) + lag
                    bound = calendar.work_before_many(moment)
                else:
                    bound = _convert(base, source, calendar, from_finish) + lag
                if kind_of is LinkType.FF or kind_of is LinkType.SF:
                    bound = bound - duration
                begin = np.maximum(begin, bound)
                if kind_of is LinkType.FS:
                    after_fs = np.maximum(after_fs, bound)
            after = after_fs >= begin
            if task.constraint in DATED and task.constraint_date is not None:
                fixed = _at(calendar, task.constraint_date)
                constraint = task.constraint
                if constraint is Constraint.SNET or constraint is Constraint.FNET:
                    floor = fixed if constraint is Constraint.SNET else fixed - duration
                    after = after & ~(floor > begin)
                    begin = np.maximum(begin, floor)
                elif constraint is Constraint.SNLT:
                    begin = np.minimum(begin, fixed)
                elif constraint is Constraint.FNLT:
                    begin = np.minimum(begin, fixed - duration)
                else:
                    begin = fixed if constraint is Constraint.MSO else fixed - duration
                    after = False
            if status_minute is not None:
                begin = np.maximum(begin, calendar.work_before(status_minute))
            self.es[index], self.ef[index] = begin, begin + duration
            self.odd[index] = (np.asarray(duration) == 0) & ~np.asarray(after)

    def finish_of(self, leaves: Iterable[int]) -> Any:
        """When the last of ``leaves`` finishes in each iteration, minutes from ORIGIN."""
        model = self.model
        keys: dict[int, Any] = {}
        calendars: dict[int, Calendar] = {}
        fixed = -BIG
        for index in leaves:
            kind = model.kind[index]
            task = model.tasks[index]
            if kind == FINISHED:
                fixed = max(fixed, minute_of(task.actual_finish))  # type: ignore[arg-type]
                continue
            if kind == MANUAL:
                fixed = max(fixed, minute_of(task.finish))  # type: ignore[arg-type]
                continue
            calendar = model.calendar[index]
            key = 2 * self.ef[index] + self.odd[index]
            found = keys.get(id(calendar))
            keys[id(calendar)] = key if found is None else np.maximum(found, key)
            calendars[id(calendar)] = calendar
        finish = np.full(self.count, fixed, dtype=np.int64)
        for name, key in keys.items():
            calendar = calendars[name]
            key = np.broadcast_to(key, (self.count,))
            work = key >> 1
            moment = np.where(key & 1, calendar.start_at_many(work), calendar.finish_at_many(work))
            finish = np.maximum(finish, moment)
        return finish

    def backward(self, finish: Any) -> list[Any]:
        """Each leaf's critical flag per iteration (False for tasks never critical)."""
        model, plan = self.model, self.model.plan
        tasks = model.tasks
        self.ls: list[Any] = [None] * len(tasks)
        self.lf: list[Any] = [None] * len(tasks)
        critical: list[Any] = [False] * len(tasks)
        finish_work: dict[int, Any] = {}
        for index in reversed(model.order):
            task, calendar, kind = tasks[index], model.calendar[index], model.kind[index]
            duration = self.durations[index]
            if kind == FINISHED:
                self.ls[index], self.lf[index] = self.es[index], self.ef[index]
                continue
            key = id(calendar)
            if key not in finish_work:
                finish_work[key] = calendar.work_before_many(finish)
            end = finish_work[key]
            for edge in model.succs[index]:
                kind_of = edge.kind
                if model.kind[edge.other] == FINISHED or (
                    kind == MANUAL and (kind_of is LinkType.SS or kind_of is LinkType.SF)
                ):
                    continue
                target = model.calendar[edge.other]
                to_finish = kind_of is LinkType.FF or kind_of is LinkType.SF
                base = self.lf[edge.other] if to_finish else self.ls[edge.other]
                lag = _lag(edge, self.durations)
                if edge.elapsed:
                    moment = (target.finish_at_many(base) if to_finish else target.start_at_many(base)) - lag
                    bound = calendar.work_before_many(moment)
                else:
                    bound = _convert(base - lag, target, calendar, to_finish)
                if kind_of is LinkType.SS or kind_of is LinkType.SF:
                    bound = bound + duration
                end = np.minimum(end, bound)
            if task.constraint in DATED and task.constraint_date is not None:
                fixed = _at(calendar, task.constraint_date)
                constraint = task.constraint
                if constraint is Constraint.MSO:
                    end = fixed + duration
                elif constraint is Constraint.MFO:
                    end = fixed
                elif constraint is Constraint.SNLT:
                    end = np.minimum(end, fixed + duration)
                elif constraint is Constraint.FNLT:
                    end = np.minimum(end, fixed)
            if task.deadline is not None:
                end = np.minimum(end, _at(calendar, task.deadline))
            self.lf[index] = end
            if kind == STARTED:
                self.ls[index] = end - self.left[index]
                total = end - self.ef[index]
            else:
                self.ls[index] = end - duration
                total = np.minimum(self.ls[index] - self.es[index], end - self.ef[index])
            linked_or_automatic = (
                kind != MANUAL or task.assigned or bool(model.preds[index] or model.succs[index])
            )
            if linked_or_automatic:
                critical[index] = np.broadcast_to(total <= plan.critical_slack, (self.count,))
        return critical


# -- the analysis ---------------------------------------------------------------------------------


def analyse_schedule_risk(
    plan: Plan,
    estimates: Mapping[TaskId, Estimate] | None = None,
    risks: Sequence[RiskEvent] = (),
    *,
    iterations: int = ITERATIONS,
    seed: int | np.random.Generator = 0,
    key_tasks: Iterable[TaskId] | None = None,
    target: datetime | None = None,
    key_targets: Mapping[TaskId, datetime] | None = None,
    bins: int = BINS,
) -> ScheduleRiskAnalysis:
    """Simulate ``plan`` ``iterations`` times with the given estimates and risks (a seed, or a
    numpy generator). ``key_tasks`` are reported with percentiles (by default the plan's
    milestones); ``target`` (the baseline finish, say) gets the chance of finishing by it, and
    each key task with a date in ``key_targets`` (its baseline finish) the chance of its own."""
    if iterations < 1:
        raise ScheduleRiskError(BAD_ITERATIONS.format(iterations=iterations))
    deterministic = schedule(plan)  # refuses loops, missing tasks and dates, naming them
    model = _Model(plan, deterministic, estimates or {}, risks)
    keys = [task.id for task in plan.tasks if task.milestone] if key_tasks is None else list(key_tasks)
    for task in keys:
        if task not in model.position:
            raise ScheduleRiskError(NO_SUCH_TASK.format(what="Key task", task=task))
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    uniforms = rng.random((len(model.leaves), iterations), dtype=np.float32)  # tasks first, in plan order
    risk_draws = rng.random((2 * len(model.risks), iterations))  # then risks: occurs?, how much?

    finishes = np.empty(iterations, dtype=np.int64)
    key_finishes = {task: np.empty(iterations, dtype=np.int64) for task in keys}
    critical_count = np.zeros(len(model.tasks), dtype=np.int64)
    uncertain = model.uncertain()
    with_risk = {index for _, risk, targets in model.risks for index in targets if risk.probability > 0}
    risk_durations: dict[int, list[Any]] = {index: [] for index in uncertain & with_risk}
    summaries = [index for index, summary in enumerate(model.is_summary) if summary]
    below = {index: model.leaves_of(index) for index in summaries}
    step = max(1, CHUNK_CELLS // len(model.leaves))
    for low in range(0, iterations, step):
        high = min(low + step, iterations)
        run = _Run(model, uniforms[:, low:high], risk_draws[:, low:high])
        run.forward()
        finish = run.finish_of(model.leaves)
        finishes[low:high] = finish
        for task in keys:
            key_finishes[task][low:high] = run.finish_of(model.leaves_of(model.position[task]))
        critical = run.backward(finish)
        for index in model.leaves:
            if critical[index] is not False:
                critical_count[index] += int(np.count_nonzero(critical[index]))
        for index in summaries:
            flags = [critical[leaf] for leaf in below[index] if critical[leaf] is not False]
            if flags:
                critical_count[index] += int(
                    np.count_nonzero(np.logical_or.reduce(np.broadcast_arrays(*flags)))
                )
        for index, kept in risk_durations.items():
            kept.append(np.broadcast_to(run.durations[index], (high - low,)))

    finish_ranks = _ranks(finishes)
    sensitivity = []
    for index in sorted(uncertain):
        if index in risk_durations:
            drawn = _ranks(np.concatenate(risk_durations[index]))
        else:
            drawn = uniforms[model.row[index]]  # the duration's own percentile: its rank, exactly
        sensitivity.append((model.tasks[index].id, _correlation(drawn, finish_ranks)))
    sensitivity.sort(key=lambda pair: -abs(pair[1]))

    finishes.sort()
    finish = _forecast(finishes, deterministic.finish, target)
    histogram, s_curve = _histogram(finishes, bins)
    return ScheduleRiskAnalysis(
        iterations=iterations,
        seed=None if isinstance(seed, np.random.Generator) else seed,
        finish=finish,
        key_tasks={
            task: _forecast(
                np.sort(found), deterministic.tasks[task].early_finish, (key_targets or {}).get(task)
            )
            for task, found in key_finishes.items()
        },
        criticality={
            task.id: int(critical_count[index]) / iterations for index, task in enumerate(model.tasks)
        },
        sensitivity=tuple(sensitivity),
        histogram=histogram,
        s_curve=s_curve,
        target=target,
        target_chance=finish.target_chance,
        approximated=model.approximated,
        finishes=finishes,
    )


def _forecast(finishes: Any, deterministic: datetime, target: datetime | None = None) -> Forecast:
    """Percentiles as iterations' own finishes (sorted): P80 is the first date by which 80% have
    finished; with a ``target``, the share finished by it."""
    p10, p50, p80, p90 = (
        moment_of(int(value)) for value in np.quantile(finishes, PERCENTILES, method="inverted_cdf")
    )
    chance = (
        None
        if target is None
        else float(np.searchsorted(finishes, minute_of(target), side="right")) / len(finishes)
    )
    return Forecast(
        p10=p10, p50=p50, p80=p80, p90=p90, deterministic=deterministic, target=target, target_chance=chance
    )


def _ranks(values: Any) -> Any:
    """Ranks from 1, ties sharing their average rank."""
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    last = np.cumsum(counts)
    return (last - (counts - 1) / 2)[inverse]


def _correlation(first: Any, second: Any) -> float:
    """Pearson's correlation (of ranks: Spearman's), 0 when either does not vary."""
    a = first.astype(np.float64) - first.mean(dtype=np.float64)
    b = second - second.mean()
    spread = float(np.sqrt(np.dot(a, a) * np.dot(b, b)))
    return float(np.dot(a, b)) / spread if spread else 0.0


def _histogram(
    finishes: Any, bins: int
) -> tuple[tuple[HistogramBin, ...], tuple[tuple[datetime, float], ...]]:
    """Bars of whole days (as many days to a bar as keeps them to ``bins``) from the first finish
    to the last, and the S-curve: the share finished by the end of each bar."""
    days = finishes // MINUTES_PER_CALENDAR_DAY
    first, last = int(days[0]), int(days[-1])
    width = -(-(last - first + 1) // max(bins, 1))
    counts = np.bincount((days - first) // width)
    done = np.cumsum(counts) / len(finishes)
    bars, curve = [], []
    for number, count in enumerate(counts.tolist()):
        start = ORIGIN + timedelta(days=first + number * width)
        end = start + timedelta(days=width)
        bars.append(HistogramBin(start=start, end=end, count=count))
        curve.append((end, float(done[number])))
    return tuple(bars), tuple(curve)
