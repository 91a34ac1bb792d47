"""Change control's workflow table holds everywhere: for a change request in each state (and,
once assessed, at each level of authority), every role is offered on its page exactly the
buttons the table allows (Decide naming the decisions it offers), the API lists exactly those
as the record's ``actions``, and the services take exactly those actions (each tried in turn,
then undone) and refuse every other."""

from collections.abc import Callable
from typing import Any

import pytest

from pmo.change import selectors, services, workflows
from pmo.change.choices import Decision
from pmo.change.models import ChangeRequest
from pmo.change.tests.views.steps import BOARD_DAYS, PM_DAYS, SPONSOR_DAYS, approved, assessed, raised
from pmo.core.models import User
from pmo.core.tests.workflow_matrix import agreeing, offered_and_accepted
from pmo.raid.tests.cast import Cast

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-20")]

ROLES = ("pm", "sponsor", "officer", "head", "other_pm", "executive")
DECIDE = ["approve", "reject", "defer"]


def roles(**given: list[str]) -> dict[str, list[str]]:
    """Every role's actions: those ``given``, none for the others."""
    return {name: given.get(name, []) for name in ROLES}


def _decided(decision: Decision) -> Callable[[Cast], ChangeRequest]:
    def change_decided(world: Cast) -> ChangeRequest:
        change = assessed(world)
        return services.change_request_decide(
            actor=world.sponsor, change=change, decision=decision, notes="Decided.", expected_version=2
        )

    return change_decided


def _implemented(world: Cast) -> ChangeRequest:
    change = approved(world)
    return services.change_request_implement(
        actor=world.pm, change=change, notes="Done.", expected_version=change.version
    )


def _overtaken(world: Cast) -> ChangeRequest:
    """Assessed for the sponsor; then another change was approved, and the two together go
    beyond the project's tolerances: approving it needs the board now."""
    first, second = assessed(world, days=SPONSOR_DAYS), assessed(world, days=SPONSOR_DAYS)
    services.change_request_decide(
        actor=world.sponsor, change=first, decision=Decision.APPROVE, notes="Agreed.", expected_version=2
    )
    return second


ASSESSORS = ["edit", "assess"]
CHANGES = {
    "raised": (raised, roles(pm=ASSESSORS, sponsor=["edit"], officer=ASSESSORS, head=ASSESSORS)),
    "assessed: the project manager's": (
        lambda world: assessed(world, days=PM_DAYS),
        roles(
            pm=[*ASSESSORS, *DECIDE], sponsor=["edit", *DECIDE], officer=ASSESSORS, head=[*ASSESSORS, *DECIDE]
        ),
    ),
    "assessed: the sponsor's": (
        lambda world: assessed(world, days=SPONSOR_DAYS),
        roles(pm=ASSESSORS, sponsor=["edit", *DECIDE], officer=ASSESSORS, head=[*ASSESSORS, *DECIDE]),
    ),
    "assessed: the board's": (
        lambda world: assessed(world, days=BOARD_DAYS),
        roles(pm=ASSESSORS, sponsor=["edit"], officer=ASSESSORS, head=[*ASSESSORS, *DECIDE]),
    ),
    "assessed, overtaken by another approval": (
        _overtaken,
        roles(
            pm=ASSESSORS, sponsor=["edit", "reject", "defer"], officer=ASSESSORS, head=[*ASSESSORS, *DECIDE]
        ),
    ),
    "deferred": (
        _decided(Decision.DEFER),
        roles(pm=["edit"], sponsor=["edit", *DECIDE], officer=["edit"], head=["edit", *DECIDE]),
    ),
    "approved": (
        _decided(Decision.APPROVE),
        roles(pm=["implement"], officer=["implement"], head=["implement"]),
    ),
    "rejected": (_decided(Decision.REJECT), roles()),
    "implemented": (_implemented, roles()),
}


def try_on(pk: int) -> Callable[[User, str], Any]:
    def attempt(user: User, action: str) -> Any:
        change = ChangeRequest.objects.get(pk=pk)
        version = change.version
        if action == "edit":
            return services.change_request_update(
                actor=user,
                change=change,
                fields={"title": "Add the payments page now"},
                expected_version=version,
            )
        if action == "assess":
            return services.change_request_assess(
                actor=user, change=change, fields={"recommendation": "Approve."}, expected_version=version
            )
        if action in Decision.values:
            return services.change_request_decide(
                actor=user,
                change=change,
                decision=Decision(action),
                notes="Because.",
                expected_version=version,
            )
        assert action == "implement", action
        return services.change_request_implement(
            actor=user, change=change, notes="Done.", expected_version=version
        )

    return attempt


def _judged(change: ChangeRequest) -> ChangeRequest:
    workflows.judged(change)
    return change


@pytest.mark.parametrize("state", CHANGES)
def test_a_change_offers_each_role_what_the_services_accept(world, state):
    make, expected = CHANGES[state]
    change = make(world)

    seen = offered_and_accepted(
        workflow=workflows.CHANGE_REQUEST,
        users={name: world.by_name(name) for name in ROLES},
        record=lambda user: _judged(selectors.change_request_get(user=user, pk=change.pk)),
        page=change.get_absolute_url(),
        api=f"/api/v1/change-requests/{change.pk}/",
        attempt=try_on(change.pk),
    )

    assert seen == agreeing(expected)
