"""The evidence-based status the register and a project's page show, and the parts of a
project's health summary reporting knows (``pmo.core.project_status``)."""

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from pmo.core import formatting
from pmo.core.project_status import HealthLine, HealthPanel, ProjectStatusView, health_panel, status_reader
from pmo.portfolio.models import Project
from pmo.reporting.choices import HANDED_IN_STATES, ExceptionStatus, ToleranceState
from pmo.reporting.evidence import RATING_LABELS, project_evidence
from pmo.reporting.models import Baseline, HighlightReport, ToleranceCheck
from pmo.reporting.selectors import current_baselines, exception_list, report_list

TOLERANCE_WORDS = dict(ToleranceState.choices)


@status_reader
def evidence_status(projects: QuerySet[Any] | Sequence[Any]) -> dict[int, ProjectStatusView]:
    """Each project's overall evidence verdict, with its reasons and its tolerance checks, in a
    fixed number of queries (one fewer for projects already read: their planned starts are
    known)."""
    if isinstance(projects, QuerySet):
        evidence = project_evidence(projects)
    else:
        starts = {project.pk: project.planned_start for project in projects}
        evidence = project_evidence(Project.objects.filter(pk__in=list(starts)), starts=starts)
    return {
        project_id: ProjectStatusView(
            found.overall.rating.name.lower(),
            RATING_LABELS[found.overall.rating].capitalize(),
            tuple(found.overall.reasons),
            tuple(
                (str(dimension).capitalize(), str(TOLERANCE_WORDS.get(str(state), state)))
                for dimension, state in found.evidence.tolerances.items()
            ),
        )
        for project_id, found in evidence.items()
    }


# The parts of a project's health summary this app knows (``pmo.core.project_status``) --------

MILESTONES_SHOWN = 4
HUNDRED = Decimal(100)


def _tolerance_lines(checks: list[ToleranceCheck]) -> tuple[HealthLine, ...]:
    return tuple(
        HealthLine(
            check.get_dimension_display(),
            detail=f"{formatting.percent(check.used * HUNDRED)} used" if check.used is not None else "",
            rating=check.status,
            rating_label=check.get_status_display(),
        )
        for check in checks
    )


def _milestone_lines(
    report: HighlightReport | None, baseline: Baseline | None, today: date
) -> tuple[HealthLine, ...]:
    """The next milestones not yet achieved: the latest report's forecasts (with the baseline
    date where the current baseline has one of that name), else the current baseline's dates."""
    planned = {m.name: m.due for m in baseline.milestones.all()} if baseline else {}
    if report is not None and report.milestones.all():
        coming = sorted((m.forecast, m.name) for m in report.milestones.all() if m.achieved_on is None)
    else:
        coming = sorted((due, name) for name, due in planned.items() if due >= today)
    lines = []
    for when, name in coming[:MILESTONES_SHOWN]:
        detail = f"forecast {formatting.date(when)}" if report is not None else f"due {formatting.date(when)}"
        baseline_day = planned.get(name)
        if report is not None and baseline_day is not None and baseline_day != when:
            detail += f" ({formatting.signed_days((when - baseline_day).days)} on the baseline)"
        lines.append(HealthLine(name, detail=detail))
    return tuple(lines)


def _day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


def _age(moment: datetime, today: date) -> str:
    days = max((today - timezone.localdate(moment)).days, 0)
    return f"open {formatting.days(days)}"


@health_panel
def reporting_health(project: Any, user: Any, today: date) -> Iterator[HealthPanel]:
    """Tolerance use, the next milestones, the open exceptions and the latest report of
    ``project``: six queries."""
    checks = list(ToleranceCheck.objects.filter(project=project).order_by("dimension"))
    report = (
        report_list(user=user)
        .filter(project=project, status__in=HANDED_IN_STATES)
        .prefetch_related("milestones")
        .order_by("-period__start", "-revision")
        .first()
    )
    baseline = current_baselines([project.pk]).get(project.pk)
    exceptions = list(
        exception_list(user=user)
        .filter(project=project)
        .exclude(status=ExceptionStatus.DECIDED)
        .order_by("raised_at", "pk")
    )
    reporting_url = reverse("reporting:project_reporting", args=[project.code])
    yield HealthPanel(
        20,
        "tolerances",
        "Tolerance use",
        _tolerance_lines(checks),
        empty="None judged yet (no baseline or report).",
        more_label="All tolerances",
        more_url=reporting_url,
    )
    yield HealthPanel(
        30,
        "milestones",
        "Next milestones",
        _milestone_lines(report, baseline, today),
        empty="No milestone to come in the latest report or the baseline.",
    )
    yield HealthPanel(
        40,
        "exceptions",
        "Open exceptions",
        tuple(
            HealthLine(
                f"{exception.dimensions.replace(',', ', ')} exception",
                url=exception.get_absolute_url(),
                detail=f"{exception.get_status_display()}, {_age(exception.raised_at, today)}",
            )
            for exception in exceptions
        ),
        empty="No open exception.",
    )
    latest: tuple[HealthLine, ...] = ()
    if report is not None:
        rating = report.overall_status
        latest = (
            HealthLine(
                str(report.period),
                url=report.get_absolute_url(),
                detail=f"{report.get_status_display()} {formatting.date(_day(report.submitted_at))}",
                rating=rating,
                rating_label=report.get_overall_status_display() if rating else "",
            ),
        )
    yield HealthPanel(
        60,
        "report",
        "Latest report",
        latest,
        empty="No report handed in yet.",
        more_label="All reports",
        more_url=reporting_url,
    )
