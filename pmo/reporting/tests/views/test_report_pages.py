"""Highlight report pages: start, edit, submit, review, revise, with the refusals and the bad
input a person would meet."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from pmo.core.services import STALE_VERSION
from pmo.reporting import services, workflows
from pmo.reporting.choices import PeriodStatus, ReportStatus, StatusScale
from pmo.reporting.models import NEGATIVE_AMOUNT, HighlightReport, ReportingSettings
from pmo.reporting.tests.views.helpers import doc, field_error, options_of, report_data, text_of

pytestmark = pytest.mark.django_db


def start_url(world):
    return f"/reporting/projects/{world.project.code}/periods/{world.period.pk}/report/"


def test_the_pm_starts_the_report_prefilled_from_the_baseline(world):
    client = world.client(world.pm)
    assert "Start report" in text_of(client.get(start_url(world)))

    response = client.post(start_url(world))

    report = HighlightReport.objects.get(project=world.project, period=world.period)
    assert response["Location"] == f"/reporting/reports/{report.pk}/edit/"
    edit = client.get(response["Location"])
    assert doc(edit).xpath("//input[@id='id_forecast_finish']")[0].get("value") == "2026-12-18"
    assert doc(edit).xpath("//input[@name='milestones-0-name']")[0].get("value") == "Go live"
    assert "Start report" not in text_of(client.get(start_url(world)))
    assert "Continue the draft" in text_of(client.get(start_url(world)))


def test_no_report_is_started_on_a_closed_period(world):
    world.period.status = PeriodStatus.CLOSED
    world.period.save()

    response = world.client(world.pm).post(start_url(world))

    assert response.status_code == 400
    assert services.PERIOD_CLOSED.format(period=world.period) in text_of(response)
    assert not HighlightReport.objects.exists()


def test_a_pm_of_another_project_is_refused_its_report(world):
    report = world.draft()
    client = world.client(world.other_pm)

    started = client.post(start_url(world))
    shown = client.get(f"/reporting/reports/{report.pk}/edit/")
    posted = client.post(f"/reporting/reports/{report.pk}/edit/", report_data(report, summary="Mine now"))
    submitted = client.post(f"/reporting/reports/{report.pk}/submit/", {"version": report.version})

    assert started.status_code == shown.status_code == posted.status_code == submitted.status_code == 403
    assert "You do not have permission to change" in text_of(shown)
    report.refresh_from_db()
    assert (report.summary, report.status) == ("On track.", ReportStatus.DRAFT)


def test_the_form_offers_only_the_ratings_of_the_configured_scale(world):
    report = world.draft()
    client = world.client(world.pm)

    assert options_of(client.get(f"/reporting/reports/{report.pk}/edit/"), "overall_status") == [
        "",
        "green",
        "amber",
        "red",
    ]
    ReportingSettings.objects.update(status_scale=StatusScale.DELIVERY_CONFIDENCE)
    assert options_of(client.get(f"/reporting/reports/{report.pk}/edit/"), "schedule_status") == [
        "",
        "green",
        "amber_green",
        "amber",
        "amber_red",
        "red",
    ]


def test_an_off_scale_rating_is_refused_on_its_field(world):
    report = world.draft()

    response = world.client(world.pm).post(
        f"/reporting/reports/{report.pk}/edit/", report_data(report, overall_status="amber_green")
    )

    assert "Select a valid choice" in field_error(response, "overall_status")
    report.refresh_from_db()
    assert report.overall_status == "green"


def test_the_pm_saves_a_draft_with_its_milestones(world):
    report = world.draft()
    data = report_data(
        report,
        summary="Supplier slow",
        forecast_cost="260000",
        **{
            "milestones-0-date": "2026-12-08",
            "milestones-1-name": "Training done",
            "milestones-1-date": "2026-11-20",
        },
    )

    response = world.client(world.pm).post(f"/reporting/reports/{report.pk}/edit/", data)

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.summary, report.forecast_cost, report.status) == (
        "Supplier slow",
        Decimal(260000),
        ReportStatus.DRAFT,
    )
    assert [(m.name, m.forecast) for m in report.milestones.all()] == [
        ("Training done", dt.date(2026, 11, 20)),
        ("Go live", dt.date(2026, 12, 8)),
    ]


def test_a_forecast_finish_before_the_project_starts_is_shown_on_that_field(world):
    report = world.draft()

    response = world.client(world.pm).post(
        f"/reporting/reports/{report.pk}/edit/", report_data(report, forecast_finish="2025-12-01")
    )

    assert response.status_code == 200
    assert field_error(response, "forecast_finish") == services.FORECAST_BEFORE_START.format(
        forecast=dt.date(2025, 12, 1), start=world.project.planned_start
    )
    report.refresh_from_db()
    assert report.forecast_finish == dt.date(2026, 12, 18)


def test_a_negative_forecast_cost_is_shown_on_that_field(world):
    report = world.draft()

    response = world.client(world.pm).post(
        f"/reporting/reports/{report.pk}/edit/", report_data(report, forecast_cost="-5")
    )

    assert field_error(response, "forecast_cost") == NEGATIVE_AMOUNT
    report.refresh_from_db()
    assert report.forecast_cost == Decimal(250000)


def test_a_milestone_without_a_date_is_refused(world):
    report = world.draft()

    response = world.client(world.pm).post(
        f"/reporting/reports/{report.pk}/edit/", report_data(report, **{"milestones-1-name": "Pilot"})
    )

    assert "Give the milestone's date" in field_error(response, "milestones-1-date")
    assert report.milestones.count() == 1


def test_submitting_from_the_form_saves_and_hands_the_report_in(world):
    report = world.draft()
    data = report_data(report, summary="All well", action="submit")

    response = world.client(world.pm).post(f"/reporting/reports/{report.pk}/edit/", data)

    assert response["Location"] == f"/reporting/reports/{report.pk}/"
    report.refresh_from_db()
    assert (report.summary, report.status, report.submitted_by) == ("All well", "submitted", world.pm)
    shown = text_of(world.client(world.pm).get(response["Location"]))
    assert "Submitted" in shown and "by Pat Manager" in shown


def test_an_incomplete_report_is_not_submitted_and_nothing_is_saved(world):
    report = world.draft()
    data = report_data(report, summary="", achievements="Went live in pilot", action="submit")

    response = world.client(world.pm).post(f"/reporting/reports/{report.pk}/edit/", data)

    assert field_error(response, "summary") == services.MISSING_FOR_SUBMISSION
    assert "Nothing was saved" in text_of(response)
    report.refresh_from_db()
    assert (report.status, report.summary, report.achievements) == ("draft", "On track.", "")


def test_submitting_twice_is_refused_with_when_it_was_submitted(world):
    report = world.draft()
    client = world.client(world.pm)
    first = client.post(f"/reporting/reports/{report.pk}/submit/", {"version": report.version})
    report.refresh_from_db()

    second = client.post(f"/reporting/reports/{report.pk}/submit/", {"version": report.version})

    assert first.status_code == 302 and second.status_code == 400
    assert "This report was already submitted on" in text_of(second)
    assert report.history.filter(history_change_reason="Submitted").count() == 1


def test_a_submitted_report_is_not_edited(world):
    report = world.draft()
    services.highlight_report_submit(actor=world.pm, report=report, expected_version=report.version)
    client = world.client(world.pm)

    response = client.get(f"/reporting/reports/{report.pk}/edit/")

    assert response["Location"] == f"/reporting/reports/{report.pk}/"
    # The page says what the service says.
    assert workflows.NOT_A_DRAFT.format(status="submitted") in text_of(client.get(response["Location"]))


def test_the_sponsor_cannot_submit(world):
    report = world.draft()

    response = world.client(world.sponsor).post(
        f"/reporting/reports/{report.pk}/submit/", {"version": report.version}
    )

    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_a_stale_version_shows_the_conflict(world):
    report = world.draft()
    stale = report_data(report, summary="Mine")
    services.highlight_report_update(
        actor=world.officer, report=report, fields={"summary": "Theirs"}, expected_version=report.version
    )

    response = world.client(world.pm).post(f"/reporting/reports/{report.pk}/edit/", stale)

    conflict = " ".join(doc(response).xpath("//*[@data-testid='conflict']")[0].text_content().split())
    assert "was changed by Olly Officer" in conflict
    assert STALE_VERSION.split("{")[0] in conflict
    report.refresh_from_db()
    assert report.summary == "Theirs"


def test_the_pmo_returns_a_report_only_with_comments_and_the_pm_revises_it(world):
    report = world.draft()
    report = services.highlight_report_submit(actor=world.pm, report=report, expected_version=report.version)
    officer = world.client(world.officer)

    blank = officer.post(
        f"/reporting/reports/{report.pk}/return/", {"version": report.version, "review_comments": " "}
    )
    returned = officer.post(
        f"/reporting/reports/{report.pk}/return/",
        {"version": report.version, "review_comments": "Cost is stale"},
    )

    assert blank.status_code == 400
    assert field_error(blank, "review_comments") == services.COMMENTS_REQUIRED
    assert returned.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    pm = world.client(world.pm)
    detail = pm.get(f"/reporting/reports/{report.pk}/")
    assert "Cost is stale" in text_of(detail) and "Start a revision" in text_of(detail)
    revised = pm.post(f"/reporting/reports/{report.pk}/revise/", {"version": report.version})
    revision = HighlightReport.objects.get(project=world.project, period=world.period, revision=2)
    assert revised["Location"] == f"/reporting/reports/{revision.pk}/edit/"


def test_the_pm_cannot_accept_and_the_pmo_accepts_and_publishes(world):
    report = world.draft()
    report = services.highlight_report_submit(actor=world.pm, report=report, expected_version=report.version)

    refused = world.client(world.pm).post(
        f"/reporting/reports/{report.pk}/accept/", {"version": report.version}
    )
    officer = world.client(world.officer)
    accepted = officer.post(f"/reporting/reports/{report.pk}/accept/", {"version": report.version})
    report.refresh_from_db()
    published = officer.post(f"/reporting/reports/{report.pk}/publish/", {"version": report.version})

    assert refused.status_code == 403
    assert accepted.status_code == published.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED
    shown = text_of(officer.get(f"/reporting/reports/{report.pk}/"))
    assert "Published" in shown and "by Olly Officer" in shown


def test_an_unknown_action_is_not_found(world):
    report = world.draft()

    assert (
        world.client(world.officer)
        .post(f"/reporting/reports/{report.pk}/delete/", {"version": 1})
        .status_code
        == 404
    )


def test_the_report_page_shows_the_report_and_its_history(world):
    report = world.breaching_submission()
    client = world.client(world.sponsor)

    detail = text_of(client.get(f"/reporting/reports/{report.pk}/"))
    history = text_of(client.get(f"/reporting/reports/{report.pk}/history/"))

    assert "Breached" in detail and "30 Jun 2027" in detail and "Go live" in detail
    assert "Forecast finish 30 Jun 2027 approved (baseline v1) 18 Dec 2026" in detail
    assert (
        "This report's forecasts are beyond tolerance: DFD-001 exception (time) is exception report requested"
        in detail
    )
    assert "Submitted" in history and "Pat Manager" in history


def _tolerance_rows(response):
    table = doc(response).xpath("//*[@data-testid='tolerance-checks']//tbody/tr")
    return [tuple(" ".join(cell.text_content().split()) for cell in row) for row in table]


def _tolerance_note(response):
    (note,) = doc(response).xpath("//*[@data-testid='tolerance-checks-note']")
    return " ".join(note.text_content().split())


def test_a_submitted_report_shows_the_tolerance_checks_in_force_when_it_was_submitted(world):
    # Given a report submitted with its finish beyond the time tolerance of baseline v1
    report = world.breaching_submission()
    frozen = report.tolerance_checks.get(dimension="time")
    # When, a day later, the PMO approves a baseline finishing when the report forecast
    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
        services.baseline_approve(
            actor=world.head,
            project=world.project,
            finish=dt.date(2027, 6, 30),
            budget_at_completion=Decimal(250000),
            reason="Re-plan approved",
        )
    live = world.project.tolerance_checks.get(dimension="time")
    assert live.explanation != frozen.explanation
    client = world.client(world.sponsor)

    # Then the report's page still shows the checks and the baseline it was judged by
    page = client.get(f"/reporting/reports/{report.pk}/")
    assert ("Time", "Breached", frozen.explanation) in _tolerance_rows(page)
    assert _tolerance_note(page).startswith("As they stood when the report was submitted, ")
    assert "Forecast finish 30 Jun 2027 approved (baseline v1) 18 Dec 2026" in text_of(page)
    # and a draft revision of it shows the live checks, against baseline v2
    revision = services.highlight_report_revise(actor=world.pm, report=report)
    page = client.get(f"/reporting/reports/{revision.pk}/")
    assert ("Time", "Within tolerance", live.explanation) in _tolerance_rows(page)
    assert _tolerance_note(page).startswith("A draft: the project's latest checks, as assessed on ")
    assert "Forecast finish 30 Jun 2027 approved (baseline v2) 30 Jun 2027" in text_of(page)


def test_the_report_list_filters_by_period_and_status(world):
    report = world.draft()
    client = world.client(world.officer)

    drafts = text_of(client.get("/reporting/reports/", {"status": "draft", "period": world.period.pk}))
    submitted = text_of(client.get("/reporting/reports/", {"status": "submitted"}))

    assert str(report.project) in drafts
    assert str(report.project) not in submitted


def test_a_pm_does_not_see_reports_of_confidential_projects_not_theirs(world):
    report = world.draft()
    world.project.confidential = True
    world.project.save()
    client = world.client(world.other_pm)

    listing = text_of(client.get("/reporting/reports/"))
    detail = client.get(f"/reporting/reports/{report.pk}/")

    assert str(world.project) not in listing and "No reports match." in listing
    assert detail.status_code == 404


def test_a_draft_in_a_closed_period_is_not_saved(world):
    report = world.draft()
    world.period.status = PeriodStatus.CLOSED
    world.period.save()
    client = world.client(world.pm)

    detail = doc(client.get(f"/reporting/reports/{report.pk}/"))
    response = client.post(
        f"/reporting/reports/{report.pk}/edit/", report_data(report, summary="Late news"), follow=True
    )

    assert f"/reporting/reports/{report.pk}/edit/" not in {a.get("href") for a in detail.xpath("//a")}
    assert response.redirect_chain == [(f"/reporting/reports/{report.pk}/", 302)]
    assert services.PERIOD_CLOSED.format(period=world.period) in text_of(response)
    report.refresh_from_db()
    assert report.summary == "On track."
