from django.db import models


class LessonCategory(models.TextChoices):
    GOVERNANCE = "governance", "Governance"
    PLANNING = "planning", "Planning and scheduling"
    SCOPE = "scope", "Scope"
    REQUIREMENTS = "requirements", "Requirements"
    SUPPLIER = "supplier", "Supplier and commercial"
    RESOURCING = "resourcing", "Resourcing"
    TECHNICAL = "technical", "Technical"
    STAKEHOLDERS = "stakeholders", "Stakeholders and communication"
    FINANCE = "finance", "Finance"
    QUALITY = "quality", "Quality and testing"
    RISK = "risk", "Risk management"
    BENEFITS = "benefits", "Benefits"
    SECURITY = "security", "Information security"
    LEGAL = "legal", "Legal and regulatory"


class LessonSource(models.TextChoices):
    ANY_TIME = "any_time", "Logged at any time"
    CLOSURE = "closure", "Closure workshop"
    GATE = "gate", "Gate review"
    HEALTH_CHECK = "health_check", "Health check"


class LessonStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


# A project's concerns, from its open risks' categories, as the lesson categories they fall in.
CATEGORY_OF_RISK = {
    "strategic": LessonCategory.GOVERNANCE,
    "financial": LessonCategory.FINANCE,
    "commercial": LessonCategory.SUPPLIER,
    "technical": LessonCategory.TECHNICAL,
    "security": LessonCategory.SECURITY,
    "operational": LessonCategory.QUALITY,
    "people": LessonCategory.RESOURCING,
    "legal": LessonCategory.LEGAL,
    "reputational": LessonCategory.STAKEHOLDERS,
    "schedule": LessonCategory.PLANNING,
}
