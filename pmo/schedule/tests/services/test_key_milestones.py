"""Key milestones: the project's manager (or the PMO) flags which of the plan's milestones are key
for portfolio reporting; the flags survive a re-import, each change is in history, and a plan
never flagged takes the approved baseline's milestones as key on import. A plan baselined in MS
Project proposes the project's dates until the first baseline is approved."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from pmo.core.choices import Role
from pmo.portfolio.models import Project
from pmo.reporting.models import BaselineMilestone
from pmo.reporting.tests.factories import BaselineFactory
from pmo.schedule import selectors, services
from pmo.schedule.models import KeyMilestone, PlanTask
from pmo.schedule.tests.plans import milestones_xml, office_move_xml

pytestmark = [pytest.mark.django_db]


def imported(actor, project, data=None):
    return services.plan_import(
        actor=actor, project=project, data=data or milestones_xml(), filename="plan.xml"
    )


def key_names(plan) -> list[str]:
    return [task.name for task in selectors.key_milestones(plan)]


def test_the_manager_flags_a_key_milestone_and_a_reimport_keeps_it_with_its_history(pm, project):
    plan = imported(pm, project)

    changed = services.key_milestones_set(actor=pm, plan=plan, keys={4: True})
    plan = imported(pm, project, milestones_xml(build_days=25))  # the rows are rewritten

    assert changed == 1
    assert key_names(plan) == ["Go live"]
    services.key_milestones_set(actor=pm, plan=plan, keys={4: False, 2: True})
    assert key_names(plan) == ["Design signed off"]
    flag = KeyMilestone.objects.get(plan=plan, uid=4)
    entries = list(flag.history.order_by("history_date", "history_id"))
    assert [(e.key, e.history_user, e.history_change_reason) for e in entries] == [
        (True, pm, "Flagged as a key milestone."),
        (False, pm, "No longer a key milestone."),
    ]


def test_only_a_milestone_of_the_plan_can_be_key_and_nothing_is_written_otherwise(pm, project):
    plan = imported(pm, project)

    with pytest.raises(ValidationError) as error:
        services.key_milestones_set(actor=pm, plan=plan, keys={4: True, 3: True, 99: True})

    assert error.value.messages == [
        "Build (ID 3): only a milestone can be a key milestone.",
        "Task 99: there is no such task in the plan.",
    ]
    assert not KeyMilestone.objects.exists()


@override_settings(PMO_MAX_MILESTONES=1)
def test_a_plan_keeps_no_more_key_milestones_than_a_report_lists(pm, project):
    plan = imported(pm, project)

    with pytest.raises(ValidationError) as error:
        services.key_milestones_set(actor=pm, plan=plan, keys={2: True, 4: True})

    assert error.value.messages == [
        "Flag at most 1 key milestones (a highlight report lists at most that many); this makes 2."
    ]


def test_another_project_manager_may_not_flag_key_milestones(pm, project, make_user):
    plan = imported(pm, project)
    other = make_user(Role.PROJECT_MANAGER, username="other")

    with pytest.raises(PermissionDenied):
        services.key_milestones_set(actor=other, plan=plan, keys={4: True})
    assert not KeyMilestone.objects.exists()


def test_a_plan_never_flagged_takes_the_approved_baselines_milestones_as_key(pm, project):
    old = BaselineFactory(project=project, number=1)
    BaselineMilestone.objects.create(baseline=old, name="Design signed off", due=dt.date(2026, 9, 18))
    approved = BaselineFactory(project=project, number=2)
    BaselineMilestone.objects.create(baseline=approved, name="Go live", due=dt.date(2026, 10, 16))

    plan = imported(pm, project)

    assert key_names(plan) == ["Go live"]
    flag = KeyMilestone.objects.get(plan=plan)
    assert (
        flag.history.get().history_change_reason == "Flagged on import: named as a milestone of baseline v2."
    )
    services.key_milestones_set(actor=pm, plan=plan, keys={4: False})
    assert key_names(imported(pm, project)) == []  # unflagged stays unflagged


def test_without_a_baseline_a_plan_starts_with_no_key_milestones(pm, project):
    plan = imported(pm, project, office_move_xml())

    assert key_names(plan) == []
    assert PlanTask.objects.filter(plan=plan, milestone=True).count() == 1


def test_a_baselined_plan_proposes_the_projects_dates_until_a_baseline_is_approved(pm, project):
    imported(pm, project)

    project.refresh_from_db()
    assert (project.planned_start, project.planned_finish) == (dt.date(2026, 9, 7), dt.date(2026, 10, 16))
    entry = Project.history.filter(id=project.pk).order_by("-history_date", "-history_id").first()
    assert (entry.history_user, entry.history_change_reason) == (
        pm,
        "Planned start and finish from the baseline of the plan plan.xml.",
    )
    BaselineFactory(project=project, number=1, finish=dt.date(2026, 10, 30))
    Project.objects.filter(pk=project.pk).update(planned_finish=dt.date(2026, 10, 30))
    imported(pm, project)
    project.refresh_from_db()
    assert project.planned_finish == dt.date(2026, 10, 30)  # the approved plan is the baseline's
