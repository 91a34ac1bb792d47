"""The demo's highlight reports print on one A4 page, as the project manager's guide says, and
their header says who submitted them (or that they are not submitted yet), never "None"."""

import subprocess
from pathlib import Path

import pytest
from django.db.models import Count, Max

from pmo.reporting.choices import ReportStatus
from pmo.reporting.models import HighlightReport
from pmo.reporting.pdf import highlight_report_pdf
from pmo.reporting.tests.pdf.test_report_pdf import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def pages(data: bytes, directory: Path) -> int:
    """The page count as ``pdfinfo`` (poppler) reads it."""
    path = directory / "report.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


TEXTS = ("summary", "achievements", "next_period_plan", "change_requests", "key_risks_issues",
         "support_needed", "lessons", "review_comments")  # fmt: skip
HEAVIEST = 6


def test_the_current_periods_reports_print_on_one_page_each(tmp_path: Path) -> None:
    """The reports that fill the page most (the longest texts, the most milestones and tolerance
    checks) and one of each status: if they fit, the lighter ones do (each PDF takes a second)."""
    latest = HighlightReport.objects.aggregate(start=Max("period__start"))["start"]
    reports = list(
        HighlightReport.objects.filter(period__start=latest)
        .exclude(status=ReportStatus.SUPERSEDED)
        .select_related("project", "period")
        .annotate(
            milestone_rows=Count("milestones", distinct=True),
            check_rows=Count("tolerance_checks", distinct=True),
        )
    )
    assert len(reports) > 5  # drafts, submitted, returned and accepted ones, red ones with the most text

    def weight(report: HighlightReport) -> int:  # characters, a table row counted as a line's worth
        return sum(len(getattr(report, name)) for name in TEXTS) + 90 * (
            report.milestone_rows + report.check_rows
        )

    heaviest = sorted(reports, key=weight, reverse=True)[:HEAVIEST]
    each_status = {report.status: report for report in reversed(reports)}.values()
    chosen = {report.pk: report for report in [*heaviest, *each_status]}.values()
    counts = {str(report): pages(highlight_report_pdf(report), tmp_path) for report in chosen}

    assert len(counts) >= HEAVIEST and counts == dict.fromkeys(counts, 1)


def test_a_demo_draft_says_it_is_not_submitted_yet() -> None:
    draft = HighlightReport.objects.filter(status=ReportStatus.DRAFT).select_related("project").first()
    assert draft is not None

    text = pdf_text(highlight_report_pdf(draft))

    assert "Submitted Not submitted yet" in text
    assert "Submitted None" not in text
