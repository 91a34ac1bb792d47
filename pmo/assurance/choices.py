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
