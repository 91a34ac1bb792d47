"""A reporting form with several problems shows every one of them in one submit: the fields'
own, the rules across fields the services check, and the milestone rows' — in the summary at
the top of the form, and nothing is saved."""

import datetime as dt

import pytest

from pmo.reporting import services
from pmo.reporting.choices import ExceptionStatus, ReportStatus
from pmo.reporting.forms import MILESTONE_NEEDS_DATE, MILESTONE_NEEDS_NAME
from pmo.reporting.models import Baseline
from pmo.reporting.tests.views.helpers import doc, report_data
from pmo.reporting.tests.views.test_exception_pages import REPORT, raised, reported
from pmo.reporting.tests.views.test_project_pages import baseline_data

pytestmark = pytest.mark.django_db

NOT_A_NUMBER = "Enter a number."
START = dt.date(2026, 1, 5)  # the project's planned start (ProjectFactory)


def summary(response) -> str:
    """The text of the form's error summary (empty when there is none)."""
    found = doc(response).xpath("//*[@data-testid='error-summary']")
    return " ".join(found[0].text_content().split()) if found else ""


def test_a_highlight_report_submitted_with_five_problems_shows_all_five(world):
    # Given a draft, submitted with a blank summary, a cost that is not a number, a finish
    # before the project starts, an item not in the registers, and a milestone without its date
    report = world.draft()
    data = report_data(
        report,
        action="submit",
        summary="",
        forecast_cost="lots",
        forecast_finish="2025-12-01",
        raid_references="RSK-0",
        **{"milestones-1-name": "Pilot"},
    )

    response = world.client(world.pm).post(f"/reporting/reports/{report.pk}/edit/", data)

    # Then every problem is listed at once, and the report is still the unchanged draft
    shown = summary(response)
    assert f"Status summary: {services.MISSING_FOR_SUBMISSION}" in shown
    assert NOT_A_NUMBER in shown
    assert services.FORECAST_BEFORE_START.format(forecast=dt.date(2025, 12, 1), start=START) in shown
    assert "RSK-0" in shown
    assert f"Milestone 2, Date: {MILESTONE_NEEDS_DATE}" in shown
    report.refresh_from_db()
    assert (report.status, report.summary) == (ReportStatus.DRAFT, "On track.")


def test_a_valid_draft_submitted_with_a_blank_and_a_rule_broken_shows_both(world):
    # Given a form with no problem of its own: a blank status and a milestone before the start
    report = world.draft()
    data = report_data(
        report,
        action="submit",
        overall_status="",
        forecast_finish="2025-12-01",
        **{"milestones-1-name": "Kick-off", "milestones-1-date": "2025-11-01"},
    )

    response = world.client(world.pm).post(f"/reporting/reports/{report.pk}/edit/", data)

    shown = summary(response)
    assert f"Overall status: {services.MISSING_FOR_SUBMISSION}" in shown
    assert services.FORECAST_BEFORE_START.format(forecast=dt.date(2025, 12, 1), start=START) in shown
    assert services.MILESTONE_BEFORE_START.format(name="Kick-off", start=START) in shown
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_a_baseline_with_five_problems_shows_all_five(world):
    # Given a budget that is not a number, no reason, a finish before the start, a milestone
    # without a name and one listed twice
    data = baseline_data(
        budget_at_completion="much",
        reason="",
        finish="2025-06-30",
        **{
            "milestones-1-date": "2027-01-10",
            "milestones-2-name": "Go live",
            "milestones-2-date": "2027-03-02",
        },
    )

    response = world.client(world.head).post("/reporting/projects/DFD-001/baselines/new/", data)

    shown = summary(response)
    assert NOT_A_NUMBER in shown
    assert f"Reason: {services.REASON_REQUIRED}" in shown
    assert services.BASELINE_BEFORE_START.format(finish=dt.date(2025, 6, 30), start=START) in shown
    assert f"Milestone 2, Name: {MILESTONE_NEEDS_NAME}" in shown
    assert services.DUPLICATE_MILESTONE.format(name="Go live") in shown
    assert Baseline.objects.filter(project=world.project).count() == 1


def test_an_exception_report_with_three_problems_shows_all_three(world):
    exception = raised(world)
    too_long = "x" * 10_001

    response = world.client(world.pm).post(
        f"/reporting/exceptions/{exception.pk}/report/",
        {**REPORT, "cause": " ", "options": "", "recommendation": too_long, "version": exception.version},
    )

    shown = summary(response)
    assert f"Cause: {services.MISSING_FOR_SUBMISSION}" in shown
    assert f"Options: {services.MISSING_FOR_SUBMISSION}" in shown
    assert "Recommendation: Recommendation is 10,001 characters long" in shown
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.REPORT_REQUESTED


def test_an_exception_decision_with_four_problems_shows_all_four(world):
    exception = reported(world)

    response = world.client(world.sponsor).post(
        f"/reporting/exceptions/{exception.pk}/decide/",
        {
            "decision": "new_baseline",
            "notes": "",
            "finish": "2025-06-30",
            "budget_at_completion": "much",
            "version": exception.version,
        },
    )

    shown = summary(response)
    assert NOT_A_NUMBER in shown
    assert services.DECISION_NOTES_REQUIRED in shown
    assert services.DECISION_NEEDS_BASELINE in shown
    assert services.BASELINE_BEFORE_START.format(finish=dt.date(2025, 6, 30), start=START) in shown
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.REPORT_SUBMITTED
