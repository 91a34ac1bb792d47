"""Slips across the portfolio: a dependency tied to plan tasks moves the needing plan."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo.engine.network import Link, NetworkLoop, Span, Tie, lateness, propagate

DAY = timedelta(days=1)
T0 = datetime(2027, 1, 4, 9)


def span(start_day: int, days: int) -> Span:
    return Span(T0 + start_day * DAY, T0 + (start_day + days) * DAY)


def test_a_giving_task_finishing_after_the_need_moves_the_needing_task_and_what_follows():
    tasks = {
        (1, 1): span(0, 30),  # IT-131's data migration, finishing day 30
        (2, 1): span(0, 9),  # IT-118's build
        (2, 2): span(10, 5),  # IT-118's cut-over needs the migration on day 10
        (2, 3): span(15, 0),  # IT-118's go-live
        (2, 4): span(20, 1),  # an unrelated task later on, not linked
    }
    links = [Link((2, 1), (2, 2)), Link((2, 2), (2, 3))]
    result = propagate(tasks, links, [Tie((1, 1), (2, 2), key="DEP-1")])
    assert result.slips["DEP-1"] == 20 * DAY
    assert result.shift((2, 2)) == result.shift((2, 3)) == 20 * DAY
    assert result.causes[(2, 3)] == "DEP-1"
    assert result.shift((2, 1)) == result.shift((2, 4)) == timedelta(0)
    assert result.forecasts["DEP-1"] == T0 + 30 * DAY


def test_room_before_a_successor_absorbs_part_of_the_slip():
    tasks = {(1, 1): span(0, 12), (2, 1): span(10, 2), (2, 2): span(20, 1)}  # 8 days' room
    result = propagate(tasks, [Link((2, 1), (2, 2))], [Tie((1, 1), (2, 1), key=1)])
    assert result.shift((2, 1)) == 2 * DAY and (2, 2) not in result.shifts


def test_a_driving_lag_passes_the_whole_slip():
    tasks = {(1, 1): span(0, 12), (2, 1): span(10, 2), (2, 2): span(20, 1)}
    result = propagate(tasks, [Link((2, 1), (2, 2), driving=True)], [Tie((1, 1), (2, 1), key=1)])
    assert result.shift((2, 2)) == 2 * DAY


def test_a_chain_of_three_projects_carries_the_slip_on():
    tasks = {(1, 1): span(0, 20), (2, 1): span(14, 7), (2, 2): span(21, 0), (3, 1): span(21, 5)}
    ties = [Tie((1, 1), (2, 1), key="A"), Tie((2, 2), (3, 1), key="B")]
    result = propagate(tasks, [Link((2, 1), (2, 2))], ties)
    assert result.shift((3, 1)) == 6 * DAY and result.causes[(3, 1)] == "B"
    assert result.forecasts["B"] == T0 + 27 * DAY


def test_a_tie_to_a_task_no_longer_in_the_plan_moves_nothing():
    tasks = {(1, 1): span(0, 30), (2, 1): span(0, 5)}
    result = propagate(tasks, [], [Tie((1, 1), (2, 99), key=1), Tie((1, 98), (2, 1), key=2)])
    assert result.shifts == {} and result.slips == {}


def test_tasks_that_wait_on_themselves_are_named():
    tasks = {(1, 1): span(0, 5), (2, 1): span(5, 5)}
    with pytest.raises(NetworkLoop) as caught:
        propagate(tasks, [], [Tie((1, 1), (2, 1), key=1), Tie((2, 1), (1, 1), key=2)])
    assert set(caught.value.loop) == {(1, 1), (2, 1)} and "1:1" in str(caught.value)


def test_lateness_in_words():
    assert [lateness(1), lateness(5), lateness(21)] == ["1 day", "5 days", "3 weeks"]


@st.composite
def networks(draw: st.DrawFn) -> tuple[dict, list[Link], list[Tie]]:
    """Up to four plans of up to five tasks; links forward within a plan, ties from a lower plan
    to a higher one (no loop)."""
    tasks = {}
    for plan in range(draw(st.integers(1, 4))):
        for uid in range(draw(st.integers(1, 5))):
            tasks[(plan, uid)] = span(draw(st.integers(0, 60)), draw(st.integers(0, 20)))
    nodes = sorted(tasks)
    links = [
        Link(a, b, draw(st.sampled_from(["FS", "SS", "FF", "SF"])), draw(st.booleans()))
        for a, b in draw(st.lists(st.tuples(st.sampled_from(nodes), st.sampled_from(nodes)), max_size=8))
        if a[0] == b[0] and a[1] < b[1]
    ]
    ties = [
        Tie(a, b, key=n)
        for n, (a, b) in enumerate(
            draw(st.lists(st.tuples(st.sampled_from(nodes), st.sampled_from(nodes)), max_size=5))
        )
        if a[0] < b[0]
    ]
    return tasks, links, ties


@settings(max_examples=60, deadline=None)
@given(networks())
def test_after_propagation_every_tie_holds_and_no_task_moves_earlier(network):
    tasks, links, ties = network
    result = propagate(tasks, links, ties)
    assert all(shift > timedelta(0) for shift in result.shifts.values())
    for tie in ties:
        needed = tasks[tie.needing].start + result.shift(tie.needing)
        assert tasks[tie.giving].finish + result.shift(tie.giving) <= needed
    if not ties:
        assert result.shifts == {}


@settings(max_examples=60, deadline=None)
@given(networks(), st.integers(1, 30))
def test_a_later_giving_task_never_moves_anything_less(network, extra):
    tasks, links, ties = network
    if not ties:
        return
    before = propagate(tasks, links, ties)
    giving = ties[0].giving
    later = dict(tasks)
    later[giving] = Span(tasks[giving].start, tasks[giving].finish + extra * DAY)
    after = propagate(later, links, ties)
    assert all(after.shift(node) >= shift for node, shift in before.shifts.items())
