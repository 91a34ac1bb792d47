"""Dependencies between projects as a directed graph: ``a -> b`` means project ``a`` depends on
project ``b`` (``b`` delivers something ``a`` needs).

Loops are refused (a project cannot, through others, wait on itself); the projects affected when
one slips are those that depend on it directly or through others; and a layered layout places
each project one column to the right of everything it depends on, for the dependency map.

Across plans (``propagate``): a dependency tied to plan tasks (the giving task's finish, the
needing task's start) carries a slip from one project's plan into another's, and on through the
portfolio.
"""

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from graphlib import CycleError, TopologicalSorter
from typing import Any, TypeVar

N = TypeVar("N", bound=Hashable)


def find_loop(edges: Iterable[tuple[N, N]]) -> list[N] | None:
    """A loop in the graph as the nodes around it (first node repeated at the end), or None."""
    graph: dict[N, set[N]] = defaultdict(set)
    for needs, gives in edges:
        if needs == gives:
            return [needs, needs]
        graph[needs].add(gives)
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        cycle = list(exc.args[1])
        cycle.reverse()  # graphlib lists it against the direction of the edges
        return cycle
    return None


def affected_by(edges: Iterable[tuple[N, N]], slipping: N) -> dict[N, int]:
    """Every node that depends on ``slipping``, directly (distance 1) or through others (2, 3…)."""
    waiting_on: dict[N, set[N]] = defaultdict(set)
    for needs, gives in edges:
        waiting_on[gives].add(needs)
    distance: dict[N, int] = {}
    queue = deque([(slipping, 0)])
    while queue:
        node, steps = queue.popleft()
        for dependant in waiting_on.get(node, ()):
            if dependant != slipping and dependant not in distance:
                distance[dependant] = steps + 1
                queue.append((dependant, steps + 1))
    return distance


def layers(nodes: Iterable[N], edges: Iterable[tuple[N, N]]) -> dict[N, int]:
    """Column of each node: 0 for a node that depends on nothing, else one more than the deepest
    node it depends on. The graph must have no loop (``find_loop``)."""
    graph: dict[N, set[N]] = {node: set() for node in nodes}
    for needs, gives in edges:
        graph.setdefault(needs, set()).add(gives)
        graph.setdefault(gives, set())
    column: dict[N, int] = {}
    for node in TopologicalSorter(graph).static_order():
        column[node] = max((column[g] + 1 for g in graph[node]), default=0)
    return column


# --- Slips across the portfolio: plan tasks tied by dependencies ---------------------------------

Node = tuple[int, int]  # (plan, task UID)
ZERO = timedelta(0)


@dataclass(frozen=True)
class Span:
    """A task's dates as its plan schedules them."""

    start: datetime
    finish: datetime


@dataclass(frozen=True)
class Link:
    """A link of one plan: ``type`` FS, SS, FF or SF. Room between the two tasks absorbs a slip;
    a link with a positive lag is taken as driving (its lag is in working time, which the
    portfolio does not convert), so a slip passes through it whole."""

    predecessor: Node
    successor: Node
    type: str = "FS"
    driving: bool = False


@dataclass(frozen=True)
class Tie:
    """A dependency between plans: the ``needing`` task (its start) needs what the ``giving``
    task (its finish) delivers. ``key`` names it (the dependency's id)."""

    giving: Node
    needing: Node
    key: Any = None


class NetworkLoop(ValueError):
    """The tasks and ties form a loop; ``loop`` lists the nodes around it."""

    def __init__(self, loop: list[Node]) -> None:
        super().__init__("These tasks wait on themselves: " + " → ".join(f"{p}:{u}" for p, u in loop))
        self.loop = loop


@dataclass
class Propagation:
    """What slips do to the portfolio's plans: each moved task's shift (later by; a task not
    listed does not move) and the tie that moved it (the dependency that caused it, followed
    back through the plan's links); each tie's slip (how far the giving task's forecast finish
    falls after the needing task's start, 0 if not after) and the giving task's forecast
    finish (its finish moved by its own shift)."""

    shifts: dict[Node, timedelta] = field(default_factory=dict)
    causes: dict[Node, Any] = field(default_factory=dict)
    slips: dict[Any, timedelta] = field(default_factory=dict)
    forecasts: dict[Any, datetime] = field(default_factory=dict)

    def shift(self, node: Node) -> timedelta:
        return self.shifts.get(node, ZERO)


def _ends(link_type: str) -> tuple[str, str]:
    """The predecessor's and the successor's dates a link ties: FS finish to start…"""
    first, second = link_type[0], link_type[1]
    return ("start" if first == "S" else "finish", "start" if second == "S" else "finish")


def propagate(tasks: Mapping[Node, Span], links: Iterable[Link], ties: Iterable[Tie]) -> Propagation:
    """Move the tasks the ties make late, and everything after them in their plans, by the slip:
    a needing task moves by how far its giving task's forecast finish falls after its start; a
    task after a moved one (through its plan's links) moves by what is left of the shift once the
    room between them is used. Ties or links naming a task not in ``tasks`` are left out (a tie
    whose task left the plan is broken, and moves nothing). Pure; raises ``NetworkLoop`` naming
    the nodes when tasks wait on themselves."""
    edges: dict[Node, list[tuple[Node, timedelta, Any]]] = defaultdict(list)  # successor -> in
    graph: dict[Node, set[Node]] = defaultdict(set)
    for link in links:
        if link.predecessor not in tasks or link.successor not in tasks:
            continue
        before, after = _ends(link.type)
        room = getattr(tasks[link.successor], after) - getattr(tasks[link.predecessor], before)
        room = ZERO if link.driving else max(room, ZERO)  # a plan already late on its link: no room
        edges[link.successor].append((link.predecessor, room, None))
        graph[link.successor].add(link.predecessor)
    tie_list = [tie for tie in ties if tie.giving in tasks and tie.needing in tasks]
    for tie in tie_list:
        room = tasks[tie.needing].start - tasks[tie.giving].finish  # negative: late as planned
        edges[tie.needing].append((tie.giving, room, tie.key))
        graph[tie.needing].add(tie.giving)
    result = Propagation()
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        cycle = list(exc.args[1])
        cycle.reverse()
        raise NetworkLoop(cycle) from exc
    for node in order:
        best, cause = ZERO, None
        for predecessor, room, key in edges.get(node, ()):
            pushed = result.shift(predecessor) - room
            if pushed > best:
                best, cause = pushed, key if key is not None else result.causes.get(predecessor)
        if best > ZERO:
            result.shifts[node] = best
            result.causes[node] = cause
    for tie in tie_list:
        forecast = tasks[tie.giving].finish + result.shift(tie.giving)
        result.forecasts[tie.key] = forecast
        result.slips[tie.key] = max(forecast - tasks[tie.needing].start, ZERO)
    return result


def lateness(days: int) -> str:
    """A delay in words as the portfolio tells it: "3 weeks" from 14 days, else "5 days"."""
    return f"{days // 7} weeks" if days >= 14 else f"{days} day{'' if days == 1 else 's'}"
