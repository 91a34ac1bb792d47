"""The dashboard (the cockpit), the pages one click behind it, its workbook and its API cost the
same number of SQL queries with 3 projects as with 12 (each with reports in every period,
milestones, tolerance checks, an exception, an action and RAID items in several registers, some
stale or past due). The numbers are pinned, including the session, user and role lookups; the
RAID registers add two (their settings and one query of grouped counts), whatever the number of
projects and items.

The whole portfolio's figures are kept for those who see all of it (ADR 0036): a read after
nothing changed costs the session, the user, the roles, the stamp and what the page reads besides
(``KEPT``, the PMO analyst's); a project manager's are worked out at every read."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo.core.choices import Role
from pmo.insights.tests.conftest import days, hand_in, make_periods
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid.selectors import raid_settings
from pmo.raid.tests.factories import ActionFactory, IssueFactory, RiskFactory
from pmo.reporting.choices import ExceptionStatus, Rating, ToleranceState
from pmo.reporting.models import (
    BaselineMilestone,
    ProjectException,
    ReportMilestone,
    ToleranceCheck,
)
from pmo.reporting.tests.factories import BaselineFactory

pytestmark = pytest.mark.django_db

# address: (who looks, pinned queries)
# The analyst's include the stamp of what is kept (the cockpit's and the dashboard's on the first).
# Each reads the evidence, which asks which projects have an approved budget (finance's CPI and
# SPI(t) count in it: one query, and a fixed number more when some have one).
PINNED = {
    "/dashboard/": {Role.PMO_ANALYST: 37, Role.PROJECT_MANAGER: 36},  # 2 RAID items left alone
    "/dashboard/export/": {Role.PMO_ANALYST: 20, Role.PROJECT_MANAGER: 20},
    "/api/v1/dashboard/": {Role.PMO_ANALYST: 20, Role.PROJECT_MANAGER: 20},
    "/dashboard/projects/": {Role.PMO_ANALYST: 21, Role.PROJECT_MANAGER: 21},
    "/dashboard/at-risk/": {Role.PMO_ANALYST: 21, Role.PROJECT_MANAGER: 21},
    "/dashboard/slippage/": {Role.PMO_ANALYST: 21, Role.PROJECT_MANAGER: 21},
}

KEPT = {
    "/dashboard/": 8,
    "/dashboard/export/": 4,
    "/api/v1/dashboard/": 4,
    "/dashboard/projects/": 5,
    "/dashboard/at-risk/": 5,
    "/dashboard/slippage/": 5,
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
        ActionFactory(project=project, source="exception", source_reference=exception.reference, due=days(4))
        RiskFactory(project=project, residual_probability=4, residual_impact=4, raised_on=days(-60))
        IssueFactory(project=project, due=days(-3))
        ActionFactory(project=project, due=days(-1), raised_on=days(-40))
        ProjectFactory(confidential=True)


def count(client, url: str, *, kept: bool = False) -> int:
    """The queries of a read of ``url``: worked out (nothing kept), or right after another."""
    if not kept:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_queries_do_not_grow_with_projects_or_periods(browser_for, make_user):
    raid_settings()  # the PMO's RAID settings exist (the first read would create them)
    clients = {role: browser_for(make_user(role)) for role in (Role.PMO_ANALYST, Role.PROJECT_MANAGER)}
    periods = make_periods()
    grow(3, periods[:2])
    analyst = clients[Role.PMO_ANALYST]
    few = {url: {role: count(clients[role], url) for role in clients} for url in PINNED}
    few_kept = {url: count(analyst, url) and count(analyst, url, kept=True) for url in PINNED}
    grow(9, periods)
    many = {url: {role: count(clients[role], url) for role in clients} for url in PINNED}
    many_kept = {url: count(analyst, url) and count(analyst, url, kept=True) for url in PINNED}
    assert few == PINNED
    assert many == PINNED
    assert few_kept == many_kept == KEPT
