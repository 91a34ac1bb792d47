"""The reporting pages issue the same number of SQL queries with few records as with many.

The numbers are pinned: a change that adds a query per row, or one more per page, shows here.
They include the session, user, role and person lookups of a signed-in request. They are the
same on any day: inside the reporting period the pages show and after it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pmo.change.models import ChangeRequest
from pmo.core import clock
from pmo.core.choices import Role
from pmo.portfolio.models import Person
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid.models import Action
from pmo.reporting import services
from pmo.reporting.choices import ExceptionDecision, ExceptionStatus
from pmo.reporting.models import BaselineMilestone, HighlightReport, ProjectException
from pmo.reporting.tests.factories import BaselineFactory, PeriodFactory

pytestmark = pytest.mark.django_db


def grow(n: int, period) -> None:
    """``n`` more projects, each with a baseline, a breaching submitted report (so an exception)
    and an overdue and an open corrective action."""
    today = clock.today()
    for _ in range(n):
        project = ProjectFactory(project_manager=PersonFactory(), sponsor=PersonFactory())
        services.baseline_approve(
            actor=None,
            project=project,
            finish=dt.date(2026, 12, 18),
            budget_at_completion=Decimal(100000),
            reason="Approved",
            milestones=[("Go live", dt.date(2026, 12, 1))],
        )
        report = services.highlight_report_start(actor=None, project=project, period=period)
        fields = dict.fromkeys(services.STATUS_FIELDS, "amber") | {
            "summary": "Late",
            "forecast_finish": dt.date(2027, 9, 1),
        }
        report = services.highlight_report_update(
            actor=None, report=report, fields=fields, expected_version=report.version
        )
        services.highlight_report_submit(actor=None, report=report, expected_version=report.version)
        exception = ProjectException.objects.get(project=project)
        for days in (3, 10):
            action = services.exception_action_add(
                actor=None,
                exception=exception,
                title=f"Recover {days}",
                owner=project.project_manager,
                due=today + dt.timedelta(days=days),
            )
        Action.objects.filter(pk=action.pk).update(due=today - dt.timedelta(days=1))


def first(model):
    return model.objects.order_by("pk").first()


ANALYST, MANAGER = Role.PMO_ANALYST, Role.PROJECT_MANAGER

# page: (its address, who looks, the pinned number of queries)
PAGES = {
    "reports": (lambda p: "/reporting/reports/", ANALYST, 7),
    "reports, for a project manager": (lambda p: "/reporting/reports/", MANAGER, 8),
    "reports of a period": (lambda p: f"/reporting/reports/?period={p.pk}&status=submitted", ANALYST, 7),
    "periods": (lambda p: "/reporting/periods/", ANALYST, 7),
    "period compliance": (lambda p: p.get_absolute_url(), ANALYST, 7),
    "period compliance, for a project manager": (lambda p: p.get_absolute_url(), MANAGER, 8),
    "exceptions": (lambda p: "/reporting/exceptions/", ANALYST, 6),
    "exceptions, for a project manager": (lambda p: "/reporting/exceptions/", MANAGER, 7),
    "default tolerances": (lambda p: "/reporting/settings/tolerances/", ANALYST, 5),
    "project reporting": (
        lambda p: f"/reporting/projects/{first(HighlightReport).project.code}/",
        ANALYST,
        18,
    ),
    "project reporting, for its manager": (
        lambda p: f"/reporting/projects/{first(HighlightReport).project.code}/",
        MANAGER,
        19,
    ),
    "report": (lambda p: first(HighlightReport).get_absolute_url(), ANALYST, 11),
    "exception": (lambda p: first(ProjectException).get_absolute_url(), ANALYST, 7),
}


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "day",
    [
        pytest.param("2026-11-16", marks=pytest.mark.today("2026-11-16"), id="inside the period"),
        pytest.param("2026-12-04", marks=pytest.mark.today("2026-12-04"), id="after the period"),
    ],
)
def test_queries_do_not_grow_with_the_data(make_user, day):
    """One test for every page, so the data is built only twice (2 projects, then 14), on a day
    inside November's period (the current one) and on a day after it (the latest open one)."""
    assert clock.today().isoformat() == day
    users = {role: make_user(role) for role in (ANALYST, MANAGER)}
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    period = PeriodFactory()
    grow(2, period)
    Person.objects.filter(pk=first(HighlightReport).project.project_manager_id).update(user=users[MANAGER])
    few = {name: queries_for(clients[role], url(period)) for name, (url, role, _) in PAGES.items()}
    grow(12, period)
    many = {name: queries_for(clients[role], url(period)) for name, (url, role, _) in PAGES.items()}

    pinned = {name: count for name, (_, _, count) in PAGES.items()}
    assert few == pinned
    assert many == pinned


def made_by(baseline, *, changes: int, exceptions: int) -> None:
    """``changes`` approved change requests and ``exceptions`` decided exceptions that made
    ``baseline``, and as many milestones as changes."""
    project, now = baseline.project, clock.now()
    for n in range(changes):
        ChangeRequest.objects.create(
            project=project,
            title=f"Move go-live {n}",
            change_type="time",
            description="D",
            reason="R",
            status="approved",
            raised_on=clock.today(),
            impact_days=10,
            authority="sponsor",
            new_baseline=baseline,
        )
        BaselineMilestone.objects.create(baseline=baseline, name=f"Stage {n}", due=clock.today())
    for n in range(exceptions):
        ProjectException.objects.create(
            project=project,
            status=ExceptionStatus.DECIDED,
            dimensions=f"time {n}",
            breach_summary="Late",
            raised_at=now,
            decision=ExceptionDecision.NEW_BASELINE,
            decided_at=now,
            new_baseline=baseline,
        )


def test_the_baseline_page_reads_what_made_it_in_pinned_queries(make_user):
    """The baseline page lists the change requests and exceptions that made it and its
    milestones, all loaded by its selector (its template runs no query): the same number of
    queries for one of each as for many, on a project with many baselines."""
    client = Client()
    client.force_login(make_user(ANALYST))
    project = ProjectFactory(project_manager=PersonFactory(), sponsor=PersonFactory())
    few = BaselineFactory(project=project, number=1)
    made_by(few, changes=1, exceptions=1)
    response = client.get(few.get_absolute_url())
    assert response.content.decode().count("Move go-live") == 1
    with CaptureQueriesContext(connection) as one_each:
        client.get(few.get_absolute_url())

    many = BaselineFactory(project=project, number=2)
    made_by(many, changes=6, exceptions=3)
    for number in range(3, 8):
        BaselineFactory(project=project, number=number)
    page = client.get(many.get_absolute_url()).content.decode()
    assert [f"Move go-live {n}" in page for n in range(6)] == [True] * 6
    assert [f"exception (time {n})" in page for n in range(3)] == [True] * 3
    assert "Stage 5" in page
    with CaptureQueriesContext(connection) as many_each:
        client.get(many.get_absolute_url())

    assert len(one_each) == len(many_each) == 8
