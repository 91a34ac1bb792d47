from django.db import models


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", "Document or link (the reviewer confirms it)"
    CHECK = "check", "Record the system checks"


class AutomaticCheck(models.TextChoices):
    """Evidence that is a record in the system, checked through the other apps' selectors."""

    BASELINE_APPROVED = "baseline_approved", "Baseline approved"
    PLAN_IMPORTED = "plan_imported", "Plan imported"
    RAID_REVIEWED = "raid_reviewed", "RAID log reviewed"
    BUDGET_APPROVED = "budget_approved", "Budget approved"
    HIGHLIGHT_SUBMITTED = "highlight_submitted", "Highlight report submitted this period"


class GateAuthority(models.TextChoices):
    SPONSOR = "sponsor", "Sponsor"
    BOARD = "board", "Board (recorded by the PMO head)"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Collecting evidence"
    IN_REVIEW = "in_review", "In review"
    DECIDED = "decided", "Decided"
    CLOSED = "closed", "Closed"


OPEN_REVIEW_STATES = frozenset({ReviewStatus.OPEN, ReviewStatus.IN_REVIEW})


class Outcome(models.TextChoices):
    GO = "go", "Go"
    GO_WITH_CONDITIONS = "go_with_conditions", "Go with conditions"
    HOLD = "hold", "Hold"
    STOP = "stop", "Stop"


PASSING = frozenset({Outcome.GO, Outcome.GO_WITH_CONDITIONS})


# Boards and meetings ----------------------------------------------------------------------------


class BoardKind(models.TextChoices):
    PORTFOLIO_REVIEW = "portfolio_review", "Portfolio review"
    DEMAND_REVIEW = "demand_review", "Demand review"
    PROJECT_BOARD = "project_board", "Project board"
    OTHER = "other", "Other board"


class Cadence(models.TextChoices):
    """How often a board meets (the step of a recurring series of meetings)."""

    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Fortnightly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    AD_HOC = "ad_hoc", "As needed (no series)"


class MemberRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    MEMBER = "member", "Member (voting)"
    SECRETARY = "secretary", "Secretary"
    ATTENDEE = "attendee", "Attendee (non-voting)"


VOTING_ROLES = frozenset({MemberRole.CHAIR, MemberRole.MEMBER})


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    AGENDA_ISSUED = "agenda_issued", "Agenda issued"
    HELD = "held", "Held"
    MINUTES_APPROVED = "minutes_approved", "Minutes approved"
    CANCELLED = "cancelled", "Cancelled"


class AgendaSource(models.TextChoices):
    """Where an agenda item came from: added by hand, carried forward from the board's previous
    meeting, or one of the feeds that read the live portfolio (``pmo.governance.agenda``)."""

    MANUAL = "manual", "Added by hand"
    CARRIED_FORWARD = "carried_forward", "Carried forward"
    EXCEPTION = "exception", "Open exception"
    GATE_REVIEW = "gate_review", "Gate review for the board's decision"
    RISK = "risk", "Escalated risk"
    ISSUE = "issue", "Escalated issue"
    CHANGE_REQUEST = "change_request", "Change request beyond delegated limits"
    OVERDUE_ACTION = "overdue_action", "Overdue action"


# The feeds a board's agenda reads from the live portfolio (every one unless the board names some).
AGENDA_FEEDS = (
    AgendaSource.EXCEPTION,
    AgendaSource.GATE_REVIEW,
    AgendaSource.RISK,
    AgendaSource.ISSUE,
    AgendaSource.CHANGE_REQUEST,
    AgendaSource.OVERDUE_ACTION,
)


class ItemStatus(models.TextChoices):
    OPEN = "open", "To discuss"
    CONCLUDED = "concluded", "Concluded"
    CARRIED = "carried", "Not concluded (carried forward)"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


class MinuteKind(models.TextChoices):
    NOTE = "note", "Minute"
    DECISION = "decision", "Decision"
    ACTION = "action", "Action"
