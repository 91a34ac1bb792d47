"""Moving a change request along through the services, for tests about a later step's page."""

from typing import Any

from pmo.change import services
from pmo.change.choices import ChangeType, Decision
from pmo.change.models import ChangeRequest
from pmo.raid.tests.cast import Cast

RAISE = {
    "title": "Add the payments page",
    "change_type": ChangeType.TIME,
    "description": "Residents pay their council tax on the site.",
    "reason": "Cabinet decision of 3 November.",
}
# Days of delay within the PM's limits (5), within WEB's time tolerance (28), and beyond it.
PM_DAYS, SPONSOR_DAYS, BOARD_DAYS = 3, 20, 60


def raised(world: Cast, **fields: Any) -> ChangeRequest:
    return services.change_request_raise(actor=world.pm, project=world.project, fields={**RAISE, **fields})


def assessed(world: Cast, days: int = SPONSOR_DAYS, **fields: Any) -> ChangeRequest:
    change = raised(world)
    return services.change_request_assess(
        actor=world.pm,
        change=change,
        fields={"impact_days": days, "recommendation": "Approve", **fields},
        expected_version=change.version,
    )


def approved(world: Cast) -> ChangeRequest:
    change = assessed(world)
    return services.change_request_decide(
        actor=world.sponsor,
        change=change,
        decision=Decision.APPROVE,
        notes="Worth the wait.",
        expected_version=change.version,
    )
