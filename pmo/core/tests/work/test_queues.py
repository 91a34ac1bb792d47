"""Each role's work queue (``pmo.core.work.work_queue``) over the desk of conftest.py, on
4 Dec 2026: what it lists, in what order, what it hides, and what it costs."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.core.models import User
from pmo.core.tests.work.conftest import Desk, add_work
from pmo.core.work import WorkItem, work_queue
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid.choices import ActionSource, ActionStatus
from pmo.raid.models import Action
from pmo.raid.services import raid_item_update
from pmo.raid.tests.factories import ActionFactory
from pmo.reporting.models import HighlightReport
from pmo.reporting.services import highlight_report_accept, highlight_report_submit

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 4)


def lines(items: list[WorkItem]) -> list[tuple[str, str, str, str]]:
    return [(f"{item.due:%Y-%m-%d}", item.kind, item.project, item.title) for item in items]


def test_a_project_managers_queue_lists_their_reports_exception_report_change_and_raid_items(desk: Desk):
    items = work_queue(desk.pm)
    action = Action.objects.get(title="Chase the supplier")

    assert lines(items) == [
        ("2026-10-31", "raid-past-due", "IT-103", f"Complete {action}"),
        ("2026-10-31", "raid-stale", "IT-103", items[1].title),
        ("2026-12-05", "report-due", "IT-100", "Write the November 2026 highlight report"),
        ("2026-12-05", "report-due", "IT-101", "Submit the November 2026 highlight report"),
        ("2026-12-05", "report-due", "IT-103", "Write the November 2026 highlight report"),
        ("2026-12-05", "report-due", "IT-104", "Write the November 2026 highlight report"),
        ("2026-12-07", "exception-report", "IT-103", "Write the exception report (cost)"),
        ("2026-12-10", "change-assess", "IT-103", items[7].title),
        ("2026-12-11", "report-returned", "IT-102", "Revise the November 2026 highlight report"),
    ]
    assert items[1].title.startswith("Review RSK-")
    assert items[7].title.endswith("Add the councillors' iPads")
    assert [item.is_overdue(TODAY) for item in items] == [True, True] + [False] * 7
    returned = items[-1]
    assert returned.reason == "Returned with comments: Reconcile the forecast cost with the ledger."
    assert returned.url == HighlightReport.objects.get(project__code="IT-102").get_absolute_url()
    assert items[2].url == f"/reporting/projects/IT-100/periods/{desk.period.pk}/report/"
    assert items[0].reason == (
        "Past its date (20 Nov 2026). Not reviewed since it was raised on 1 Oct 2026: stale after 30 days. "
        "Owner: Dan Whitaker."
    )


def test_a_sponsors_queue_lists_the_decisions_waiting_for_them(desk: Desk):
    items = work_queue(desk.sponsor)

    assert lines(items) == [
        ("2026-11-13", "change-decide", "IT-104", items[0].title),
        ("2026-11-30", "exception-decide", "IT-104", "Decide the exception (time)"),
    ]
    assert items[0].title.endswith("Extend testing")
    assert items[0].reason == "Impact: +14 days, +£12,000 cost. Approval needed from sponsor."
    assert items[1].reason == "Recommended: Option B: phase the roll-out."


def not_health_checks(items: list[WorkItem]) -> list[WorkItem]:
    """The items but the PMO's one for the projects with no recent health check (pmo/assurance's
    tests cover it): every project of the desk has had none."""
    assert [item.kind for item in items if item.kind == "health-check-none"] == ["health-check-none"]
    return [item for item in items if item.kind != "health-check-none"]


def test_the_officers_queue_lists_reports_to_check_and_the_people_to_chase(desk: Desk):
    items = not_health_checks(work_queue(desk.officer))

    assert [(item.kind, item.title) for item in items] == [
        ("report-chase", "Chase Dan Whitaker for 5 reports for November 2026"),
        ("report-chase", items[1].title),
        ("report-check", "Quality-check the November 2026 highlight report"),
    ]
    assert items[0].reason == "Not handed in: IT-100, IT-101, IT-102, IT-103, IT-104."
    assert items[0].due == dt.date(2026, 12, 5)
    assert items[0].url == desk.period.get_absolute_url()
    assert items[1].reason == "Not handed in: IT-106."
    assert (items[2].project, items[2].due) == ("IT-105", dt.date(2026, 12, 11))


def test_the_heads_queue_lists_exceptions_board_decisions_and_overdue_actions(desk: Desk):
    items = not_health_checks(work_queue(desk.head))

    assert [(item.due.isoformat(), item.kind, item.project) for item in items] == [
        ("2026-10-31", "raid-past-due", "IT-106"),
        ("2026-11-18", "exception-report", "IT-106"),
        ("2026-11-30", "exception-decide", "IT-104"),
        ("2026-12-05", "change-decide", "IT-106"),
    ]
    assert items[0].title.endswith("Agree the recovery plan")
    assert items[1].title == "Chase the overdue exception report (cost, time)"
    assert items[3].reason == "Impact: +£96,000 cost. Approval needed from the board."


def test_beyond_the_items_listed_one_by_one_one_item_stands_for_all_the_reports_to_check(
    desk: Desk, settings, client
):
    add_work(desk, 2)  # two more submitted reports: three to check, submitted 1 Dec
    settings.PMO_WORK_ONE_BY_ONE = 3
    assert [item.project for item in work_queue(desk.officer) if item.kind == "report-check"] == [
        "IT-105", "IT-112", "IT-119"
    ]  # fmt: skip

    settings.PMO_WORK_ONE_BY_ONE = 2
    checks = [item for item in work_queue(desk.officer) if item.kind == "report-check"]
    assert [(item.title, item.due, item.project) for item in checks] == [
        ("Quality-check 3 submitted highlight reports", dt.date(2026, 12, 11), "")
    ]
    assert checks[0].reason == "The first was submitted 1 Dec 2026. Accept each, or return it with comments."
    client.force_login(desk.officer)  # the list it links to shows the three
    listed = client.get(checks[0].url).content.decode()
    assert listed.count('<th scope="row">') == 3
    assert all(code in listed for code in ("IT-105", "IT-112", "IT-119"))

    with time_machine.travel(dt.datetime(2026, 12, 14, 10, tzinfo=dt.UTC)):  # past their response date
        assert not_health_checks(work_queue(desk.officer, today=dt.date(2026, 12, 14)))[-1].reason == (
            "The first was submitted 1 Dec 2026. 3 have waited over 10 days. "
            "Accept each, or return it with comments."
        )


def test_nobody_without_work_and_nobody_signed_out_has_a_queue(desk: Desk, make_user):
    assert work_queue(desk.executive) == []
    desk.pm.is_active = False
    assert work_queue(desk.pm) == []


def test_work_done_since_leaves_the_queue(desk: Desk):
    draft = HighlightReport.objects.get(project__code="IT-101")
    submitted = HighlightReport.objects.get(project__code="IT-105")
    action = Action.objects.get(title="Chase the supplier")

    highlight_report_submit(actor=desk.pm, report=draft, expected_version=draft.version)
    highlight_report_accept(actor=desk.officer, report=submitted, expected_version=submitted.version)
    raid_item_update(
        actor=desk.pm, item=action, fields={"status": ActionStatus.DONE}, expected_version=action.version
    )

    pm_projects = {(item.kind, item.project) for item in work_queue(desk.pm)}
    assert ("report-due", "IT-101") not in pm_projects
    assert ("raid-past-due", "IT-103") not in pm_projects
    officer = not_health_checks(work_queue(desk.officer))
    assert [(item.kind, item.project) for item in officer] == [
        ("report-chase", ""),
        ("report-chase", ""),
        ("report-check", "IT-101"),  # the report just submitted; IT-105's, accepted, is gone
    ]
    assert officer[0].reason == "Not handed in: IT-100, IT-102, IT-103, IT-104."


def test_an_item_on_a_confidential_project_the_user_may_not_see_never_appears(desk: Desk):
    secret = ProjectFactory(
        code="SEC-1", confidential=True, status=ProjectStatus.ACTIVE, project_manager=PersonFactory()
    )
    ActionFactory(
        project=secret, owner=desk.pm_person, title="Secret task", due=dt.date(2026, 11, 1),
        source=ActionSource.EXCEPTION,
    )

    assert "SEC-1" not in {item.project for item in work_queue(desk.pm)}
    assert "SEC-1" not in {item.project for item in work_queue(desk.officer)}  # PMO: sees, but not its work
    assert any(item.project == "SEC-1" for item in work_queue(desk.head))  # the PMO head chases it

    secret.project_manager = desk.pm_person  # once on its team, the manager sees it
    secret.save()
    assert any(item.title.endswith("Secret task") for item in work_queue(desk.pm))


# role: the pinned number of queries for its queue, whatever the amount of work
# (early warning adds 9 for a project manager, 1 for a sponsor, who manages none, 10 for the
# officer and the head; finance adds 2 for anyone who is a person, the open period and their
# projects without its forecast, 1 for the PMO, the draft budgets, and 1 for everyone, the cost
# centres they watch: none here; the gates add 12 for a project manager, their next gates judged,
# and 1 to 3 for the reviews to assess and decide; lessons add 2 for a person, 1 for anyone else;
# health checks add 1 for anyone, the checks they assess, 1 for a person, the checks of their
# projects to respond to, and for the PMO the months between checks and the projects unchecked;
# compliance adds 1 for a person, the active projects they manage, and 1 more when they manage
# some, the rules: switched off here, so no facts are read)
# +1 for the boards' meetings (the reader's seats; none without a person or a PMO role)
PINNED = {"pm": 48, "sponsor": 30, "officer": 23, "head": 25, "executive": 6}


def queries(user: User) -> int:
    fresh = User.objects.get(pk=user.pk)  # as a request reads it: roles and person not yet known
    with CaptureQueriesContext(connection) as captured:
        work_queue(fresh)
    return len(captured.captured_queries)


def test_a_queue_costs_the_same_queries_with_four_times_the_work(desk: Desk):
    roles = {name: getattr(desk, name) for name in PINNED}
    work_queue(desk.pm)  # the first read of the settings rows makes them
    few = {name: queries(user) for name, user in roles.items()}
    add_work(desk, 4)
    many = {name: queries(user) for name, user in roles.items()}

    assert len(work_queue(desk.pm)) > 4 * 8
    assert (few, many) == (PINNED, PINNED)
