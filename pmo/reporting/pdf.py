"""A highlight report as a PDF (WeasyPrint), for boards and the project file.

The page is ``reporting/report_pdf.html`` with its print stylesheet inline; WeasyPrint is given a
fetcher that refuses every URL, so rendering never reaches the network or the disk, whatever a
report's text contains. Permission to see the report is the caller's business (the view loads it
through the permission-restricted selector).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from pmo.core import clock
from pmo.reporting.choices import Rating, ReportDimension, ToleranceState
from pmo.reporting.models import HighlightReport
from pmo.reporting.selectors import baseline_in_force, cited_items, report_tolerance_checks

NO_RATING = "Not rated"


def no_fetching() -> URLFetcher:
    """A fetcher allowed no protocol at all: every stylesheet, image or font URL is refused."""
    return URLFetcher(allowed_protocols=frozenset(), allow_redirects=False, timeout=1)


@dataclass(frozen=True)
class StatusRow:
    label: str
    rating: str  # the Rating value, for the colour
    text: str  # the rating in words: the PDF never relies on colour alone


@dataclass(frozen=True)
class MilestoneRow:
    name: str
    baseline: date | None
    forecast: date
    achieved_on: date | None
    slip_days: int | None


def _status(label: str, value: str) -> StatusRow:
    text = Rating(value).label if value in Rating.values else NO_RATING
    return StatusRow(label=label, rating=value or "none", text=text)


def _difference(forecast: Decimal | None, baseline: Decimal | None) -> Decimal | None:
    if forecast is None or baseline is None:
        return None
    return forecast - baseline


@dataclass(frozen=True)
class CitedRow:
    reference: str
    title: str  # empty when the reference names no item of the project any more
    url: str  # absolute, so the link works from the PDF file


def report_pdf_context(report: HighlightReport, site: str = "") -> dict[str, Any]:
    """What the PDF shows, worked out here so the template only lays it out. ``site`` (such as
    ``https://pmo.example``) makes the links to cited RAID items absolute."""
    baseline = baseline_in_force(report)
    baseline_dates = {m.name: m.due for m in baseline.milestones.all()} if baseline else {}
    milestones = []
    for milestone in report.milestones.all():
        due = baseline_dates.get(milestone.name)
        milestones.append(
            MilestoneRow(
                name=milestone.name,
                baseline=due,
                forecast=milestone.forecast,
                achieved_on=milestone.achieved_on,
                slip_days=(milestone.forecast - due).days if due else None,
            )
        )
    finish_slip = (
        (report.forecast_finish - baseline.finish).days
        if baseline is not None and report.forecast_finish is not None
        else None
    )
    checks = report_tolerance_checks(report)
    return {
        "report": report,
        "project": report.project,
        "period": report.period,
        "statuses": [  # the overall status first
            _status("Overall", report.overall_status),
            *(
                _status(dimension.label, getattr(report, f"{dimension.value}_status"))
                for dimension in ReportDimension
            ),
        ],
        "baseline": baseline,
        "finish_slip_days": finish_slip,
        "cost_variance": _difference(
            report.forecast_cost, baseline.budget_at_completion if baseline else None
        ),
        "milestones": milestones,
        "tolerance_status": (
            ToleranceState(report.tolerance_status).label if report.tolerance_status else "Not assessed"
        ),
        "tolerance_state": report.tolerance_status or "none",
        "checks": checks,
        "checks_frozen": report.submitted_at is not None,
        "cited": [
            CitedRow(reference, item.title, f"{site}{item.get_absolute_url()}")
            if item is not None
            else CitedRow(reference, "", "")
            for reference, item in cited_items(project_id=report.project_id, text=report.raid_references)
        ],
        "generated_at": timezone.localtime(clock.now()),
    }


def highlight_report_pdf(report: HighlightReport, site: str = "") -> bytes:
    """The report as a printable A4 PDF: statuses in words and colour, forecasts against the
    baseline, milestones, tolerances, the PM's narrative and the RAID items cited (linked to
    ``site``'s pages)."""
    html = render_to_string("reporting/report_pdf.html", report_pdf_context(report, site))
    document = HTML(string=html, base_url=None, url_fetcher=no_fetching())
    return bytes(document.write_pdf())
