"""RAID items left alone, read from the six registers with their severity and age: a high risk
ignored for months is caught, named; a low risk unreviewed and an action a few days over are
not; the PMO's thresholds (reporting settings) hold."""

import datetime as dt

import pytest

from pmo.engine.early_warning import Kind
from pmo.insights.early_warning import early_warnings
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.raid.choices import ActionSource, Severity
from pmo.raid.tests.factories import ActionFactory, IssueFactory, RiskFactory
from pmo.reporting.selectors import reporting_settings

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]

TODAY = dt.date(2026, 12, 4)


def raid_reason(project) -> str:
    found = early_warnings(Project.objects.filter(pk=project.pk), TODAY).get(project.pk)
    return next((s.reason for s in (found.signals if found else ()) if s.kind is Kind.RAID_NEGLECT), "")


def test_a_high_risk_ignored_for_months_is_caught_and_named():
    project = ProjectFactory(code="RSK-001")
    risk = RiskFactory(
        project=project,
        residual_probability=5,
        residual_impact=5,
        raised_on=dt.date(2026, 6, 1),
        last_reviewed_on=dt.date(2026, 8, 1),
    )

    assert raid_reason(project) == f"RAID items left alone: {risk.reference} (high, not reviewed in 125 days)"


def test_a_low_risk_unreviewed_and_an_action_a_few_days_over_are_not_flagged():
    project = ProjectFactory(code="SML-001")
    RiskFactory(
        project=project, residual_probability=1, residual_impact=2, last_reviewed_on=dt.date(2026, 10, 20)
    )
    ActionFactory(project=project, due=dt.date(2026, 11, 30))
    IssueFactory(project=project, severity=Severity.MINOR, due=dt.date(2026, 11, 1))  # low: 2 steps, 2 points

    assert raid_reason(project) == ""


def test_a_corrective_action_weeks_over_and_a_major_issue_add_up():
    project = ProjectFactory(code="ADD-001")
    action = ActionFactory(project=project, source=ActionSource.EXCEPTION, due=dt.date(2026, 11, 6))
    issue = IssueFactory(
        project=project,
        severity=Severity.MAJOR,
        due=dt.date(2026, 11, 20),
        last_reviewed_on=dt.date(2026, 11, 20),
    )

    assert raid_reason(project) == (
        f"RAID items left alone: {action.reference} (high, 28 days past due), "
        f"{issue.reference} (high, 14 days past due)"
    )


def test_the_pmos_points_and_steps_hold():
    project = ProjectFactory(code="SET-001")
    ActionFactory(project=project, source=ActionSource.EXCEPTION, due=dt.date(2026, 11, 6))  # 2 steps: 8
    settings = reporting_settings()

    settings.early_raid_points = 9
    settings.save()
    assert raid_reason(project) == ""

    settings.early_raid_points, settings.early_raid_overdue_days = 8, 7  # 4 steps now: 16 points
    settings.save()
    assert "28 days past due" in raid_reason(project)
