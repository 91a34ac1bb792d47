from django.db import models


class Role(models.TextChoices):
    """The roles of a PMO. Each is a Django group of the same (label) name."""

    PMO_HEAD = "pmo_head", "PMO head"
    PMO_ANALYST = "pmo_analyst", "PMO analyst"
    PMO_OFFICER = "pmo_officer", "PMO officer"
    PROJECT_MANAGER = "project_manager", "Project manager"
    SPONSOR = "sponsor", "Sponsor"
    EXECUTIVE = "executive", "Executive"
    FINANCE_PARTNER = "finance_partner", "Finance partner"
    RESOURCE_MANAGER = "resource_manager", "Resource manager"


PMO_ROLES = frozenset({Role.PMO_HEAD.label, Role.PMO_ANALYST.label, Role.PMO_OFFICER.label})
