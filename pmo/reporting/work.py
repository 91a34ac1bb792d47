"""The reporting cycle's part of everyone's work queue (``pmo.core.work``):

- a project manager's highlight reports due (not started, or a draft not yet submitted) and
  returned with comments, in the open periods whose reminders have started, and the exception
  reports asked of them;
- a sponsor's exceptions waiting for their decision;
- the PMO officer's submitted reports to quality-check, and the project managers to chase for
  the reports missing in the period being chased;
- the PMO head's exceptions: those waiting for a decision, and exception reports overdue.

Everything is read through the selectors, restricted to what the user may see, in a fixed
number of queries whatever the number of projects."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Q, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from pmo.core.choices import Role
from pmo.core.links import Links
from pmo.core.permissions import has_role, is_pmo_head
from pmo.core.restrict import restriction
from pmo.core.work import WorkItem, day, one_by_one, response_due, work_provider
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Person, Project
from pmo.portfolio.selectors import person_id_of
from pmo.reporting import selectors
from pmo.reporting.choices import ExceptionStatus, ReportStatus
from pmo.reporting.models import HighlightReport, ReportingPeriod

CHASE_NAMED = 10  # the missing reports a chase item names before "and N more"
QUOTED = 140  # the characters of a comment or recommendation an item quotes
AWAITING_REPORT = (ExceptionStatus.RAISED, ExceptionStatus.REPORT_REQUESTED)


@work_provider
def reporting_work(user: Any, today: date) -> list[WorkItem]:
    """What the reporting cycle asks of ``user`` now."""
    items: list[WorkItem] = []
    mine = person_id_of(user)
    if mine is not None:
        items += _reports_owed(user, mine, today)
        items += _exceptions_of(user, Q(project__project_manager_id=mine, status__in=AWAITING_REPORT))
        items += _exceptions_of(user, Q(project__sponsor_id=mine, status=ExceptionStatus.REPORT_SUBMITTED))
    if has_role(user, Role.PMO_OFFICER):
        items += _reports_to_check(user, today)
        items += _people_to_chase(user, today)
    if is_pmo_head(user):
        waiting = Q(status=ExceptionStatus.REPORT_SUBMITTED)
        overdue = Q(status__in=AWAITING_REPORT, report_due__lt=today)
        items += _exceptions_of(user, waiting | overdue, chase=True)
    return items


def _quote(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(QUOTED)


def _project(project: Project) -> dict[str, str]:
    return {"project": project.code, "project_name": project.name}


def _reports_owed(user: Any, mine: int, today: date) -> list[WorkItem]:
    """The reports of the projects ``mine`` manages not yet handed in, in each open period whose
    reminders have started, and those returned with comments."""
    config = selectors.reporting_settings()
    periods = [
        period
        for period in selectors.open_periods().filter(start__lte=today)
        if today >= period.due - timedelta(days=config.reminder_days_before_due)
    ]
    if not periods:
        return []
    projects = Project.objects.restrict(user, "view").filter(
        project_manager_id=mine, status=ProjectStatus.ACTIVE
    )
    reports = {
        (report.project_id, report.period_id): report
        for report in selectors.current_reports(user=user).filter(
            project__project_manager_id=mine, period__in=periods
        )
    }
    items = []
    for period in periods:
        for project in projects:
            if project.planned_start is not None and project.planned_start > period.end:
                continue
            item = _report_item(project, period, reports.get((project.pk, period.pk)))
            if item is not None:
                items.append(item)
    return items


def _report_item(
    project: Project, period: ReportingPeriod, report: HighlightReport | None
) -> WorkItem | None:
    key = f"report:{period.pk}:{project.pk}"
    if report is None:
        return WorkItem(
            key=key,
            kind="report-due",
            title=f"Write the {period} highlight report",
            due=period.due,
            url=reverse("reporting:report_start", args=[project.code, period.pk]),
            reason="Not started yet.",
            **_project(project),
        )
    if report.status == ReportStatus.DRAFT:
        return WorkItem(
            key=key,
            kind="report-due",
            title=f"Submit the {period} highlight report",
            due=period.due,
            url=report.get_absolute_url(),
            reason=f"Revision {report.revision} is a draft."
            if report.revision > 1
            else "The draft is not submitted yet.",
            **_project(project),
        )
    if report.status == ReportStatus.RETURNED:
        returned = timezone.localdate(report.reviewed_at) if report.reviewed_at else period.due
        comments = _quote(report.review_comments)
        return WorkItem(
            key=key,
            kind="report-returned",
            title=f"Revise the {period} highlight report",
            due=max(period.due, response_due(returned)),
            url=report.get_absolute_url(),
            reason=f"Returned with comments: {comments}" if comments else "Returned with comments.",
            **_project(project),
        )
    return None


def _exceptions_of(user: Any, which: Q, *, chase: bool = False) -> list[WorkItem]:
    """The exceptions ``which`` selects, as work: an exception report to write (or, for the PMO
    head, ``chase``), or a decision to take."""
    items = []
    for exception in selectors.exception_list(user=user).filter(which).order_by("pk"):
        if exception.status == ExceptionStatus.REPORT_SUBMITTED:
            submitted = timezone.localdate(exception.report_submitted_at or exception.raised_at)
            recommendation = _quote(exception.recommendation)
            items.append(
                WorkItem(
                    key=f"exception-decide:{exception.pk}",
                    kind="exception-decide",
                    title=f"Decide the exception ({exception.dimensions})",
                    due=response_due(submitted),
                    url=exception.get_absolute_url(),
                    reason=f"Recommended: {recommendation}"
                    if recommendation
                    else "The exception report is in.",
                    **_project(exception.project),
                )
            )
            continue
        due = exception.report_due or timezone.localdate(exception.raised_at)
        items.append(
            WorkItem(
                key=f"exception-report:{exception.pk}",
                kind="exception-report",
                title=(
                    f"Chase the overdue exception report ({exception.dimensions})"
                    if chase
                    else f"Write the exception report ({exception.dimensions})"
                ),
                due=due,
                url=exception.get_absolute_url(),
                reason=f"Beyond tolerance: {exception.dimensions}."
                + (f" Asked of {exception.project.project_manager}." if chase else ""),
                **_project(exception.project),
            )
        )
    return items


def _reports_to_check(user: Any, today: date) -> list[WorkItem]:
    """Submitted reports waiting for the PMO's quality check: one by one, or, beyond
    ``PMO_WORK_ONE_BY_ONE`` of them, one item for them all. One query either way: the first
    rows (as values) carry how many there are, the first submission and how many are late."""
    late_if_before = timezone.make_aware(
        datetime.combine(today - timedelta(days=settings.PMO_WORK_RESPONSE_DAYS), time())
    )  # submitted before that day: past its response date
    rows = list(
        selectors.current_reports(user=user)
        .filter(status=ReportStatus.SUBMITTED)
        .annotate(
            total=Window(Count("pk")),
            first=Window(Min("submitted_at")),
            late=Window(Count("pk", filter=Q(submitted_at__lt=late_if_before))),
        )
        .order_by("pk")
        .values_list(
            "pk", "period_id", "period__start", "period__end", "period__due", "submitted_at",
            "project__code", "project__name", "total", "first", "late",
        )[: settings.PMO_WORK_ONE_BY_ONE + 1]
    )  # fmt: skip
    if not rows or one_by_one(rows[0][-3]):
        return _each_report_to_check(rows)
    *_, total, first_at, late = rows[0]
    first = timezone.localdate(first_at) if first_at else today
    days = settings.PMO_WORK_RESPONSE_DAYS
    waited = f" {late:,} have waited over {days} days." if late else ""
    return [
        WorkItem(
            key="report-check:many",
            kind="report-check",
            title=f"Quality-check {total:,} submitted highlight reports",
            due=response_due(first),
            url=f"{reverse('reporting:report_list')}?status={ReportStatus.SUBMITTED}",
            reason=f"The first was submitted {day(first)}.{waited} Accept each, or return it with comments.",
        )
    ]


def _each_report_to_check(rows: list[tuple[Any, ...]]) -> list[WorkItem]:
    """Each submitted report (a row of ``_reports_to_check``) as an item of its own."""
    links = Links("reporting:report_detail", 987654321)
    periods: dict[int, ReportingPeriod] = {}
    zone = timezone.get_current_timezone()  # once, not per report
    items = []
    for pk, period_id, start, end, due, submitted_at, code, name, *_ in rows:
        period = periods.get(period_id) or periods.setdefault(
            period_id, ReportingPeriod(pk=period_id, start=start, end=end, due=due)
        )
        submitted = submitted_at.astimezone(zone).date() if submitted_at else period.due
        items.append(
            WorkItem(
                key=f"report-check:{pk}",
                kind="report-check",
                title=f"Quality-check the {period} highlight report",
                due=response_due(submitted),
                url=links(pk),
                reason=f"Submitted {day(submitted)}; accept it, or return it with comments.",
                project=code,
                project_name=name,
            )
        )
    return items


def _people_to_chase(user: Any, today: date) -> list[WorkItem]:
    """One item per project manager with reports missing in the period being chased."""
    period = selectors.period_being_chased(today)
    if period is None:
        return []
    owing = selectors.projects_owing_reports(period).filter(restriction(Project, user, "view"))
    managers: dict[int, Person] = {}
    missing: dict[int, list[str]] = defaultdict(list)
    for project in owing:
        managers[project.project_manager_id] = project.project_manager
        missing[project.project_manager_id].append(project.code)
    items = []
    for manager_id, codes in missing.items():
        manager = managers[manager_id]
        named = ", ".join(codes[:CHASE_NAMED])
        more = f" and {len(codes) - CHASE_NAMED} more" if len(codes) > CHASE_NAMED else ""
        count = f"{len(codes)} report{'s' if len(codes) != 1 else ''}"
        items.append(
            WorkItem(
                key=f"report-chase:{period.pk}:{manager_id}",
                kind="report-chase",
                title=f"Chase {manager} for {count} for {period}",
                due=period.due,
                url=period.get_absolute_url(),
                reason=f"Not handed in: {named}{more}.",
            )
        )
    return items
