"""The dashboard, its workbook and its API cost the same number of SQL queries with 3 projects
as with 12 (each with reports in every period, milestones, tolerance checks, an exception and an
action). The numbers are pinned, including the session, user and role lookups."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo.core.choices import Role
from pmo.insights.tests.conftest import days, hand_in, make_periods
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.reporting.choices import ExceptionStatus, Rating, ToleranceState
from pmo.reporting.models import (
    BaselineMilestone,
    CorrectiveAction,
    ProjectException,
    ReportMilestone,
    ToleranceCheck,
)
from pmo.reporting.tests.factories import BaselineFactory

pytestmark = pytest.mark.django_db

# address: (who looks, pinned queries)
PINNED = {
    "/dashboard/": {Role.PMO_ANALYST: 20, Role.PROJECT_MANAGER: 21},
    "/dashboard/export/": {Role.PMO_ANALYST: 15, Role.PROJECT_MANAGER: 16},
    "/api/v1/dashboard/": {Role.PMO_ANALYST: 15, Role.PROJECT_MANAGER: 16},
}


def grow(n: int, periods) -> None:
    for _ in range(n):
        project = ProjectFactory(
            planned_start=days(-300),
            confidential=False,
            sponsor=PersonFactory(),
            project_manager=PersonFactory(),
        )
        baseline = BaselineFactory(project=project, finish=days(90))
        for period in periods:
            report = hand_in(project, period, Rating.AMBER, high_risks_open=1)
        for k in range(3):
            BaselineMilestone.objects.create(baseline=baseline, name=f"M{k}", due=days(-20 + k))
            ReportMilestone.objects.create(report=report, name=f"M{k}", forecast=days(-10 + 5 * k))
        ToleranceCheck.objects.create(
            project=project,
            dimension="cost",
            status=ToleranceState.FORECAST_TO_BREACH,
            baseline_value=1,
            forecast_value=2,
            allowance=1,
            used=Decimal("0.9"),
            explanation="cost",
            assessed_at=timezone.now(),
        )
        exception = ProjectException.objects.create(
            project=project,
            status=ExceptionStatus.RAISED,
            dimensions="cost",
            breach_summary="cost",
            raised_at=timezone.now() - dt.timedelta(days=3),
        )
        CorrectiveAction.objects.create(
            project=project, exception=exception, description="Act", owner=PersonFactory(), due=days(4)
        )
        ProjectFactory(confidential=True)


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_queries_do_not_grow_with_projects_or_periods(browser_for, make_user):
    clients = {role: browser_for(make_user(role)) for role in (Role.PMO_ANALYST, Role.PROJECT_MANAGER)}
    periods = make_periods()
    grow(3, periods[:2])
    few = {url: {role: count(clients[role], url) for role in clients} for url in PINNED}
    grow(9, periods)
    many = {url: {role: count(clients[role], url) for role in clients} for url in PINNED}
    assert few == PINNED
    assert many == PINNED
