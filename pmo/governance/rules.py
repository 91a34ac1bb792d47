"""Who may do what with gates. The PMO head sets the gates' requirements; a project's manager and
the PMO open and run its reviews; the PMO, executives and the project's sponsor assess them; the
decision needs the authority the gate requires (``pmo.governance.workflows.may_decide``). Who
sees which reviews is declared once, as a restriction (``pmo.core.restrict``).

Boards: the PMO sets them up; the PMO or the board's secretary runs their meetings; the chair
approves the minutes (``workflows.MEETING``). Everyone signed in sees the boards and their
meetings, but an agenda item (and its minutes) about a project only whoever sees the project."""

from typing import Any

import rules
from django.db.models import Q

from pmo.core.choices import Role
from pmo.core.permissions import has_role, is_pmo, is_pmo_head
from pmo.core.restrict import EVERYTHING, any_of, restriction, restricts, through
from pmo.governance.choices import MemberRole
from pmo.governance.models import (
    AgendaItem,
    Board,
    BoardMember,
    Gate,
    GateAssessment,
    GateCondition,
    GateEvidence,
    GateEvidenceConfirmation,
    GateReview,
    Meeting,
    MeetingAttendance,
    Minute,
    StageOverride,
)
from pmo.portfolio.models import Project
from pmo.portfolio.rules import manages_project, sponsors_project


@rules.predicate
def is_executive(user: Any) -> bool:
    return has_role(user, Role.EXECUTIVE)


@restricts(Gate, GateEvidence)
def gate_restriction(user: Any, action: str) -> Q:
    """The gates' requirements: anyone signed in reads them."""
    return EVERYTHING


@restricts(GateReview, StageOverride)
def review_restriction(user: Any, action: str) -> Q:
    """A project's gate reviews and overrides: whoever sees the project."""
    return through("project", restriction(Project, user, "view"))


@restricts(GateEvidenceConfirmation, GateAssessment, GateCondition)
def review_part_restriction(user: Any, action: str) -> Q:
    """What a review holds: whoever sees the review."""
    return through("review__project", restriction(Project, user, "view"))


rules.add_perm("governance.change_gate", is_pmo_head)
rules.add_perm("governance.add_gateevidence", is_pmo_head)
rules.add_perm("governance.change_gateevidence", is_pmo_head)
rules.add_perm("governance.delete_gateevidence", is_pmo_head)
rules.add_perm("governance.add_gatereview", is_pmo | manages_project)
rules.add_perm("governance.change_gatereview", is_pmo | manages_project)
rules.add_perm("governance.assess_gatereview", is_pmo | is_executive | sponsors_project)
rules.add_perm("governance.decide_gatereview", is_pmo_head | sponsors_project)
rules.add_perm("governance.add_stageoverride", is_pmo_head)


@rules.predicate
def is_board_secretary(user: Any, record: Any = None) -> bool:
    """Whether ``user`` is the secretary of the board of ``record`` (a board or a meeting;
    read from the board's members loaded with it)."""
    if record is None:
        return False
    board: Any = record if isinstance(record, Board) else record.board
    return any(m.role == MemberRole.SECRETARY and m.person.user_id == user.pk for m in board.members.all())


@restricts(Board, BoardMember, Meeting, MeetingAttendance)
def board_restriction(user: Any, action: str) -> Q:
    """Boards, their members and meetings: anyone signed in reads them."""
    return EVERYTHING


def _item_restriction(user: Any, relation: str) -> Q:
    project = restriction(Project, user, "view")
    return any_of(Q(**{f"{relation}project__isnull": True}), through(f"{relation}project", project))


@restricts(AgendaItem)
def agenda_item_restriction(user: Any, action: str) -> Q:
    """An agenda item about a project: whoever sees the project (others: every item)."""
    return _item_restriction(user, "")


@restricts(Minute)
def minute_restriction(user: Any, action: str) -> Q:
    """A minute: whoever sees its item."""
    return _item_restriction(user, "item__")


rules.add_perm("governance.add_board", is_pmo)
rules.add_perm("governance.change_board", is_pmo | is_board_secretary)
rules.add_perm("governance.add_meeting", is_pmo | is_board_secretary)
rules.add_perm("governance.change_meeting", is_pmo | is_board_secretary)


@rules.predicate
def runs_items_meeting(user: Any, item: Any = None) -> bool:
    """Whether ``user`` is the secretary of the board whose meeting has the agenda item."""
    return item is not None and is_board_secretary(user, item.meeting)


rules.add_perm("governance.change_agendaitem", is_pmo | runs_items_meeting)
rules.add_perm("governance.delete_agendaitem", is_pmo | runs_items_meeting)
