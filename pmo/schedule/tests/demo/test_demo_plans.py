"""The demo's plans: eight started projects have a plan their project manager imported, with a
baseline and progress to the day; two of them overran their build, so their go-live is forecast
after its baseline; each plan's page draws its Gantt with a critical path."""

import datetime as dt

import pytest
from django.test import Client

from pmo.core.models import User
from pmo.reporting.milestone_trend import milestone_trend
from pmo.schedule.models import Plan, PlanBaseline, PlanTask
from pmo.schedule.selectors import key_milestone_names

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_eight_started_projects_have_a_plan_with_a_baseline_and_progress() -> None:
    plans = Plan.objects.select_related("project")

    assert plans.count() == 8
    for plan in plans:
        tasks = PlanTask.objects.filter(plan=plan)
        assert plan.critical_count > 0 and tasks.filter(baseline_finish__isnull=True).count() == 0
        assert tasks.filter(percent_complete=100).exists(), plan.project.code
        assert plan.imported_by is None or plan.imported_by.person.pk == plan.project.project_manager_id


def test_two_plans_forecast_their_go_live_weeks_after_its_baseline() -> None:
    finals = [
        PlanTask.objects.filter(plan=plan, milestone=True).order_by("-row").first()
        for plan in Plan.objects.all()
    ]
    late = [task for task in finals if task.finish > task.baseline_finish + dt.timedelta(days=14)]

    assert len(finals) == 8
    assert len(late) == 2
    # and were baselined again (Baseline 1) once the build overran: within a day of that one
    replanned = PlanBaseline.objects.filter(task__in=late, number=1)
    assert len(replanned) == 2 and all(abs(b.finish_variance) < 480 for b in replanned)
    assert sorted(plan.saved_baselines for plan in Plan.objects.all()).count([0, 1]) == 2


def test_the_plans_key_milestones_are_their_baselines_and_two_trends_show_a_slip() -> None:
    slipping = []
    for plan in Plan.objects.select_related("project"):
        names = key_milestone_names(plan.project)
        baseline = plan.project.baselines.order_by("-number").first()
        assert sorted(names) == sorted(baseline.milestones.values_list("name", flat=True)), plan.project.code
        reports = list(plan.project.highlight_reports.select_related("period").prefetch_related("milestones"))
        trend = milestone_trend(reports, names)
        if any((line.slip or 0) >= 14 for line in trend.lines):
            slipping.append(plan.project.code)

    assert len(slipping) >= 2, slipping


def test_a_demo_plan_page_draws_its_gantt() -> None:
    plan = Plan.objects.select_related("project").order_by("project__code").first()
    client = Client()
    client.force_login(User.objects.get(username="head"))

    page = client.get(f"/plans/projects/{plan.project.code}/").content.decode()

    assert page.count('class="gantt-bar critical"') >= 1 and "gantt-baseline" in page


def test_each_plan_has_a_schedule_risk_run_with_its_key_milestones_and_a_raid_risk() -> None:
    from pmo.schedule.models import ScheduleRun

    runs = list(ScheduleRun.objects.select_related("project").prefetch_related("milestones"))

    assert len(runs) == 8
    assert all(run.estimates_count > 0 and run.p80 >= run.deterministic for run in runs)
    assert all(run.milestones.all() for run in runs if key_milestone_names(run.project))
    assert any(run.risks_count == 1 for run in runs)
    assert any(run.target_chance is not None and run.target_chance < 0.5 for run in runs)  # the slipping ones
