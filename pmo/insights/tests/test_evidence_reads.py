"""``pmo.reporting.evidence``: the facts read for many projects, as the engine judges them."""

import pytest

from pmo.engine.evidence import Area, Rating, Verdict
from pmo.insights.tests.conftest import days, hand_in, make_periods
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.raid.choices import ActionStatus, RiskStatus
from pmo.raid.selectors import raid_settings
from pmo.raid.tests.factories import (
    ActionFactory,
    AssumptionFactory,
    DecisionFactory,
    DependencyFactory,
    IssueFactory,
    RiskFactory,
)
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


def test_a_project_keeping_a_risk_register_is_judged_on_the_registers_high_risks_live():
    periods = make_periods()
    keeps = ProjectFactory(planned_start=days(-300))
    declares = ProjectFactory(planned_start=days(-300))
    for project in (keeps, declares):
        hand_in(project, periods[-1], Declared.GREEN, high_risks_open=1)
    high = {"residual_probability": 4, "residual_impact": 4, "raised_on": days(-1)}
    RiskFactory.create_batch(4, project=keeps, **high)
    RiskFactory(project=keeps, status=RiskStatus.CLOSED, **high)

    found = project_evidence(Project.objects.all())

    assert found[keeps.pk].evidence.open_high_risks == 4  # the register now, not the report's 1
    assert found[keeps.pk].areas[Area.RISKS] == Verdict(Rating.RED, ("4 open high risk(s)",))
    assert found[declares.pk].evidence.open_high_risks == 1  # no register: as declared
    assert found[declares.pk].areas[Area.RISKS].rating is Rating.GREEN


def test_stale_and_past_due_raid_items_count_against_the_risks_area_with_reasons():
    periods = make_periods()
    project = ProjectFactory(planned_start=days(-300))
    for period in periods:
        hand_in(project, period, Declared.GREEN)
    long_ago, recent = days(-45), days(-5)
    RiskFactory(project=project, raised_on=long_ago)  # never reviewed: stale
    IssueFactory(project=project, raised_on=recent, last_reviewed_on=long_ago)  # stale
    AssumptionFactory(project=project, raised_on=long_ago, last_reviewed_on=days(-31))  # stale
    ActionFactory(project=project, raised_on=long_ago, due=days(-1))  # stale and past due
    ActionFactory(project=project, raised_on=recent, due=days(-2))  # past due
    ActionFactory(project=project, raised_on=long_ago, status=ActionStatus.DONE)  # closed: neither
    DecisionFactory(project=project, raised_on=long_ago)  # made, not open: neither
    DependencyFactory(project=project, raised_on=recent, last_reviewed_on=days(-29))  # fresh
    IssueFactory(portfolio=project.portfolio, raised_on=long_ago)  # another register's

    found = project_evidence(Project.objects.filter(pk=project.pk))[project.pk]

    assert (found.evidence.stale_raid_items, found.evidence.past_due_raid_items) == (4, 2)
    assert found.areas[Area.RISKS] == Verdict(
        Rating.AMBER, ("4 RAID items not reviewed in 30 days", "2 RAID items past due")
    )
    assert found.overall.rating is Rating.AMBER
    assert found.is_optimistic  # declared green on risks, evidence amber
    because = "(4 RAID items not reviewed in 30 days; 2 RAID items past due)"
    assert found.optimistic == (
        f"Overall: declared green, evidence amber {because}",
        f"Risks: declared green, evidence amber {because}",
    )


def test_a_project_declared_red_is_not_flagged_green_outside_red_inside():
    periods = make_periods()
    project = ProjectFactory(planned_start=days(-300))
    for period in periods:
        hand_in(project, period, Declared.GREEN, overall_status=Declared.RED)  # red overall, risks green
    for _ in range(4):
        ActionFactory(project=project, raised_on=days(-45), due=days(-1))  # stale and past due

    found = project_evidence(Project.objects.filter(pk=project.pk))[project.pk]

    assert found.areas[Area.RISKS].rating is Rating.AMBER  # the evidence still says so
    assert not found.is_optimistic
    assert found.optimistic == ()


def test_the_stale_period_is_the_pmos_raid_setting():
    periods = make_periods()
    project = ProjectFactory(planned_start=days(-300))
    hand_in(project, periods[-1], Declared.GREEN)
    RiskFactory.create_batch(3, project=project, raised_on=days(-20))
    settings = raid_settings()

    assert project_evidence(Project.objects.all())[project.pk].evidence.stale_raid_items == 0
    settings.stale_days = 14
    settings.save()
    found = project_evidence(Project.objects.all())[project.pk]
    assert found.areas[Area.RISKS].reasons == ("3 RAID items not reviewed in 14 days",)
