"""Change control's part of everyone's work queue (``pmo.core.work``): a project manager's
changes to assess, and the decisions waiting for whoever holds the authority a change's
assessment calls for (``selectors.awaiting_decision_by``): within the delegated limits, the
project manager or the sponsor; beyond them, the board, whose decisions the PMO head records.
Read through the change log's selector (what the user may see) in two queries."""

from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from pmo.change import selectors
from pmo.change.choices import DECIDABLE, Authority, ChangeStatus
from pmo.change.models import ChangeRequest
from pmo.core.formatting import signed_days, signed_money
from pmo.core.permissions import is_pmo_head
from pmo.core.work import WorkItem, day, response_due, work_provider
from pmo.portfolio.selectors import person_id_of


@work_provider
def change_work(user: Any, today: date) -> list[WorkItem]:
    """What change control asks of ``user`` now."""
    items = []
    mine = person_id_of(user)
    if mine is not None:
        to_assess = Q(status=ChangeStatus.RAISED, project__project_manager_id=mine)
        for change in selectors.change_request_list(user=user).filter(to_assess).order_by("pk"):
            items.append(
                _item(
                    change,
                    "change-assess",
                    f"Assess {change}",
                    response_due(change.raised_on),
                    _raised(change),
                )
            )
    waiting = Q(status__in=DECIDABLE, authority=Authority.BOARD) if is_pmo_head(user) else None
    decisions = waiting if waiting is not None else selectors.awaiting_decision_by(user)
    for change in selectors.change_request_list(user=user).filter(decisions).order_by("pk"):
        since = change.decided_at if change.status == ChangeStatus.DEFERRED else change.assessed_at
        started = timezone.localdate(since) if since else change.raised_on
        who = "the board" if change.authority == Authority.BOARD else change.get_authority_display().lower()
        reason = f"{_impact(change)}. Approval needed from {who}."
        if change.status == ChangeStatus.DEFERRED:
            reason = f"Deferred; back for a decision. {reason}"
        items.append(_item(change, "change-decide", f"Decide {change}", response_due(started), reason))
    return items


def _item(change: ChangeRequest, kind: str, title: str, due: date, reason: str) -> WorkItem:
    return WorkItem(
        key=f"{kind}:{change.pk}",
        kind=kind,
        title=title,
        due=due,
        url=change.get_absolute_url(),
        reason=reason,
        project=change.project.code,
        project_name=change.project.name,
    )


def _raised(change: ChangeRequest) -> str:
    by = f" by {change.raised_by.get_full_name() or change.raised_by}" if change.raised_by else ""
    return f"Raised{by} on {day(change.raised_on)}: set out its impact and who must approve it."


def _impact(change: ChangeRequest) -> str:
    """The change's impact in a few words: "+20 days, +£12,000"."""
    parts = []
    if change.impact_days:
        parts.append(signed_days(change.impact_days))
    if change.impact_cost:
        parts.append(f"{signed_money(change.impact_cost)} cost")
    if change.impact_benefits:
        parts.append(f"{signed_money(change.impact_benefits)} benefits")
    return "Impact: " + (", ".join(parts) if parts else "none on time, cost or benefits")
