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


def count(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries), response.json()["count"]


@pytest.mark.parametrize(
    ("url", "role", "pinned"),
    [
        # session, user, roles, count, page (with project, people, logins, issue, new baseline)
        ("/api/v1/change-requests/", Role.PMO_HEAD, 5),
        # ... and the reader's person record, for the confidential projects they may see
        ("/api/v1/change-requests/", Role.PROJECT_MANAGER, 6),
        (
            "/api/v1/change-requests/?status=approved&authority=sponsor&search=go-live&ordering=-raised_on",
            Role.SPONSOR,
            6,
        ),
        # session, user, the settings row, count, page
        ("/api/v1/change-settings/", Role.EXECUTIVE, 5),
    ],
)
def test_list_queries_do_not_grow_with_the_rows(client_for, make_user, url, role, pinned):
    change_settings()
    client = client_for(make_user(role))
    add_changes(3, None)
    few, few_rows = count(client, url)

    add_changes(27, None)
    many, many_rows = count(client, url)

    assert (few, many) == (pinned, pinned)
    if "change-requests" in url:
        assert many_rows == few_rows + 27
