"""The reporting cycle: periods, highlight reports, baselines, tolerances, tolerance checks and
exceptions (whose corrective actions live in the RAID actions register). Every domain record
keeps history and a version."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pmo.core.models import DomainModel
from pmo.core.restrict import RestrictedQuerySet
from pmo.core.text_limits import DESCRIPTION, NOTE, BoundedJSONField, BoundedTextField
from pmo.engine.tolerance import SIGNS, Direction
from pmo.portfolio.choices import SizeTier
from pmo.portfolio.models import Portfolio, Project
from pmo.reporting.choices import (
    TOLERANCE_UNITS,
    BaselineSource,
    Cadence,
    ExceptionDecision,
    ExceptionStatus,
    PeriodStatus,
    Rating,
    ReportStatus,
    StatusScale,
    ToleranceDimension,
    ToleranceDirection,
    ToleranceState,
)

PERIOD_END_BEFORE_START = "A period must end on or after the day it starts."
DUE_BEFORE_END = "A report cannot be due before its period ends."
NEGATIVE_FORECAST_COST = "The forecast cost at completion cannot be negative."
NEGATIVE_AMOUNT = "This cannot be negative."
NEEDS_ALLOWANCE = "Give an absolute allowance, a percentage, or both."
ONE_SCOPE = "A default tolerance applies either to a size tier or to a portfolio, not both."
DEFAULT_EXISTS = "There is already a default for that dimension there: edit it instead of adding another."
NO_SCOPE = "Choose the size tier or the portfolio this default applies to."
COUNT_NOT_PERCENT = (
    "A {dimension} tolerance counts {unit}: give it as an absolute allowance, not a percentage."
)
# Dimensions measured as a count from a baseline of zero, where a percentage means nothing.
COUNTED_DIMENSIONS = (ToleranceDimension.QUALITY, ToleranceDimension.RISK)
# The deviation for the worse, which a one-way tolerance counts: later, dearer, more scope
# (creep), more acceptance criteria at risk, more open high risks; fewer benefits.
WORSE_WAY = dict.fromkeys(ToleranceDimension, Direction.OVER) | {ToleranceDimension.BENEFITS: Direction.UNDER}

not_negative = [MinValueValidator(Decimal(0), NEGATIVE_AMOUNT)]


class ReportingSettings(DomainModel):
    """How the PMO runs its cycle: one row, edited by the PMO head."""

    cadence = models.CharField(max_length=20, choices=Cadence.choices, default=Cadence.MONTHLY)
    status_scale = models.CharField(max_length=10, choices=StatusScale.choices, default=StatusScale.RAG)
    due_days_after_period_end = models.PositiveSmallIntegerField(
        "report due (days after the period ends)", default=5, validators=[MaxValueValidator(60)]
    )
    reminder_days_before_due = models.PositiveSmallIntegerField(
        "first reminder (days before the due date)", default=3, validators=[MaxValueValidator(30)]
    )
    warning_band = models.DecimalField(
        "forecast-to-breach warning (share of tolerance used)",
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.80"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text="A dimension using at least this share of its tolerance is 'forecast to breach'.",
    )
    exception_report_days = models.PositiveSmallIntegerField(
        "exception report due (days after the breach)", default=10, validators=[MaxValueValidator(60)]
    )
    stale_report_days = models.PositiveSmallIntegerField(
        "evidence: report older than (days) counts against status", default=45
    )
    # Early warning (pmo.engine.early_warning): where each trend starts to count.
    early_slip_reports = models.PositiveSmallIntegerField(
        "early warning: milestone forecast later in (reports running)",
        default=3,
        validators=[MaxValueValidator(24)],
    )
    early_slip_share = models.DecimalField(
        "early warning: milestone slip (share of time tolerance)",
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(1))],
    )
    early_creep_reports = models.PositiveSmallIntegerField(
        "early warning: cost forecast up in (reports running)", default=3, validators=[MaxValueValidator(24)]
    )
    early_creep_share = models.DecimalField(
        "early warning: cost creep (share of cost tolerance)",
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(1))],
    )
    early_confidence_falls = models.PositiveSmallIntegerField(
        "early warning: confidence down in (reports without recovering)",
        default=2,
        validators=[MaxValueValidator(12)],
    )
    early_late_reports = models.PositiveSmallIntegerField(
        "early warning: reports late or missing (count)", default=3, validators=[MaxValueValidator(24)]
    )
    early_late_window = models.PositiveSmallIntegerField(
        "early warning: … of the last (reports due)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    early_dependency_days = models.PositiveSmallIntegerField(
        "early warning: dependency forecast after need by (days)",
        default=14,
        validators=[MaxValueValidator(365)],
    )
    early_raid_overdue_days = models.PositiveSmallIntegerField(
        "early warning: a RAID item weighs more for each (days past its date)",
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="An item less than this past its date weighs nothing yet; each whole step weighs more.",
    )
    early_raid_points = models.PositiveSmallIntegerField(
        "early warning: RAID left alone from (points)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text="Each open item left alone weighs its severity (low 1, medium 2, high 4) times its age "
        "in steps (stale periods unreviewed or steps past its date, at most 4).",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "reporting settings"
        verbose_name_plural = "reporting settings"

    def __str__(self) -> str:
        return "Reporting settings"

    def get_absolute_url(self) -> str:
        return reverse("reporting:settings")


class ReportingPeriod(DomainModel):
    """One turn of the cycle: every active project owes one highlight report by ``due``."""

    start = models.DateField(unique=True)
    end = models.DateField()
    due = models.DateField(help_text="The day reports for this period are due.")
    status = models.CharField(max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="period_end_after_start",
                violation_error_message=PERIOD_END_BEFORE_START,
            ),
        ]

    def __str__(self) -> str:
        if (self.end - self.start).days >= 27:
            return self.start.strftime("%B %Y")
        return f"{self.start:%-d %b} to {self.end:%-d %b %Y}"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": PERIOD_END_BEFORE_START})
        if self.end and self.due and self.due < self.end:
            raise ValidationError({"due": DUE_BEFORE_END})

    def get_absolute_url(self) -> str:
        return reverse("reporting:period_detail", args=[self.pk])

    def is_overdue(self, today: date) -> bool:
        return today > self.due


class HighlightReport(DomainModel):
    """A project manager's report for one period (PRINCE2 highlight report).

    Once submitted a report is a snapshot: corrections are a new ``revision`` that supersedes it.
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="highlight_reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    revision = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    overall_status = models.CharField(max_length=12, choices=Rating.choices, blank=True)
    schedule_status = models.CharField(max_length=12, choices=Rating.choices, blank=True)
    cost_status = models.CharField(max_length=12, choices=Rating.choices, blank=True)
    scope_status = models.CharField(max_length=12, choices=Rating.choices, blank=True)
    risks_status = models.CharField(
        "risks and issues status", max_length=12, choices=Rating.choices, blank=True
    )
    resources_status = models.CharField(max_length=12, choices=Rating.choices, blank=True)
    benefits_status = models.CharField(max_length=12, choices=Rating.choices, blank=True)
    summary = BoundedTextField("status summary", blank=True, limit=DESCRIPTION)
    achievements = BoundedTextField("achievements this period", blank=True, limit=DESCRIPTION)
    next_period_plan = BoundedTextField("plan for next period", blank=True, limit=DESCRIPTION)
    forecast_finish = models.DateField(null=True, blank=True)
    forecast_cost = models.DecimalField(
        "forecast cost at completion (£)",
        null=True,
        blank=True,
        validators=not_negative,
        max_digits=14,
        decimal_places=2,
    )
    forecast_benefits = models.DecimalField(
        "forecast benefits (£)",
        null=True,
        blank=True,
        validators=not_negative,
        max_digits=14,
        decimal_places=2,
    )
    scope_change_percent = models.DecimalField(
        "forecast scope change (%)",
        max_digits=6,
        decimal_places=1,
        default=Decimal(0),
        help_text="Deliverables added (+) or removed (-) against the baseline scope, in percent.",
    )
    quality_criteria_at_risk = models.PositiveSmallIntegerField("acceptance criteria at risk", default=0)
    high_risks_open = models.PositiveSmallIntegerField(
        "open high risks",
        default=0,
        help_text="From the project's risk register when it keeps one in the system; else as declared.",
    )
    high_risks_from_register = models.BooleanField(
        "open high risks counted from the risk register",
        default=False,
        editable=False,
        help_text="Set by the system: the figure is the risk register's, fixed on submission.",
    )
    change_requests = BoundedTextField("requests for change", blank=True, limit=DESCRIPTION)
    key_risks_issues = BoundedTextField("key risks and issues", blank=True, limit=DESCRIPTION)
    raid_references = models.CharField(
        "RAID items cited",
        max_length=500,
        blank=True,
        help_text="The project's RAID items the report cites, by reference: e.g. RSK-12, ISS-3.",
    )
    support_needed = BoundedTextField("support or decisions needed", blank=True, limit=DESCRIPTION)
    lessons = BoundedTextField("lessons", blank=True, limit=DESCRIPTION)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comments = BoundedTextField(blank=True, limit=NOTE)
    published_at = models.DateTimeField(null=True, blank=True)
    tolerance_status = models.CharField(
        max_length=20,
        choices=ToleranceState.choices,
        blank=True,
        help_text="The tolerance verdict on this report's forecasts, fixed when it was submitted.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period__start", "project__code", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period", "revision"], name="report_revision_unique"),
            models.CheckConstraint(
                condition=models.Q(forecast_cost__gte=0) | models.Q(forecast_cost__isnull=True),
                name="report_forecast_cost_not_negative",
                violation_error_message=NEGATIVE_FORECAST_COST,
            ),
        ]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self) -> str:
        suffix = f" (revision {self.revision})" if self.revision > 1 else ""
        return f"{self.project.code} highlight report, {self.period}{suffix}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:report_detail", args=[self.pk])


class ReportMilestone(models.Model):
    """A key milestone as a highlight report forecasts it; part of the report's snapshot (its
    history is the report's: milestones change only while the report is a draft)."""

    NAME_LENGTH = 150

    report = models.ForeignKey(HighlightReport, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=NAME_LENGTH)
    forecast = models.DateField("forecast date")
    achieved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["forecast", "name"]

    def __str__(self) -> str:
        return self.name


class Baseline(DomainModel):
    """A version of a project's approved plan. Versions are never changed; a new approval makes
    a new one (``number`` counts them per project)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="baselines")
    number = models.PositiveSmallIntegerField("baseline version")
    finish = models.DateField("baseline finish")
    budget_at_completion = models.DecimalField(
        "budget at completion (£)", validators=not_negative, max_digits=14, decimal_places=2
    )
    scope_summary = BoundedTextField(blank=True, limit=DESCRIPTION)
    benefits_value = models.DecimalField(
        "benefits value (£)", default=0, validators=not_negative, max_digits=14, decimal_places=2
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField()
    reason = BoundedTextField(help_text="Why this baseline was approved.", limit=DESCRIPTION)
    source = models.CharField(max_length=20, choices=BaselineSource.choices, default=BaselineSource.PMO)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="baseline_number_unique"),
            models.CheckConstraint(
                condition=models.Q(budget_at_completion__gte=0), name="baseline_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} baseline v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:baseline_detail", args=[self.pk])


class BaselineMilestone(models.Model):
    """A key milestone date in a baseline (part of the baseline, which never changes)."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=150)
    due = models.DateField("baseline date")

    class Meta:
        ordering = ["due", "name"]
        constraints = [models.UniqueConstraint(fields=["baseline", "name"], name="baseline_milestone_unique")]

    def __str__(self) -> str:
        return self.name


class ToleranceBase(DomainModel):
    dimension = models.CharField(max_length=10, choices=ToleranceDimension.choices)
    absolute = models.DecimalField(
        "absolute allowance", null=True, blank=True, validators=not_negative, max_digits=14, decimal_places=2
    )
    percent = models.DecimalField(
        "percentage of baseline",
        null=True,
        blank=True,
        validators=not_negative,
        max_digits=6,
        decimal_places=2,
    )
    direction = models.CharField(
        max_length=10,
        choices=ToleranceDirection.choices,
        default=ToleranceDirection.BOTH,
        help_text="One way counts only a deviation for the worse (later, dearer, fewer benefits); "
        "both ways counts an early finish or an underspend beyond the allowance too.",
    )

    class Meta:
        abstract = True

    @property
    def engine_direction(self) -> Direction:
        """The deviation the tolerance engine counts for this tolerance."""
        if self.direction == ToleranceDirection.BOTH:
            return Direction.EITHER
        return WORSE_WAY[ToleranceDimension(self.dimension)]

    @property
    def sign(self) -> str:
        """How its allowance is written: +28 days (over only), -£5,000 (under only), ±10%."""
        return SIGNS[self.engine_direction]

    def clean(self) -> None:
        if self.absolute is None and self.percent is None:
            raise ValidationError(NEEDS_ALLOWANCE)
        if self.dimension in COUNTED_DIMENSIONS and self.percent is not None:
            raise ValidationError(
                {
                    "percent": COUNT_NOT_PERCENT.format(
                        dimension=self.get_dimension_display().lower(),
                        unit=TOLERANCE_UNITS[ToleranceDimension(self.dimension)],
                    )
                }
            )


class Tolerance(ToleranceBase):
    """A project's own tolerance for one dimension, overriding the defaults."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tolerances")

    history = HistoricalRecords()

    class Meta:
        ordering = ["project__code", "dimension"]
        constraints = [models.UniqueConstraint(fields=["project", "dimension"], name="tolerance_unique")]

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_dimension_display().lower()} tolerance"

    def get_absolute_url(self) -> str:
        return reverse("reporting:project_tolerances", args=[self.project.code])


class ToleranceDefault(ToleranceBase):
    """The tolerance a project gets for a dimension unless it has its own: by portfolio first,
    then by size tier."""

    size_tier = models.CharField(max_length=10, choices=SizeTier.choices, blank=True)
    portfolio = models.ForeignKey(
        Portfolio, null=True, blank=True, on_delete=models.CASCADE, related_name="tolerance_defaults"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["portfolio__name", "size_tier", "dimension"]
        constraints = [
            models.UniqueConstraint(
                fields=["size_tier", "dimension"],
                condition=models.Q(portfolio__isnull=True),
                name="tolerance_default_tier_unique",
                violation_error_message=DEFAULT_EXISTS,
            ),
            models.UniqueConstraint(
                fields=["portfolio", "dimension"],
                condition=models.Q(portfolio__isnull=False),
                name="tolerance_default_portfolio_unique",
                violation_error_message=DEFAULT_EXISTS,
            ),
        ]

    def __str__(self) -> str:
        scope = self.portfolio if self.portfolio_id else f"{self.get_size_tier_display()} projects"
        return f"{self.get_dimension_display()} tolerance for {scope}"

    def clean(self) -> None:
        super().clean()
        if self.portfolio_id and self.size_tier:
            raise ValidationError(ONE_SCOPE)
        if not self.portfolio_id and not self.size_tier:
            raise ValidationError(NO_SCOPE)

    def get_absolute_url(self) -> str:
        return reverse("reporting:tolerance_defaults")


class ToleranceVerdict(models.Model):
    """The tolerance engine's verdict on one dimension, with the figures that prove it."""

    dimension = models.CharField(max_length=10, choices=ToleranceDimension.choices)
    status = models.CharField(max_length=20, choices=ToleranceState.choices)
    baseline_value = models.DecimalField(max_digits=16, decimal_places=2)
    forecast_value = models.DecimalField(max_digits=16, decimal_places=2)
    allowance = models.DecimalField(max_digits=16, decimal_places=2)
    used = models.DecimalField("share of tolerance used", max_digits=12, decimal_places=4, null=True)
    explanation = models.CharField(max_length=300)

    class Meta:
        abstract = True


VERDICT_FIELDS = tuple(field.name for field in ToleranceVerdict._meta.fields)
"""A verdict's fields, as the check tables store it and the API shows it."""


class ToleranceCheck(ToleranceVerdict):
    """The latest verdict on one dimension of a project, recomputed by the tolerance engine
    whenever a forecast, baseline or tolerance changes. Derived data: the reports, baselines and
    tolerances it comes from keep the history."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tolerance_checks")
    assessed_at = models.DateTimeField()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["project__code", "dimension"]
        constraints = [
            models.UniqueConstraint(fields=["project", "dimension"], name="tolerance_check_unique")
        ]

    def __str__(self) -> str:
        return self.explanation


class ReportToleranceCheck(ToleranceVerdict):
    """One dimension's tolerance verdict on a highlight report's forecasts as it stood when the
    report was submitted: part of the report's snapshot (its history is the report's), written
    once on submission and never changed, so the report and its PDF show what was true then
    whatever the baseline or tolerances have become. A draft has none: it shows the live checks."""

    report = models.ForeignKey(HighlightReport, on_delete=models.CASCADE, related_name="tolerance_checks")

    class Meta:
        ordering = ["report", "dimension"]
        constraints = [
            models.UniqueConstraint(fields=["report", "dimension"], name="report_tolerance_check_unique")
        ]

    def __str__(self) -> str:
        return self.explanation


class ProjectException(DomainModel):
    """A tolerance breach escalated beyond the project manager: the exception, the PM's
    exception report and the sponsor's (or board's) decision. One open exception per project.
    Its corrective actions are RAID actions of the project (source "exception", source reference
    this exception's ``reference``)."""

    PREFIX = "EXC"

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="exceptions")
    status = models.CharField(max_length=20, choices=ExceptionStatus.choices, default=ExceptionStatus.RAISED)
    dimensions = models.CharField(max_length=100, help_text="The dimensions in breach, comma-separated.")
    breach_summary = BoundedTextField(help_text="The figures that prove the breach.", limit=DESCRIPTION)
    raised_at = models.DateTimeField()
    raised_from = models.ForeignKey(
        HighlightReport, null=True, blank=True, on_delete=models.PROTECT, related_name="exceptions_raised"
    )
    evm = BoundedJSONField(
        "earned value at the breach",
        limit=NOTE,
        default=dict,
        blank=True,
        help_text="The project's earned value figures when a cost or time breach was raised (from finance).",
    )
    report_due = models.DateField("exception report due", null=True, blank=True)
    cause = BoundedTextField(blank=True, limit=DESCRIPTION)
    consequences = BoundedTextField(blank=True, limit=DESCRIPTION)
    options = BoundedTextField(
        blank=True,
        help_text="Each option with its effect on the business case, risks and tolerances.",
        limit=DESCRIPTION,
    )
    recommendation = BoundedTextField(blank=True, limit=DESCRIPTION)
    report_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report_submitted_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=20, choices=ExceptionDecision.choices, blank=True)
    decision_notes = BoundedTextField(blank=True, limit=NOTE)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    new_baseline = models.ForeignKey(
        Baseline, null=True, blank=True, on_delete=models.PROTECT, related_name="from_exceptions"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = "exception"
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=~models.Q(status=ExceptionStatus.DECIDED),
                name="one_open_exception_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} exception ({self.dimensions})"

    def get_absolute_url(self) -> str:
        return reverse("reporting:exception_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != ExceptionStatus.DECIDED

    @property
    def reference(self) -> str:
        """How the RAID registers name the exception (an action's source reference): EXC-7."""
        return f"{self.PREFIX}-{self.pk}"
