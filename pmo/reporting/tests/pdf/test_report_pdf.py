"""The highlight report as a PDF, opened back with pypdf: it says what the report says (project,
period, statuses in words, forecasts against the baseline, milestones, tolerances, narrative,
who submitted it), fetches nothing, and is only served to those who may see the report."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from pmo.core.choices import Role
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.reporting import services
from pmo.reporting.choices import ToleranceState
from pmo.reporting.pdf import highlight_report_pdf, no_fetching
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    """All the text of the PDF, white space folded."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def pm_user(make_user):
    return make_user(Role.PROJECT_MANAGER, username="pat", first_name="Pat", last_name="Reid")


@pytest.fixture
def submitted_report(pm_user, pmo_head):
    """A submitted November report forecasting 73 days late and £30,000 over the baseline."""
    project = ProjectFactory(
        code="ICT-042",
        name="Payroll replacement",
        project_manager=PersonFactory(user=pm_user, name="Pat Reid"),
    )
    services.baseline_approve(
        actor=pmo_head,
        project=project,
        finish=dt.date(2026, 12, 18),
        budget_at_completion=Decimal(250000),
        reason="Business case approved",
        milestones=[("Supplier contract signed", dt.date(2026, 6, 30)), ("Go-live", dt.date(2026, 12, 1))],
    )
    period = PeriodFactory()
    report = services.highlight_report_start(actor=pm_user, project=project, period=period)
    fields = {
        "overall_status": "amber",
        "schedule_status": "red",
        "cost_status": "amber",
        "scope_status": "green",
        "risks_status": "amber",
        "resources_status": "green",
        "benefits_status": "green",
        "summary": "Supplier late with the interface build.",
        "achievements": "Data migration rehearsal passed.",
        "next_period_plan": "Re-plan go-live with the supplier.",
        "forecast_finish": dt.date(2027, 3, 1),
        "forecast_cost": Decimal(280000),
        "change_requests": "CR-17: move go-live to March.",
        "key_risks_issues": "Interface supplier capacity.",
        "support_needed": "Sponsor to meet the supplier's director.",
        "lessons": "Book supplier capacity early.",
    }
    report = services.highlight_report_update(
        actor=pm_user,
        report=report,
        fields=fields,
        expected_version=report.version,
        milestones=[
            services.MilestoneForecast(
                "Supplier contract signed", dt.date(2026, 6, 30), dt.date(2026, 6, 28)
            ),
            services.MilestoneForecast("Go-live", dt.date(2027, 2, 15)),
        ],
    )
    return services.highlight_report_submit(actor=pm_user, report=report, expected_version=report.version)


def test_the_pdf_says_what_the_report_says(submitted_report) -> None:
    data = highlight_report_pdf(submitted_report)

    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for expected in [
        "ICT-042 Payroll replacement",
        "Highlight report for November 2026 · revision 1 · Submitted",
        "Overall Amber",
        "Schedule Red",
        "Cost Amber",
        "Scope Green",
        "Risks and issues Amber",
        "Resources Green",
        "Benefits Green",
        "Supplier late with the interface build.",
        "Data migration rehearsal passed.",
        "Re-plan go-live with the supplier.",
        # Forecasts against baseline v1.
        "Finish 18 Dec 2026 1 Mar 2027 +73 days",
        "Cost at completion £250,000 £280,000 +£30,000",
        # Milestones with baseline and forecast dates, the slip and the achieved date.
        "Supplier contract signed 30 Jun 2026 30 Jun 2026 0 days 28 Jun 2026",
        "Go-live 1 Dec 2026 15 Feb 2027 +76 days",
        "Tolerance status of this report: Breached",
        "CR-17: move go-live to March.",
        "Interface supplier capacity.",
        "Sponsor to meet the supplier's director.",
        "Book supplier capacity early.",
        "Submitted Pat Reid on",
    ]:
        assert expected in text, expected
    check = submitted_report.project.tolerance_checks.get(dimension="time")
    assert f"Time Breached {check.explanation}" in text
    assert PdfReader(io.BytesIO(data)).metadata.title == "ICT-042 highlight report, November 2026"


def test_a_submitted_report_keeps_the_tolerance_checks_in_force_when_it_was_submitted(
    submitted_report, pm_user, pmo_head
) -> None:
    # Given the report submitted 73 days late against baseline v1: time breached
    frozen = submitted_report.tolerance_checks.get(dimension="time")
    assert frozen.status == ToleranceState.BREACHED
    # When, a day later, the PMO approves a re-plan to 1 Mar 2027 (the live checks are judged again)
    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
        services.baseline_approve(
            actor=pmo_head,
            project=submitted_report.project,
            finish=dt.date(2027, 3, 1),
            budget_at_completion=Decimal(280000),
            reason="Re-plan agreed with the supplier",
        )
    live = submitted_report.project.tolerance_checks.get(dimension="time")
    assert live.status == ToleranceState.WITHIN

    # Then the submitted report's PDF shows what was true when it was submitted
    text = pdf_text(highlight_report_pdf(submitted_report))
    assert f"Time Breached {frozen.explanation}" in text
    assert live.explanation not in text
    assert "Finish 18 Dec 2026 1 Mar 2027 +73 days" in text  # baseline v1, not v2
    assert "as they stood when it was submitted" in text
    # while a draft revision of it shows the live checks, against baseline v2
    revision = services.highlight_report_revise(actor=pm_user, report=submitted_report)
    text = pdf_text(highlight_report_pdf(revision))
    assert f"Time Within tolerance {live.explanation}" in text
    assert frozen.explanation not in text
    assert "Finish 1 Mar 2027 1 Mar 2027 0 days" in text
    assert "A draft: the project's latest tolerance checks" in text


def test_a_report_submitted_without_a_baseline_says_it_had_none_to_be_judged_by(pm_user) -> None:
    project = ProjectFactory(code="ICT-8", project_manager=PersonFactory(user=pm_user))
    report = services.highlight_report_start(actor=pm_user, project=project, period=PeriodFactory())
    fields = dict.fromkeys(services.STATUS_FIELDS, "green") | {
        "summary": "On track.",
        "forecast_finish": dt.date(2027, 6, 30),
        "forecast_cost": Decimal(100000),
    }
    report = services.highlight_report_update(
        actor=pm_user, report=report, fields=fields, expected_version=report.version
    )
    report = services.highlight_report_submit(actor=pm_user, report=report, expected_version=report.version)

    text = pdf_text(highlight_report_pdf(report))

    assert "Tolerance status of this report: Not assessed" in text
    assert "There was no baseline to judge this report's forecasts by when it was submitted." in text


def test_a_draft_without_baseline_or_ratings_says_so(pm_user) -> None:
    project = ProjectFactory(code="ICT-7", project_manager=PersonFactory(user=pm_user))
    report = services.highlight_report_start(actor=pm_user, project=project, period=PeriodFactory())
    services.highlight_report_update(
        actor=pm_user, report=report, fields={"overall_status": ""}, expected_version=report.version
    )
    report.refresh_from_db()

    text = pdf_text(highlight_report_pdf(report))

    assert "revision 1 · Draft" in text
    assert "Overall Not rated" in text
    assert "No approved baseline yet." in text
    assert "Submitted Not submitted yet" in text
    assert "No milestones reported." in text
    assert "Tolerance status of this report: Not assessed" in text


def test_rendering_fetches_nothing() -> None:
    fetcher = no_fetching()

    for url in ["http://127.0.0.1:9/logo.png", "https://example.org/style.css", "file:///etc/passwd"]:
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)


def test_text_that_looks_like_markup_is_printed_not_followed(submitted_report) -> None:
    submitted_report.lessons = '<img src="http://127.0.0.1:9/x.png"> Book early.'

    text = pdf_text(highlight_report_pdf(submitted_report))

    assert '<img src="http://127.0.0.1:9/x.png"> Book early.' in text


def test_only_those_who_may_see_the_report_get_its_pdf(submitted_report, pm_user, make_user) -> None:
    # A confidential project is seen by its own people and the PMO only.
    type(submitted_report.project).objects.filter(pk=submitted_report.project_id).update(confidential=True)
    url = reverse("reporting:report_pdf", args=[submitted_report.pk])
    stranger = make_user(Role.PROJECT_MANAGER, username="someone-else")
    own, other = Client(), Client()
    own.force_login(pm_user)
    other.force_login(stranger)

    allowed = own.get(url)
    refused = other.get(url)

    assert allowed.status_code == 200
    assert allowed["Content-Type"] == "application/pdf"
    assert "ICT-042 Payroll replacement" in pdf_text(allowed.content)
    assert refused.status_code == 404
    assert not refused.content.startswith(b"%PDF")
