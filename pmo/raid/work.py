"""The RAID registers' part of everyone's work queue (``pmo.core.work``):

- everyone's open items past their date (a risk's review, an assumption's validation, an issue's
  target, a dependency's need-by date, an action's due date, a decision's needed-by date) or
  stale (not reviewed within the RAID settings' days), among those they own and, for a project
  manager, those of the projects they manage;
- for the PMO head, the actions past due that are the PMO's to chase: corrective actions of
  exceptions, and actions held in, or escalated to, the portfolio register.

Read through the registers' selectors (what the user may see): one query per register."""

from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from pmo.core.permissions import is_pmo_head
from pmo.core.work import WorkItem, day, work_provider
from pmo.portfolio.selectors import person_id_of
from pmo.raid.choices import ActionSource, Level
from pmo.raid.models import REGISTERS, Action, RaidItem
from pmo.raid.selectors import item_list, past_due, raid_settings, stale

# What doing a register's item past its date means.
VERBS = {
    "risks": "Review",
    "assumptions": "Validate",
    "issues": "Resolve",
    "dependencies": "Secure",
    "actions": "Complete",
    "decisions": "Decide",
}
THE_PMOS_ACTIONS = (
    Q(source=ActionSource.EXCEPTION) | Q(portfolio__isnull=False) | Q(escalated_to=Level.PORTFOLIO)
)


@work_provider
def raid_work(user: Any, today: date) -> list[WorkItem]:
    """The RAID items ``user`` should see to now."""
    mine = person_id_of(user)
    head = is_pmo_head(user)
    if mine is None and not head:
        return []
    config = raid_settings()
    stale_before = config.stale_before(today)
    items = []
    for kind, model in REGISTERS.items():
        visible = item_list(model, user=user)
        found: QuerySet[RaidItem] = visible.none()
        if mine is not None:
            theirs = visible.filter(Q(owner_id=mine) | Q(project__project_manager_id=mine))
            found = stale(theirs, stale_before=stale_before) | past_due(theirs, today=today)
        if head and model is Action:
            found = found | past_due(visible.filter(THE_PMOS_ACTIONS), today=today)
        for item in found.order_by("pk"):
            items.append(_item(item, kind, today, config.stale_days))
    return items


def _item(item: RaidItem, kind: str, today: date, stale_days: int) -> WorkItem:
    reviewed = item.last_reviewed_on or item.raised_on
    review_by = reviewed + timedelta(days=stale_days)
    passed = item.due if item.due is not None and item.due < today else None  # its date, if past
    reasons = []
    if passed:
        reasons.append(f"Past its date ({day(passed)}).")
    if review_by < today:
        since = "since" if item.last_reviewed_on else "since it was raised on"
        reasons.append(f"Not reviewed {since} {day(reviewed)}: stale after {stale_days} days.")
    owner = f" Owner: {item.owner}." if item.owner_id else ""
    return WorkItem(
        key=f"raid:{item.reference}",
        kind="raid-past-due" if passed else "raid-stale",
        title=f"{VERBS[kind] if passed else 'Review'} {item}",
        due=min(passed, review_by) if passed else review_by,
        url=item.get_absolute_url(),
        reason=" ".join(reasons) + owner,
        project=item.project.code if item.project else "",
        project_name=item.project.name if item.project else "",
    )
