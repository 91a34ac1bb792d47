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
