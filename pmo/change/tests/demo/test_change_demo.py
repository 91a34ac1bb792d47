"""The demo's change log: every state, the delegated limits at work, and the baselines that
approved changes made."""

import pytest
from django.db.models import Q

from pmo.change import selectors, services
from pmo.change.choices import Authority, ChangeStatus
from pmo.change.demo import DATA_MIGRATION
from pmo.change.models import ChangeRequest
from pmo.change.services import may_decide
from pmo.core.models import Notification, User
from pmo.raid.choices import IssueType
from pmo.reporting.choices import BaselineSource, ExceptionStatus
from pmo.reporting.models import ProjectException, ToleranceCheck

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def user(username: str) -> User:
    return User.objects.get(username=username)


def test_changes_in_every_state_and_assessed_ones_at_every_authority() -> None:
    states = set(ChangeRequest.objects.values_list("status", flat=True))
    waiting = ChangeRequest.objects.filter(status=ChangeStatus.ASSESSED)

    assert states == set(ChangeStatus.values)
    assert set(waiting.values_list("authority", flat=True)) == set(Authority.values)
    assert ChangeRequest.objects.values("project").distinct().count() >= 10


def test_every_approved_time_or_cost_change_made_the_next_baseline_linked_both_ways() -> None:
    approved = ChangeRequest.objects.filter(status__in=[ChangeStatus.APPROVED, ChangeStatus.IMPLEMENTED])
    with_impact = approved.filter(~Q(impact_days=0) | ~Q(impact_cost=0))

    assert with_impact.count() == 3
    for change in with_impact.select_related("new_baseline", "decided_by"):
        baseline = change.new_baseline
        assert baseline is not None, change
        assert baseline.source == BaselineSource.CHANGE_REQUEST
        assert list(baseline.change_requests.all()) == [change]
        assert baseline.approved_by == change.decided_by
        assert change.reference in baseline.reason
    # a change with no time, cost or benefits impact leaves the baseline alone
    assert approved.filter(impact_days=0, impact_cost=0, new_baseline=None).exists()
    # nothing else made a baseline from a change
    assert not ChangeRequest.objects.exclude(pk__in=with_impact).exclude(new_baseline=None).exists()


def test_the_sponsor_approved_the_pm_logins_change_and_the_head_recorded_the_boards() -> None:
    sponsors = ChangeRequest.objects.get(project__name=DATA_MIGRATION, status=ChangeStatus.IMPLEMENTED)
    boards = ChangeRequest.objects.get(authority=Authority.BOARD, status=ChangeStatus.APPROVED)

    assert sponsors.project.project_manager.user == user("pm")
    assert (sponsors.authority, sponsors.decided_by) == (Authority.SPONSOR, user("sponsor"))
    assert sponsors.new_baseline.number == 2
    assert sponsors.new_baseline.budget_at_completion == sponsors.project.budget + sponsors.impact_cost
    assert boards.decided_by == user("head")
    assert boards.new_baseline.approved_by == user("head")
    pm_approved = ChangeRequest.objects.filter(authority=Authority.PROJECT_MANAGER, decided_by=user("pm"))
    assert pm_approved.count() == 2


def test_one_change_came_from_a_request_for_change_issue_and_with_the_first_goes_to_the_board() -> None:
    change = ChangeRequest.objects.select_related("issue", "project").get(issue__isnull=False)
    first = ChangeRequest.objects.get(project=change.project, status=ChangeStatus.IMPLEMENTED)

    assert change.issue.issue_type == IssueType.REQUEST_FOR_CHANGE
    assert change.issue.project_id == change.project_id
    assert change.project.name == DATA_MIGRATION
    # +14 days alone is the sponsor's; with the sponsor's +21 days approved before, the board's
    total = selectors.cumulative_change(change, selectors.change_settings())
    assert (change.status, change.authority, total.own) == (
        ChangeStatus.ASSESSED,
        Authority.BOARD,
        Authority.SPONSOR,
    )
    assert (total.since.number, total.approved, total.days) == (1, (first,), 35)
    assert services.why(total) == (
        "beyond the project's tolerances once added to the changes approved since baseline v1 "
        f"({first.reference}): +35 days and +£50,000 in all"
    )
    head, sponsor = user("head"), user("sponsor")
    assert change in selectors.change_request_list(user=head).filter(selectors.awaiting_decision_by(head))
    assert may_decide(head, change)
    assert not may_decide(sponsor, change)


def test_a_board_approval_left_a_project_early_and_under_its_new_baseline_both_ways() -> None:
    boards = ChangeRequest.objects.select_related("project").get(
        authority=Authority.BOARD, status=ChangeStatus.APPROVED
    )

    exception = ProjectException.objects.get(project=boards.project)
    assert (exception.status, exception.dimensions) == (ExceptionStatus.REPORT_REQUESTED, "cost, time")
    checks = {c.dimension: c for c in ToleranceCheck.objects.filter(project=boards.project)}
    assert checks["time"].explanation == (
        "time: forecast finish \u221260 days against the baseline; tolerance ±42 days, 143% used — breached"
    )
    assert checks["cost"].forecast_value < checks["cost"].baseline_value


def test_decisions_waiting_are_announced_unread_and_nothing_is_left_to_email() -> None:
    sponsor_news = Notification.objects.filter(recipient=user("sponsor"), read_at=None)

    assert sponsor_news.filter(
        Q(subject__contains=" assessed as needing the sponsor's decision: ")
        | Q(subject__endswith=", awaiting a decision")
    ).exists()
    assert not Notification.objects.filter(emailed=False).exists()
    pm = user("pm")
    pm_waiting = selectors.change_request_list(user=pm).filter(selectors.awaiting_decision_by(pm))
    assert [may_decide(user("pm"), change) for change in pm_waiting] == [True]
