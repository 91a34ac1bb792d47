import calendar

from django.db import models


class SpendType(models.TextChoices):
    """Capital (capex: builds an asset) or revenue (opex: runs the service)."""

    CAPITAL = "capital", "Capital (capex)"
    REVENUE = "revenue", "Revenue (opex)"


class BudgetStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"


MONTHS = [(number, calendar.month_name[number]) for number in range(1, 13)]
"""The months a financial year may start with, by number."""
