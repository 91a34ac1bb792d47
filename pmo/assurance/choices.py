from django.db import models


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class HealthCheckStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    AGREED = "agreed", "Agreed"
    CLOSED = "closed", "Closed"


# States in which the assessor answers and records findings.
ASSESSING = frozenset({HealthCheckStatus.IN_PROGRESS})


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class ComplianceKind(models.TextChoices):
    """The catalogue of automatic checks a compliance rule can be (``pmo.engine.compliance.Kind``)."""

    REPORT_ON_TIME = "report_on_time", "Highlight report handed in for the current period"
    RAID_REVIEWED = "raid_reviewed", "Open risks and issues reviewed within N days"
    BASELINE_APPROVED = "baseline_approved", "Baseline approved"
    PLAN_CURRENT = "plan_current", "Plan imported and updated within N days"
    ACTIONS_NOT_OVERDUE = "actions_not_overdue", "No open RAID action past its due date"
    ROLES_ASSIGNED = "roles_assigned", "Sponsor and project manager assigned"
    BUDGET_APPROVED = "budget_approved", "Budget approved"
    FORECAST_CURRENT = "forecast_current", "Finance forecast made within N days"
    GATE_EVIDENCE = "gate_evidence", "Evidence for the next gate complete N days before it is due"


# The kinds whose N days matter.
DAYS_KINDS = frozenset(
    {
        ComplianceKind.RAID_REVIEWED,
        ComplianceKind.PLAN_CURRENT,
        ComplianceKind.FORECAST_CURRENT,
        ComplianceKind.GATE_EVIDENCE,
    }
)
