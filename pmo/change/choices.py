from django.db import models


class ChangeType(models.TextChoices):
    SCOPE = "scope", "Scope"
    TIME = "time", "Time"
    COST = "cost", "Cost"
    QUALITY = "quality", "Quality"


class ChangeStatus(models.TextChoices):
    RAISED = "raised", "Raised"
    ASSESSED = "assessed", "Assessed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred"
    IMPLEMENTED = "implemented", "Implemented"


# States from which a decision may be taken; a deferred change comes back for one.
DECIDABLE = frozenset({ChangeStatus.ASSESSED, ChangeStatus.DEFERRED})
OPEN_CHANGE_STATES = frozenset({ChangeStatus.RAISED, ChangeStatus.ASSESSED, ChangeStatus.DEFERRED})


class Authority(models.TextChoices):
    """Who may approve a change, by the size of its impact (delegated limits)."""

    PROJECT_MANAGER = "project_manager", "Project manager"
    SPONSOR = "sponsor", "Sponsor"
    BOARD = "board", "Board (recorded by the PMO head)"


AUTHORITY_ORDER = {Authority.PROJECT_MANAGER: 0, Authority.SPONSOR: 1, Authority.BOARD: 2}


class Decision(models.TextChoices):
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"
    DEFER = "defer", "Defer"
