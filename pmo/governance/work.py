"""Gates' part of everyone's work queue (``pmo.core.work``): a project manager's reviews to open
(the next gate due within the gate's ``notice_days``) and to complete (evidence missing), a
reviewer's assessments due, and the decisions due from the sponsor or, for the board, the PMO
head. Condition owners see their actions through RAID's own queue.

Boards' part: the secretary (and the PMO) issue the agenda of a meeting coming up and get a held
meeting's minutes approved, the chair approves them, and the members read the papers of a
meeting whose agenda is issued. Meetings' actions reach their owners through RAID's queue."""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pmo.core.permissions import is_pmo, is_pmo_head
from pmo.core.work import WorkItem, day, response_due, work_provider
from pmo.governance import selectors
from pmo.governance.choices import GateAuthority, MeetingStatus, MemberRole, ReviewStatus
from pmo.governance.models import BoardMember, Meeting
from pmo.governance.rules import is_executive
from pmo.portfolio.selectors import person_id_of, project_list


def _item(review_or_project: Any, kind: str, title: str, due: date, url: str, reason: str) -> WorkItem:
    project = getattr(review_or_project, "project", review_or_project)
    return WorkItem(
        key=f"{kind}:{review_or_project.pk}",
        kind=kind,
        title=title,
        due=due,
        url=url,
        reason=reason,
        project=project.code,
        project_name=project.name,
    )


@work_provider
def gate_work(user: Any, today: date) -> list[WorkItem]:
    """What the gates ask of ``user`` now."""
    items: list[WorkItem] = []
    mine = person_id_of(user)
    if mine is not None:
        managed = project_list(user=user).filter(project_manager_id=mine).select_related("stage")
        managed = managed.prefetch_related(None)  # the register's strategic objectives are not needed
        for due in selectors.due_gates(list(managed), today):
            items.extend(_manager_items(due, today))
    reviews = selectors.review_list(user=user).filter(status=ReviewStatus.IN_REVIEW).prefetch_related(None)
    may_assess = is_pmo(user) or is_executive(user)
    assessing = Q() if may_assess else Q(project__sponsor_id=mine) if mine is not None else None
    if assessing is not None:
        for review in reviews.filter(assessing).exclude(assessments__reviewer=user).order_by("pk"):
            items.append(
                _item(review, "gate-assess", f"Assess {review}", response_due(review.opened_on),
                      review.get_absolute_url(), f"Reviewers' assessments are due; decided by the "
                      f"{review.get_authority_display().lower()}.")
            )  # fmt: skip
    deciding = Q(authority=GateAuthority.BOARD) if is_pmo_head(user) else None
    if mine is not None:
        sponsor = Q(authority=GateAuthority.SPONSOR, project__sponsor_id=mine)
        deciding = sponsor if deciding is None else deciding | sponsor
    if deciding is not None:
        for review in reviews.filter(deciding).order_by("pk"):
            items.append(
                _item(review, "gate-decide", f"Decide {review}", response_due(review.opened_on),
                      review.get_absolute_url(), "Go, go with conditions, hold or stop.")
            )  # fmt: skip
    return items


def _manager_items(due: Any, today: date) -> list[WorkItem]:
    project, gate, review = due.project, due.gate, due.review
    if review is None:
        if due.due is None or due.due - timedelta(days=gate.notice_days) > today:
            return []
        url = reverse("governance:project_gates", args=[project.code])
        title = f"Open a review of {project.code} at {gate}"
        return [_item(project, "gate-open", title, due.due, url, f"{gate} is due on {day(due.due)}.")]
    if review.status == ReviewStatus.OPEN and due.missing:
        return [
            _item(review, "gate-evidence", f"Complete the evidence of {review}", due.due or today,
                  review.get_absolute_url(), "Missing: " + ", ".join(due.missing) + ".")
        ]  # fmt: skip
    return []


def _meeting_item(meeting: Any, kind: str, title: str, due: date, reason: str) -> WorkItem:
    return WorkItem(
        key=f"{kind}:{meeting.pk}",
        kind=kind,
        title=title,
        due=due,
        url=meeting.get_absolute_url(),
        reason=reason,
    )


@work_provider
def meeting_work(user: Any, today: date) -> list[WorkItem]:
    """What the boards' meetings ask of ``user`` now: one query for their seats, one for the
    meetings (none for someone with neither a seat nor a PMO role)."""
    mine = person_id_of(user)
    seats = dict(BoardMember.objects.filter(person_id=mine).values_list("board_id", "role")) if mine else {}
    pmo = is_pmo(user)
    if not seats and not pmo:
        return []
    papers = timedelta(days=settings.PMO_BOARD_PAPERS_DAYS)
    wanted = (
        Q(status=MeetingStatus.SCHEDULED, starts_at__date__lte=today + 2 * papers)
        | Q(status=MeetingStatus.HELD)
        | Q(status=MeetingStatus.AGENDA_ISSUED, starts_at__date__gte=today)
    )
    meetings = Meeting.objects.filter(wanted).select_related("board").order_by("starts_at", "pk")
    if not pmo:
        meetings = meetings.filter(board_id__in=list(seats))
    items: list[WorkItem] = []
    for meeting in meetings:
        role = seats.get(meeting.board_id)
        runs = pmo or role == MemberRole.SECRETARY
        on = timezone.localtime(meeting.starts_at).date()
        if meeting.status == MeetingStatus.SCHEDULED and runs:
            items.append(
                _meeting_item(meeting, "meeting-agenda", f"Issue the agenda of {meeting}", on - papers,
                              f"Members have the papers {papers.days} days before the meeting ({day(on)}).")
            )  # fmt: skip
        elif meeting.status == MeetingStatus.HELD and role == MemberRole.CHAIR:
            items.append(
                _meeting_item(meeting, "meeting-approve", f"Approve the minutes of {meeting}",
                              response_due(on), "You chair the board: once approved, the minutes are frozen.")
            )  # fmt: skip
        elif meeting.status == MeetingStatus.HELD and runs:
            items.append(
                _meeting_item(meeting, "meeting-minutes", f"Get the minutes of {meeting} approved",
                              response_due(on), "Held: its minutes wait for the chair's approval.")
            )  # fmt: skip
        elif meeting.status == MeetingStatus.AGENDA_ISSUED and role in (
            MemberRole.CHAIR,
            MemberRole.MEMBER,
            MemberRole.ATTENDEE,
        ):
            items.append(
                _meeting_item(meeting, "meeting-papers", f"Read the papers for {meeting}", on,
                              f"You sit on {meeting.board} as {MemberRole(role).label.lower()}.")
            )  # fmt: skip
    return items
