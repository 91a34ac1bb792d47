"""Dependencies between projects as a directed graph: ``a -> b`` means project ``a`` depends on
project ``b`` (``b`` delivers something ``a`` needs).

Loops are refused (a project cannot, through others, wait on itself); the projects affected when
one slips are those that depend on it directly or through others; and a layered layout places
each project one column to the right of everything it depends on, for the dependency map.
"""

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable
from graphlib import CycleError, TopologicalSorter
from typing import TypeVar

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
