"""Each demo login's home page lists real work on the demo's day (23 Nov 2026): the project
manager's, the sponsor's, the PMO officer's and the PMO head's, of the kinds their role has."""

import pytest

from pmo.core.models import User
from pmo.core.tests.demo_database import DEMO_TODAY
from pmo.core.work import work_queue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo"), pytest.mark.today("2026-11-23")]

# login: the kinds of work their queue holds on the demo's day
EXPECTED = {
    "pm": {
        "exception-report",
        "change-assess",
        "change-decide",
        "raid-past-due",
        "raid-stale",
        "forecast-due",  # finance: the November period's forecasts of projects with money
    },
    "sponsor": {"exception-decide", "change-decide", "raid-past-due"},
    "officer": {"report-check", "report-chase"},
    "head": {"exception-decide", "exception-report", "change-decide", "raid-past-due"},
}


@pytest.mark.parametrize("username", EXPECTED)
def test_each_demo_role_has_real_work(username: str):
    items = work_queue(User.objects.get(username=username), today=DEMO_TODAY)

    assert EXPECTED[username] <= {item.kind for item in items}
    assert all(item.url.startswith("/") for item in items)
    assert [item.due for item in items] == sorted(item.due for item in items)


def test_the_officer_chases_octobers_missing_reports_by_project_manager():
    items = work_queue(User.objects.get(username="officer"), today=DEMO_TODAY)

    chases = [item for item in items if item.kind == "report-chase"]
    assert chases and all(item.title.endswith("for October 2026") for item in chases)
    assert all(item.is_overdue(DEMO_TODAY) for item in chases)  # due 5 Nov
