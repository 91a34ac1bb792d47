"""Monte Carlo schedule risk: with no uncertainty it is the deterministic schedule; percentiles in
order; the same seed gives the same answer; a wider maximum never brings a percentile forward; a
task on every path is always critical and one with plenty of float never; a risk that cannot happen
changes nothing and one that must happen delays a chain by its impact."""

import itertools
from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo.engine.calendar import STANDARD_DAY, minute_of, standard_calendar
from pmo.engine.schedule import DATED, Constraint, Link, LinkType, Plan, Task, schedule
from pmo.engine.schedule_risk import (
    BAD_ESTIMATE,
    BAD_PROBABILITY,
    NO_SUCH_TASK,
    SUMMARY_ESTIMATE,
    Distribution,
    Estimate,
    RiskEvent,
    ScheduleRiskError,
    analyse_schedule_risk,
)

DAY = 480
CALENDAR = standard_calendar(holidays=frozenset())
FOUR_DAYS = standard_calendar("Four days", holidays=frozenset(), week=(STANDARD_DAY,) * 4 + ((),) * 3)
MONDAY = datetime(2026, 3, 2, 8)  # Monday 2 March 2026


def plan(tasks, links=(), **settings):
    return Plan(tasks=tasks, links=links, start=MONDAY, calendar=CALENDAR, **settings)


def fixed(duration):
    return Estimate(duration, duration, duration)


def work(moment):
    return CALENDAR.work_before(minute_of(moment))


# -- with three equal points, every iteration is the deterministic schedule ---------------------

MOMENTS = st.builds(
    lambda days, hour: MONDAY.replace(hour=hour) + timedelta(days=days),
    st.integers(-5, 40),
    st.integers(0, 23),
)


@st.composite
def plans(
    draw, links_of=tuple(LinkType), constraints=tuple(Constraint), progress=True, calendars=(None, FOUR_DAYS)
):
    """Plans with what the engine schedules: link types and lags, constraints, deadlines,
    calendars per task, elapsed and manual tasks, progress from a status date, a phase."""
    size = draw(st.integers(1, 10))
    tasks = []
    for index in range(size):
        constraint = draw(st.sampled_from(constraints))
        task = Task(
            index,
            draw(st.sampled_from([0, 60, DAY, 3 * DAY, 7 * DAY + 90])),
            constraint=constraint,
            constraint_date=draw(MOMENTS) if constraint in DATED else None,
            deadline=draw(st.none() | MOMENTS),
            calendar=draw(st.sampled_from(calendars)),
            milestone=draw(st.booleans()),
        )
        shape = draw(st.sampled_from(["planned", "planned", "elapsed", "manual", "started", "done"]))
        if not progress or shape == "planned":
            pass
        elif shape == "elapsed":
            task = replace(task, elapsed=True, calendar=None)
        elif shape == "manual":
            start = draw(MOMENTS)
            task = replace(
                task, manual=True, start=start, finish=start + timedelta(hours=draw(st.integers(0, 60)))
            )
        else:
            begun = MONDAY + timedelta(days=draw(st.integers(0, 4)))
            task = replace(
                task, actual_start=begun, percent_complete=draw(st.sampled_from([0.0, 40.0, 100.0]))
            )
            if shape == "done":
                task = replace(task, actual_finish=begun + timedelta(hours=draw(st.integers(1, 50))))
        tasks.append(task)
    if size > 3 and draw(st.booleans()):
        tasks.append(Task("phase"))
        tasks[:3] = [replace(task, parent="phase") for task in tasks[:3]]
    pairs = list(itertools.combinations(range(size), 2))
    if size > 3 and tasks[-1].id == "phase":
        pairs.append(("phase", size - 1))
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=14)) if pairs else []
    links = [
        Link(
            a,
            b,
            draw(st.sampled_from(links_of)),
            draw(st.integers(-DAY, 2 * DAY)),
            lag_elapsed=progress and draw(st.booleans()),
            lag_percent=draw(st.none() | st.sampled_from([25.0, 150.0])),
        )
        for a, b in chosen
    ]
    status = (
        MONDAY + timedelta(days=6, hours=draw(st.integers(0, 9)))
        if progress and draw(st.booleans())
        else None
    )
    return plan(tasks, links, status_date=status, critical_slack=draw(st.sampled_from([0, DAY])))


@settings(max_examples=60, deadline=None)
@given(plans())
def test_with_three_equal_points_every_iteration_is_the_deterministic_schedule(net):
    deterministic = schedule(net)
    estimates = {task.id: fixed(task.duration) for task in net.tasks if task.id != "phase"}
    result = analyse_schedule_risk(net, estimates, iterations=3, key_tasks=[task.id for task in net.tasks])
    assert result.finish.p10 == result.finish.p90 == result.finish.deterministic == deterministic.finish
    for task, forecast in result.key_tasks.items():
        assert forecast.p10 == forecast.p90 == deterministic.tasks[task].early_finish, task
    assert result.criticality == {task: float(dates.critical) for task, dates in deterministic.tasks.items()}
    assert result.sensitivity == ()


# -- properties with uncertainty ------------------------------------------------------------------


@st.composite
def estimated(draw, **kinds):
    net = draw(plans(**kinds))
    estimates = {}
    for task in net.tasks:
        if task.id != "phase" and draw(st.booleans()):
            low = draw(st.integers(0, 2 * DAY))
            likely = low + draw(st.integers(0, 3 * DAY))
            estimates[task.id] = Estimate(
                low, likely, likely + draw(st.integers(0, 5 * DAY)), draw(st.sampled_from(list(Distribution)))
            )
    return net, estimates


@settings(max_examples=40, deadline=None)
@given(estimated(), st.integers(0, 2**32))
def test_percentiles_are_in_order_and_the_same_seed_gives_the_same_result(case, seed):
    net, estimates = case
    result = analyse_schedule_risk(net, estimates, iterations=200, seed=seed)
    for forecast in [result.finish, *result.key_tasks.values()]:
        assert forecast.p10 <= forecast.p50 <= forecast.p80 <= forecast.p90
    again = analyse_schedule_risk(net, estimates, iterations=200, seed=seed)
    assert again == result and np.array_equal(again.finishes, result.finishes)
    assert sum(bar.count for bar in result.histogram) == 200
    assert result.s_curve[-1][1] == 1.0
    assert all(0 <= share <= 1 for share in result.criticality.values())


@settings(max_examples=40, deadline=None)
@given(
    estimated(links_of=(LinkType.FS, LinkType.SS), constraints=(Constraint.ASAP, Constraint.SNET)),
    st.data(),
)
def test_a_wider_triangular_maximum_never_brings_a_percentile_forward(case, data):
    """On finish-to-start and start-to-start links (a longer task tied by its finish, FF or SF, or
    by a finish constraint, starts earlier and can pull its start-to-start successors forward: the
    critical path method's reverse logic, as in the deterministic engine)."""
    net, estimates = case
    triangular = {
        task: replace(estimate, distribution=Distribution.TRIANGULAR) for task, estimate in estimates.items()
    }
    leaves = [task.id for task in net.tasks if task.id != "phase"]
    task = data.draw(st.sampled_from(leaves))
    current = triangular.get(task, fixed(next(t.duration for t in net.tasks if t.id == task)))
    wider = {
        **triangular,
        task: replace(current, maximum=current.maximum + data.draw(st.integers(1, 10 * DAY))),
    }
    before = analyse_schedule_risk(net, triangular, iterations=100, seed=7, key_tasks=leaves)
    after = analyse_schedule_risk(net, wider, iterations=100, seed=7, key_tasks=leaves)
    assert (after.finishes >= before.finishes).all()
    for name in leaves:
        old, new = before.key_tasks[name], after.key_tasks[name]
        assert new.p10 >= old.p10 and new.p50 >= old.p50 and new.p80 >= old.p80 and new.p90 >= old.p90


@settings(max_examples=25, deadline=None)
@given(estimated(links_of=(LinkType.FS,), constraints=(Constraint.ASAP,), progress=False, calendars=(None,)))
def test_tasks_on_every_path_are_critical_in_every_iteration(case):
    """A kick-off before every task and a handover after every task lie on every path (on one
    calendar, without dated constraints: a task held to a date, or a successor's day off, gives
    float to what comes before it)."""
    net, estimates = case
    inner = [task.id for task in net.tasks if task.id != "phase"]
    wrapped = replace(
        net,
        tasks=[Task("kick-off", DAY), *net.tasks, Task("handover", DAY)],
        links=[
            *net.links,
            *(Link("kick-off", task) for task in inner),
            *(Link(task, "handover") for task in inner),
        ],
    )
    result = analyse_schedule_risk(wrapped, estimates, iterations=100, seed=9)
    assert result.criticality["kick-off"] == result.criticality["handover"] == 1.0


def test_pert_and_triangular_estimates_average_as_their_formulas_say():
    """One task of 2-4-12 days: a triangular mean of (2 + 4 + 12) / 3 = 6 days, a PERT mean of
    (2 + 4 x 4 + 12) / 6 = 5 days."""
    net = plan([Task("build", 4 * DAY)])
    for distribution, mean in ((Distribution.TRIANGULAR, 6 * DAY), (Distribution.PERT, 5 * DAY)):
        result = analyse_schedule_risk(
            net, {"build": Estimate(2 * DAY, 4 * DAY, 12 * DAY, distribution)}, seed=1
        )
        lengths = CALENDAR.work_before_many(result.finishes) - work(MONDAY)
        assert abs(lengths.mean() - mean) < 0.02 * DAY, distribution
        assert lengths.min() >= 2 * DAY and lengths.max() <= 12 * DAY


def test_criticality_and_sensitivity_name_the_tasks_that_drive_the_finish():
    """Design, then a long uncertain build beside a short survey with weeks of float, then go-live:
    design and go-live are on every path, the survey on none; the build drives the finish."""
    net = plan(
        [Task("design", 2 * DAY), Task("build", 10 * DAY), Task("survey", DAY), Task("live", milestone=True)],
        [Link("design", "build"), Link("design", "survey"), Link("build", "live"), Link("survey", "live")],
    )
    estimates = {
        "design": Estimate(DAY, 2 * DAY, 3 * DAY),
        "build": Estimate(8 * DAY, 10 * DAY, 20 * DAY),
        "survey": Estimate(DAY, DAY, 2 * DAY),
    }
    result = analyse_schedule_risk(net, estimates, iterations=2000, seed=3)
    assert result.criticality == {"design": 1.0, "build": 1.0, "survey": 0.0, "live": 1.0}
    ranking = dict(result.sensitivity)
    assert [task for task, _ in result.sensitivity] == ["build", "design", "survey"]
    assert ranking["build"] > 0.8 and abs(ranking["survey"]) < 0.1
    assert result.key_tasks["live"].p50 == result.finish.p50
    assert result.finish.deterministic == datetime(2026, 3, 17, 17)  # the plan's own dates
    assert result.finish.p50 > result.finish.deterministic  # the build's tail is long


def test_the_chance_of_meeting_a_date_reads_from_the_s_curve():
    net = plan([Task("a", 5 * DAY), Task("b", 5 * DAY)], [Link("a", "b")])
    estimates = {"a": Estimate(4 * DAY, 5 * DAY, 9 * DAY), "b": Estimate(4 * DAY, 5 * DAY, 9 * DAY)}
    baseline = datetime(2026, 3, 13, 17)
    result = analyse_schedule_risk(net, estimates, iterations=1000, target=baseline)
    assert 0 < result.target_chance < 0.5  # both estimates skew late
    assert result.target_chance == result.chance_by(baseline)
    assert (
        result.chance_by(result.finish.p80)
        >= 0.8
        > result.chance_by(result.finish.p80 - timedelta(minutes=1))
    )
    shares = [share for _, share in result.s_curve]
    assert shares == sorted(shares) and shares[-1] == 1.0
    assert result.histogram[0].start <= result.finish.p10 and result.finish.p90 <= result.histogram[-1].end


def test_each_key_milestone_has_its_own_chance_of_meeting_its_baseline():
    """A milestone after a certain task always makes its baseline; one after an uncertain task
    makes it as often as the iterations say; a milestone without a baseline has no chance."""
    milestones = [Task(name, milestone=True) for name in ("a done", "b done", "c done")]
    net = plan(
        [Task("a", 5 * DAY), Task("b", 5 * DAY), *milestones],
        [Link("a", "a done"), Link("a done", "b"), Link("b", "b done"), Link("b done", "c done")],
    )
    estimates = {"b": Estimate(4 * DAY, 5 * DAY, 9 * DAY)}
    a_baseline, b_baseline = datetime(2026, 3, 6, 17), datetime(2026, 3, 13, 17)
    result = analyse_schedule_risk(
        net, estimates, iterations=1000, seed=4, key_targets={"a done": a_baseline, "b done": b_baseline}
    )
    a, b, c = (result.key_tasks[name] for name in ("a done", "b done", "c done"))
    assert (a.target, a.target_chance) == (a_baseline, 1.0)
    assert 0 < b.target_chance < 0.5  # b's estimate skews late: most iterations miss its baseline
    assert b.target_chance == result.chance_by(b_baseline)  # b done ends the plan: the finish's share
    assert (c.target, c.target_chance) == (None, None)
    assert result.target_chance is None  # no target for the finish was given


# -- risk events ----------------------------------------------------------------------------------


@st.composite
def chains(draw):
    size = draw(st.integers(1, 6))
    tasks = [Task(index, draw(st.integers(0, 5)) * DAY) for index in range(size)]
    links = [Link(index, index + 1, lag=draw(st.integers(0, DAY))) for index in range(size - 1)]
    estimates = {
        task.id: Estimate(task.duration, task.duration + DAY, task.duration + 3 * DAY) for task in tasks
    }
    return plan(tasks, links), estimates


@settings(max_examples=30, deadline=None)
@given(chains(), st.data())
def test_a_risk_that_cannot_happen_changes_nothing_and_one_that_must_delays_a_chain_by_its_impact(case, data):
    net, estimates = case
    task = data.draw(st.sampled_from([task.id for task in net.tasks]))
    impact = data.draw(st.integers(1, 10 * DAY))
    without = analyse_schedule_risk(net, estimates, iterations=50, seed=5)
    never = RiskEvent("supplier fails", 0.0, Estimate(0, impact, 2 * impact), (task,))
    unlikely = analyse_schedule_risk(net, estimates, [never], iterations=50, seed=5)
    assert unlikely == without and np.array_equal(unlikely.finishes, without.finishes)
    certain = RiskEvent("supplier fails", 1.0, impact, (task,))
    delayed = analyse_schedule_risk(net, estimates, [certain], iterations=50, seed=5)
    assert (
        CALENDAR.work_before_many(delayed.finishes) == CALENDAR.work_before_many(without.finishes) + impact
    ).all()


def test_a_risk_on_a_phase_delays_each_of_its_tasks_in_the_iterations_where_it_happens():
    net = plan(
        [Task("phase"), Task("a", DAY, parent="phase"), Task("b", DAY, parent="phase"), Task("c", DAY)],
        [Link("a", "b"), Link("b", "c")],
    )
    flood = RiskEvent("site flood", 0.3, 2 * DAY, ("phase",))
    result = analyse_schedule_risk(net, risks=[flood], iterations=4000, seed=2)
    lengths = CALENDAR.work_before_many(result.finishes) - work(MONDAY)
    assert set(np.unique(lengths).tolist()) == {3 * DAY, 7 * DAY}  # both tasks delayed, or none
    assert abs((lengths == 7 * DAY).mean() - 0.3) < 0.03
    assert [task for task, _ in result.sensitivity] == ["a", "b"]


def test_started_tasks_sample_their_remaining_work_and_finished_ones_keep_their_dates():
    net = plan(
        [
            Task("done", 2 * DAY, actual_start=MONDAY, actual_finish=datetime(2026, 3, 3, 17)),
            Task("going", 4 * DAY, actual_start=datetime(2026, 3, 4, 8), percent_complete=50.0),
        ],
        [Link("done", "going")],
        status_date=datetime(2026, 3, 5, 17),
    )
    estimates = {"done": Estimate(DAY, 5 * DAY, 9 * DAY), "going": Estimate(2 * DAY, 4 * DAY, 8 * DAY)}
    result = analyse_schedule_risk(net, estimates, iterations=500)
    lengths = CALENDAR.work_before_many(result.finishes) - work(datetime(2026, 3, 5, 17))
    assert lengths.min() >= DAY and lengths.max() <= 4 * DAY  # half of 2 to 8 days is left
    assert result.criticality["done"] == 0.0 and result.criticality["going"] == 1.0
    assert [task for task, _ in result.sensitivity] == ["going"]


# -- bad input ------------------------------------------------------------------------------------


def test_estimates_and_risks_that_cannot_be_simulated_are_refused_naming_them():
    net = plan([Task("phase"), Task("a", DAY, parent="phase")])
    cases = [
        (
            {"a": Estimate(2 * DAY, DAY, 3 * DAY)},
            (),
            BAD_ESTIMATE.format(task="a", minimum=960, likely=480, maximum=1440),
        ),
        ({"ghost": fixed(DAY)}, (), NO_SUCH_TASK.format(what="Estimate", task="ghost")),
        ({"phase": fixed(DAY)}, (), SUMMARY_ESTIMATE.format(task="phase")),
        ({}, [RiskEvent("strike", 1.5, DAY, ("a",))], BAD_PROBABILITY.format(risk="strike", probability=1.5)),
        ({}, [RiskEvent("strike", 0.5, DAY, ("b",))], NO_SUCH_TASK.format(what="Risk strike", task="b")),
    ]
    for estimates, risks, message in cases:
        with pytest.raises(ScheduleRiskError) as caught:
            analyse_schedule_risk(net, estimates, risks, iterations=10)
        assert str(caught.value) == message
