"""The critical path method: dates on working calendars, float, the critical path, constraints
that cannot be met shown as negative float, progress from a status date, loops named."""

import itertools
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo.engine.calendar import Calendar, standard_calendar
from pmo.engine.schedule import (
    DATED,
    Assignment,
    Constraint,
    Link,
    LinkLoopError,
    LinkType,
    Plan,
    ScheduleError,
    Task,
    schedule,
    schedule_at_once,
    schedule_each,
)

DAY = 480
CALENDAR = standard_calendar(holidays=frozenset())
MONDAY = datetime(2026, 3, 2, 8)  # Monday 2 March 2026


def plan(tasks, links=(), **settings):
    return Plan(tasks=tasks, links=links, start=MONDAY, calendar=CALENDAR, **settings)


def at(day, hour):
    return datetime(2026, 3, day, hour)


def test_a_chain_runs_end_to_end_over_the_weekend_and_is_critical():
    result = schedule(
        plan(
            [
                Task("design", 3 * DAY),
                Task("build", 4 * DAY),
                Task("side", DAY),
                Task("live", milestone=True),
            ],
            [Link("design", "build"), Link("build", "live"), Link("side", "live")],
        )
    )
    build = result.tasks["build"]
    assert (build.early_start, build.early_finish) == (at(5, 8), at(10, 17))
    assert result.tasks["live"].start == at(10, 17)  # a milestone sits at its predecessor's finish
    assert result.finish == at(10, 17)
    assert result.critical == ["design", "build", "live"]
    side = result.tasks["side"]
    assert side.total_float == side.free_float == 6 * DAY
    assert side.late_start == at(10, 8)


def test_each_link_type_with_lags_and_leads():
    tasks = [Task("a", 2 * DAY), Task("b", 2 * DAY)]
    cases = {
        (LinkType.FS, DAY): (at(5, 8), at(6, 17)),
        (LinkType.FS, -DAY): (at(3, 8), at(4, 17)),
        (LinkType.SS, DAY // 2): (at(2, 13), at(4, 12)),
        (LinkType.FF, DAY): (at(3, 8), at(4, 17)),
        (LinkType.SF, 3 * DAY): (at(3, 8), at(4, 17)),
    }
    for (kind, lag), dates in cases.items():
        b = schedule(plan(tasks, [Link("a", "b", kind, lag)])).tasks["b"]
        assert (b.early_start, b.early_finish) == dates, kind


def test_percentage_and_elapsed_lags():
    tasks = [Task("a", 4 * DAY), Task("b", DAY)]
    half = schedule(plan(tasks, [Link("a", "b", lag_percent=50)])).tasks["b"]
    assert half.early_start == at(10, 8)  # a ends Thursday; 2 days' lag
    elapsed = schedule(plan(tasks, [Link("a", "b", lag=2 * 1440, lag_elapsed=True)])).tasks["b"]
    assert elapsed.early_start == at(9, 8)  # Thursday 17:00 + 48 hours = Saturday 17:00 -> Monday


def test_constraints_move_tasks_and_unmeetable_ones_show_as_negative_float():
    tasks = [
        Task("a", 5 * DAY),
        Task("b", DAY, constraint=Constraint.SNLT, constraint_date=at(4, 8)),
        Task("c", DAY, constraint=Constraint.SNET, constraint_date=at(11, 8)),
        Task("d", DAY, deadline=at(3, 17)),
    ]
    result = schedule(plan(tasks, [Link("a", "b"), Link("a", "d")]))
    assert result.tasks["b"].early_start == at(4, 8)  # the constraint wins over the link
    assert result.tasks["c"].early_start == at(11, 8)
    # d's deadline is Tuesday evening, 4 days before it can finish: d and a are 4 days late
    assert result.tasks["d"].total_float == result.tasks["a"].total_float == -4 * DAY
    assert result.negative_float == ["a", "d"]
    must = schedule(plan([Task("m", DAY, constraint=Constraint.MFO, constraint_date=at(6, 17))]))
    assert must.tasks["m"].early_start == at(6, 8)


def test_as_late_as_possible_sits_at_its_late_dates():
    tasks = [Task("long", 5 * DAY), Task("late", DAY, constraint=Constraint.ALAP)]
    late = schedule(plan(tasks)).tasks["late"]
    assert (late.start, late.finish) == (at(6, 8), at(6, 17))
    assert late.early_start == at(2, 8)


def test_summaries_roll_up_and_links_to_them_reach_their_tasks():
    tasks = [
        Task("phase", name="Phase 1"),
        Task("a", 2 * DAY, parent="phase"),
        Task("b", 3 * DAY, parent="phase"),
        Task("next", DAY),
    ]
    result = schedule(plan(tasks, [Link("phase", "next")]))
    phase = result.tasks["phase"]
    assert (phase.start, phase.finish) == (at(2, 8), at(4, 17))
    assert result.tasks["next"].early_start == at(5, 8)
    assert phase.critical


def test_progress_is_scheduled_from_the_status_date():
    tasks = [
        Task("done", 2 * DAY, actual_start=at(2, 8), actual_finish=at(3, 17), percent_complete=100),
        Task("half", 4 * DAY, actual_start=at(2, 8), percent_complete=50),
        Task("next", DAY),
    ]
    result = schedule(plan(tasks, [Link("half", "next"), Link("done", "next")], status_date=at(9, 8)))
    # half: 2 days done, the other 2 from Monday 9th; next follows
    assert result.tasks["half"].early_finish == at(10, 17)
    assert result.tasks["next"].early_start == at(11, 8)
    assert not result.tasks["done"].critical


def test_resources_on_their_own_calendars_set_a_tasks_dates():
    night = Calendar(name="Night", week=(((0, 240), (1380, 1440)),) * 5 + ((), ()))  # 23:00-04:00
    work = Task("w", 2 * DAY, assignments=(Assignment(CALENDAR, DAY), Assignment(night, 10 * 60)))
    w = schedule(plan([work])).tasks["w"]
    # the day resource works Monday; the night one 1 + 4 + 1 + 4 hours from Monday 23:00
    assert (w.start, w.finish) == (at(2, 8), at(4, 4))


def test_a_manually_scheduled_task_keeps_its_dates():
    tasks = [Task("a", 3 * DAY), Task("m", DAY, manual=True, start=at(3, 8), finish=at(3, 17))]
    m = schedule(plan(tasks, [Link("a", "m")])).tasks["m"]
    assert (m.early_start, m.early_finish) == (at(3, 8), at(3, 17))


def test_a_link_loop_names_its_tasks():
    tasks = [Task(name) for name in "ABCD"]
    with pytest.raises(LinkLoopError) as caught:
        schedule(plan(tasks, [Link("A", "B"), Link("B", "C"), Link("C", "A"), Link("C", "D")]))
    assert set(caught.value.tasks) == {"A", "B", "C"}
    assert "Link loop: " in str(caught.value)


def test_bad_plans_are_refused_naming_the_task():
    with pytest.raises(ScheduleError, match="there is no task ghost"):
        schedule(plan([Task("a")], [Link("a", "ghost")]))
    with pytest.raises(ScheduleError, match="Task a: the SNET constraint needs a date"):
        schedule(plan([Task("a", constraint=Constraint.SNET)]))
    with pytest.raises(ScheduleError, match=r"Task huge: .* beyond 31 December 2149"):
        schedule(plan([Task("a"), Task("huge", 480 * 100_000)]))
    with pytest.raises(
        ScheduleError, match=r"Task old: the MSO constraint: 1970-01-01 .* before 1 January 1984"
    ):
        schedule(plan([Task("old", constraint=Constraint.MSO, constraint_date=datetime(1970, 1, 1))]))


# -- properties over random networks (one calendar, no constraints) ---------------------------

KINDS = st.sampled_from(list(LinkType))


@st.composite
def networks(draw):
    size = draw(st.integers(1, 12))
    durations = draw(st.lists(st.integers(0, 5 * DAY), min_size=size, max_size=size))
    pairs = [(a, b) for a, b in itertools.combinations(range(size), 2)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=20)) if pairs else []
    links = [Link(a, b, draw(KINDS), draw(st.integers(-DAY, 2 * DAY))) for a, b in chosen]
    return plan([Task(index, duration) for index, duration in enumerate(durations)], links)


def longest_path(net):
    """The finish by repeated relaxation in working minutes (no order, no calendar dates)."""
    start = CALENDAR.work_before(int((MONDAY - datetime(1984, 1, 1)).total_seconds() // 60))
    begin = {task.id: start for task in net.tasks}
    duration = {task.id: task.duration for task in net.tasks}
    changed = True
    while changed:
        changed = False
        for link in net.links:
            p, s = link.predecessor, link.successor
            base = begin[p] + (duration[p] if link.type in (LinkType.FS, LinkType.FF) else 0)
            bound = base + link.lag - (duration[s] if link.type in (LinkType.FF, LinkType.SF) else 0)
            if bound > begin[s]:
                begin[s], changed = bound, True
    return max(begin[task] + duration[task] for task in begin)


@given(networks())
def test_float_is_never_negative_without_constraints(net):
    assert all(dates.total_float >= 0 <= dates.free_float for dates in schedule(net).tasks.values())


@given(networks())
def test_the_finish_is_the_longest_path(net):
    result = schedule(net)
    finish = int((result.finish - datetime(1984, 1, 1)).total_seconds() // 60)
    assert CALENDAR.work_before(finish) == longest_path(net)
    assert result.critical  # some task drives the finish


@given(networks(), st.data())
def test_removing_a_link_off_the_critical_path_never_moves_the_finish(net, data):
    result = schedule(net)
    loose = [link for link in net.links if not result.tasks[link.predecessor].critical]
    if loose:
        link = data.draw(st.sampled_from(loose))
        fewer = Plan(net.tasks, [other for other in net.links if other is not link], net.start, net.calendar)
        assert schedule(fewer).finish == result.finish


# -- the numpy path (large plans) gives what the task-by-task path gives ----------------------

MOMENTS = st.builds(
    lambda days, hour: MONDAY.replace(hour=hour) + timedelta(days=days),
    st.integers(-5, 60),
    st.integers(0, 23),
)


@st.composite
def plans_on_one_calendar(draw):
    size = draw(st.integers(1, 14))
    tasks = []
    for index in range(size):
        constraint = draw(st.sampled_from(list(Constraint)))
        tasks.append(
            Task(
                index,
                draw(st.sampled_from([0, 60, DAY, 3 * DAY, 7 * DAY + 90])),
                constraint=constraint,
                constraint_date=draw(MOMENTS) if constraint in DATED else None,
                deadline=draw(st.none() | MOMENTS),
            )
        )
    leaves = list(range(size))
    if size > 3 and draw(st.booleans()):  # a phase over the first few tasks
        tasks.append(Task("phase"))
        tasks[:3] = [replace(task, parent="phase") for task in tasks[:3]]
    pairs = list(itertools.combinations(leaves, 2))
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=18)) if pairs else []
    links = [
        Link(
            a,
            b,
            draw(KINDS),
            draw(st.integers(-DAY, 2 * DAY)),
            lag_percent=draw(st.none() | st.sampled_from([25.0, 150.0])),
        )
        for a, b in chosen
    ]
    return plan(
        tasks, links, status_date=draw(st.none() | MOMENTS), critical_slack=draw(st.sampled_from([0, DAY]))
    )


@settings(max_examples=40)
@given(plans_on_one_calendar())
def test_all_at_once_and_task_by_task_agree(net):
    at_once, each = schedule_at_once(net), schedule_each(net)
    assert at_once is not None
    assert dict(at_once.tasks) == dict(each.tasks)
    assert (at_once.finish, at_once.critical, at_once.negative_float) == (
        each.finish,
        each.critical,
        each.negative_float,
    )


def test_plans_the_numpy_path_cannot_take_go_task_by_task():
    manual = plan([Task("m", DAY, manual=True, start=at(2, 8), finish=at(2, 17))])
    with_loop = plan([Task("a"), Task("b")], [Link("a", "b"), Link("b", "a")])
    assert schedule_at_once(manual) is None and schedule_at_once(with_loop) is None
