from django.db import models


class Cadence(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    FORTNIGHTLY = "fortnightly", "Fortnightly"


class StatusScale(models.TextChoices):
    RAG = "rag", "Red / amber / green"
    DELIVERY_CONFIDENCE = "dca", "Delivery confidence (five points)"


class Rating(models.TextChoices):
    """A status on either scale: RAG uses green, amber and red; delivery confidence all five."""

    GREEN = "green", "Green"
    AMBER_GREEN = "amber_green", "Amber/green"
    AMBER = "amber", "Amber"
    AMBER_RED = "amber_red", "Amber/red"
    RED = "red", "Red"


RAG_RATINGS = (Rating.GREEN, Rating.AMBER, Rating.RED)
# Worse ratings sort higher.
RATING_ORDER = {rating: index for index, rating in enumerate(Rating)}


class PeriodStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned with comments"
    ACCEPTED = "accepted", "Accepted"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Superseded by a revision"


# A report in one of these states is a snapshot: never edited, only revised.
FROZEN_REPORT_STATES = frozenset(
    {
        ReportStatus.SUBMITTED,
        ReportStatus.RETURNED,
        ReportStatus.ACCEPTED,
        ReportStatus.PUBLISHED,
        ReportStatus.SUPERSEDED,
    }
)
# States in which a report counts as handed in for its period.
HANDED_IN_STATES = frozenset({ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.PUBLISHED})


class ReportDimension(models.TextChoices):
    """The areas a highlight report rates."""

    SCHEDULE = "schedule", "Schedule"
    COST = "cost", "Cost"
    SCOPE = "scope", "Scope"
    RISKS = "risks", "Risks and issues"
    RESOURCES = "resources", "Resources"
    BENEFITS = "benefits", "Benefits"


class ToleranceDimension(models.TextChoices):
    """The areas a tolerance covers (PRINCE2's six), with the unit its allowance is in."""

    TIME = "time", "Time"
    COST = "cost", "Cost"
    SCOPE = "scope", "Scope"
    QUALITY = "quality", "Quality"
    RISK = "risk", "Risk"
    BENEFITS = "benefits", "Benefits"


TOLERANCE_UNITS = {
    ToleranceDimension.TIME: "days",
    ToleranceDimension.COST: "£",
    ToleranceDimension.SCOPE: "percentage points of scope",
    ToleranceDimension.QUALITY: "acceptance criteria at risk",
    ToleranceDimension.RISK: "open high risks",
    ToleranceDimension.BENEFITS: "£",
}


class ToleranceDirection(models.TextChoices):
    """Which deviation from the baseline a tolerance counts."""

    ONE_WAY = "one_way", "One way: only a deviation for the worse"
    BOTH = "both", "Both ways (±): early or under counts as well as late or over"


# A tolerance's direction unless the PMO chooses: both ways where the figure can move either way
# and a PMO wants to hear of both (an early finish or an underspend beyond tolerance means the
# plan no longer holds, as PRINCE2's ± tolerances say); one way where only one way is news
# (counts from zero cannot fall below it; more benefits than planned is no exception).
DEFAULT_DIRECTIONS = {
    ToleranceDimension.TIME: ToleranceDirection.BOTH,
    ToleranceDimension.COST: ToleranceDirection.BOTH,
    ToleranceDimension.SCOPE: ToleranceDirection.BOTH,
    ToleranceDimension.QUALITY: ToleranceDirection.ONE_WAY,
    ToleranceDimension.RISK: ToleranceDirection.ONE_WAY,
    ToleranceDimension.BENEFITS: ToleranceDirection.ONE_WAY,
}


class ToleranceState(models.TextChoices):
    WITHIN = "within", "Within tolerance"
    FORECAST_TO_BREACH = "forecast_to_breach", "Forecast to breach"
    BREACHED = "breached", "Breached"


class ExceptionStatus(models.TextChoices):
    RAISED = "raised", "Raised"
    REPORT_REQUESTED = "report_requested", "Exception report requested"
    REPORT_SUBMITTED = "report_submitted", "Exception report submitted"
    DECIDED = "decided", "Decided"


class ExceptionDecision(models.TextChoices):
    NEW_BASELINE = "new_baseline", "Approve a new baseline"
    CORRECTIVE_ACTION = "corrective_action", "Corrective action plan"
    STOP = "stop", "Stop / close the project"


class BaselineSource(models.TextChoices):
    PMO = "pmo", "Set by the PMO"
    EXCEPTION = "exception", "Exception decision"
    CHANGE_REQUEST = "change_request", "Approved change request"
