from django.db import models


class Level(models.TextChoices):
    """Where a RAID item sits: the register it was raised in, or the one it is escalated to."""

    PROJECT = "project", "Project"
    PROGRAMME = "programme", "Programme"
    PORTFOLIO = "portfolio", "Portfolio"


LEVEL_ORDER = {Level.PROJECT: 0, Level.PROGRAMME: 1, Level.PORTFOLIO: 2}


class RiskKind(models.TextChoices):
    THREAT = "threat", "Threat"
    OPPORTUNITY = "opportunity", "Opportunity"


class RiskCategory(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    FINANCIAL = "financial", "Financial"
    COMMERCIAL = "commercial", "Commercial and supplier"
    TECHNICAL = "technical", "Technical"
    SECURITY = "security", "Information security"
    OPERATIONAL = "operational", "Operational"
    PEOPLE = "people", "People and resources"
    LEGAL = "legal", "Legal and regulatory"
    REPUTATIONAL = "reputational", "Reputational"
    SCHEDULE = "schedule", "Schedule"


class Proximity(models.TextChoices):
    IMMINENT = "imminent", "Imminent (within a month)"
    QUARTER = "quarter", "Within three months"
    YEAR = "year", "Within a year"
    LATER = "later", "More than a year away"


class RiskResponse(models.TextChoices):
    AVOID = "avoid", "Avoid"
    REDUCE = "reduce", "Reduce"
    FALLBACK = "fallback", "Fallback"
    TRANSFER = "transfer", "Transfer"
    SHARE = "share", "Share"
    ACCEPT = "accept", "Accept"
    EXPLOIT = "exploit", "Exploit"
    ENHANCE = "enhance", "Enhance"
    REJECT = "reject", "Reject"


THREAT_RESPONSES = frozenset(
    {
        RiskResponse.AVOID,
        RiskResponse.REDUCE,
        RiskResponse.FALLBACK,
        RiskResponse.TRANSFER,
        RiskResponse.SHARE,
        RiskResponse.ACCEPT,
    }
)
OPPORTUNITY_RESPONSES = frozenset(
    {RiskResponse.EXPLOIT, RiskResponse.ENHANCE, RiskResponse.SHARE, RiskResponse.REJECT}
)


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    OCCURRED = "occurred", "Occurred (now an issue)"
    CLOSED = "closed", "Closed"


class AssumptionStatus(models.TextChoices):
    UNVALIDATED = "unvalidated", "Not yet validated"
    VALID = "valid", "Validated: holds"
    INVALID = "invalid", "Validated: does not hold"
    CLOSED = "closed", "Closed"


class IssueType(models.TextChoices):
    REQUEST_FOR_CHANGE = "rfc", "Request for change"
    OFF_SPECIFICATION = "off_spec", "Off-specification"
    PROBLEM = "problem", "Problem or concern"


class Priority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Severity(models.TextChoices):
    CRITICAL = "critical", "Critical"
    MAJOR = "major", "Major"
    MODERATE = "moderate", "Moderate"
    MINOR = "minor", "Minor"


class IssueStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class DependencyStatus(models.TextChoices):
    OPEN = "open", "Open: on track"
    AT_RISK = "at_risk", "At risk"
    DELIVERED = "delivered", "Delivered"
    CLOSED = "closed", "Closed (no longer needed)"


class ActionSource(models.TextChoices):
    RAID_ITEM = "raid", "RAID item"
    MEETING = "meeting", "Meeting"
    EXCEPTION = "exception", "Exception"
    HEALTH_CHECK = "health_check", "Health check"
    OTHER = "other", "Other"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    MADE = "made", "Made"
    REVERSED = "reversed", "Reversed"
