"""Delegated limits are judged on the total since the board last approved a baseline: changes
approved by the project manager or the sponsor add up, and once together they go beyond the
project's tolerances the next one goes to the board (issue 9)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from pmo.change import selectors, services, workflows
from pmo.change.choices import Authority, ChangeStatus, ChangeType, Decision
from pmo.reporting import services as reporting_services
from pmo.reporting.choices import ToleranceDimension
from pmo.reporting.tests.factories import BaselineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(cast):
    """WEB with baseline v1 from the PMO (finish 18 Dec 2026, £250,000) and its own tolerances:
    28 days and £52,500; the project manager approves up to 5 days and £5,000."""
    baseline = BaselineFactory(project=cast.project, finish=dt.date(2026, 12, 18))
    for dimension, amount in ((ToleranceDimension.TIME, 28), (ToleranceDimension.COST, 52_500)):
        reporting_services.tolerance_set(
            actor=None, project=cast.project, dimension=dimension, absolute=Decimal(amount), percent=None
        )
    return baseline


def assessed(cast, days, cost=0):
    change = services.change_request_raise(
        actor=cast.pm,
        project=cast.project,
        fields={"title": f"{days} days", "change_type": ChangeType.TIME, "description": "d", "reason": "r"},
    )
    return services.change_request_assess(
        actor=cast.pm,
        change=change,
        fields={"impact_days": days, "impact_cost": Decimal(cost)},
        expected_version=change.version,
    )


def approve(actor, change):
    return services.change_request_decide(
        actor=actor,
        change=change,
        decision=Decision.APPROVE,
        notes="Agreed.",
        expected_version=change.version,
    )


def test_three_sponsor_approvals_cannot_add_up_past_tolerance_without_the_board(cast, planned):
    first = approve(cast.sponsor, assessed(cast, 14, 20_000))
    second = approve(cast.sponsor, assessed(cast, 7, 20_000))

    third = assessed(cast, 21, 25_000)

    assert (first.authority, second.authority) == (Authority.SPONSOR, Authority.SPONSOR)
    assert third.authority == Authority.BOARD
    cumulative = selectors.cumulative_change(third, selectors.change_settings())
    assert (cumulative.since, cumulative.approved) == (planned, (first, second))
    assert (cumulative.days, cumulative.cost, cumulative.own) == (42, Decimal(65_000), Authority.SPONSOR)
    assert cumulative.allowances == {"time": Decimal(28), "cost": Decimal(52_500)}
    assert services.why(cumulative) == (
        f"beyond the project's tolerances once added to the changes approved since baseline v1 "
        f"({first.reference}, {second.reference}): +42 days and +£65,000 in all"
    )
    with pytest.raises(PermissionDenied) as refused:
        approve(cast.sponsor, third)
    assert str(refused.value) == workflows.NEEDS_AUTHORITY.format(
        change=third.reference, authority="board", why=services.REASON_OF[Authority.BOARD]
    )


def test_the_approvers_are_told_why_the_total_needs_them(cast, planned):
    first = approve(cast.sponsor, assessed(cast, 20))

    third = assessed(cast, 10)

    note = cast.head.notifications.get(key=f"change-assessed:{third.pk}:{third.version}")
    assert (
        f"It needs the board (beyond the project's tolerances once added to the changes approved since "
        f"baseline v1 ({first.reference}): +30 days and £0 in all)." in note.body
    )


def test_a_board_approval_starts_the_count_again(cast, planned):
    approve(cast.sponsor, assessed(cast, 20))
    to_the_board = assessed(cast, 10)
    decided = approve(cast.head, to_the_board)

    after = assessed(cast, 10)

    assert decided.new_baseline.number == 3
    assert after.authority == Authority.SPONSOR
    cumulative = selectors.cumulative_change(after, selectors.change_settings())
    assert (cumulative.since, cumulative.approved, cumulative.days) == (decided.new_baseline, (), 10)


def test_a_baseline_the_pmo_approves_starts_the_count_again(cast, planned):
    approve(cast.sponsor, assessed(cast, 20))
    reporting_services.baseline_approve(
        actor=cast.head,
        project=cast.project,
        finish=dt.date(2027, 1, 30),
        budget_at_completion=Decimal(250_000),
        reason="Stage 2 plan approved by the board",
    )

    assert assessed(cast, 10).authority == Authority.SPONSOR


def test_the_project_managers_limits_count_the_total_too(cast, planned):
    approve(cast.pm, assessed(cast, 3))

    assert assessed(cast, 3).authority == Authority.SPONSOR  # 6 days in all, the PM may approve 5


def test_a_change_assessed_before_others_were_approved_is_judged_again_when_decided(cast, planned):
    first, second = assessed(cast, 15), assessed(cast, 15)
    approve(cast.sponsor, first)

    with pytest.raises(PermissionDenied) as refused:
        approve(cast.sponsor, second)

    assert second.authority == Authority.SPONSOR  # as assessed
    assert str(refused.value) == (
        f"{second.reference} now needs the approval of the board: beyond the project's tolerances once "
        f"added to the changes approved since baseline v1 ({first.reference}): +30 days and £0 in all. "
        "Re-assess it to send it to the board."
    )
    second.refresh_from_db()
    assert second.status == ChangeStatus.ASSESSED


def test_the_pmo_head_approving_for_the_board_records_the_authority_the_total_needed(cast, planned):
    first, second = assessed(cast, 15), assessed(cast, 15)
    approve(cast.sponsor, first)

    decided = approve(cast.head, second)

    assert (decided.status, decided.authority) == (ChangeStatus.APPROVED, Authority.BOARD)


def test_a_rejected_change_does_not_count(cast, planned):
    rejected = assessed(cast, 20)
    services.change_request_decide(
        actor=cast.sponsor, change=rejected, decision=Decision.REJECT, notes="No.", expected_version=2
    )

    assert assessed(cast, 20).authority == Authority.SPONSOR
