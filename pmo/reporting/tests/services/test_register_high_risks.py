"""Where a project keeps a risk register, its open high risks are the register's: a new draft is
pre-filled with them, and submission fixes the register's figure in the report, so the risk
tolerance judges it. A project without any RAID risk keeps the figure its PM declares."""

from decimal import Decimal

import pytest

from pmo.portfolio.models import Project
from pmo.raid.choices import RiskKind, RiskStatus
from pmo.raid.tests.factories import RiskFactory
from pmo.reporting import services
from pmo.reporting.choices import ToleranceDimension, ToleranceState
from pmo.reporting.models import ToleranceCheck
from pmo.reporting.tests.services.steps import baseline, draft, submitted

pytestmark = pytest.mark.django_db

HIGH = {"residual_probability": 4, "residual_impact": 4}  # 16: high on the default 5×5 matrix
LOW = {"residual_probability": 1, "residual_impact": 2}


def risk_check() -> ToleranceCheck:
    return ToleranceCheck.objects.get(dimension=ToleranceDimension.RISK)


def allow_one_high_risk(cast) -> None:
    baseline(cast)
    services.tolerance_set(
        actor=cast.officer,
        project=cast.project,
        dimension=ToleranceDimension.RISK,
        absolute=Decimal(1),
        percent=None,
    )


def test_a_new_draft_is_prefilled_with_the_registers_open_high_risks(cast):
    RiskFactory.create_batch(2, project=cast.project, **HIGH)
    RiskFactory(project=cast.project, **LOW)
    RiskFactory(project=cast.project, status=RiskStatus.CLOSED, **HIGH)  # closed: not counted
    RiskFactory(project=cast.project, kind=RiskKind.OPPORTUNITY, response="", **HIGH)  # not a threat

    report = services.highlight_report_start(actor=cast.pm, project=cast.project, period=cast.period)

    assert report.high_risks_open == 2
    assert report.high_risks_from_register


def test_on_submission_the_registers_figure_replaces_the_declared_one_and_the_tolerance_judges_it(cast):
    allow_one_high_risk(cast)
    RiskFactory.create_batch(3, project=cast.project, **HIGH)
    report = draft(cast, high_risks_open=0)  # typed over: the register's figure stands
    assert report.high_risks_open == 3
    RiskFactory(project=cast.project, **HIGH)  # logged after the draft was saved

    report = services.highlight_report_submit(actor=cast.pm, report=report, expected_version=report.version)

    assert (report.high_risks_open, report.high_risks_from_register) == (4, True)
    assert report.history.first().high_risks_open == 4  # frozen in the snapshot
    check = risk_check()
    assert (check.status, check.forecast_value) == (ToleranceState.BREACHED, 4)
    assert report.tolerance_status == ToleranceState.BREACHED


def test_a_submitted_report_keeps_its_figure_when_the_register_changes(cast):
    RiskFactory.create_batch(2, project=cast.project, **HIGH)
    report = submitted(cast)

    RiskFactory.create_batch(3, project=cast.project, **HIGH)

    report.refresh_from_db()
    assert report.high_risks_open == 2


def test_a_project_without_any_raid_risk_keeps_the_declared_figure(cast):
    allow_one_high_risk(cast)
    RiskFactory(portfolio=cast.project.portfolio, **HIGH)  # the portfolio's register, not its own
    RiskFactory(project=Project.objects.get(code="OTHER"), **HIGH)

    report = submitted(cast, high_risks_open=1)

    assert (report.high_risks_open, report.high_risks_from_register) == (1, False)
    assert risk_check().status == ToleranceState.FORECAST_TO_BREACH  # 1 of 1 allowed


def test_a_register_with_only_low_or_closed_risks_counts_zero_over_the_declared_figure(cast):
    RiskFactory(project=cast.project, **LOW)
    RiskFactory(project=cast.project, status=RiskStatus.CLOSED, **HIGH)

    report = submitted(cast, high_risks_open=5)

    assert (report.high_risks_open, report.high_risks_from_register) == (0, True)
