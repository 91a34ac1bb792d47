"""The tolerance evaluation: a project's latest forecasts judged against its current baseline
and tolerances, the verdicts stored, and an exception raised (by the system, never a person)
for a breach."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from pmo.core import clock, formatting
from pmo.core.memory import collector_paused
from pmo.core.services import notify, pmo_users, record_create, record_update, user_of
from pmo.engine.tolerance import Assessment, Status, worst
from pmo.finance.feeds import evm_snapshot, judged_eac, judged_eacs
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Project
from pmo.reporting import selectors
from pmo.reporting.adapters import assess_project
from pmo.reporting.choices import ExceptionStatus
from pmo.reporting.evidence import current_baseline_ids, latest_report_ids
from pmo.reporting.models import VERDICT_FIELDS, Baseline, HighlightReport, ProjectException, ToleranceCheck


def assess_report(project: Project, report: HighlightReport) -> list[Assessment] | None:
    """The engine's verdicts on ``report``'s forecasts (None without a baseline to judge by);
    cost judged on finance's EAC once the project has an approved budget."""
    baseline = selectors.current_baselines([project.pk]).get(project.pk)
    if baseline is None:
        return None
    baseline.project = project
    tolerances = selectors.effective_tolerances([project])[project.pk]
    warning = selectors.reporting_settings().warning_band
    eac = judged_eac(project)
    return assess_project(
        baseline=baseline,
        report=report,
        tolerances=tolerances,
        warning=warning,
        eac=eac.eac if eac is not None else None,
    )


def _store_checks(project_id: int, assessments: Sequence[Assessment]) -> None:
    """Store one project's verdicts (see ``_store_all_checks``)."""
    _store_all_checks({project_id: assessments})


CHECK_FIELDS = tuple(name for name in VERDICT_FIELDS if name != "dimension")  # what a new verdict changes
CHECKS_PER_QUERY = 2000  # projects
# What the tolerance engine reads from a report (``adapters.figures``).
FORECAST_FIELDS = (
    "forecast_finish",
    "forecast_cost",
    "forecast_benefits",
    "scope_change_percent",
    "quality_criteria_at_risk",
    "high_risks_open",
)


def check_figures(a: Assessment) -> dict[str, Any]:
    """A verdict as the check tables store it (the project's live checks and a submitted
    report's frozen ones)."""
    return {
        "dimension": a.dimension.value,
        "status": a.status.value,
        "baseline_value": a.baseline.quantize(Decimal("0.01")),
        "forecast_value": a.forecast.quantize(Decimal("0.01")),
        "allowance": a.allowance.quantize(Decimal("0.01")),
        "used": None if a.used.is_infinite() else a.used.quantize(Decimal("0.0001")),
        "explanation": a.explanation[:300],
    }


def _store_all_checks(checks: Mapping[int, Sequence[Assessment]]) -> None:
    """Store the verdicts of many projects in bulk: new checks created, changed ones written again,
    those no longer assessed deleted, and every project's checks stamped as assessed now — a few
    queries per 2,000 projects, not one per check. Figures are kept as the columns store them."""
    now = clock.now()
    ids = list(checks)
    for first in range(0, len(ids), CHECKS_PER_QUERY):
        chunk = ids[first : first + CHECKS_PER_QUERY]
        # The explanation states every figure a verdict rests on, so an unchanged status and
        # explanation mean an unchanged check: no need to read the figures back.
        existing = {
            (project_id, dimension): (pk, (status, explanation))
            for pk, project_id, dimension, status, explanation in ToleranceCheck.objects.filter(
                project_id__in=chunk
            )
            .order_by()
            .values_list("pk", "project_id", "dimension", "status", "explanation")
        }
        new: list[ToleranceCheck] = []
        changed: list[ToleranceCheck] = []
        for project_id in chunk:
            for a in checks[project_id]:
                figures = check_figures(a)
                found = existing.pop((project_id, a.dimension.value), None)
                if found is not None and found[1] == (figures["status"], figures["explanation"]):
                    continue
                row = ToleranceCheck(
                    pk=found[0] if found else None, project_id=project_id, assessed_at=now, **figures
                )
                (new if found is None else changed).append(row)
        # A changed check is written again whole, under its id (its every column is the
        # verdict's, ``assessed_at`` now): Django's bulk update builds a CASE per column and
        # row, which took several times longer than deleting the rows and inserting them.
        gone = [pk for pk, _values in existing.values()]  # dimensions no longer assessed
        if gone or changed:
            ToleranceCheck.objects.filter(pk__in=gone + [row.pk for row in changed]).delete()
        ToleranceCheck.objects.filter(project_id__in=chunk).update(assessed_at=now)
        ToleranceCheck.objects.bulk_create(new + changed, batch_size=1000)


@transaction.atomic
def tolerances_evaluate(
    *,
    project: Project,
    report: HighlightReport | None = None,
    assessments: Sequence[Assessment] | None = None,
) -> Status | None:
    """Judge the project's latest forecasts (those of ``report`` if given, else of its latest
    handed-in report) against its current baseline and tolerances, store the verdicts, and raise
    an exception for a breach. ``assessments`` are ``report``'s verdicts when the caller has just
    judged it. Returns the worst status (None when there is no baseline or no handed-in report
    to judge)."""
    latest = report if report is not None else selectors.latest_handed_in([project.pk]).get(project.pk)
    if assessments is None and latest is not None:
        assessments = assess_report(project, latest)
    if assessments is None or latest is None:
        ToleranceCheck.objects.filter(project=project).delete()
        return None
    _store_checks(project.pk, assessments)
    breaches = [a for a in assessments if a.status is Status.BREACHED]
    if breaches:
        exception_raise(project=project, breaches=breaches, report=latest)
    return worst(assessments)


def tolerances_evaluate_all(projects: Iterable[Project] | None = None) -> dict[int, Status]:
    """Evaluate many projects at once (after a default tolerance or the warning band changes):
    a fixed number of queries to read the latest forecasts, baselines, tolerances and open
    exceptions, the verdicts stored in bulk, then an exception raised (or extended) only for a
    project whose breach is not yet in its open exception."""
    with collector_paused():
        return _evaluate_all(projects)


def _evaluate_all(projects: Iterable[Project] | None) -> dict[int, Status]:
    if projects is None:
        scope = Project.objects.filter(status=ProjectStatus.ACTIVE)
        # What judging needs (exception_raise reads the project afresh when it raises).
        projects = list(scope.only("code", "name", "portfolio", "size_tier", "planned_start"))
    else:
        projects = list(projects)
        scope = Project.objects.filter(pk__in=[p.pk for p in projects])
    baselines = {
        b.project_id: b
        for b in Baseline.objects.filter(pk__in=current_baseline_ids(scope)).only(
            "project", "finish", "budget_at_completion", "benefits_value"
        )
    }
    reports = {
        r.project_id: r
        for r in HighlightReport.objects.filter(pk__in=latest_report_ids(scope)).only(
            "project", *FORECAST_FIELDS
        )
    }
    tolerances = selectors.effective_tolerances(projects)
    warning = selectors.reporting_settings().warning_band
    eacs = judged_eacs([p for p in projects if p.pk in baselines and p.pk in reports])
    raised: dict[int, set[str]] = {}
    for project_id, dimensions in (
        ProjectException.objects.filter(project_id__in=scope.values("pk"))
        .exclude(status=ExceptionStatus.DECIDED)
        .values_list("project_id", "dimensions")
    ):
        raised[project_id] = set(dimensions.split(", "))
    results: dict[int, Status] = {}
    judged: dict[int, list[Assessment]] = {}
    for project in projects:
        baseline, report = baselines.get(project.pk), reports.get(project.pk)
        if baseline is None or report is None:
            continue
        baseline.project = project
        eac = eacs.get(project.pk)
        judged[project.pk] = assess_project(
            baseline=baseline,
            report=report,
            tolerances=tolerances[project.pk],
            warning=warning,
            eac=eac.eac if eac is not None else None,
        )
        results[project.pk] = worst(judged[project.pk])
    with transaction.atomic():
        _store_all_checks(judged)
    for project in projects:
        breaches = [a for a in judged.get(project.pk, ()) if a.status is Status.BREACHED]
        if breaches and not {a.dimension.value for a in breaches} <= raised.get(project.pk, set()):
            exception_raise(project=project, breaches=breaches, report=reports[project.pk])
    return results


# The breaches whose exception keeps the project's earned value figures as they stood.
EVM_DIMENSIONS = {"cost", "time"}


def _evm(project: Project, dimensions: set[str]) -> dict[str, Any]:
    """The project's earned value figures today (``pmo.finance.feeds.evm_snapshot``) for a cost
    or time breach; empty for others, or without an approved budget."""
    return evm_snapshot(project) if dimensions & EVM_DIMENSIONS else {}


@transaction.atomic
def exception_raise(
    *, project: Project, breaches: Sequence[Assessment], report: HighlightReport | None = None
) -> ProjectException:
    """Raise an exception for a breach (the system does this, never a person), request the
    exception report from the PM and escalate to the sponsor and the PMO. A project with an open
    exception has new breached dimensions added to it (and the people told) instead. A cost or
    time breach keeps the project's earned value figures as they stand (when it has a budget)."""
    found = {a.dimension.value for a in breaches}
    existing = selectors.open_exception(project)
    if existing is not None and found <= set(existing.dimensions.split(", ")):
        return existing  # already raised: the common case, one query
    # One open exception per project, however many evaluations run at once: lock, look again.
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("project_manager__user", "sponsor__user")
        .get(pk=project.pk)
    )
    summary = "\n".join(a.explanation for a in breaches)
    pm, sponsor = user_of(project.project_manager), user_of(project.sponsor)
    existing = selectors.open_exception(project)
    if existing is not None:
        known = set(existing.dimensions.split(", "))
        if found <= known:
            return existing
        merged = ", ".join(sorted(known | found))
        extra = {"evm": _evm(project, found)} if not existing.evm and found & EVM_DIMENSIONS else {}
        extended = record_update(
            instance=existing,
            actor=None,
            fields={"dimensions": merged, "breach_summary": summary, **extra},
            expected_version=None,
            reason="Further tolerance breached",
        )
        notify(
            recipients=[pm, sponsor, *pmo_users()],
            key=f"exception-extended:{extended.pk}:{merged}",
            subject=f"Exception for {project} now covers {merged}",
            body=f"{summary}\n\nThe exception report should cover every dimension in breach.",
            url=extended.get_absolute_url(),
        )
        return extended
    dimensions = ", ".join(sorted(found))
    exception = record_create(
        model=ProjectException,
        actor=None,
        fields={
            "project": project,
            "dimensions": dimensions,
            "breach_summary": summary,
            "raised_at": clock.now(),
            "raised_from": report,
            "evm": _evm(project, found),
        },
        reason="Raised automatically: forecast beyond tolerance",
    )
    due = clock.today() + timedelta(days=selectors.reporting_settings().exception_report_days)
    exception = record_update(
        instance=exception,
        actor=None,
        fields={"status": ExceptionStatus.REPORT_REQUESTED, "report_due": due},
        expected_version=None,
        reason="Exception report requested from the project manager",
    )
    url = exception.get_absolute_url()
    notify(
        recipients=[pm],
        key=f"exception-report-requested:{exception.pk}",
        subject=(
            f"Exception raised for {project}, beyond tolerance: exception report requested by "
            f"{formatting.date(due)}"
        ),
        body=(
            f"{summary}\n\nThe exception report (cause, consequences, options, recommendation) is "
            f"due by {formatting.date(due)}."
        ),
        url=url,
    )
    notify(
        recipients=[sponsor, *pmo_users()],
        key=f"exception-raised:{exception.pk}",
        subject=f"Exception raised: {project} is forecast beyond tolerance ({dimensions})",
        body=(
            f"{summary}\n\nThe project manager has been asked for an exception report by "
            f"{formatting.date(due)}."
        ),
        url=url,
    )
    return exception
