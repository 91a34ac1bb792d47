"""Dependencies between projects: loops refused, knock-on effects found, a layered layout."""

import itertools

from hypothesis import given
from hypothesis import strategies as st

from pmo.engine.network import affected_by, find_loop, layers


def test_a_project_that_depends_on_itself_is_a_loop():
    assert find_loop([("WEB", "WEB")]) == ["WEB", "WEB"]


def test_a_loop_through_others_is_named_in_the_direction_of_the_dependencies():
    loop = find_loop([("WEB", "HR"), ("HR", "ERP"), ("ERP", "WEB"), ("CRM", "WEB")])
    assert loop is not None and loop[0] == loop[-1] and len(loop) == 4
    pairs = list(itertools.pairwise(loop))
    assert all(pair in {("WEB", "HR"), ("HR", "ERP"), ("ERP", "WEB")} for pair in pairs)


def test_a_chain_is_not_a_loop():
    assert find_loop([("WEB", "HR"), ("HR", "ERP"), ("CRM", "ERP")]) is None


def test_who_is_affected_when_a_project_slips():
    edges = [("WEB", "HR"), ("HR", "ERP"), ("CRM", "ERP"), ("APP", "WEB"), ("LONE", "OTHER")]
    assert affected_by(edges, "ERP") == {"HR": 1, "CRM": 1, "WEB": 2, "APP": 3}
    assert affected_by(edges, "APP") == {}


def test_layers_put_each_project_right_of_what_it_depends_on():
    column = layers(["ALONE"], [("WEB", "HR"), ("HR", "ERP"), ("CRM", "ERP"), ("WEB", "ERP")])
    assert column == {"ALONE": 0, "ERP": 0, "HR": 1, "CRM": 1, "WEB": 2}


edges_strategy = st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8)), max_size=20)


@given(edges_strategy)
def test_without_a_loop_every_dependency_points_left(edges):
    if find_loop(edges) is None:
        column = layers(range(9), edges)
        assert all(column[needs] > column[gives] for needs, gives in edges)


@given(edges_strategy)
def test_a_reported_loop_is_made_of_real_dependencies(edges):
    loop = find_loop(edges)
    if loop is not None:
        assert loop[0] == loop[-1]
        assert all(pair in set(edges) for pair in itertools.pairwise(loop))


@given(edges_strategy, st.integers(0, 8))
def test_everyone_affected_really_waits_on_the_slipping_project(edges, slipping):
    for node, steps in affected_by(edges, slipping).items():
        assert steps >= 1 and node != slipping
        # one step closer to the slipping project there is a node it waits on
        nearer = {gives for needs, gives in edges if needs == node}
        assert slipping in nearer or any(affected_by(edges, slipping).get(n) == steps - 1 for n in nearer)
