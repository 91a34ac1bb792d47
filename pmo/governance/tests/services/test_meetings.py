"""A board meeting: scheduled (or a series by the board's cadence) → agenda built from the live
portfolio, plus manual and carried-forward items → issued (agenda, papers and invitation
e-mailed) → attendance with the quorum checked → minutes, decisions and actions per item
(flowing into the RAID logs, the gate review and the change request decided) → held → the
chair approves the minutes, which are then frozen."""

import datetime as dt
from decimal import Decimal

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pmo.change import services as change_services
from pmo.change.choices import Authority, ChangeStatus, ChangeType
from pmo.change.choices import Decision as ChangeDecision
from pmo.governance import services_boards as services
from pmo.governance.choices import (
    AgendaSource,
    AttendanceStatus,
    ItemStatus,
    MeetingStatus,
    MemberRole,
    MinuteKind,
    Outcome,
    ReviewStatus,
)
from pmo.governance.models import AgendaItem, BoardMember
from pmo.governance.tests.boards import board_of, issued, meeting_of, member, quorate
from pmo.governance.tests.steps import condition, in_review
from pmo.governance.workflows import MEETING
from pmo.portfolio.choices import SizeTier
from pmo.portfolio.models import Project
from pmo.raid import services as raid_services
from pmo.raid.choices import ActionSource, Level
from pmo.raid.models import Action, Decision, Risk
from pmo.reporting import services as reporting_services
from pmo.reporting.choices import ToleranceDimension
from pmo.reporting.tests.factories import BaselineFactory

pytestmark = pytest.mark.django_db


def large(cast):
    Project.objects.filter(pk=cast.project.pk).update(size_tier=SizeTier.LARGE)
    cast.project.refresh_from_db()


def escalated_risk(cast, title="Supplier may fail"):
    risk = raid_services.raid_item_create(
        actor=cast.pm,
        model=Risk,
        register=cast.project,
        fields={
            "title": title, "owner": cast.project.project_manager, "category": "commercial",
            "inherent_probability": 4, "inherent_impact": 4, "residual_probability": 4, "residual_impact": 4,
        },
    )  # fmt: skip
    return raid_services.raid_item_escalate(
        actor=cast.pm, item=risk, to=Level.PORTFOLIO, note="Beyond the project's control.",
        expected_version=risk.version,
    )  # fmt: skip


def board_change(cast):
    """A change of WEB beyond its tolerances (40 days against 28): the board's to approve."""
    BaselineFactory(project=cast.project, finish=dt.date(2026, 12, 18))
    for dimension, amount in ((ToleranceDimension.TIME, 28), (ToleranceDimension.COST, 52_500)):
        reporting_services.tolerance_set(
            actor=None, project=cast.project, dimension=dimension, absolute=Decimal(amount), percent=None
        )
    change = change_services.change_request_raise(
        actor=cast.pm,
        project=cast.project,
        fields={"title": "Phase 2 delay", "change_type": ChangeType.TIME, "description": "d", "reason": "r"},
    )
    return change_services.change_request_assess(
        actor=cast.pm, change=change, fields={"impact_days": 40}, expected_version=change.version
    )


def item(meeting, source):
    return meeting.items.get(source=source)


# Boards and series -------------------------------------------------------------------------------


def test_a_board_has_members_in_roles_and_one_chair(cast):
    board = board_of(cast)

    assert [(str(m.person), m.role) for m in board.members.order_by("role", "person__name")] == [
        ("Pat Manager", MemberRole.ATTENDEE),
        ("Cleo Chair", MemberRole.CHAIR),
        ("Hana Head", MemberRole.MEMBER),
        ("Sam Sponsor", MemberRole.MEMBER),
        ("Otto Officer", MemberRole.SECRETARY),
    ]
    with pytest.raises(ValidationError) as second:
        services.board_member_set(actor=cast.head, board=board, person=cast.project.sponsor, role="chair")
    assert second.value.messages == ["This board already has a chair."]


def test_only_the_pmo_sets_up_a_board(cast):
    with pytest.raises(PermissionDenied):
        services.board_create(actor=cast.pm, fields={"name": "Shadow board"})


def test_a_monthly_series_is_scheduled_from_the_cadence(cast):
    board = board_of(cast)
    first = timezone.make_aware(dt.datetime(2027, 1, 31, 14, 0))

    meetings = services.meeting_series_schedule(actor=cast.officer, board=board, first=first, count=3)

    assert [timezone.localtime(m.starts_at).date() for m in meetings] == [
        dt.date(2027, 1, 31), dt.date(2027, 2, 28), dt.date(2027, 3, 31),
    ]  # fmt: skip
    assert {m.location for m in meetings} == {"Committee Room 2"}
    with pytest.raises(ValidationError) as too_many:
        services.meeting_series_schedule(actor=cast.officer, board=board, first=first, count=25)
    assert too_many.value.message_dict == {"count": ["A series has between 1 and 24 meetings."]}


def test_a_meeting_in_the_past_is_refused_naming_the_field(cast):
    with pytest.raises(ValidationError) as past:
        meeting_of(cast, at=dt.datetime(2026, 11, 1, 10, 0))
    assert past.value.message_dict == {
        "starts_at": ["The meeting would start in the past (1 Nov 2026 10:00)."]
    }


# The agenda --------------------------------------------------------------------------------------


def test_the_agenda_fills_itself_from_the_live_portfolio(cast):
    large(cast)
    review = in_review(cast)
    risk = escalated_risk(cast)
    change = board_change(cast)
    overdue = raid_services.raid_item_create(
        actor=cast.pm, model=Action, register=cast.project,
        fields={"title": "Fix the build", "owner": cast.project.project_manager, "due": dt.date(2026, 11, 20),
                "source": ActionSource.MEETING, "source_reference": "MTG-0"},
    )  # fmt: skip
    meeting = meeting_of(cast)

    added = services.meeting_agenda_build(actor=cast.officer, meeting=meeting)

    assert [(i.source, i.title) for i in added] == [
        (
            AgendaSource.GATE_REVIEW,
            f"Gate decision {review.reference}: WEB at Gate 4: Readiness for handover",
        ),
        (AgendaSource.RISK, f"Risk {risk.reference} (WEB): Supplier may fail"),
        (AgendaSource.CHANGE_REQUEST, f"Change {change.reference} (WEB): Phase 2 delay"),
        (AgendaSource.OVERDUE_ACTION, f"Overdue action {overdue.reference} (WEB): Fix the build"),
    ]
    assert item(meeting, AgendaSource.GATE_REVIEW).gate_review == review
    assert item(meeting, AgendaSource.CHANGE_REQUEST).change_request == change
    assert "+40 days" in item(meeting, AgendaSource.CHANGE_REQUEST).paper
    assert services.meeting_agenda_build(actor=cast.officer, meeting=meeting) == []  # never twice


def test_a_sponsors_gate_and_a_change_within_tolerance_stay_off_the_agenda(cast):
    in_review(cast)  # medium: the sponsor decides
    meeting = meeting_of(cast)

    assert services.meeting_agenda_build(actor=cast.officer, meeting=meeting) == []


def test_items_not_concluded_at_the_previous_meeting_come_forward(cast):
    board = board_of(cast)
    first = meeting_of(cast, board)
    services.agenda_item_add(actor=cast.officer, meeting=first, fields={"title": "Cloud strategy"})
    services.agenda_item_add(actor=cast.officer, meeting=first, fields={"title": "Budget 2027"})
    issued(cast, first)
    quorate(cast, first)
    done = first.items.get(title="Budget 2027")
    services.minute_record(actor=cast.officer, item=done, kind=MinuteKind.NOTE, text="Noted.")
    services.agenda_item_conclude(actor=cast.officer, item=done)
    first.refresh_from_db()
    services.meeting_hold(actor=cast.officer, meeting=first, expected_version=first.version)
    second = meeting_of(cast, board, at=dt.datetime(2027, 1, 14, 14, 0))

    added = services.meeting_agenda_build(actor=cast.officer, meeting=second)

    assert [(i.source, i.title, i.carried_from.title) for i in added] == [
        (AgendaSource.CARRIED_FORWARD, "Cloud strategy", "Cloud strategy")
    ]


# Issuing -----------------------------------------------------------------------------------------


def test_an_agenda_with_no_items_is_not_issued(cast):
    meeting = meeting_of(cast)
    with pytest.raises(ValidationError) as refused:
        services.meeting_agenda_issue(actor=cast.officer, meeting=meeting, expected_version=meeting.version)
    assert refused.value.messages == [
        f"{meeting} has no agenda items: build or add its agenda before issuing it."
    ]


def test_issuing_emails_the_agenda_papers_and_invitation_to_every_member(
    cast, django_capture_on_commit_callbacks
):
    meeting = meeting_of(cast)
    services.agenda_item_add(
        actor=cast.officer, meeting=meeting, fields={"title": "Cloud strategy", "paper": "Options A and B."}
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting = issued(cast, meeting)

    assert meeting.status == MeetingStatus.AGENDA_ISSUED
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        BoardMember.objects.filter(board=meeting.board).values_list("person__email", flat=True)
    )
    message = mail.outbox[0]
    assert message.subject == f"Agenda and papers: {meeting}"
    assert "1. Cloud strategy\nOptions A and B." in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype.split(";")[0]) == ("meeting-2026-12-10.ics", "text/calendar")
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["summary"]) == "IT Portfolio Review"
    assert str(event["location"]) == "Committee Room 2"
    assert event.decoded("dtstart") == meeting.starts_at
    assert len(event["attendee"]) == 5


def test_a_confidential_projects_items_are_not_emailed_to_members_who_may_not_see_it(
    cast, django_capture_on_commit_callbacks
):
    Project.objects.filter(pk=cast.other_project.pk).update(confidential=True)
    meeting = meeting_of(cast)
    services.agenda_item_add(
        actor=cast.officer, meeting=meeting, fields={"title": "HR restructure", "project": cast.other_project}
    )
    with django_capture_on_commit_callbacks(execute=True):
        issued(cast, meeting)

    to = {m.to[0]: m.body for m in mail.outbox}
    assert "HR restructure" in to["officer.person@council.example"]
    assert "HR restructure" not in to[cast.project.project_manager.email]


# In the meeting ----------------------------------------------------------------------------------


def test_a_decision_without_quorum_is_refused(cast):
    meeting = issued(cast, meeting_of(cast))
    services.meeting_attendance_record(
        actor=cast.officer,
        meeting=meeting,
        attendance={member(meeting.board, MemberRole.CHAIR): AttendanceStatus.PRESENT},
    )
    first = meeting.items.first()

    with pytest.raises(ValidationError) as refused:
        services.minute_record(actor=cast.officer, item=first, kind=MinuteKind.DECISION, text="Agreed.")

    assert refused.value.messages == [
        f"{meeting} is not quorate: 1 of the 2 voting members needed are present. "
        "Record the attendance, or defer the item to the next meeting."
    ]
    assert not Decision.objects.exists()


def test_decisions_and_actions_flow_into_the_raid_logs(cast):
    meeting = issued(cast, meeting_of(cast))
    quorate(cast, meeting)
    first = meeting.items.first()

    decision = services.minute_record(
        actor=cast.officer, item=first, kind=MinuteKind.DECISION, text="Adopt the dashboard."
    )
    action = services.minute_record(
        actor=cast.officer, item=first, kind=MinuteKind.ACTION, text="Circulate the dashboard",
        owner=cast.project.project_manager, due=dt.date(2026, 12, 20),
    )  # fmt: skip

    logged = decision.decision
    assert (logged.portfolio, logged.owner.name, logged.rationale) == (
        cast.portfolio,
        "Cleo Chair",
        "Adopt the dashboard.",
    )
    assert (action.action.title, action.action.source, action.action.source_reference) == (
        "Circulate the dashboard",
        ActionSource.MEETING,
        meeting.reference,
    )
    with pytest.raises(ValidationError) as no_owner:
        services.minute_record(actor=cast.officer, item=first, kind=MinuteKind.ACTION, text="Something")
    assert no_owner.value.message_dict == {"owner": ["An action needs an owner and a due date."]}


def test_the_board_decides_a_gate_with_conditions_and_the_project_moves(cast):
    large(cast)
    review = in_review(cast)
    meeting = meeting_of(cast)
    issued(cast, meeting)
    quorate(cast, meeting)
    gate_item = item(meeting, AgendaSource.GATE_REVIEW)

    minute = services.agenda_item_decide_gate(
        actor=cast.officer, item=gate_item, outcome=Outcome.GO_WITH_CONDITIONS, notes="Ready, with a test.",
        conditions=[condition(cast)],
    )  # fmt: skip

    review.refresh_from_db()
    cast.project.refresh_from_db()
    assert (review.status, review.outcome, review.decided_by) == (
        ReviewStatus.DECIDED, Outcome.GO_WITH_CONDITIONS, cast.officer
    )  # fmt: skip
    assert review.conditions.get().action.title == "Complete the security test"
    assert cast.project.stage.name == "Closure"
    assert minute.decision.project == cast.project
    condition_minute = gate_item.minutes.get(kind=MinuteKind.ACTION)
    assert (condition_minute.text, condition_minute.action) == (
        "Condition: Complete the security test",
        review.conditions.get().action,
    )
    gate_item.refresh_from_db()
    assert gate_item.status == ItemStatus.CONCLUDED


def test_a_gate_is_not_decided_by_an_inquorate_board(cast):
    large(cast)
    review = in_review(cast)
    meeting = issued(cast, meeting_of(cast))

    with pytest.raises(ValidationError):
        services.agenda_item_decide_gate(
            actor=cast.officer, item=item(meeting, AgendaSource.GATE_REVIEW), outcome=Outcome.GO, notes="Ok"
        )
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_REVIEW


def test_the_board_approves_a_change_beyond_tolerance_recorded_by_the_pmo_head(cast):
    change = board_change(cast)
    meeting = issued(cast, meeting_of(cast))
    quorate(cast, meeting)
    change_item = item(meeting, AgendaSource.CHANGE_REQUEST)

    services.agenda_item_decide_change(
        actor=cast.head, item=change_item, decision=ChangeDecision.APPROVE, notes="Worth the delay."
    )

    change.refresh_from_db()
    assert (change.status, change.authority, change.decided_by) == (
        ChangeStatus.APPROVED, Authority.BOARD, cast.head
    )  # fmt: skip
    assert change.new_baseline is not None


# Approval and freezing ---------------------------------------------------------------------------


def test_only_the_chair_approves_the_minutes_which_are_then_frozen(cast):
    meeting = issued(cast, meeting_of(cast))
    quorate(cast, meeting)
    first = meeting.items.first()
    services.minute_record(actor=cast.officer, item=first, kind=MinuteKind.NOTE, text="Discussed.")
    meeting.refresh_from_db()
    meeting = services.meeting_hold(actor=cast.officer, meeting=meeting, expected_version=meeting.version)

    with pytest.raises(PermissionDenied) as not_chair:
        services.meeting_minutes_approve(actor=cast.head, meeting=meeting, expected_version=meeting.version)
    assert str(not_chair.value) == f"The minutes of {meeting} are approved by the board's chair (Cleo Chair)."
    approved = services.meeting_minutes_approve(
        actor=cast.executive, meeting=meeting, expected_version=meeting.version
    )

    assert approved.status == MeetingStatus.MINUTES_APPROVED
    with pytest.raises(ValidationError) as frozen:
        services.minute_record(actor=cast.officer, item=first, kind=MinuteKind.NOTE, text="Afterthought.")
    assert frozen.value.messages == [
        f"The minutes of {meeting} were approved by executive on 4 Dec 2026: "
        "they are frozen and can no longer be changed."
    ]
    assert MEETING.allowed_actions(approved, cast.officer) == []


def test_a_member_who_is_not_the_secretary_cannot_run_the_meeting(cast):
    meeting = meeting_of(cast)
    with pytest.raises(PermissionDenied):
        services.agenda_item_add(actor=cast.sponsor, meeting=meeting, fields={"title": "My item"})


def test_a_cancelled_meeting_says_so(cast):
    meeting = meeting_of(cast)
    with pytest.raises(ValidationError) as no_reason:
        services.meeting_cancel(actor=cast.officer, meeting=meeting, reason=" ", expected_version=None)
    assert no_reason.value.message_dict == {"reason": ["Give the reason for cancelling the meeting."]}
    services.meeting_cancel(
        actor=cast.officer, meeting=meeting, reason="No quorum available.", expected_version=None
    )

    with pytest.raises(ValidationError) as refused:
        services.agenda_item_add(actor=cast.officer, meeting=meeting, fields={"title": "Late item"})
    assert refused.value.messages == [f"{meeting} was cancelled: nothing more is recorded against it."]
    assert AgendaItem.objects.filter(meeting=meeting).count() == 0


def test_a_member_whose_attendance_the_minutes_hold_keeps_their_seat(cast):
    meeting = issued(cast, meeting_of(cast))
    quorate(cast, meeting)
    board = meeting.board
    chair = member(board, MemberRole.CHAIR)
    attendee = member(board, MemberRole.ATTENDEE)

    with pytest.raises(ValidationError) as refused:
        services.board_member_remove(actor=cast.head, member=chair)
    services.board_member_remove(actor=cast.head, member=attendee)

    assert (
        "Cleo Chair's attendance is recorded at 1 meeting(s) of IT Portfolio Review"
        in refused.value.messages[0]
    )
    assert BoardMember.objects.filter(pk=chair.pk).exists()
    assert not BoardMember.objects.filter(pk=attendee.pk).exists()
