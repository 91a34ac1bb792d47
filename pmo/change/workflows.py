"""Change control's lifecycle as a table (``pmo.core.workflow``): raised → assessed → approved,
rejected or deferred (a deferred change comes back for a decision) → implemented. The services
guard every step with ``ensure``; the change page's buttons and the API's ``actions`` come from
``allowed_actions``.

Who may decide depends on the authority the change needs (the delegated limits): ``may_decide``
judges it. A change's record carries the authority its assessment found; the decision service
judges every approval again with the changes approved since, and so do the pages and the API
before they offer one (``judged`` for a change, ``judge_all`` for a list): approving needs the
higher authority where the total calls for it."""

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from pmo.change import selectors
from pmo.change.choices import AUTHORITY_ORDER, DECIDABLE, Authority, ChangeStatus
from pmo.core.permissions import is_pmo_head
from pmo.core.workflow import Transition, Workflow
from pmo.portfolio.rules import is_project_manager, is_project_sponsor

ALREADY_DECIDED = "{change} was already {status} by {who} on {when}: it cannot be decided again."
NOT_ASSESSED = "{change} must be assessed (its impact set out) before it is decided."
NOT_EDITABLE_NOW = "{change} is {status}: it can no longer be changed."
NOT_APPROVED = "{change} is {status}: only an approved change is implemented."
NEEDS_AUTHORITY = (
    "{change} needs the approval of the {authority} under the delegated limits ({why}); you cannot decide it."
)
WHO = {
    Authority.PROJECT_MANAGER: "project manager",
    Authority.SPONSOR: "sponsor",
    Authority.BOARD: "board",
}
EDITABLE = frozenset({ChangeStatus.RAISED, ChangeStatus.ASSESSED, ChangeStatus.DEFERRED})
REASON_OF = {
    Authority.PROJECT_MANAGER: "within the project manager's limits",
    Authority.SPONSOR: "beyond the project manager's limits but within the project's tolerances",
    Authority.BOARD: "beyond the project's tolerances",
}


def may_decide(user: Any, change: Any, authority: Authority | None = None) -> bool:
    """Whether ``user`` holds the authority this change needs (its assessment's, or
    ``authority``; the PMO head records the board's decisions; a higher authority may decide a
    smaller change)."""
    needed = authority or change.authority
    if not needed or not user.has_perm("change.decide_changerequest", change.project):
        return False
    if is_pmo_head(user):
        return True
    held = Authority.SPONSOR if is_project_sponsor(user, change.project) else None
    if held is None and is_project_manager(user, change.project):
        held = Authority.PROJECT_MANAGER
    return held is not None and AUTHORITY_ORDER[held] >= AUTHORITY_ORDER[Authority(needed)]


def judged(change: Any, limits: Any = None) -> selectors.Cumulative | None:
    """Judge an open, assessed change again with the changes approved since its assessment
    (``selectors.cumulative_change``): approving it needs what the decision will ask, which is
    kept on ``change`` (in memory) for the table. None, and nothing kept, for a change not open
    or not yet assessed."""
    if change.status not in EDITABLE or not change.authority:
        return None
    cumulative = selectors.cumulative_change(change, limits or selectors.change_settings())
    _keep(change, cumulative)
    return cumulative


def judge_all(changes: Iterable[Any], limits: Any = None) -> None:
    """A page of changes judged as ``judged`` judges one, so that a list offers an approval
    exactly where the decision takes it: the same few queries whatever their number (none when
    no change on the page is open and assessed)."""
    waiting = [change for change in changes if change.status in EDITABLE and change.authority]
    if not waiting:
        return
    found = selectors.cumulative_changes(waiting, limits or selectors.change_settings())
    for change in waiting:
        _keep(change, found[change.pk])


def _keep(change: Any, cumulative: selectors.Cumulative) -> None:
    """The authority an approval needs, as the decision asks it: the assessment's, raised to
    the total's where approving makes a baseline and the changes approved since call for more
    (``services._escalated``)."""
    assessed = Authority(change.authority)
    raised = AUTHORITY_ORDER[cumulative.authority] > AUTHORITY_ORDER[assessed]
    change.judged_authority = cumulative.authority if raised and change.changes_baseline else assessed


def approval_authority(change: Any) -> Authority | None:
    """The authority approving ``change`` needs: as judged again (``judged``, ``judge_all``),
    else its assessment's."""
    judged = change.__dict__.get("judged_authority")
    return judged or (Authority(change.authority) if change.authority else None)


def may_approve(user: Any, change: Any) -> bool:
    return may_decide(user, change, approval_authority(change))


def _status(change: Any) -> str:
    return str(change.get_status_display()).lower()


def _not_decidable(change: Any) -> str:
    if change.decided_at is not None:
        return ALREADY_DECIDED.format(
            change=change.reference,
            status=_status(change),
            who=change.decided_by or "the system",
            when=timezone.localtime(change.decided_at).strftime("%-d %b %Y"),
        )
    return NOT_ASSESSED.format(change=change.reference)


def _needs_authority(authority_of: Any) -> Any:
    def words(change: Any) -> str:
        authority = authority_of(change) or Authority.BOARD
        return NEEDS_AUTHORITY.format(
            change=change.reference, authority=WHO[authority], why=REASON_OF[authority]
        )

    return words


def _not_editable(change: Any) -> str:
    return NOT_EDITABLE_NOW.format(change=change, status=_status(change))


def _decision(action: str, target: ChangeStatus, label: str) -> Transition:
    approving = action == "approve"
    return Transition(
        action,
        DECIDABLE,
        target,
        label,
        who=may_approve if approving else may_decide,
        refused=_not_decidable,
        denied=_needs_authority(approval_authority if approving else lambda change: change.authority),
    )


CHANGE_REQUEST = Workflow(
    "The change request workflow",
    [
        Transition(
            "edit",
            EDITABLE,
            None,  # stays as it is (an assessed change is re-assessed)
            "Edit",
            permission="change.change_changerequest",
            refused=_not_editable,
            doing="change {record}",
        ),
        Transition(
            "assess",
            frozenset({ChangeStatus.RAISED, ChangeStatus.ASSESSED}),
            ChangeStatus.ASSESSED,
            "Assess",
            permission="change.assess_changerequest",
            refused=_not_editable,
        ),
        _decision("approve", ChangeStatus.APPROVED, "Approve"),
        _decision("reject", ChangeStatus.REJECTED, "Reject"),
        _decision("defer", ChangeStatus.DEFERRED, "Defer"),
        Transition(
            "implement",
            frozenset({ChangeStatus.APPROVED}),
            ChangeStatus.IMPLEMENTED,
            "Record as implemented",
            permission="change.implement_changerequest",
            refused=lambda change: NOT_APPROVED.format(change=change.reference, status=_status(change)),
        ),
    ],
)
