from django.db import models


class OrgUnitKind(models.TextChoices):
    DIRECTORATE = "directorate", "Directorate"
    DEPARTMENT = "department", "Department"
    SERVICE_AREA = "service_area", "Business service area"


class ProjectCategory(models.TextChoices):
    MANDATORY = "mandatory", "Mandatory / regulatory"
    SERVICE_IMPROVEMENT = "service_improvement", "Service improvement"
    TECHNICAL = "technical", "Technical / infrastructure"
    TRANSFORMATION = "transformation", "Business transformation"


class Methodology(models.TextChoices):
    WATERFALL = "waterfall", "Waterfall"
    AGILE = "agile", "Agile"
    HYBRID = "hybrid", "Hybrid"


class SizeTier(models.TextChoices):
    SMALL = "small", "Small"
    MEDIUM = "medium", "Medium"
    LARGE = "large", "Large"
    MAJOR = "major", "Major"


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class Priority(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
