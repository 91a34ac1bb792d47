"""The change log and the delegated limits cost the same number of SQL queries whatever the
number of changes (pinned; the session and user lookups included)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo.change.models import ChangeRequest
from pmo.change.selectors import change_settings
from pmo.core.choices import Role
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid.tests.factories import IssueFactory
from pmo.reporting.tests.factories import BaselineFactory

pytestmark = pytest.mark.django_db


def add_changes(n, reader):
    """n decided changes, each on its own project, citing an issue and with a new baseline."""
    for _ in range(n):
        project = ProjectFactory(sponsor=PersonFactory(), project_manager=PersonFactory())
        ChangeRequest.objects.create(
            project=project,
            title="Move go-live",
            change_type="time",
            description="D",
            reason="R",
            issue=IssueFactory(project=project, issue_type="rfc"),
            status="approved",
            raised_by=reader,
            raised_on=dt.date(2026, 11, 1),
            impact_days=10,
            impact_cost=Decimal(100),
            authority="sponsor",
            assessed_by=reader,
            assessed_at=timezone.now(),
            decided_by=reader,
            decided_at=timezone.now(),
            new_baseline=BaselineFactory(project=project),
        )


def add_waiting(n, reader):
    """n projects with a decided change (as ``add_changes``) and an assessed one waiting for its
    decision, which the list judges with the first."""
    add_changes(n, reader)
    for decided in ChangeRequest.objects.filter(status="approved").order_by("-pk")[:n]:
        ChangeRequest.objects.create(
            project=decided.project,
            title="Move go-live again",
            change_type="time",
            description="D",
            reason="R",
            status="assessed",
            raised_by=reader,
            raised_on=dt.date(2026, 11, 2),
            impact_days=10,
            impact_cost=Decimal(100),
            authority="sponsor",
            assessed_by=reader,
            assessed_at=timezone.now(),
        )


def count(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries), response.json()["count"]


@pytest.mark.parametrize(
    ("url", "role", "pinned", "add"),
    [
        # session, user, roles, count, page (with project, people, logins, issue, new baseline)
        ("/api/v1/change-requests/", Role.PMO_HEAD, 5, add_changes),
        # ... and, for the changes waiting for a decision, their approvals judged with the total
        # (``judge_all``): the limits, the board's baselines, the approvals since, the tolerances
        # (own, defaults)
        ("/api/v1/change-requests/", Role.PMO_HEAD, 10, add_waiting),
        # ... and the reader's person record, for the confidential projects they may see
        ("/api/v1/change-requests/", Role.PROJECT_MANAGER, 6, add_changes),
        (
            "/api/v1/change-requests/?status=approved&authority=sponsor&search=go-live&ordering=-raised_on",
            Role.SPONSOR,
            6,
            add_changes,
        ),
        # session, user, the settings row, count, page
        ("/api/v1/change-settings/", Role.EXECUTIVE, 5, add_changes),
    ],
)
def test_list_queries_do_not_grow_with_the_rows(client_for, make_user, url, role, pinned, add):
    change_settings()
    client = client_for(make_user(role))
    add(3, None)
    few, few_rows = count(client, url)

    add(27, None)
    many, many_rows = count(client, url)

    assert (few, many) == (pinned, pinned)
    if "change-requests" in url:
        assert many_rows - few_rows == (27 if add is add_changes else 54)
