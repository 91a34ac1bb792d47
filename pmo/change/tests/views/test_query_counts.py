"""The change logs issue the same number of SQL queries with few change requests as with many.

The numbers are pinned: a change that adds a query per row, or one more per page, shows here.
They include the session, user, role and person lookups of a signed-in request."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pmo.change import services
from pmo.change.choices import ChangeType, Decision
from pmo.core.choices import Role
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.reporting import services as reporting_services

pytestmark = pytest.mark.django_db


def changes_on(project: Project, n: int) -> None:
    """``n`` changes on ``project``: raised, assessed, and approved (each making a baseline)."""
    for i in range(n):
        change = services.change_request_raise(
            actor=None,
            project=project,
            fields={
                "title": f"Change {i}",
                "change_type": ChangeType.TIME,
                "description": "d",
                "reason": "r",
            },
        )
        if i % 3 == 0:
            continue
        change = services.change_request_assess(
            actor=None, change=change, fields={"impact_days": 2 + i}, expected_version=change.version
        )
        if i % 3 == 2:
            services.change_request_decide(
                actor=None,
                change=change,
                decision=Decision.APPROVE,
                notes="Yes",
                expected_version=change.version,
            )


def grow(n: int, first: Project) -> None:
    """``n`` more projects, each with a baseline and three changes; three more on ``first``."""
    for _ in range(n):
        project = ProjectFactory(project_manager=PersonFactory(), sponsor=PersonFactory())
        reporting_services.baseline_approve(
            actor=None,
            project=project,
            finish=dt.date(2027, 6, 30),
            budget_at_completion=Decimal(100000),
            reason="Approved",
        )
        changes_on(project, 3)
    changes_on(first, 3)


ANALYST, MANAGER, SPONSOR = Role.PMO_ANALYST, Role.PROJECT_MANAGER, Role.SPONSOR

# page: (its address, who looks, the pinned number of queries)
PAGES = {
    "change log": ("/changes/", ANALYST, 7),
    "change log, for a project manager": ("/changes/", MANAGER, 8),
    "change log, filtered": (
        "/changes/?status=assessed&change_type=time&authority=project_manager",
        ANALYST,
        7,
    ),
    "change log, awaiting my decision": ("/changes/?mine=on", SPONSOR, 8),
    "project change log": ("/changes/projects/FIRST/", ANALYST, 15),
    "project change log, for its manager": ("/changes/projects/FIRST/", MANAGER, 16),
}


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_queries_do_not_grow_with_the_data(make_user):
    """One test for every page, so the data is built only twice (2 projects, then 14)."""
    users = {role: make_user(role) for role in (ANALYST, MANAGER, SPONSOR)}
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    first = ProjectFactory(
        code="FIRST",
        project_manager=PersonFactory(user=users[MANAGER]),
        sponsor=PersonFactory(user=users[SPONSOR]),
    )
    reporting_services.baseline_approve(
        actor=None,
        project=first,
        finish=dt.date(2027, 6, 30),
        budget_at_completion=Decimal(100000),
        reason="Ok",
    )
    grow(1, first)
    few = {name: queries_for(clients[role], url) for name, (url, role, _) in PAGES.items()}
    grow(12, first)
    many = {name: queries_for(clients[role], url) for name, (url, role, _) in PAGES.items()}

    pinned = {name: count for name, (_, _, count) in PAGES.items()}
    assert few == pinned
    assert many == pinned
