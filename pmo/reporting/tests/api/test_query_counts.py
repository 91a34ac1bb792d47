"""Every reporting API list issues the same number of SQL queries whatever the number of rows.

The numbers are pinned: a change that adds a query per row, or a query per request, shows here.
They include the session and user lookups of a signed-in request."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo.core.choices import Role
from pmo.core.models import Notification
from pmo.portfolio.tests.factories import PersonFactory, PortfolioFactory, ProjectFactory
from pmo.reporting.choices import ExceptionStatus, ReportStatus
from pmo.reporting.models import (
    BaselineMilestone,
    ProjectException,
    ReportingPeriod,
    ReportMilestone,
    Tolerance,
    ToleranceDefault,
)
from pmo.reporting.tests.factories import (
    BaselineFactory,
    ReportFactory,
    ReportToleranceCheckFactory,
    ToleranceCheckFactory,
)

pytestmark = pytest.mark.django_db

START = dt.date(2020, 1, 1)


def projects(n):
    return [ProjectFactory(sponsor=PersonFactory(), project_manager=PersonFactory()) for _ in range(n)]


def add_periods(n, reader):
    first = START + dt.timedelta(days=40 * ReportingPeriod.objects.count())
    for i in range(n):
        start = first + dt.timedelta(days=40 * i)
        ReportingPeriod.objects.create(
            start=start, end=start + dt.timedelta(days=29), due=start + dt.timedelta(days=35)
        )


def add_reports(n, reader):
    for project in projects(n):
        report = ReportFactory(
            project=project, status=ReportStatus.SUBMITTED, submitted_by=reader, submitted_at=timezone.now()
        )
        ReportFactory(project=project, period=report.period, revision=2, reviewed_by=reader)
        ReportMilestone.objects.create(report=report, name="Go live", forecast=dt.date(2026, 12, 1))
        ReportToleranceCheckFactory(report=report)


def add_baselines(n, reader):
    for project in projects(n):
        baseline = BaselineFactory(project=project, approved_by=reader)
        BaselineMilestone.objects.create(baseline=baseline, name="Go live", due=dt.date(2026, 12, 1))


def add_tolerances(n, reader):
    for project in projects(n):
        Tolerance.objects.create(project=project, dimension="time", absolute=Decimal(20))
        Tolerance.objects.create(project=project, dimension="cost", percent=Decimal(10))


def add_defaults(n, reader):
    for _ in range(n):
        ToleranceDefault.objects.create(portfolio=PortfolioFactory(), dimension="time", absolute=Decimal(10))


def add_checks(n, reader):
    for project in projects(n):
        ToleranceCheckFactory(project=project)


def add_exceptions(n, reader):
    for project in projects(n):
        raised_from = ReportFactory(project=project)
        baseline = BaselineFactory(project=project)
        ProjectException.objects.create(
            project=project,
            status=ExceptionStatus.DECIDED,
            dimensions="time",
            breach_summary="Late",
            raised_at=timezone.now(),
            raised_from=raised_from,
            report_submitted_by=reader,
            decided_by=reader,
            decision="new_baseline",
            new_baseline=baseline,
        )


def add_notifications(n, reader):
    start = Notification.objects.count()
    Notification.objects.bulk_create(
        Notification(recipient=reader, key=f"k{start + i}", subject=f"Note {i}") for i in range(n)
    )


# url, how to add n rows, role of the reader, pinned number of queries
PINNED = [
    # session, user, count, page, and the reader's roles: who may close or reopen a period
    # (each period's actions) is the PMO, once per request whatever the rows
    ("/api/v1/reporting-periods/", add_periods, Role.EXECUTIVE, 5),
    ("/api/v1/reporting-periods/?status=open&ordering=-due", add_periods, Role.PMO_OFFICER, 5),
    # session, user, roles, count, page (with project, period and people), milestones, the
    # tolerance checks frozen on submission
    ("/api/v1/highlight-reports/", add_reports, Role.PMO_HEAD, 7),
    # ... and the reader's person record, for the confidential projects they may see
    ("/api/v1/highlight-reports/", add_reports, Role.PROJECT_MANAGER, 8),
    (
        "/api/v1/highlight-reports/?current=true&status=draft&search=project&ordering=project",
        add_reports,
        Role.PMO_HEAD,
        7,
    ),
    # session, user, roles, person, count, page, milestones
    ("/api/v1/baselines/", add_baselines, Role.EXECUTIVE, 7),
    # session, user, roles, count, page
    ("/api/v1/tolerances/", add_tolerances, Role.PMO_OFFICER, 5),
    # session, user, count, page (with portfolios)
    ("/api/v1/tolerance-defaults/", add_defaults, Role.PMO_OFFICER, 4),
    # session, user, roles, person, count, page
    ("/api/v1/tolerance-checks/", add_checks, Role.EXECUTIVE, 6),
    # session, user, roles, count, page (with project, people and the new baseline)
    ("/api/v1/exceptions/", add_exceptions, Role.PMO_HEAD, 5),
    ("/api/v1/exceptions/?open=false", add_exceptions, Role.SPONSOR, 6),
    # session, user, count, page
    ("/api/v1/notifications/", add_notifications, Role.PROJECT_MANAGER, 4),
]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries), response.json()["count"]


@pytest.mark.parametrize(("url", "add_rows", "role", "pinned"), PINNED)
def test_list_queries_do_not_grow_with_the_rows(client_for, make_user, url, add_rows, role, pinned):
    # given a reader and a few rows
    reader = make_user(role)
    client = client_for(reader)
    add_rows(3, reader)
    few, few_rows = queries_for(client, url)

    # when there are ten times as many
    add_rows(27, reader)
    many, many_rows = queries_for(client, url)

    # then reading them costs the same, pinned number of queries
    assert many_rows >= few_rows + 27
    assert (few, many) == (pinned, pinned)


@pytest.fixture
def breach_history(cycle, breach):
    """OWN-1's exception with its report written: four steps in its history."""
    from pmo.reporting import services

    return services.exception_report_submit(
        actor=cycle.pm,
        exception=breach,
        cause="Supplier",
        consequences="Late",
        options="A or B",
        recommendation="A",
        expected_version=breach.version,
    )


@pytest.mark.parametrize(
    ("path", "pinned"),
    [
        # session, user, roles, the exception with its relations
        ("", 4),
        # ... then the history records, one query per kind of record named in it (the project,
        # the report it was raised from, logins), and the report's project and period for its name
        ("history/", 10),
    ],
)
def test_exception_detail_queries_are_pinned(client_for, cycle, breach_history, path, pinned):
    client = client_for(cycle.officer)

    with CaptureQueriesContext(connection) as context:
        assert client.get(f"/api/v1/exceptions/{breach_history.pk}/{path}").status_code == 200

    assert len(context.captured_queries) == pinned


def test_report_history_queries_do_not_grow_with_the_changes(client_for, cycle, draft):
    from pmo.reporting import services

    client = client_for(cycle.pm)
    url = f"/api/v1/highlight-reports/{draft.pk}/history/"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(15):
        services.highlight_report_update(
            actor=cycle.pm, report=draft, fields={"summary": f"Week {n}"}, expected_version=draft.version
        )

    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(response.json()) == draft.history.count() == 17
    assert len(many.captured_queries) == len(few.captured_queries)


def test_effective_tolerance_queries_do_not_grow_with_the_defaults(client_for, cycle):
    client = client_for(cycle.pm)
    url = "/api/v1/tolerances/effective/?project=OWN-1"
    Tolerance.objects.create(project=cycle.own, dimension="time", absolute=Decimal(5))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200

    add_defaults(30, cycle.pm)
    Tolerance.objects.create(project=cycle.own, dimension="cost", percent=Decimal(5))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200

    # session, user, roles, person, the project, its own tolerances, the defaults
    assert (len(few.captured_queries), len(many.captured_queries)) == (7, 7)
