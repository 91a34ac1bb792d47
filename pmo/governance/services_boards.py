"""Boards' and meetings' writes: a board and its members, its meetings (one or a series by its
cadence), a meeting's agenda built from the live portfolio (``pmo.governance.agenda``) plus
manual items and the previous meeting's unfinished business, the agenda and papers e-mailed to
the members with the invitation (.ics), attendance with the quorum checked, minutes,
decisions and actions per item, and the chair's approval that freezes the minutes.

A decision recorded against an item goes into the RAID decision log of the item's project (or
of the board's own project or portfolio); an action into its action log. A gate review the board
decides goes through ``services.gate_review_decide`` (the board holds a board gate's authority
when the meeting is quorate); a change request through ``pmo.change.services``, which lets the
PMO head record the board's approval (ADR 0063). Every step is guarded by the meeting's
transitions table (``workflows.MEETING``)."""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Prefetch
from simple_history.utils import bulk_create_with_history

from pmo.change import services as change_services
from pmo.change.choices import Decision as ChangeDecision
from pmo.core import clock
from pmo.core.models import User
from pmo.core.permissions import ensure_can
from pmo.core.restrict import allows
from pmo.core.services import (
    notify,
    only_fields,
    others_than,
    record_create,
    record_delete,
    record_update,
    short_reason,
    user_of,
)
from pmo.governance import agenda, services
from pmo.governance.choices import (
    VOTING_ROLES,
    AgendaSource,
    AttendanceStatus,
    Cadence,
    ItemStatus,
    MeetingStatus,
    MemberRole,
    MinuteKind,
    Outcome,
)
from pmo.governance.ical import meeting_calendar
from pmo.governance.models import (
    AgendaItem,
    Board,
    BoardMember,
    GateCondition,
    Meeting,
    MeetingAttendance,
    Minute,
)
from pmo.governance.workflows import MEETING, chair_of
from pmo.portfolio.models import Person
from pmo.raid import services as raid_services
from pmo.raid.choices import ActionSource, DecisionStatus
from pmo.raid.models import Action, Decision

BOARD_FIELDS = frozenset(
    {"name", "kind", "terms_of_reference", "cadence", "quorum", "portfolio", "project", "feeds", "location",
     "duration_minutes"}
)  # fmt: skip
MEETING_FIELDS = frozenset({"starts_at", "duration_minutes", "location"})
ITEM_FIELDS = frozenset({"title", "paper", "paper_url", "project", "presenter", "order"})

SEAT_KEPT = (
    "{person}'s attendance is recorded at {count} meeting(s) of {board}: their seat stays, "
    "as the minutes name them."
)
NO_SERIES = "{board} meets as needed: schedule its meetings one by one."
SERIES_SIZE = "A series has between 1 and {most} meetings."
NOT_A_MEMBER = "{person} has no seat on {board}."
NO_QUORUM = (
    "{meeting} is not quorate: {present} of the {quorum} voting members needed are present. "
    "Record the attendance, or defer the item to the next meeting."
)
NO_CHAIR = "{board} has no chair: name one before the board records decisions."
NO_REGISTER = (
    "This item names no project and {board} oversees no single portfolio or project: "
    "name the project the decision is about."
)
TEXT_REQUIRED = "Write the minute."
ACTION_NEEDS = "An action needs an owner and a due date."
NOT_A_GATE_ITEM = "This item is not a gate review: record the decision as a minute."
NOT_A_CHANGE_ITEM = "This item is not a change request: record the decision as a minute."
CONCLUDED_ALREADY = "This item is already concluded."
WRONG_MEETING = "{member} is not a member of {board}."
STARTS_IN_PAST = "The meeting would start in the past ({when:%-d %b %Y %H:%M})."
MOST_IN_SERIES = 24

STEP = {
    Cadence.WEEKLY: relativedelta(weeks=1),
    Cadence.FORTNIGHTLY: relativedelta(weeks=2),
    Cadence.MONTHLY: relativedelta(months=1),
    Cadence.QUARTERLY: relativedelta(months=3),
}


# Boards ------------------------------------------------------------------------------------------


@transaction.atomic
def board_create(
    *, actor: User | None, fields: Mapping[str, Any], members: Sequence[tuple[Person, str]] = ()
) -> Board:
    """Set up a board (the PMO), with its members and their roles."""
    only_fields(fields, BOARD_FIELDS)
    board = record_create(model=Board, actor=actor, fields=fields)
    for person, role in members:
        record_create(
            model=BoardMember,
            actor=actor,
            authorised=True,
            fields={"board": board, "person": person, "role": role},
        )
    return board


@transaction.atomic
def board_update(
    *, actor: User | None, board: Board, fields: Mapping[str, Any], expected_version: int | None
) -> Board:
    only_fields(fields, BOARD_FIELDS)
    return record_update(instance=board, actor=actor, fields=fields, expected_version=expected_version)


@transaction.atomic
def board_member_set(*, actor: User | None, board: Board, person: Person, role: str) -> BoardMember:
    """Give ``person`` a seat on the board in ``role`` (or change their role)."""
    if actor is not None:
        ensure_can(actor, "governance.change_board", board, action=f"change the members of {board}")
    existing = BoardMember.objects.filter(board=board, person=person).first()
    if existing is not None:
        return record_update(
            instance=existing,
            actor=actor,
            fields={"role": MemberRole(role)},
            expected_version=None,
            authorised=True,
        )
    return record_create(
        model=BoardMember,
        actor=actor,
        authorised=True,
        fields={"board": board, "person": person, "role": role},
    )


@transaction.atomic
def board_member_remove(*, actor: User | None, member: BoardMember) -> None:
    if actor is not None:
        ensure_can(
            actor, "governance.change_board", member.board, action=f"change the members of {member.board}"
        )
    attended = member.attendance.count()
    if attended:  # their attendance is part of the minutes: deleting the seat would delete it
        raise ValidationError(SEAT_KEPT.format(person=member.person, board=member.board, count=attended))
    record_delete(instance=member, actor=actor, expected_version=None, authorised=True)


# Meetings ----------------------------------------------------------------------------------------


def _check_start(starts_at: datetime) -> None:
    if starts_at < clock.now() - timedelta(days=1):
        raise ValidationError({"starts_at": STARTS_IN_PAST.format(when=starts_at)})


@transaction.atomic
def meeting_schedule(
    *,
    actor: User | None,
    board: Board,
    starts_at: datetime,
    location: str | None = None,
    duration_minutes: int | None = None,
    past_allowed: bool = False,
) -> Meeting:
    """Schedule a meeting of the board (the PMO or its secretary); its place and length are
    the board's usual ones unless given. ``past_allowed``: a meeting being recorded after the
    fact (an import, the demo)."""
    if actor is not None:
        ensure_can(actor, "governance.add_meeting", board, action=f"schedule meetings of {board}")
    if not past_allowed:
        _check_start(starts_at)
    return record_create(
        model=Meeting,
        actor=actor,
        authorised=True,
        fields={
            "board": board,
            "starts_at": starts_at,
            "location": board.location if location is None else location,
            "duration_minutes": duration_minutes or board.duration_minutes,
        },
        reason=short_reason(f"Scheduled for {starts_at:%-d %b %Y}"),
    )


@transaction.atomic
def meeting_series_schedule(
    *, actor: User | None, board: Board, first: datetime, count: int, past_allowed: bool = False
) -> list[Meeting]:
    """Schedule ``count`` meetings of the board, ``first`` then one every step of its cadence."""
    step = STEP.get(Cadence(board.cadence))
    if step is None:
        raise ValidationError({"cadence": NO_SERIES.format(board=board)})
    if not 1 <= count <= MOST_IN_SERIES:
        raise ValidationError({"count": SERIES_SIZE.format(most=MOST_IN_SERIES)})
    return [
        meeting_schedule(actor=actor, board=board, starts_at=first + step * n, past_allowed=past_allowed)
        for n in range(count)
    ]


def _locked(meeting: Meeting) -> Meeting:
    members = Prefetch("board__members", queryset=BoardMember.objects.select_related("person"))
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("board", "minutes_approved_by")
        .prefetch_related(members, "attendance")
        .get(pk=meeting.pk)
    )


@transaction.atomic
def meeting_update(
    *, actor: User | None, meeting: Meeting, fields: Mapping[str, Any], expected_version: int | None
) -> Meeting:
    """Move or relocate a meeting before it is held."""
    only_fields(fields, MEETING_FIELDS)
    current = _locked(meeting)
    MEETING.ensure(current, actor, "agenda")
    if "starts_at" in fields:
        _check_start(fields["starts_at"])
    return record_update(
        instance=meeting,
        actor=actor,
        fields=fields,
        expected_version=expected_version,
        authorised=True,
        locked=current,
    )


def _proposed_item(meeting: Meeting, order: int, proposed: agenda.Proposed, **extra: Any) -> AgendaItem:
    return AgendaItem(
        meeting=meeting,
        order=order,
        source=proposed.source,
        source_key=proposed.key,
        title=proposed.title[:200],
        paper=proposed.paper,
        paper_url=proposed.paper_url[:500],
        project_id=proposed.project_id,
        gate_review_id=proposed.gate_review_id,
        change_request_id=proposed.change_request_id,
        exception_id=proposed.exception_id,
        **extra,
    )


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The board's last meeting held before this one."""
    return (
        Meeting.objects.filter(
            board_id=meeting.board_id,
            starts_at__lt=meeting.starts_at,
            status__in=[MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED],
        )
        .order_by("-starts_at", "-pk")
        .first()
    )


@transaction.atomic
def meeting_agenda_build(
    *, actor: User | None, meeting: Meeting, user: Any = None, from_portfolio: bool = True
) -> list[AgendaItem]:
    """Fill the agenda from what needs the board: the previous meeting's items not concluded
    (carried forward), then what the board's feeds read from the live portfolio, as ``user``
    (default: the actor) may see it. Items already on the agenda stay as they are; a record
    is never listed twice. A fixed number of queries, whatever the size of the portfolio.
    ``from_portfolio`` False: the carried-forward items only (a meeting recorded after the fact)."""
    current = _locked(meeting)
    MEETING.ensure(current, actor, "agenda")
    reader = user if user is not None else actor
    existing = list(AgendaItem.objects.filter(meeting=current).values_list("source_key", "order"))
    keys = {key for key, _ in existing if key}
    order = max((o for _, o in existing), default=0)
    new: list[AgendaItem] = []
    before = previous_meeting(current)
    if before is not None:
        for item in (
            AgendaItem.objects.filter(meeting=before)
            .exclude(status=ItemStatus.CONCLUDED)
            .order_by("order", "pk")
        ):
            key = item.source_key or f"carried:{item.pk}"
            if key in keys:
                continue
            keys.add(key)
            order += 1
            new.append(
                AgendaItem(
                    meeting=current, order=order, source=AgendaSource.CARRIED_FORWARD, source_key=key,
                    title=item.title, paper=item.paper, paper_url=item.paper_url, project_id=item.project_id,
                    presenter_id=item.presenter_id, gate_review_id=item.gate_review_id,
                    change_request_id=item.change_request_id, exception_id=item.exception_id,
                    carried_from=item,
                )
            )  # fmt: skip
    for proposed in agenda.proposals(current.board, reader, clock.today()) if from_portfolio else ():
        if proposed.key in keys:
            continue
        keys.add(proposed.key)
        order += 1
        new.append(_proposed_item(current, order, proposed))
    if new:
        bulk_create_with_history(
            new,
            AgendaItem,
            default_user=actor,
            default_change_reason=short_reason(f"Agenda of {current} built"),
        )
    return new


@transaction.atomic
def agenda_item_add(*, actor: User | None, meeting: Meeting, fields: Mapping[str, Any]) -> AgendaItem:
    """Add an item by hand (any other business, a paper for noting)."""
    only_fields(fields, ITEM_FIELDS)
    current = _locked(meeting)
    MEETING.ensure(current, actor, "agenda")
    order = fields.get("order") or (
        max(AgendaItem.objects.filter(meeting=current).values_list("order", flat=True), default=0) + 1
    )
    return record_create(
        model=AgendaItem,
        actor=actor,
        authorised=True,
        fields={**fields, "order": order, "meeting": current, "source": AgendaSource.MANUAL},
    )


@transaction.atomic
def agenda_item_update(
    *, actor: User | None, item: AgendaItem, fields: Mapping[str, Any], expected_version: int | None
) -> AgendaItem:
    only_fields(fields, ITEM_FIELDS)
    MEETING.ensure(_locked(item.meeting), actor, "agenda")
    return record_update(
        instance=item, actor=actor, fields=fields, expected_version=expected_version, authorised=True
    )


@transaction.atomic
def agenda_item_remove(*, actor: User | None, item: AgendaItem, expected_version: int | None) -> None:
    MEETING.ensure(_locked(item.meeting), actor, "agenda")
    record_delete(instance=item, actor=actor, expected_version=expected_version, authorised=True)


def _visible_items(items: list[AgendaItem], person: Person) -> list[AgendaItem]:
    """The items ``person`` may read: by their login's rights; without a login, those about no
    confidential project."""
    user = person.user
    if user is not None:
        return [item for item in items if allows(user, "view", item)]
    return [item for item in items if item.project is None or not item.project.confidential]


def agenda_email(meeting: Meeting, items: list[AgendaItem], members: list[BoardMember]) -> list[EmailMessage]:
    """One e-mail per member: the agenda with each item's paper they may read, and the
    invitation (.ics) attached."""
    host = getattr(settings, "PMO_SITE_URL", "").rstrip("/")
    messages = []
    for member in members:
        shown = _visible_items(items, member.person)
        lines = [f"{meeting.board} meets on {meeting.starts_at:%A %-d %B %Y at %H:%M}"]
        if meeting.location:
            lines[0] += f", {meeting.location}"
        lines[0] += "."
        lines.append("")
        for n, item in enumerate(shown, start=1):
            lines += [f"{n}. {item.title}", *([item.paper] if item.paper else []), ""]
        if host:
            lines.append(f"The meeting's page: {host}{meeting.get_absolute_url()}")
        message = EmailMessage(
            subject=f"Agenda and papers: {meeting}",
            body="\n".join(lines),
            to=[member.person.email],
        )
        message.attach(
            f"meeting-{meeting.starts_at:%Y-%m-%d}.ics",
            meeting_calendar(meeting, shown, members, host),
            "text/calendar; method=REQUEST; charset=utf-8",
        )
        messages.append(message)
    return messages


@transaction.atomic
def meeting_agenda_issue(
    *, actor: User | None, meeting: Meeting, expected_version: int | None, send: bool = True
) -> Meeting:
    """Issue the agenda: the members get it by e-mail with the papers and the invitation
    (``send`` False: a meeting recorded after the fact, as the demo's year is)."""
    current = _locked(meeting)
    current.item_count = AgendaItem.objects.filter(meeting=current).count()  # type: ignore[attr-defined]
    MEETING.ensure(current, actor, "issue")
    issued = record_update(
        instance=meeting,
        actor=actor,
        fields={"status": MeetingStatus.AGENDA_ISSUED, "agenda_issued_at": clock.now()},
        expected_version=expected_version,
        reason="Agenda issued",
        authorised=True,
        locked=current,
    )
    items = list(AgendaItem.objects.filter(meeting=current).select_related("project").order_by("order", "pk"))
    members = list(current.board.members.all())
    if send:
        messages = agenda_email(issued, items, members)
        transaction.on_commit(lambda: [m.send(fail_silently=True) for m in messages])
    return issued


def quorum(meeting: Meeting) -> tuple[int, int]:
    """How many voting members are present (from the attendance loaded with the meeting) and
    how many the board needs."""
    voting = {m.pk for m in meeting.board.members.all() if m.role in VOTING_ROLES}
    present = sum(
        1 for a in meeting.attendance.all() if a.member_id in voting and a.status == AttendanceStatus.PRESENT
    )
    return present, meeting.board.quorum


def is_quorate(meeting: Meeting) -> bool:
    present, needed = quorum(meeting)
    return present >= needed


def _ensure_quorate(meeting: Meeting) -> None:
    present, needed = quorum(meeting)
    if present < needed:
        raise ValidationError(NO_QUORUM.format(meeting=meeting, present=present, quorum=needed))


@transaction.atomic
def meeting_attendance_record(
    *, actor: User | None, meeting: Meeting, attendance: Mapping[BoardMember, str]
) -> list[MeetingAttendance]:
    """Record who is present, sent apologies or is absent."""
    current = _locked(meeting)
    MEETING.ensure(current, actor, "record")
    members = {m.pk for m in current.board.members.all()}
    known = {a.member_id: a for a in current.attendance.all()}
    saved = []
    for member, status in attendance.items():
        if member.pk not in members:
            raise ValidationError(
                {"attendance": WRONG_MEETING.format(member=member.person, board=current.board)}
            )
        status = AttendanceStatus(status)
        row = known.get(member.pk)
        if row is None:
            saved.append(
                record_create(
                    model=MeetingAttendance, actor=actor, authorised=True,
                    fields={"meeting": current, "member": member, "status": status},
                )
            )  # fmt: skip
        elif row.status != status:
            saved.append(
                record_update(
                    instance=row,
                    actor=actor,
                    fields={"status": status},
                    expected_version=None,
                    authorised=True,
                )
            )
    return saved


def _item_locked(item: AgendaItem) -> tuple[AgendaItem, Meeting]:
    current = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("project", "meeting")
        .get(pk=item.pk)
    )
    return current, _locked(current.meeting)


def _register(item: AgendaItem, board: Board) -> Any:
    register = item.project or board.project or board.portfolio
    if register is None:
        raise ValidationError({"project": NO_REGISTER.format(board=board)})
    return register


def _chair_person(board: Board) -> Person:
    chair = chair_of(board)
    if chair is None:
        raise ValidationError(NO_CHAIR.format(board=board))
    return chair.person


def _decision_log(actor: User | None, item: AgendaItem, meeting: Meeting, title: str, text: str) -> Decision:
    return raid_services.raid_item_create(
        actor=actor,
        model=Decision,
        register=_register(item, meeting.board),
        fields={
            "title": title[:200],
            "description": f"Decided by {meeting.board} at its meeting of {meeting.starts_at:%-d %b %Y}.",
            "owner": _chair_person(meeting.board),
            "decided_on": meeting.starts_at.date(),
            "rationale": text,
            "options_considered": item.paper,  # what the paper put before the board
            "status": DecisionStatus.MADE,
        },
        reason=short_reason(f"Decided at {meeting}"),
    )


@transaction.atomic
def minute_record(
    *,
    actor: User | None,
    item: AgendaItem,
    kind: str,
    text: str,
    owner: Person | None = None,
    due: Any = None,
) -> Minute:
    """Record a minute against an item: the discussion (``note``), a decision (the board must
    be quorate; it goes into the RAID decision log) or an action (a RAID action, owned and due)."""
    current, meeting = _item_locked(item)
    MEETING.ensure(meeting, actor, "record")
    kind = MinuteKind(kind)
    if not text.strip():
        raise ValidationError({"text": TEXT_REQUIRED})
    fields: dict[str, Any] = {"item": current, "kind": kind, "text": text.strip(), "recorded_by": actor}
    if kind == MinuteKind.DECISION:
        _ensure_quorate(meeting)
        fields["decision"] = _decision_log(
            actor, current, meeting, f"{meeting.board}: {current.title}", text.strip()
        )
    elif kind == MinuteKind.ACTION:
        if owner is None or due is None:
            raise ValidationError({"owner" if owner is None else "due": ACTION_NEEDS})
        fields["action"] = raid_services.raid_item_create(
            actor=actor,
            model=Action,
            register=_register(current, meeting.board),
            fields={
                "title": text.strip()[:200],
                "description": f"From {meeting}: {current.title}",
                "owner": owner,
                "due": due,
                "source": ActionSource.MEETING,
                "source_reference": meeting.reference,
            },
            reason=short_reason(f"Action from {meeting}"),
        )
    return record_create(model=Minute, actor=actor, authorised=True, fields=fields)


@transaction.atomic
def agenda_item_conclude(
    *, actor: User | None, item: AgendaItem, concluded: bool = True, expected_version: int | None = None
) -> AgendaItem:
    """Mark an item concluded, or not concluded (it comes forward to the next meeting)."""
    current, meeting = _item_locked(item)
    MEETING.ensure(meeting, actor, "record")
    return record_update(
        instance=current,
        actor=actor,
        fields={"status": ItemStatus.CONCLUDED if concluded else ItemStatus.CARRIED},
        expected_version=expected_version,
        authorised=True,
    )


@transaction.atomic
def agenda_item_decide_gate(
    *,
    actor: User | None,
    item: AgendaItem,
    outcome: Outcome,
    notes: str,
    conditions: Sequence[Mapping[str, Any]] = (),
) -> Minute:
    """The board decides the gate review on the item (quorate): the review is decided through
    ``services.gate_review_decide`` (its conditions become RAID actions, a passed gate moves the
    project), the decision is minuted and logged, each condition minuted as an action, and the
    item concluded."""
    current, meeting = _item_locked(item)
    MEETING.ensure(meeting, actor, "record")
    if current.gate_review_id is None:
        raise ValidationError({"item": NOT_A_GATE_ITEM})
    _ensure_quorate(meeting)
    outcome = Outcome(outcome)
    review = services.gate_review_decide(
        actor=actor,
        review=current.gate_review,  # type: ignore[arg-type]
        outcome=outcome,
        notes=notes,
        conditions=conditions,
        expected_version=None,
        by_board=meeting,
    )
    text = f"{review.reference} {outcome.label.lower()}: {notes.strip()}"
    conditions_made = GateCondition.objects.filter(review=review).select_related("action").order_by("pk")
    return _board_decided(
        actor, current, meeting, outcome, f"{review.gate}: {outcome.label}", text,
        actions=[condition.action for condition in conditions_made],
    )  # fmt: skip


@transaction.atomic
def agenda_item_decide_change(
    *, actor: User | None, item: AgendaItem, decision: ChangeDecision, notes: str
) -> Minute:
    """The board decides the change request on the item (quorate), recorded through
    ``pmo.change.services.change_request_decide`` — whose table lets the PMO head record the
    board's decision — then minuted, logged and concluded."""
    current, meeting = _item_locked(item)
    MEETING.ensure(meeting, actor, "record")
    if current.change_request_id is None:
        raise ValidationError({"item": NOT_A_CHANGE_ITEM})
    _ensure_quorate(meeting)
    decision = ChangeDecision(decision)
    change = change_services.change_request_decide(
        actor=actor,
        change=current.change_request,  # type: ignore[arg-type]
        decision=decision,
        notes=notes,
        expected_version=None,
    )
    text = f"{change.reference} {change.get_status_display().lower()}: {notes.strip()}"
    return _board_decided(actor, current, meeting, decision, f"{change.reference}: {decision.label}", text)


def _board_decided(
    actor: User | None,
    item: AgendaItem,
    meeting: Meeting,
    outcome: str,
    title: str,
    text: str,
    actions: Sequence[Action] = (),
) -> Minute:
    """What a board decision on ``item`` leaves: the decision minuted and in the RAID decision
    log, each of ``actions`` (a gate's conditions) minuted, and the item concluded."""
    minute = record_create(
        model=Minute,
        actor=actor,
        authorised=True,
        fields={
            "item": item,
            "kind": MinuteKind.DECISION,
            "text": text,
            "outcome": outcome,
            "recorded_by": actor,
            "decision": _decision_log(actor, item, meeting, title, text),
        },
    )
    for action in actions:
        record_create(
            model=Minute,
            actor=actor,
            authorised=True,
            fields={
                "item": item,
                "kind": MinuteKind.ACTION,
                "text": f"Condition: {action.title}",
                "action": action,
                "recorded_by": actor,
            },
        )
    record_update(
        instance=item,
        actor=actor,
        fields={"status": ItemStatus.CONCLUDED},
        expected_version=None,
        authorised=True,
    )
    return minute


@transaction.atomic
def meeting_hold(*, actor: User | None, meeting: Meeting, expected_version: int | None) -> Meeting:
    """Record the meeting as held; its minutes go to the chair for approval."""
    current = _locked(meeting)
    MEETING.ensure(current, actor, "hold")
    held = record_update(
        instance=meeting,
        actor=actor,
        fields={"status": MeetingStatus.HELD, "held_at": clock.now()},
        expected_version=expected_version,
        reason="Held",
        authorised=True,
        locked=current,
    )
    chair = chair_of(current.board)
    notify(
        recipients=others_than(actor, user_of(chair.person) if chair else None),
        key=f"meeting-held:{held.pk}",
        subject=f"Minutes of {held} to approve",
        body="The meeting's minutes are ready for your approval.",
        url=held.get_absolute_url(),
    )
    return held


@transaction.atomic
def meeting_minutes_approve(*, actor: User | None, meeting: Meeting, expected_version: int | None) -> Meeting:
    """The chair approves the minutes: from now on they are frozen."""
    current = _locked(meeting)
    MEETING.ensure(current, actor, "approve")
    return record_update(
        instance=meeting,
        actor=actor,
        fields={
            "status": MeetingStatus.MINUTES_APPROVED,
            "minutes_approved_by": actor,
            "minutes_approved_at": clock.now(),
        },
        expected_version=expected_version,
        reason="Minutes approved",
        authorised=True,
        locked=current,
    )


CANCEL_REASON_REQUIRED = "Give the reason for cancelling the meeting."


@transaction.atomic
def meeting_cancel(
    *, actor: User | None, meeting: Meeting, reason: str, expected_version: int | None
) -> Meeting:
    """Cancel a meeting before it is held (with the reason, which stays in its history)."""
    current = _locked(meeting)
    MEETING.ensure(current, actor, "cancel")
    if not reason.strip():
        raise ValidationError({"reason": CANCEL_REASON_REQUIRED})
    return record_update(
        instance=meeting,
        actor=actor,
        fields={"status": MeetingStatus.CANCELLED, "cancel_reason": reason.strip()},
        expected_version=expected_version,
        reason=short_reason(f"Cancelled: {reason.strip()}"),
        authorised=True,
        locked=current,
    )
