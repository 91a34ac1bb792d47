"""Cross-project dependencies tied to plan tasks (issue 11 item 7, ADR 0044): a RAID dependency of
one project on another may name the task of the other project's plan whose finish delivers it
(``giving_task_uid``) and the task of its own plan whose start needs it (``needing_task_uid``).
When tied, the dependency's forecast and need-by dates come from the plans, and a slip carries
across the portfolio: ``pmo.engine.network.propagate`` moves the needing task and what follows it
in its plan, and on through further ties.

Ties are kept by task UID, which a re-import of the plan keeps; a UID no longer in the plan (or a
project with no plan) leaves the tie **broken**: shown as such, moving nothing, the typed dates
standing in. ``cross_network`` reads the whole network of open tied dependencies (all of them:
a slip runs through projects a reader may not see) in four queries, one when there is no tie;
what is told to a reader names only the projects they may see (``told``)."""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from pmo.engine.network import Link, NetworkLoop, Propagation, Span, Tie, lateness, propagate
from pmo.raid.models import Dependency
from pmo.schedule.models import Plan, PlanLink, PlanTask

UNSEEN = "a project you cannot see"
DAY = timedelta(days=1)


@dataclass(frozen=True)
class TaskRef:
    """A tied task as the plan has it."""

    project_id: int
    code: str
    uid: int
    name: str
    start: datetime
    finish: datetime
    milestone: bool = False
    baseline_finish: datetime | None = None  # read by ``tasks_of`` only

    @property
    def start_day(self) -> date:
        return timezone.localdate(self.start)

    @property
    def finish_day(self) -> date:
        return timezone.localdate(self.finish)


@dataclass
class TieRead:
    """A dependency's tie to the plans: its tasks (None where not tied or broken), whether a
    named task is missing, and the dates the plans give: needed by the needing task's start (as
    planned), forecast at the giving task's finish (moved by any slip that reaches it), and the
    slip (days the forecast falls after the need, 0 if not after)."""

    dependency_id: int
    project_id: int
    depends_on_id: int
    giving_uid: int | None
    needing_uid: int | None
    giving: TaskRef | None = None
    needing: TaskRef | None = None
    forecast: date | None = None
    need_by: date | None = None
    slip_days: int = 0

    @property
    def giving_broken(self) -> bool:
        return self.giving_uid is not None and self.giving is None

    @property
    def needing_broken(self) -> bool:
        return self.needing_uid is not None and self.needing is None

    @property
    def broken(self) -> bool:
        return self.giving_broken or self.needing_broken


@dataclass(frozen=True)
class Move:
    """A project's plan moved by a slip in another's: its latest moved milestone (else task),
    by how many days, and the dependency and giving task that caused it."""

    project_id: int
    code: str
    task: str
    days: int
    dependency_id: int
    because: TaskRef

    def sentence(self, seen: set[int] | None = None) -> str:
        """ "IT-118's Go-live moves 3 weeks because IT-131's Data migration slipped"; the cause
        unnamed to a reader who may not see its project (``seen``: the project ids they may)."""
        if seen is not None and self.because.project_id not in seen:
            cause = f"{UNSEEN} slipped"
        else:
            cause = f"{self.because.code}'s {self.because.name or f'task {self.because.uid}'} slipped"
        return f"{self.code}'s {self.task} moves {lateness(self.days)} because {cause}"


@dataclass
class CrossNetwork:
    """The portfolio's tied dependencies and what their slips do: each tie by dependency id,
    each moved task's shift by (plan id, UID), each moved project's ``Move`` by project id. A
    loop (which the dependency services refuse) leaves nothing moved and is named in ``loop``."""

    ties: dict[int, TieRead] = field(default_factory=dict)
    shifts: dict[tuple[int, int], timedelta] = field(default_factory=dict)
    moves: dict[int, Move] = field(default_factory=dict)
    plans: dict[int, int] = field(default_factory=dict)  # project id -> plan id
    loop: list[Any] = field(default_factory=list)

    def shift_days(self, project_id: int, uid: int) -> int:
        plan = self.plans.get(project_id)
        return _days(self.shifts.get((plan, uid), timedelta(0))) if plan is not None else 0


def _days(shift: timedelta) -> int:
    return math.ceil(shift / DAY) if shift > timedelta(0) else 0


TASK_READS = ("plan_id", "uid", "name", "start", "finish", "milestone", "summary")


def cross_network(dependencies: Iterable[Dependency] | None = None) -> CrossNetwork:
    """The network of open tied dependencies (``dependencies`` if given: those already read),
    with the plans' tasks and links: one query (none with ``dependencies`` given) when there is
    no tie, four when there are."""
    if dependencies is None:
        rows = list(
            Dependency.objects.filter(
                Q(giving_task_uid__isnull=False) | Q(needing_task_uid__isnull=False),
                status__in=Dependency.OPEN_STATUSES,
                project__isnull=False,
                depends_on__isnull=False,
            ).values_list("pk", "project_id", "depends_on_id", "giving_task_uid", "needing_task_uid")
        )
    else:
        rows = [
            (d.pk, d.project_id, d.depends_on_id, d.giving_task_uid, d.needing_task_uid)
            for d in dependencies
            if d.project_id
            and d.depends_on_id
            and d.is_open
            and (d.giving_task_uid is not None or d.needing_task_uid is not None)
        ]
    network = CrossNetwork()
    if not rows:
        return network
    for pk, project_id, depends_on_id, giving_uid, needing_uid in rows:
        network.ties[pk] = TieRead(pk, project_id, depends_on_id, giving_uid, needing_uid)
    projects = {p for row in rows for p in row[1:3]}
    plans = dict(Plan.objects.filter(project_id__in=projects).values_list("pk", "project_id"))
    network.plans = {project: plan for plan, project in plans.items()}
    spans: dict[tuple[int, int], Span] = {}
    refs: dict[tuple[int, int], TaskRef] = {}
    summaries: set[tuple[int, int]] = set()
    tasks = PlanTask.objects.filter(plan_id__in=list(plans)).values_list(*TASK_READS, "plan__project__code")
    for plan_id, uid, name, start, finish, milestone, summary, code in tasks:
        spans[(plan_id, uid)] = Span(start, finish)
        refs[(plan_id, uid)] = TaskRef(plans[plan_id], code, uid, name, start, finish, milestone)
        if summary:
            summaries.add((plan_id, uid))
    links = [
        Link((plan_id, predecessor), (plan_id, successor), kind, driving=lag > 0)
        for plan_id, predecessor, successor, kind, lag in PlanLink.objects.filter(
            plan_id__in=list(plans)
        ).values_list("plan_id", "predecessor_uid", "successor_uid", "type", "lag")
    ]
    engine_ties = []
    for tie in network.ties.values():
        giving = (network.plans.get(tie.depends_on_id, 0), tie.giving_uid or 0)
        needing = (network.plans.get(tie.project_id, 0), tie.needing_uid or 0)
        tie.giving = refs.get(giving) if tie.giving_uid is not None else None
        tie.needing = refs.get(needing) if tie.needing_uid is not None else None
        if tie.needing is not None:
            tie.need_by = tie.needing.start_day
        if tie.giving is not None:
            tie.forecast = tie.giving.finish_day
        if tie.giving is not None and tie.needing is not None:
            engine_ties.append(Tie(giving, needing, key=tie.dependency_id))
    try:
        result = propagate(spans, links, engine_ties)
    except NetworkLoop as exc:
        network.loop = exc.loop
        result = Propagation()
    network.shifts = result.shifts
    for key, forecast in result.forecasts.items():
        tie = network.ties[key]
        tie.forecast = timezone.localdate(forecast)
        tie.slip_days = _days(result.slips[key])
    network.moves = _moves(network, result, refs, summaries)
    return network


def _moves(
    network: CrossNetwork,
    result: Propagation,
    refs: dict[tuple[int, int], TaskRef],
    summaries: set[tuple[int, int]],
) -> dict[int, Move]:
    """Each moved project's latest moved milestone (else its latest moved task) and its cause."""
    latest: dict[int, tuple[tuple[bool, datetime], tuple[int, int]]] = {}
    for node in result.shifts:
        if node in summaries or node not in refs:
            continue
        ref = refs[node]
        rank = (ref.milestone, ref.finish)
        if ref.project_id not in latest or rank > latest[ref.project_id][0]:
            latest[ref.project_id] = (rank, node)
    moves = {}
    for project_id, (_, node) in latest.items():
        ref, tie = refs[node], network.ties.get(result.causes.get(node, 0))
        if tie is None or tie.giving is None:
            continue
        moves[project_id] = Move(
            project_id,
            ref.code,
            ref.name or f"task {ref.uid}",
            _days(result.shifts[node]),
            tie.dependency_id,
            tie.giving,
        )
    return moves


def told(network: CrossNetwork, seen: set[int]) -> list[str]:
    """The moves a reader may be told of (projects they may see), in code order, in words."""
    moves = sorted((m for m in network.moves.values() if m.project_id in seen), key=lambda m: m.code)
    return [move.sentence(seen) for move in moves]


def tasks_to_tie(project_id: int, *, user: Any) -> list[tuple[int, str]]:
    """The tasks of a project's plan a dependency may tie to (not summaries), in plan order, as
    (UID, "12 · Data migration"), if the user may see the plan; none otherwise."""
    plans = Plan.objects.restrict(user, "view").filter(project_id=project_id).values("pk")
    return [
        (uid, f"{row} · {name or f'Task {uid}'}{' (milestone)' if milestone else ''}")
        for uid, row, name, milestone in PlanTask.objects.filter(plan__in=plans, summary=False)
        .order_by("row")
        .values_list("uid", "row", "name", "milestone")
    ]


def task_named(project_id: int, uid: int) -> tuple[str, bool, datetime] | None:
    """(name, summary, start) of the task ``uid`` of a project's plan, or None if it has none."""
    return (
        PlanTask.objects.filter(plan__project_id=project_id, uid=uid)
        .values_list("name", "summary", "start")
        .first()
    )


def tasks_of(project_ids: Iterable[int]) -> dict[int, list[TaskRef]]:
    """The tasks (not summaries) of these projects' plans in plan order, by project id, with
    their baseline finish: those that have a plan (the demo chooses what to tie by them)."""
    found: dict[int, list[TaskRef]] = {}
    rows = (
        PlanTask.objects.filter(plan__project_id__in=list(project_ids), summary=False)
        .order_by("plan__project__code", "row")
        .values_list(
            "plan__project_id",
            "plan__project__code",
            "uid",
            "name",
            "start",
            "finish",
            "milestone",
            "baseline_finish",
        )
    )
    for project_id, code, uid, name, start, finish, milestone, baseline in rows:
        found.setdefault(project_id, []).append(
            TaskRef(project_id, code, uid, name, start, finish, milestone, baseline)
        )
    return found
