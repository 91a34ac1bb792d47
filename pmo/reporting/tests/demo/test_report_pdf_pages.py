"""The demo's highlight reports print on one A4 page, as the project manager's guide says, and
their header says who submitted them (or that they are not submitted yet), never "None"."""

import subprocess
from pathlib import Path

import pytest
from django.db.models import Max

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


def test_the_current_periods_reports_print_on_one_page_each(tmp_path: Path) -> None:
    latest = HighlightReport.objects.aggregate(start=Max("period__start"))["start"]
    reports = list(
        HighlightReport.objects.filter(period__start=latest)
        .exclude(status=ReportStatus.SUPERSEDED)
        .select_related("project", "period")
    )
    assert len(reports) > 5  # drafts, submitted, returned and accepted ones, red ones with the most text

    counts = {str(report): pages(highlight_report_pdf(report), tmp_path) for report in reports}

    assert counts == dict.fromkeys(counts, 1)


def test_a_demo_draft_says_it_is_not_submitted_yet() -> None:
    draft = HighlightReport.objects.filter(status=ReportStatus.DRAFT).select_related("project").first()
    assert draft is not None

    text = pdf_text(highlight_report_pdf(draft))

    assert "Submitted Not submitted yet" in text
    assert "Submitted None" not in text
