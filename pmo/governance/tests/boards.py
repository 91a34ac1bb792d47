"""Board and meeting steps shared by the tests: the IT Portfolio Review of the cast's
portfolio (chaired by the CIO, the PMO head and WEB's sponsor voting, the PMO officer its
secretary, WEB's manager attending), quorum 2, and its meeting on 10 Dec 2026."""

import datetime as dt

from django.utils import timezone

from pmo.governance import services_boards as services
from pmo.governance.choices import AttendanceStatus, BoardKind, MemberRole
from pmo.governance.models import Board, BoardMember, Meeting
from pmo.portfolio.tests.factories import PersonFactory

MEETING_AT = dt.datetime(2026, 12, 10, 14, 0)


def board_of(cast, quorum=2) -> Board:
    chair = PersonFactory(user=cast.executive, name="Cleo Chair", email="cio.person@council.example")
    head = PersonFactory(user=cast.head, name="Hana Head", email="head.person@council.example")
    secretary = PersonFactory(user=cast.officer, name="Otto Officer", email="officer.person@council.example")
    return services.board_create(
        actor=cast.head,
        fields={
            "name": "IT Portfolio Review",
            "kind": BoardKind.PORTFOLIO_REVIEW,
            "terms_of_reference": "Holds the IT portfolio to account.",
            "quorum": quorum,
            "portfolio": cast.portfolio,
            "location": "Committee Room 2",
        },
        members=[
            (chair, MemberRole.CHAIR),
            (head, MemberRole.MEMBER),
            (cast.project.sponsor, MemberRole.MEMBER),
            (secretary, MemberRole.SECRETARY),
            (cast.project.project_manager, MemberRole.ATTENDEE),
        ],
    )


def meeting_of(cast, board=None, at=MEETING_AT) -> Meeting:
    return services.meeting_schedule(
        actor=cast.officer, board=board or board_of(cast), starts_at=timezone.make_aware(at)
    )


def member(board: Board, role: str, n: int = 0) -> BoardMember:
    return list(board.members.filter(role=role).order_by("person__name"))[n]


def issued(cast, meeting: Meeting) -> Meeting:
    services.meeting_agenda_build(actor=cast.officer, meeting=meeting)
    if not meeting.items.exists():
        services.agenda_item_add(actor=cast.officer, meeting=meeting, fields={"title": "Portfolio dashboard"})
    meeting.refresh_from_db()
    return services.meeting_agenda_issue(
        actor=cast.officer, meeting=meeting, expected_version=meeting.version
    )


def quorate(cast, meeting: Meeting) -> None:
    """The chair and the PMO head present (2 of quorum 2), WEB's sponsor sent apologies."""
    board = meeting.board
    services.meeting_attendance_record(
        actor=cast.officer,
        meeting=meeting,
        attendance={
            member(board, MemberRole.CHAIR): AttendanceStatus.PRESENT,
            member(board, MemberRole.MEMBER, 0): AttendanceStatus.PRESENT,
            member(board, MemberRole.MEMBER, 1): AttendanceStatus.APOLOGIES,
        },
    )
