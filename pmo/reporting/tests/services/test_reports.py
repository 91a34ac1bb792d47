"""Highlight reports: starting a draft (pre-filled), editing it, submitting it — and every way
the PM can get it wrong, with nothing lost."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.services import NOT_EDITABLE, ConflictError
from pmo.portfolio.choices import ProjectStatus
from pmo.reporting import services, workflows
from pmo.reporting.choices import PeriodStatus, ReportStatus, StatusScale, ToleranceState
from pmo.reporting.models import NEGATIVE_AMOUNT, HighlightReport, ReportingSettings, ToleranceCheck
from pmo.reporting.services import MilestoneForecast
from pmo.reporting.tests.services.steps import BASELINE_FINISH, BUDGET, baseline, draft, next_period

pytestmark = pytest.mark.django_db


def errors_of(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


# Starting a draft -------------------------------------------------------------------------------


def test_a_first_report_is_prefilled_from_the_baseline(cast):
    baseline(cast)

    report = services.highlight_report_start(actor=cast.pm, project=cast.project, period=cast.period)

    assert report.status == ReportStatus.DRAFT
    assert report.revision == 1
    assert (report.forecast_finish, report.forecast_cost) == (BASELINE_FINISH, BUDGET)
    assert report.forecast_benefits == Decimal(400000)
    assert [(m.name, m.forecast) for m in report.milestones.all()] == [
        ("Design signed off", dt.date(2026, 6, 30)),
        ("Go live", dt.date(2026, 12, 1)),
    ]
    assert report.history.get().history_user == cast.pm


def test_without_a_baseline_or_previous_report_the_draft_starts_empty(cast):
    report = services.highlight_report_start(actor=cast.pm, project=cast.project, period=cast.period)

    assert report.forecast_finish is None
    assert report.summary == ""
    assert not report.milestones.exists()


def test_next_period_carries_statuses_forecasts_and_milestones_but_not_achievements(cast):
    baseline(cast)
    november = draft(
        cast,
        overall_status="amber",
        summary="Testing slipped a week.",
        achievements="Design signed off.",
        next_period_plan="Finish testing.",
        forecast_finish=dt.date(2026, 12, 24),
        forecast_cost=Decimal(255000),
        lessons="Book test environments early.",
    )
    services.highlight_report_update(
        actor=cast.pm,
        report=november,
        fields={},
        expected_version=november.version,
        milestones=[
            MilestoneForecast("Design signed off", dt.date(2026, 6, 30), achieved_on=dt.date(2026, 7, 2)),
            MilestoneForecast("Go live", dt.date(2026, 12, 8)),
        ],
    )
    november.refresh_from_db()
    november = services.highlight_report_submit(
        actor=cast.pm, report=november, expected_version=november.version
    )
    services.highlight_report_return(
        actor=cast.officer, report=november, comments="Say why.", expected_version=november.version
    )

    december = services.highlight_report_start(actor=cast.pm, project=cast.project, period=next_period())

    assert december.overall_status == "amber"
    assert december.summary == "Testing slipped a week."
    assert december.next_period_plan == "Finish testing."
    assert december.lessons == "Book test environments early."
    assert (december.forecast_finish, december.forecast_cost) == (dt.date(2026, 12, 24), Decimal(255000))
    assert december.achievements == ""
    assert december.review_comments == ""
    assert december.submitted_at is None
    assert december.tolerance_status == ""
    assert [(m.name, m.forecast, m.achieved_on) for m in december.milestones.all()] == [
        ("Design signed off", dt.date(2026, 6, 30), dt.date(2026, 7, 2)),
        ("Go live", dt.date(2026, 12, 8), None),
    ]
    assert december.history.get().history_change_reason == f"Pre-filled from {november}"


def test_prefill_comes_from_the_latest_revision_of_the_previous_period(cast):
    first = draft(cast, summary="First go.")
    first = services.highlight_report_submit(actor=cast.pm, report=first, expected_version=first.version)
    second = services.highlight_report_revise(actor=cast.pm, report=first)
    services.highlight_report_update(
        actor=cast.pm, report=second, fields={"summary": "Corrected."}, expected_version=second.version
    )

    december = services.highlight_report_start(actor=cast.pm, project=cast.project, period=next_period())

    assert december.summary == "Corrected."


def test_a_second_report_for_the_same_period_is_refused(cast):
    services.highlight_report_start(actor=cast.pm, project=cast.project, period=cast.period)

    with pytest.raises(ValidationError) as error:
        services.highlight_report_start(actor=cast.officer, project=cast.project, period=cast.period)

    assert error.value.messages == [services.REPORT_EXISTS.format(project=cast.project, period=cast.period)]
    assert HighlightReport.objects.count() == 1


def test_a_pm_cannot_report_for_someone_elses_project(cast):
    with pytest.raises(PermissionDenied) as error:
        services.highlight_report_start(actor=cast.other_pm, project=cast.project, period=cast.period)

    assert str(error.value) == f"You do not have permission to write reports for {cast.project}."
    assert not HighlightReport.objects.exists()


@pytest.mark.parametrize("status", [ProjectStatus.PROPOSED, ProjectStatus.ON_HOLD, ProjectStatus.CLOSED])
def test_only_active_projects_report(cast, status):
    cast.project.status = status
    cast.project.save()

    with pytest.raises(ValidationError) as error:
        services.highlight_report_start(actor=cast.pm, project=cast.project, period=cast.period)

    label = ProjectStatus(status).label.lower()
    assert error.value.messages == [services.PROJECT_NOT_ACTIVE.format(project=cast.project, status=label)]


def test_no_report_is_started_on_a_closed_period(cast):
    cast.period.status = PeriodStatus.CLOSED
    cast.period.save()

    with pytest.raises(ValidationError) as error:
        services.highlight_report_start(actor=cast.pm, project=cast.project, period=cast.period)

    assert error.value.messages == [services.PERIOD_CLOSED.format(period=cast.period)]
    assert str(cast.period) == "November 2026"
    assert not HighlightReport.objects.exists()


# Editing a draft ----------------------------------------------------------------------------------


def test_the_pm_edits_a_draft_with_history(cast):
    report = draft(cast, summary="All good.", achievements="Procured the CRM.")

    assert report.summary == "All good."
    assert report.achievements == "Procured the CRM."
    assert report.version == 2
    assert [h.history_user for h in report.history.all()] == [cast.pm, cast.pm]


def test_a_draft_on_a_closed_period_cannot_be_changed(cast):
    report = draft(cast, summary="Before closing.")
    services.reporting_period_close(
        actor=cast.officer, period=cast.period, expected_version=cast.period.version
    )

    with pytest.raises(ValidationError) as error:
        services.highlight_report_update(
            actor=cast.pm, report=report, fields={"summary": "After."}, expected_version=report.version
        )

    assert error.value.messages == [services.PERIOD_CLOSED.format(period=cast.period)]
    report.refresh_from_db()
    assert report.summary == "Before closing."


def test_a_forecast_finish_before_the_project_starts_is_refused(cast):
    report = draft(cast)

    with pytest.raises(ValidationError) as error:
        services.highlight_report_update(
            actor=cast.pm,
            report=report,
            fields={"forecast_finish": dt.date(2025, 12, 1)},
            expected_version=report.version,
        )

    assert errors_of(error) == {
        "forecast_finish": ["The forecast finish (1 Dec 2025) is before the project starts (5 Jan 2026)."]
    }
    report.refresh_from_db()
    assert report.forecast_finish == BASELINE_FINISH


def test_a_milestone_before_the_project_starts_is_refused(cast):
    report = draft(cast)

    with pytest.raises(ValidationError) as error:
        services.highlight_report_update(
            actor=cast.pm,
            report=report,
            fields={},
            expected_version=report.version,
            milestones=[MilestoneForecast("Kick-off", dt.date(2025, 11, 3))],
        )

    assert errors_of(error) == {
        "milestones": ["Milestone 'Kick-off' is forecast before the project starts (5 Jan 2026)."]
    }
    assert not report.milestones.exists()


def test_a_milestone_listed_twice_is_refused(cast):
    report = draft(cast)

    with pytest.raises(ValidationError) as error:
        services.highlight_report_update(
            actor=cast.pm,
            report=report,
            fields={},
            expected_version=report.version,
            milestones=[
                MilestoneForecast("Go live", dt.date(2026, 12, 1)),
                MilestoneForecast(" Go live ", dt.date(2026, 12, 8)),
            ],
        )

    assert errors_of(error) == {"milestones": ["Milestone 'Go live' is listed twice."]}


@pytest.mark.parametrize("field", ["forecast_cost", "forecast_benefits"])
def test_negative_costs_are_refused(cast, field):
    report = draft(cast)

    with pytest.raises(ValidationError) as error:
        services.highlight_report_update(
            actor=cast.pm, report=report, fields={field: Decimal(-1)}, expected_version=report.version
        )

    assert errors_of(error) == {field: [NEGATIVE_AMOUNT]}
    report.refresh_from_db()
    assert getattr(report, field) is None or getattr(report, field) >= 0


def test_a_rating_off_the_red_amber_green_scale_is_refused(cast):
    report = draft(cast)

    with pytest.raises(ValidationError) as error:
        services.highlight_report_update(
            actor=cast.pm,
            report=report,
            fields={"overall_status": "amber_green", "cost_status": "amber_red"},
            expected_version=report.version,
        )

    assert errors_of(error) == {
        "overall_status": ["The PMO reports on the red/amber/green scale: amber/green is not on it."],
        "cost_status": ["The PMO reports on the red/amber/green scale: amber/red is not on it."],
    }


def test_the_five_point_scale_allows_amber_green(cast):
    ReportingSettings.objects.update(status_scale=StatusScale.DELIVERY_CONFIDENCE)
    report = draft(cast, overall_status="amber_green")

    report = services.highlight_report_submit(actor=cast.pm, report=report, expected_version=report.version)

    assert report.overall_status == "amber_green"
    assert report.status == ReportStatus.SUBMITTED


def test_a_rating_on_no_scale_is_refused(cast):
    report = draft(cast)

    with pytest.raises(ValidationError) as error:
        services.highlight_report_update(
            actor=cast.pm, report=report, fields={"overall_status": "purple"}, expected_version=report.version
        )

    assert errors_of(error) == {"overall_status": ["Value 'purple' is not a valid choice."]}


@pytest.mark.parametrize(
    ("field", "value"),
    [("status", ReportStatus.ACCEPTED), ("tolerance_status", ToleranceState.WITHIN), ("revision", 7)],
)
def test_workflow_fields_cannot_be_set_through_an_edit(cast, field, value):
    report = draft(cast)

    with pytest.raises(ValidationError) as error:
        services.highlight_report_update(
            actor=cast.pm, report=report, fields={field: value}, expected_version=report.version
        )

    assert errors_of(error) == {field: [NOT_EDITABLE]}
    report.refresh_from_db()
    assert (report.status, report.revision) == (ReportStatus.DRAFT, 1)


def test_a_report_cannot_be_moved_to_another_project(cast):
    report = draft(cast)
    other = type(cast.project).objects.get(code="OTHER")

    with pytest.raises(ValidationError) as error:
        services.highlight_report_update(
            actor=cast.pm, report=report, fields={"project": other}, expected_version=report.version
        )

    assert errors_of(error) == {"project": [NOT_EDITABLE]}


def test_a_stale_edit_is_a_conflict_and_saves_nothing(cast):
    report = draft(cast, summary="Mine.")
    stale = report.version
    services.highlight_report_update(
        actor=cast.officer, report=report, fields={"summary": "The PMO's."}, expected_version=stale
    )

    with pytest.raises(ConflictError) as error:
        services.highlight_report_update(
            actor=cast.pm, report=report, fields={"summary": "Mine again."}, expected_version=stale
        )

    assert error.value.current_version == stale + 1
    assert "officer" in error.value.message
    report.refresh_from_db()
    assert report.summary == "The PMO's."


def test_changing_only_the_milestones_makes_a_new_version_with_history(cast):
    report = draft(cast)

    services.highlight_report_update(
        actor=cast.pm,
        report=report,
        fields={},
        expected_version=report.version,
        milestones=[MilestoneForecast("Go live", dt.date(2026, 12, 8))],
    )

    report.refresh_from_db()
    assert report.version == 3
    assert report.history.first().history_change_reason == "Milestones changed"
    with pytest.raises(ConflictError):
        services.highlight_report_update(
            actor=cast.pm, report=report, fields={"summary": "Late edit."}, expected_version=2
        )


def test_the_same_milestones_again_change_nothing(cast):
    report = draft(cast)
    same = [MilestoneForecast("Go live", dt.date(2026, 12, 8))]
    services.highlight_report_update(
        actor=cast.pm, report=report, fields={}, expected_version=report.version, milestones=same
    )
    report.refresh_from_db()

    services.highlight_report_update(
        actor=cast.pm, report=report, fields={}, expected_version=report.version, milestones=same
    )

    report.refresh_from_db()
    assert report.version == 3
    assert report.history.count() == 3


def test_another_pm_cannot_edit_the_draft(cast):
    report = draft(cast, summary="Mine.")

    with pytest.raises(PermissionDenied) as error:
        services.highlight_report_update(
            actor=cast.other_pm, report=report, fields={"summary": "Theirs."}, expected_version=report.version
        )

    assert str(error.value) == f"You do not have permission to change {report}."
    report.refresh_from_db()
    assert report.summary == "Mine."


# Submitting ------------------------------------------------------------------------------------


def test_submitting_freezes_the_report_with_its_tolerance_verdict(cast):
    baseline(cast)
    report = draft(cast)

    report = services.highlight_report_submit(actor=cast.pm, report=report, expected_version=report.version)

    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by == cast.pm
    assert report.submitted_at is not None
    assert report.tolerance_status == ToleranceState.WITHIN
    entry = report.history.first()
    assert (entry.history_change_reason, entry.status, entry.tolerance_status) == (
        "Submitted",
        ReportStatus.SUBMITTED,
        ToleranceState.WITHIN,
    )
    with pytest.raises(ValidationError) as error:
        services.highlight_report_update(
            actor=cast.pm, report=report, fields={"summary": "Oops."}, expected_version=report.version
        )
    assert error.value.messages == [workflows.NOT_A_DRAFT.format(status="submitted")]


def test_without_a_baseline_a_submission_has_no_tolerance_verdict(cast):
    report = draft(cast)

    report = services.highlight_report_submit(actor=cast.pm, report=report, expected_version=report.version)

    assert report.tolerance_status == ""
    assert not ToleranceCheck.objects.exists()


def test_a_report_is_submitted_only_once(cast):
    report = draft(cast)
    version = report.version
    report = services.highlight_report_submit(actor=cast.pm, report=report, expected_version=version)

    with pytest.raises(ValidationError) as error:
        services.highlight_report_submit(actor=cast.pm, report=report, expected_version=version)

    assert error.value.messages[0].startswith("This report was already submitted on ")
    assert report.history.filter(history_change_reason="Submitted").count() == 1


def test_an_incomplete_report_cannot_be_submitted(cast):
    report = services.highlight_report_start(actor=cast.pm, project=cast.project, period=cast.period)

    with pytest.raises(ValidationError) as error:
        services.highlight_report_submit(actor=cast.pm, report=report, expected_version=report.version)

    assert errors_of(error) == {
        name: [services.MISSING_FOR_SUBMISSION] for name in services.REQUIRED_FOR_SUBMISSION
    }
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_a_rating_made_off_scale_by_a_change_of_scale_is_caught_at_submission(cast):
    ReportingSettings.objects.update(status_scale=StatusScale.DELIVERY_CONFIDENCE)
    report = draft(cast, schedule_status="amber_green")
    ReportingSettings.objects.update(status_scale=StatusScale.RAG)

    with pytest.raises(ValidationError) as error:
        services.highlight_report_submit(actor=cast.pm, report=report, expected_version=report.version)

    assert errors_of(error) == {
        "schedule_status": ["The PMO reports on the red/amber/green scale: amber/green is not on it."]
    }


def test_a_forecast_before_a_moved_project_start_is_caught_at_submission(cast):
    report = draft(cast, forecast_finish=dt.date(2026, 3, 1))
    cast.project.planned_start = dt.date(2026, 4, 1)
    cast.project.save()

    with pytest.raises(ValidationError) as error:
        services.highlight_report_submit(actor=cast.pm, report=report, expected_version=report.version)

    assert errors_of(error) == {
        "forecast_finish": ["The forecast finish (1 Mar 2026) is before the project starts (1 Apr 2026)."]
    }


def test_no_submission_on_a_closed_period(cast):
    report = draft(cast)
    services.reporting_period_close(
        actor=cast.officer, period=cast.period, expected_version=cast.period.version
    )

    with pytest.raises(ValidationError) as error:
        services.highlight_report_submit(actor=cast.pm, report=report, expected_version=report.version)

    assert error.value.messages == [services.PERIOD_CLOSED.format(period=cast.period)]
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


@pytest.mark.parametrize("who", ["other_pm", "sponsor", "executive"])
def test_only_the_pm_or_the_pmo_submits(cast, who):
    report = draft(cast)

    with pytest.raises(PermissionDenied) as error:
        services.highlight_report_submit(
            actor=cast.by_name(who), report=report, expected_version=report.version
        )

    assert str(error.value) == f"You do not have permission to submit {report}."
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_the_pmo_may_submit_for_the_pm(cast):
    report = draft(cast)

    report = services.highlight_report_submit(
        actor=cast.officer, report=report, expected_version=report.version
    )

    assert report.submitted_by == cast.officer


def test_a_stale_submission_is_a_conflict(cast):
    report = draft(cast)
    stale = report.version
    services.highlight_report_update(
        actor=cast.pm, report=report, fields={"summary": "Newer."}, expected_version=stale
    )

    with pytest.raises(ConflictError):
        services.highlight_report_submit(actor=cast.pm, report=report, expected_version=stale)

    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
