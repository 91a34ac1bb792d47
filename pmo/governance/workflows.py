"""A gate review's lifecycle as a table (``pmo.core.workflow``): opened (evidence collected) →
in review (reviewers' assessments) → decided (go, go with conditions, hold, stop) by the
authority the gate requires for the project's size → closed once its conditions are done. The
services guard every step with ``ensure``; the review page's buttons and the API's ``actions``
come from ``allowed_actions``."""

from typing import Any

from django.utils import timezone

from pmo.core.permissions import is_pmo_head
from pmo.core.workflow import Guard, Transition, Workflow
from pmo.governance.choices import GateAuthority, ReviewStatus
from pmo.portfolio.rules import is_project_sponsor

ALREADY_DECIDED = "{review} was already decided ({outcome}) by {who} on {when}: it cannot be decided again."
NOT_SENT = "{review} is still collecting evidence: send it to the reviewers before it is assessed or decided."
NEEDS_AUTHORITY = (
    "{review} is decided by the {authority} ({project} is a {tier} project at {gate}): you cannot decide it."
)
CONDITIONS_OPEN = "{review} has conditions still open ({references}): close it once they are done."
NOT_OPEN = "{review} is {state}: its evidence and assessments can no longer change."
NOT_DECIDED = "{review} is {state}: only a decided review is closed."
WHO = {GateAuthority.SPONSOR: "project's sponsor", GateAuthority.BOARD: "board (recorded by the PMO head)"}


def may_decide(user: Any, review: Any) -> bool:
    """Whether ``user`` holds the authority ``review`` needs: the project's sponsor, or the PMO
    head recording the board's decision."""
    if review.authority == GateAuthority.BOARD:
        return is_pmo_head(user)
    return bool(is_project_sponsor(user, review.project))


def open_conditions(review: Any) -> list[Any]:
    """The conditions whose RAID action is still open (from the conditions loaded with it)."""
    return [c for c in review.conditions.all() if c.action.status in c.action.OPEN_STATUSES]


def _state(review: Any) -> str:
    return str(review.get_status_display()).lower()


def _not_decidable(review: Any) -> str:
    if review.decided_at is not None:
        return ALREADY_DECIDED.format(
            review=review.reference,
            outcome=review.get_outcome_display().lower(),
            who=review.decided_by or "the system",
            when=timezone.localtime(review.decided_at).strftime("%-d %b %Y"),
        )
    return NOT_SENT.format(review=review.reference)


def _needs_authority(review: Any) -> str:
    return NEEDS_AUTHORITY.format(
        review=review.reference,
        authority=WHO[GateAuthority(review.authority)],
        project=review.project.code,
        tier=review.project.get_size_tier_display().lower(),
        gate=review.gate,
    )


def _conditions_open(review: Any) -> str:
    references = ", ".join(c.action.reference for c in open_conditions(review))
    return CONDITIONS_OPEN.format(review=review.reference, references=references)


def _not_open(review: Any) -> str:
    if review.status == ReviewStatus.OPEN:
        return NOT_SENT.format(review=review.reference)
    return NOT_OPEN.format(review=review.reference, state=_state(review))


OPEN = frozenset({ReviewStatus.OPEN, ReviewStatus.IN_REVIEW})

GATE_REVIEW = Workflow(
    "The gate review workflow",
    [
        Transition(
            "evidence",
            OPEN,
            None,
            "Confirm evidence",
            permission="governance.change_gatereview",
            refused=_not_open,
            doing="confirm the evidence of {record}",
        ),
        Transition(
            "submit",
            frozenset({ReviewStatus.OPEN}),
            ReviewStatus.IN_REVIEW,
            "Send to the reviewers",
            permission="governance.change_gatereview",
            refused=_not_open,
        ),
        Transition(
            "assess",
            frozenset({ReviewStatus.IN_REVIEW}),
            None,
            "Record my assessment",
            permission="governance.assess_gatereview",
            refused=_not_open,
        ),
        Transition(
            "decide",
            frozenset({ReviewStatus.IN_REVIEW}),
            ReviewStatus.DECIDED,
            "Decide",
            permission="governance.decide_gatereview",
            who=may_decide,
            refused=_not_decidable,
            denied=_needs_authority,
        ),
        Transition(
            "close",
            frozenset({ReviewStatus.DECIDED}),
            ReviewStatus.CLOSED,
            "Close",
            permission="governance.change_gatereview",
            refused=lambda review: NOT_DECIDED.format(review=review.reference, state=_state(review)),
            guards=(Guard(lambda review: not open_conditions(review), _conditions_open),),
        ),
    ],
)
