"""The cycle end to end through the services: a breaching report raises an exception that the
PM reports on and the sponsor decides."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from pmo.core.choices import Role
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.reporting import services
from pmo.reporting.choices import ExceptionDecision, ExceptionStatus, ToleranceState
from pmo.reporting.models import Baseline, ToleranceCheck
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db


def test_breach_raises_exception_that_the_sponsor_decides(
    make_user, pmo_head, django_capture_on_commit_callbacks
):
    pm_user = make_user(Role.PROJECT_MANAGER, email="pm@council.example")
    sponsor_user = make_user(Role.SPONSOR, email="sponsor@council.example")
    project = ProjectFactory(
        project_manager=PersonFactory(user=pm_user), sponsor=PersonFactory(user=sponsor_user)
    )
    services.baseline_approve(
        actor=pmo_head, project=project, finish=dt.date(2026, 12, 18),
        budget_at_completion=Decimal(250000), reason="Business case approved",
    )
    period = PeriodFactory()
    report = services.highlight_report_start(actor=pm_user, project=project, period=period)
    assert report.forecast_cost == Decimal(250000)  # pre-filled from the baseline
    fields = dict.fromkeys(services.STATUS_FIELDS, "green") | {
        "summary": "Supplier late", "forecast_finish": dt.date(2027, 3, 1),
    }
    report = services.highlight_report_update(
        actor=pm_user, report=report, fields=fields, expected_version=report.version
    )
    with django_capture_on_commit_callbacks(execute=True):  # e-mail goes when the submission commits
        report = services.highlight_report_submit(
            actor=pm_user, report=report, expected_version=report.version
        )

    assert report.tolerance_status == ToleranceState.BREACHED
    check = ToleranceCheck.objects.get(project=project, dimension="time")
    assert "73 days" in check.explanation or "+73" in check.explanation
    exception = project.exceptions.get()
    assert exception.status == ExceptionStatus.REPORT_REQUESTED
    assert sponsor_user.notifications.filter(subject__contains="Exception raised").exists()
    assert any("exception report requested by" in m.subject for m in mail.outbox)

    exception = services.exception_report_submit(
        actor=pm_user, exception=exception, cause="Supplier insolvency", consequences="Three months late",
        options="A: re-tender (+3 months). B: descope (no delay, lose reporting module).",
        recommendation="A", expected_version=exception.version,
    )
    decided = services.exception_decide(
        actor=sponsor_user, exception=exception, decision=ExceptionDecision.NEW_BASELINE,
        notes="Re-tender approved", expected_version=exception.version,
        baseline={"finish": dt.date(2027, 3, 15), "budget_at_completion": Decimal(260000)},
    )
    assert decided.status == ExceptionStatus.DECIDED
    assert decided.new_baseline == Baseline.objects.get(project=project, number=2)
    # Against the new baseline the same forecast is within tolerance again.
    assert ToleranceCheck.objects.get(project=project, dimension="time").status == ToleranceState.WITHIN
    steps = [h.history_change_reason for h in decided.history.order_by("history_date", "history_id")]
    assert steps[0].startswith("Raised automatically")
    assert steps[-1] == "Decided: Approve a new baseline"
