"""A gate review's lifecycle as a table (``pmo.core.workflow``): opened (evidence collected) →
in review (reviewers' assessments) → decided (go, go with conditions, hold, stop) by the
authority the gate requires for the project's size → closed once its conditions are done. The
services guard every step with ``ensure``; the review page's buttons and the API's ``actions``
come from ``allowed_actions``.

A board's meeting likewise (``MEETING``): scheduled → agenda issued → held → minutes approved
by the chair (frozen from then on), or cancelled before it is held."""

from typing import Any

from django.utils import timezone

from pmo.core.permissions import is_pmo_head
from pmo.core.workflow import Guard, Transition, Workflow
from pmo.governance.choices import GateAuthority, MeetingStatus, MemberRole, ReviewStatus
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


# A board's meeting --------------------------------------------------------------------------------

MINUTES_FROZEN = (
    "The minutes of {meeting} were approved by {who} on {when}: they are frozen and can no longer be changed."
)
MEETING_CANCELLED = "{meeting} was cancelled: nothing more is recorded against it."
NOT_HELD_YET = "{meeting} is {state}: record it as held before its minutes are approved."
AGENDA_NOT_ISSUED = "{meeting} is {state}: issue its agenda before it is held."
AGENDA_CLOSED = "{meeting} is {state}: its agenda can no longer change."
NOT_IN_MEETING = (
    "{meeting} is {state}: attendance, minutes and decisions are recorded once its agenda is issued."
)
NO_ITEMS = "{meeting} has no agenda items: build or add its agenda before issuing it."
ONLY_THE_CHAIR = "The minutes of {meeting} are approved by the board's chair ({chair})."


def _meeting_state(meeting: Any) -> str:
    return str(meeting.get_status_display()).lower()


def _frozen_or(message: str) -> Any:
    """A refusal that names the frozen minutes (or the cancellation) before ``message``."""

    def words(meeting: Any) -> str:
        if meeting.status == MeetingStatus.MINUTES_APPROVED:
            return MINUTES_FROZEN.format(
                meeting=meeting,
                who=meeting.minutes_approved_by or "the system",
                when=timezone.localtime(meeting.minutes_approved_at).strftime("%-d %b %Y")
                if meeting.minutes_approved_at
                else "an earlier date",
            )
        if meeting.status == MeetingStatus.CANCELLED:
            return MEETING_CANCELLED.format(meeting=meeting)
        return message.format(meeting=meeting, state=_meeting_state(meeting))

    return words


def members_of(meeting: Any) -> list[Any]:
    """The board's members (as loaded with the meeting)."""
    return list(meeting.board.members.all())


def chair_of(board: Any) -> Any:
    return next((m for m in board.members.all() if m.role == MemberRole.CHAIR), None)


def is_chair(user: Any, meeting: Any) -> bool:
    chair = chair_of(meeting.board)
    return chair is not None and chair.person.user_id is not None and chair.person.user_id == user.pk


def _not_chair(meeting: Any) -> str:
    chair = chair_of(meeting.board)
    return ONLY_THE_CHAIR.format(meeting=meeting, chair=chair.person if chair else "none named yet")


def _has_items(meeting: Any) -> bool:
    return bool(getattr(meeting, "item_count", 1))


PREPARING = frozenset({MeetingStatus.SCHEDULED, MeetingStatus.AGENDA_ISSUED})
IN_SESSION = frozenset({MeetingStatus.AGENDA_ISSUED, MeetingStatus.HELD})

MEETING = Workflow(
    "The meeting workflow",
    [
        Transition(
            "agenda",
            PREPARING,
            None,
            "Build the agenda",
            permission="governance.change_meeting",
            refused=_frozen_or(AGENDA_CLOSED),
            doing="change the agenda of {record}",
        ),
        Transition(
            "issue",
            frozenset({MeetingStatus.SCHEDULED}),
            MeetingStatus.AGENDA_ISSUED,
            "Issue the agenda",
            permission="governance.change_meeting",
            refused=_frozen_or(AGENDA_CLOSED),
            guards=(Guard(_has_items, lambda m: NO_ITEMS.format(meeting=m)),),
        ),
        Transition(
            "record",
            IN_SESSION,
            None,
            "Record attendance and minutes",
            permission="governance.change_meeting",
            refused=_frozen_or(NOT_IN_MEETING),
            doing="record the minutes of {record}",
        ),
        Transition(
            "hold",
            frozenset({MeetingStatus.AGENDA_ISSUED}),
            MeetingStatus.HELD,
            "Record as held",
            permission="governance.change_meeting",
            refused=_frozen_or(AGENDA_NOT_ISSUED),
        ),
        Transition(
            "approve",
            frozenset({MeetingStatus.HELD}),
            MeetingStatus.MINUTES_APPROVED,
            "Approve the minutes",
            permission="governance.view_meeting",
            who=is_chair,
            refused=_frozen_or(NOT_HELD_YET),
            denied=_not_chair,
        ),
        Transition(
            "cancel",
            PREPARING,
            MeetingStatus.CANCELLED,
            "Cancel",
            permission="governance.change_meeting",
            refused=_frozen_or(AGENDA_CLOSED),
        ),
    ],
)
