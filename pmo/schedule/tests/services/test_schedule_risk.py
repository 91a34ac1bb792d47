"""Schedule risk: a plan's tasks take three-point estimates (checked, naming the task, and kept by
UID across a re-import) and a run simulates the plan with them, keeping its forecast, the chance
of meeting the baseline finish, its histogram and each task's criticality and sensitivity; only
the project's manager or the PMO set estimates and run it."""

from dataclasses import replace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.choices import Role
from pmo.engine.mspdi import Baseline, project_from_plan, write_mspdi
from pmo.engine.schedule import schedule
from pmo.engine.schedule_risk import Distribution, Estimate
from pmo.schedule import services
from pmo.schedule.models import ScheduleRun, TaskEstimate
from pmo.schedule.tests.plans import DAY, office_move, office_move_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]

SURVEY, DESIGN, ORDER, FIT_OUT, MOVE_IN = 2, 3, 4, 5, 6  # UIDs of the office move's tasks


def baselined_office_move_xml() -> bytes:
    """The office move, baselined as scheduled: its baseline finish is Thu 14 Jan 2027 17:00."""
    plan = office_move()
    computed = schedule(plan)
    project = project_from_plan(plan, "Office move")
    dates = computed.tasks
    project = replace(
        project,
        tasks=[
            replace(item, baselines=(Baseline(0, dates[item.uid].start, dates[item.uid].finish),))
            for item in project.tasks
        ],
    )
    return write_mspdi(project, computed)


@pytest.fixture
def plan(pm, project):
    return services.plan_import(actor=pm, project=project, data=baselined_office_move_xml(), filename="m.xml")


def test_a_run_forecasts_the_finish_and_its_chance_of_the_baseline(pm, plan):
    # Given Fit out (critical, 4 days) may take 3 to 10 days and the furniture order 1 to 3
    services.task_estimates_set(
        actor=pm,
        plan=plan,
        estimates={FIT_OUT: Estimate(3 * DAY, 4 * DAY, 10 * DAY), ORDER: Estimate(DAY, DAY, 3 * DAY)},
    )

    run = services.schedule_run_create(actor=pm, plan=plan, iterations=2000, seed=7)

    # Then most iterations finish after the baseline (14 Jan): fit out is skewed long
    assert run.target.day == 14 and 0 < run.target_chance < 0.5
    assert run.p10 <= run.p50 <= run.p80 <= run.p90 and run.p90 > run.target
    assert (run.iterations, run.seed, run.estimates_count, run.run_by) == (2000, 7, 2, pm)
    assert sum(bar.count for bar in run.bins.all()) == 2000
    assert run.bins.last().cumulative == pytest.approx(1.0)
    tasks = {t.name: t for t in run.tasks.all()}
    assert tasks["Fit out"].criticality == 1.0 and tasks["Fit out"].sensitivity > 0.9
    assert tasks["Order furniture"].criticality == 0.0 and tasks["Survey"].sensitivity is None
    assert "Office move" not in tasks  # summaries are not reported
    assert run.history.first().history_change_reason.startswith("Simulated 2,000 times: P80 finish")
    # And the same seed gives the same forecast
    again = services.schedule_run_create(actor=pm, plan=plan, iterations=2000, seed=7)
    assert (again.p50, again.p80, again.target_chance) == (run.p50, run.p80, run.target_chance)


def test_estimates_are_checked_naming_the_task_and_survive_a_reimport(pm, plan, project):
    with pytest.raises(ValidationError) as refused:
        services.task_estimates_set(
            actor=pm,
            plan=plan,
            estimates={
                SURVEY: Estimate(DAY, DAY, 2 * DAY),
                DESIGN: Estimate(3 * DAY, 2 * DAY, 4 * DAY),
                1: Estimate(DAY, DAY, DAY),
                0: Estimate(DAY, DAY, DAY),
            },
        )
    assert refused.value.messages == [
        "Design (ID 3): the minimum cannot exceed the most likely, nor the most likely the maximum.",
        "Office move (ID 1): a summary task takes no estimate; estimate the tasks under it.",
        "Task 0: there is no such task in the plan.",
    ]
    assert not TaskEstimate.objects.exists()  # all or nothing

    services.task_estimates_set(
        actor=pm, plan=plan, estimates={SURVEY: Estimate(DAY, 2 * DAY, 5 * DAY, Distribution.PERT)}
    )
    services.plan_import(actor=pm, project=project, data=office_move_xml(), filename="again.xml")
    run = services.schedule_run_create(actor=pm, plan=plan, iterations=500, seed=1)

    assert run.estimates_count == 1 and run.target is None and run.target_chance is None
    services.task_estimates_set(actor=pm, plan=plan, estimates={SURVEY: None})
    assert not TaskEstimate.objects.exists()


def test_only_the_manager_or_the_pmo_estimates_and_runs(make_user, plan):
    viewer = make_user(Role.EXECUTIVE, username="exec")
    pmo = make_user(Role.PMO_OFFICER, username="officer")

    with pytest.raises(PermissionDenied):
        services.task_estimates_set(actor=viewer, plan=plan, estimates={SURVEY: Estimate(DAY, DAY, DAY)})
    with pytest.raises(PermissionDenied):
        services.schedule_run_create(actor=viewer, plan=plan, iterations=100)
    with pytest.raises(ValidationError):
        services.schedule_run_create(actor=pmo, plan=plan, iterations=10)

    assert services.schedule_run_create(actor=pmo, plan=plan, iterations=100).run_by == pmo
    assert ScheduleRun.objects.count() == 1


def test_a_run_keeps_each_key_milestones_percentiles(pm, plan):
    # Given Move in is a key milestone and Fit out, just before it, may take 3 to 10 days
    services.key_milestones_set(actor=pm, plan=plan, keys={MOVE_IN: True})
    services.task_estimates_set(
        actor=pm, plan=plan, estimates={FIT_OUT: Estimate(3 * DAY, 4 * DAY, 10 * DAY)}
    )

    run = services.schedule_run_create(actor=pm, plan=plan, iterations=1000, seed=7)

    # Then Move in's forecast is kept with the run: it is the project's last task, so its
    # percentiles are the finish's, and its baseline is the plan's (14 Jan)
    [move_in] = run.milestones.all()
    assert (move_in.uid, move_in.name) == (MOVE_IN, "Move in")
    assert (move_in.p10, move_in.p50, move_in.p80, move_in.p90) == (run.p10, run.p50, run.p80, run.p90)
    assert move_in.baseline.day == 14 and move_in.scheduled_day.day == 14
    # and its own chance of the baseline: the finish's here, as it ends the plan
    assert move_in.baseline_chance == run.target_chance and 0 < move_in.baseline_chance < 1
    # And a milestone no longer key is not forecast
    services.key_milestones_set(actor=pm, plan=plan, keys={MOVE_IN: False})
    assert not services.schedule_run_create(actor=pm, plan=plan, iterations=100, seed=7).milestones.exists()


def test_an_open_raid_risk_on_a_task_delays_it_with_its_likelihood(pm, plan, project):
    from pmo.portfolio.tests.factories import ProjectFactory
    from pmo.raid.tests.factories import RiskFactory

    # Given an open risk (residual probability 3 of 5: 40% on the default matrix) that would
    # delay Fit out, on the critical path, by 5 days
    risk = RiskFactory(project=project, title="Contractor late")
    services.task_risk_set(actor=pm, plan=plan, risk=risk, uid=FIT_OUT, impact=5 * DAY)

    run = services.schedule_run_create(actor=pm, plan=plan, iterations=2000, seed=3)

    # Then about 60% of iterations still meet the baseline finish, and P80 is 5 days later
    assert run.risks_count == 1 and 0.55 < run.target_chance < 0.65
    assert run.p50 == run.target and (run.p80.date() - run.target.date()).days == 7  # 5 working days
    assert {t.name: t.sensitivity for t in run.tasks.all()}["Fit out"] > 0.9

    # A summary, a closed risk or another project's risk is refused, naming it
    with pytest.raises(ValidationError, match="Office move \\(ID 1\\): a summary task takes no risk"):
        services.task_risk_set(actor=pm, plan=plan, risk=risk, uid=1, impact=DAY)
    other = RiskFactory(project=ProjectFactory(code="HR"))
    with pytest.raises(ValidationError, match=f"{other.reference} is not an open risk of WEB"):
        services.task_risk_set(actor=pm, plan=plan, risk=other, uid=FIT_OUT, impact=DAY)
    with pytest.raises(ValidationError, match="the minimum impact cannot exceed"):
        services.task_risk_set(actor=pm, plan=plan, risk=risk, uid=FIT_OUT, impact=Estimate(3, 2, 4))
    # And untied, it no longer counts
    services.task_risk_set(actor=pm, plan=plan, risk=risk, uid=None)
    again = services.schedule_run_create(actor=pm, plan=plan, iterations=100, seed=3)
    assert (again.risks_count, again.target_chance) == (0, 1.0)
