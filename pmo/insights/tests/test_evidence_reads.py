"""``pmo.reporting.evidence``: the facts read for many projects, as the engine judges them."""

import pytest

from pmo.engine.evidence import Area, Rating
from pmo.insights.tests.conftest import days, hand_in, make_periods
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.reporting.choices import Rating as Declared
from pmo.reporting.evidence import project_evidence
from pmo.reporting.models import BaselineMilestone, ReportMilestone
from pmo.reporting.tests.factories import BaselineFactory

pytestmark = pytest.mark.django_db


def test_overdue_milestones_come_from_the_baseline_and_the_latest_report():
    periods = make_periods()
    project = ProjectFactory(planned_start=days(-300))
    baseline = BaselineFactory(project=project, finish=days(90))
    for period in periods[:-1]:
        hand_in(project, period, high_risks_open=5)  # older reports: their figures do not count
    report = hand_in(project, periods[-1], Declared.AMBER, high_risks_open=1)
    for name, due in (("Kick-off", -10), ("Design", -8), ("Build", 20)):
        BaselineMilestone.objects.create(baseline=baseline, name=name, due=days(due))
    ReportMilestone.objects.create(report=report, name="Design", forecast=days(-8), achieved_on=days(-9))
    ReportMilestone.objects.create(report=report, name="Build", forecast=days(40))
    ReportMilestone.objects.create(report=report, name="Migration", forecast=days(-1))

    found = project_evidence(Project.objects.filter(pk=project.pk))[project.pk]

    # Kick-off: baseline date passed, never reported achieved; Migration: forecast passed.
    assert found.evidence.overdue_milestones == 2
    assert found.evidence.open_high_risks == 1
    assert found.evidence.missing_reports == 0
    assert found.evidence.days_since_report == 0
    assert found.areas[Area.SCHEDULE].rating is Rating.AMBER
    assert {m.name: m.slip_days for m in found.milestones} == {
        "Build": 20,
        "Design": -1,
        "Kick-off": None,
        "Migration": None,
    }
    assert not found.is_optimistic  # declared amber, evidence amber


def test_missing_reports_count_only_periods_the_project_was_running():
    periods = make_periods()  # three past due, ending 34, 20 and 6 days ago
    started_early = ProjectFactory(planned_start=days(-300))
    started_late = ProjectFactory(planned_start=days(-15))
    no_start = ProjectFactory(planned_start=None)
    hand_in(started_early, periods[0])

    found = project_evidence(Project.objects.all())

    assert found[started_early.pk].evidence.missing_reports == 2
    assert found[started_late.pk].evidence.missing_reports == 1
    assert found[no_start.pk].evidence.missing_reports == 3
    assert found[started_late.pk].evidence.days_since_report is None
    assert found[started_early.pk].overall.rating is Rating.RED  # two missing
