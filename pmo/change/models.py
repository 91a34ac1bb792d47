"""Change control: requests to change a project's scope, time, cost or quality, assessed for
their impact and decided within delegated limits. An approved change with a time or cost
impact makes the project's next baseline version (``new_baseline``, and back again through
``Baseline.change_requests``)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pmo.change.choices import Authority, ChangeStatus, ChangeType
from pmo.core.models import DomainModel
from pmo.core.text_limits import DESCRIPTION, NOTE, BoundedTextField
from pmo.portfolio.models import Project
from pmo.raid.models import Issue
from pmo.reporting.models import Baseline

MAX_IMPACT_DAYS = 3650


class ChangeSettings(DomainModel):
    """The delegated limits: what a project manager may approve alone. Beyond that, the sponsor
    approves changes that stay within the project's time and cost tolerances; the board the rest."""

    pm_max_days = models.PositiveSmallIntegerField(
        "project manager may approve up to (days of delay)", default=5, validators=[MaxValueValidator(365)]
    )
    pm_max_cost = models.DecimalField(
        "project manager may approve up to (£ of cost)",
        max_digits=14,
        decimal_places=2,
        default=Decimal(5000),
        validators=[MinValueValidator(Decimal(0))],
    )
    sponsor_within_tolerance = models.BooleanField(
        "sponsor approves within the project's tolerances",
        default=True,
        help_text="Off: every change beyond the project manager's limits goes to the board.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "change control settings"
        verbose_name_plural = "change control settings"

    def __str__(self) -> str:
        return "Change control settings"

    def get_absolute_url(self) -> str:
        return reverse("change:settings")


class ChangeRequest(DomainModel):
    """A request for change: what and why, its impact, the options and a recommendation, then
    the decision and its implementation."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="change_requests")
    title = models.CharField(max_length=200)
    change_type = models.CharField("type", max_length=10, choices=ChangeType.choices)
    description = BoundedTextField(limit=DESCRIPTION)
    reason = BoundedTextField("reason for the change", limit=DESCRIPTION)
    issue = models.ForeignKey(
        Issue,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_requests",
        help_text="The request-for-change issue this came from, if any.",
    )
    status = models.CharField(max_length=12, choices=ChangeStatus.choices, default=ChangeStatus.RAISED)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_on = models.DateField()
    impact_days = models.IntegerField(
        "impact on time (days)",
        default=0,
        validators=[MinValueValidator(-MAX_IMPACT_DAYS), MaxValueValidator(MAX_IMPACT_DAYS)],
        help_text="Days the finish moves: later (+) or earlier (-), up to ten years either way.",
    )
    impact_cost = models.DecimalField(
        "impact on cost (£)",
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        help_text="Change to the budget at completion: more (+) or less (-).",
    )
    impact_benefits = models.DecimalField(
        "impact on benefits (£)",
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        help_text="Change to the benefits value: more (+) or less (-).",
    )
    impact_scope = BoundedTextField("impact on scope", blank=True, limit=DESCRIPTION)
    impact_risks = BoundedTextField("impact on risks", blank=True, limit=DESCRIPTION)
    options = BoundedTextField("options considered", blank=True, limit=DESCRIPTION)
    recommendation = BoundedTextField(blank=True, limit=DESCRIPTION)
    authority = models.CharField(
        "approval needed from",
        max_length=20,
        choices=Authority.choices,
        blank=True,
        help_text="Set by the assessment from the delegated limits.",
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_notes = BoundedTextField(blank=True, limit=NOTE)
    new_baseline = models.ForeignKey(
        Baseline, null=True, blank=True, on_delete=models.PROTECT, related_name="change_requests"
    )
    implemented_on = models.DateField(null=True, blank=True)
    implementation_notes = BoundedTextField(blank=True, limit=NOTE)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_on", "-pk"]
        indexes = [models.Index(fields=["project", "status"]), models.Index(fields=["status", "raised_on"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"CR-{self.pk}" if self.pk else "CR-new"

    def get_absolute_url(self) -> str:
        return reverse("change:detail", args=[self.pk])

    @property
    def changes_baseline(self) -> bool:
        return bool(self.impact_days) or bool(self.impact_cost) or bool(self.impact_benefits)
