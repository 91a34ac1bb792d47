"""Reads of boards and meetings, restricted to what the user may see and loaded for their pages:
an agenda item about a project (and its minutes) shows only to whoever sees the project.

``meeting_agenda`` is a meeting's agenda with each item's paper and the records it puts before
the board (exception, gate review, change request): what a board pack is built from."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from pmo.governance.choices import AttendanceStatus, MeetingStatus, MemberRole
from pmo.governance.models import (
    AgendaItem,
    Board,
    BoardMember,
    Meeting,
    MeetingAttendance,
    Minute,
)
from pmo.portfolio.selectors import person_id_of

ITEM_RELATIONS = (
    "meeting",
    "meeting__board",
    "project",
    "presenter",
    "gate_review",
    "gate_review__gate__stage",
    "change_request",
    "exception",
)


def members() -> Prefetch[Any]:
    return Prefetch(
        "members", queryset=BoardMember.objects.select_related("person").order_by("role", "person__name")
    )


def board_list(*, user: Any) -> QuerySet[Board]:
    """The boards, each with its members and how many meetings it has had."""
    return (
        Board.objects.restrict(user, "view")
        .select_related("portfolio", "project")
        .prefetch_related(members())
        .annotate(meeting_count=Count("meetings"))
    )


def meeting_list(*, user: Any, board: Board | None = None) -> QuerySet[Meeting]:
    """The meetings the user may see (one board's where named), each with its board's members
    (the workflow's table reads them) and its number of agenda items."""
    found = (
        Meeting.objects.restrict(user, "view")
        .select_related("board", "minutes_approved_by")
        .prefetch_related(Prefetch("board__members", queryset=BoardMember.objects.select_related("person")))
        .annotate(item_count=Count("items"))
    )
    return found.filter(board=board) if board is not None else found


def agenda_item_list(*, user: Any) -> QuerySet[AgendaItem]:
    """The agenda items the user may see, with the records they bring before the board."""
    return AgendaItem.objects.restrict(user, "view").select_related(*ITEM_RELATIONS)


def minute_list(*, user: Any) -> QuerySet[Minute]:
    return Minute.objects.restrict(user, "view").select_related(
        "item", "item__meeting", "item__meeting__board", "item__project", "decision", "action", "recorded_by"
    )


def meeting_get(*, user: Any, pk: int) -> Meeting:
    """One meeting with its agenda (the items the user may see, each with its minutes) and its
    attendance; raises DoesNotExist when missing or hidden."""
    minutes = Prefetch(
        "minutes",
        queryset=Minute.objects.restrict(user, "view").select_related("decision", "action", "action__owner"),
    )
    items = Prefetch(
        "items",
        queryset=AgendaItem.objects.restrict(user, "view")
        .select_related("project", "presenter", "gate_review", "change_request", "exception", "carried_from")
        .prefetch_related(minutes)
        .order_by("order", "pk"),
    )
    attendance = Prefetch("attendance", queryset=MeetingAttendance.objects.select_related("member__person"))
    return meeting_list(user=user).prefetch_related(items, attendance).get(pk=pk)


@dataclass(frozen=True)
class Seat:
    """A member's attendance at a meeting (None: not recorded yet)."""

    member: BoardMember
    status: str | None

    @property
    def voting(self) -> bool:
        return self.member.role in (MemberRole.CHAIR, MemberRole.MEMBER)

    @property
    def label(self) -> str:
        return AttendanceStatus(self.status).label if self.status else "Not recorded"


def seats(meeting: Meeting) -> list[Seat]:
    """Every member of the board with their attendance (from what the meeting has loaded)."""
    by_member = {a.member_id: a.status for a in meeting.attendance.all()}
    return [Seat(m, by_member.get(m.pk)) for m in meeting.board.members.all()]


@dataclass(frozen=True)
class AgendaEntry:
    """An item of the agenda as a pack shows it: its number, title, paper and record."""

    number: int
    item: AgendaItem

    @property
    def record(self) -> Any:
        return self.item.exception or self.item.gate_review or self.item.change_request


@dataclass(frozen=True)
class MeetingAgenda:
    meeting: Meeting
    entries: list[AgendaEntry]


def meeting_agenda(*, user: Any, pk: int) -> MeetingAgenda:
    """A meeting's agenda in order, with each item's paper and the record it brings (what a
    board pack is built from); only the items ``user`` may see."""
    meeting = meeting_list(user=user).get(pk=pk)
    items = agenda_item_list(user=user).filter(meeting=meeting).order_by("order", "pk")
    return MeetingAgenda(meeting, [AgendaEntry(n, item) for n, item in enumerate(items, start=1)])


def upcoming_for(user: Any, today: date) -> QuerySet[Meeting]:
    """The meetings with an issued agenda, from today on, of the boards the user sits on."""
    mine = person_id_of(user)
    if mine is None:
        return Meeting.objects.none()
    return (
        meeting_list(user=user)
        .filter(status=MeetingStatus.AGENDA_ISSUED, starts_at__date__gte=today)
        .filter(board__in=BoardMember.objects.filter(person_id=mine).values("board"))
    )
