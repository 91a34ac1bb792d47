"""The RAID registers: risks, assumptions, issues, dependencies, actions and decisions.

Each item is raised in one register (a project's, a programme's or a portfolio's) and may be
escalated up a level (project → programme → portfolio), where the higher register shows it too.
Every item keeps history and a version (``pmo.core.models.DomainModel``); its reference
(``RSK-12``) is the register's prefix and its number, which an Excel re-import matches on."""

from datetime import date, timedelta
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pmo.core import clock
from pmo.core.models import DomainModel
from pmo.core.text_limits import DESCRIPTION, NOTE, BoundedTextField
from pmo.engine.risk import Matrix
from pmo.portfolio.models import Person, Portfolio, Programme, Project
from pmo.raid.choices import (
    OPPORTUNITY_RESPONSES,
    THREAT_RESPONSES,
    ActionSource,
    ActionStatus,
    AssumptionStatus,
    DecisionStatus,
    DependencyStatus,
    IssueStatus,
    IssueType,
    Level,
    Priority,
    Proximity,
    RiskCategory,
    RiskKind,
    RiskResponse,
    RiskStatus,
    Severity,
)

ONE_REGISTER = "An item belongs to exactly one register: a project, a programme or a portfolio."
ESCALATED_FROM_PORTFOLIO = "A portfolio item is already at the top level: it cannot be escalated."
ESCALATED_TO_OWN_LEVEL = "A {level} item can only be escalated to a higher level."
WRONG_RESPONSE = "{response} is not a response to {kind}: use one of {allowed}."
DEPENDS_ON_ITSELF = "A project cannot depend on itself."
PROJECT_DEPENDENCY_ONLY = "Only a project's dependency can name the project it depends on."
NEEDS_PROVIDER = "Say whom this depends on: a project in the register or a named provider."
NEGATIVE_COST = "This cannot be negative."
BAD_LIKELIHOODS = "Give one whole-number percentage per probability level, separated by commas."

not_negative = [MinValueValidator(Decimal(0), NEGATIVE_COST)]


def _parse_likelihoods(text: str) -> tuple[Decimal, ...]:
    try:
        values = tuple(Decimal(part.strip()) for part in text.split(",") if part.strip())
    except ArithmeticError as exc:
        raise ValidationError({"likelihoods": BAD_LIKELIHOODS}) from exc
    if not all(value.is_finite() for value in values):  # "NaN" and "Infinity" parse as decimals
        raise ValidationError({"likelihoods": BAD_LIKELIHOODS})
    return values


class RaidSettings(DomainModel):
    """How the PMO scores and reviews RAID items: one row, edited by the PMO head."""

    probability_levels = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(3), MaxValueValidator(10)]
    )
    impact_levels = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(3), MaxValueValidator(10)]
    )
    medium_from = models.PositiveSmallIntegerField(
        "medium band starts at score",
        default=5,
        help_text="Scores (probability × impact) from here are medium.",
    )
    high_from = models.PositiveSmallIntegerField(
        "high band starts at score",
        default=15,
        help_text="Scores from here are high: they count as high risks.",
    )
    likelihoods = models.CharField(
        "likelihood of each probability level (%)",
        max_length=100,
        default="5, 20, 40, 60, 85",
        help_text="Used for a risk's expected value: likelihood × cost impact.",
    )
    stale_days = models.PositiveSmallIntegerField(
        "an open item is stale after (days without review)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "RAID settings"
        verbose_name_plural = "RAID settings"

    def __str__(self) -> str:
        return "RAID settings"

    def get_absolute_url(self) -> str:
        return reverse("raid:settings")

    @property
    def matrix(self) -> Matrix:
        return Matrix(
            probability_levels=self.probability_levels,
            impact_levels=self.impact_levels,
            medium_from=self.medium_from,
            high_from=self.high_from,
            likelihoods=_parse_likelihoods(self.likelihoods),
        )

    def clean(self) -> None:
        try:
            self.matrix  # noqa: B018  (builds and so validates the matrix)
        except ValueError as exc:
            field = "likelihoods" if "likelihood" in str(exc) else "high_from"
            raise ValidationError({field: str(exc)}) from exc

    def stale_before(self, today: date) -> date:
        """An open item last reviewed before this day is stale."""
        return today - timedelta(days=self.stale_days)


class RaidItem(DomainModel):
    """What every register's items share. ``due`` is each register's own deadline (a risk's next
    review, an assumption's validation date, an issue's target, a dependency's need-by date, an
    action's due date)."""

    PREFIX: ClassVar[str] = ""
    KIND: ClassVar[str] = ""
    OPEN_STATUSES: ClassVar[frozenset[str]] = frozenset()

    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    portfolio = models.ForeignKey(
        Portfolio, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    description = BoundedTextField(blank=True, limit=DESCRIPTION)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_on = models.DateField("date raised", default=clock.today)
    status = models.CharField(max_length=12)  # each register declares its own choices
    due = models.DateField(null=True, blank=True)
    last_reviewed_on = models.DateField("last reviewed", null=True, blank=True)
    escalated_to = models.CharField(
        max_length=10,
        choices=[(Level.PROGRAMME.value, "Programme"), (Level.PORTFOLIO.value, "Portfolio")],
        blank=True,
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_note = BoundedTextField(blank=True, limit=NOTE)
    closed_on = models.DateField(null=True, blank=True)
    closure_note = BoundedTextField("resolution or closure note", blank=True, limit=NOTE)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"{self.PREFIX}-{self.pk}" if self.pk else f"{self.PREFIX}-new"

    @property
    def level(self) -> Level:
        """The register the item was raised in."""
        if self.project_id:
            return Level.PROJECT
        return Level.PROGRAMME if self.programme_id else Level.PORTFOLIO

    @property
    def shown_at(self) -> Level:
        """The highest register that shows the item."""
        return Level(self.escalated_to) if self.escalated_to else self.level

    @property
    def home(self) -> Project | Programme | Portfolio:
        return self.project or self.programme or self.portfolio  # type: ignore[return-value]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_past_due(self, today: date) -> bool:
        return self.is_open and self.due is not None and self.due < today

    def is_stale(self, stale_before: date) -> bool:
        return self.is_open and (self.last_reviewed_on or self.raised_on) < stale_before

    def clean(self) -> None:
        if sum(bool(x) for x in (self.project_id, self.programme_id, self.portfolio_id)) != 1:
            raise ValidationError(ONE_REGISTER)
        if self.escalated_to:
            if self.level == Level.PORTFOLIO:
                raise ValidationError({"escalated_to": ESCALATED_FROM_PORTFOLIO})
            if self.escalated_to == self.level:
                raise ValidationError(
                    {"escalated_to": ESCALATED_TO_OWN_LEVEL.format(level=self.level.label.lower())}
                )

    def get_absolute_url(self) -> str:
        return reverse("raid:item_detail", args=[self.KIND, self.pk])

    @classmethod
    def register_indexes(cls, name: str) -> list[models.Index]:
        return [
            models.Index(fields=["project", "status"], name=f"{name}_project_status"),
            # Covers the overview's open, stale and past-due counts: read from the index alone.
            models.Index(
                fields=["status", "due", "last_reviewed_on", "raised_on"], name=f"{name}_status_dates"
            ),
        ]


class Risk(RaidItem):
    """A threat or opportunity: cause, event and effect, scored before (inherent) and after
    (residual) its response."""

    PREFIX = "RSK"
    KIND = "risks"
    OPEN_STATUSES = frozenset({RiskStatus.OPEN})

    kind = models.CharField(max_length=12, choices=RiskKind.choices, default=RiskKind.THREAT)
    category = models.CharField(max_length=20, choices=RiskCategory.choices)
    cause = BoundedTextField(blank=True, limit=NOTE)
    event = BoundedTextField(blank=True, limit=NOTE)
    effect = BoundedTextField(blank=True, limit=NOTE)
    actionee = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who carries out the response, where that is not the owner.",
    )
    inherent_probability = models.PositiveSmallIntegerField()
    inherent_impact = models.PositiveSmallIntegerField()
    residual_probability = models.PositiveSmallIntegerField()
    residual_impact = models.PositiveSmallIntegerField()
    # Probability × impact, computed by the database on every write (one place, whatever writes
    # the row: a save, a bulk insert or update, a migration), so lists sort and the heat map counts
    # on stored columns. See docs/adr/0016-raid-registers.md.
    inherent_score = models.GeneratedField(
        expression=models.F("inherent_probability") * models.F("inherent_impact"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    residual_score = models.GeneratedField(
        expression=models.F("residual_probability") * models.F("residual_impact"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    proximity = models.CharField(max_length=10, choices=Proximity.choices, default=Proximity.YEAR)
    response = models.CharField("response category", max_length=10, choices=RiskResponse.choices, blank=True)
    response_plan = BoundedTextField(blank=True, limit=DESCRIPTION)
    response_cost = models.DecimalField(
        "cost of the response (£)",
        null=True,
        blank=True,
        max_digits=14,
        decimal_places=2,
        validators=not_negative,
    )
    cost_impact = models.DecimalField(
        "cost impact if it happens (£)",
        null=True,
        blank=True,
        max_digits=14,
        decimal_places=2,
        validators=not_negative,
    )
    expected_value = models.DecimalField(
        "expected value (£)",
        null=True,
        blank=True,
        max_digits=14,
        decimal_places=2,
        editable=False,
        help_text="Likelihood of the residual probability × cost impact.",
    )
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    due = models.DateField("next review", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-residual_score", "pk"]
        indexes = [
            *RaidItem.register_indexes("risk"),
            models.Index(fields=["status", "residual_score"], name="risk_status_score"),
            # The heat maps group open risks by cell; the themes and category filters count by category.
            models.Index(
                fields=["status", "residual_probability", "residual_impact"], name="risk_residual_cell"
            ),
            models.Index(
                fields=["status", "inherent_probability", "inherent_impact"], name="risk_inherent_cell"
            ),
            models.Index(fields=["status", "category", "residual_score"], name="risk_status_category"),
        ]

    def clean(self) -> None:
        super().clean()
        if self.response:
            allowed = OPPORTUNITY_RESPONSES if self.kind == RiskKind.OPPORTUNITY else THREAT_RESPONSES
            if self.response not in allowed:
                names = ", ".join(sorted(RiskResponse(r).label.lower() for r in allowed))
                raise ValidationError(
                    {
                        "response": WRONG_RESPONSE.format(
                            response=RiskResponse(self.response).label,
                            kind="a threat" if self.kind == RiskKind.THREAT else "an opportunity",
                            allowed=names,
                        )
                    }
                )


class Assumption(RaidItem):
    """Something taken as true for planning, until its validation owner confirms it."""

    PREFIX = "ASM"
    KIND = "assumptions"
    OPEN_STATUSES = frozenset({AssumptionStatus.UNVALIDATED, AssumptionStatus.INVALID})

    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name="validation owner"
    )
    consequence = BoundedTextField("consequence if it does not hold", blank=True, limit=NOTE)
    status = models.CharField(
        max_length=12, choices=AssumptionStatus.choices, default=AssumptionStatus.UNVALIDATED
    )
    due = models.DateField("validate by", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "pk"]
        indexes = RaidItem.register_indexes("assumption")


class Issue(RaidItem):
    """Something that has happened and needs managing: a request for change, an
    off-specification, or a problem or concern."""

    PREFIX = "ISS"
    KIND = "issues"
    OPEN_STATUSES = frozenset({IssueStatus.OPEN, IssueStatus.IN_PROGRESS})

    issue_type = models.CharField("type", max_length=10, choices=IssueType.choices, default=IssueType.PROBLEM)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MODERATE)
    status = models.CharField(max_length=12, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    due = models.DateField("resolve by", null=True, blank=True)
    raised_from = models.ForeignKey(
        Risk,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="issues_raised",
        help_text="The risk that occurred and became this issue.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "pk"]
        indexes = RaidItem.register_indexes("issue")


class Dependency(RaidItem):
    """Something the project needs from another project or from outside, by a date. The
    project depends on ``depends_on`` (another project) or on ``provider`` (anyone else)."""

    PREFIX = "DEP"
    KIND = "dependencies"
    OPEN_STATUSES = frozenset({DependencyStatus.OPEN, DependencyStatus.AT_RISK})

    depends_on = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dependants",
        verbose_name="depends on project",
    )
    provider = models.CharField("provider (outside the register)", max_length=200, blank=True)
    milestone = models.CharField(
        "milestone it feeds",
        max_length=150,
        blank=True,
        help_text="The milestone of this project that needs it.",
    )
    status = models.CharField(max_length=10, choices=DependencyStatus.choices, default=DependencyStatus.OPEN)
    due = models.DateField("needed by", null=True, blank=True)
    giving_task_uid = models.IntegerField(
        "task delivering it",
        null=True,
        blank=True,
        help_text="The task or milestone of the other project's plan whose finish delivers it (its UID).",
    )
    needing_task_uid = models.IntegerField(
        "task needing it",
        null=True,
        blank=True,
        help_text="The task of this project's plan whose start needs it (its UID).",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name_plural = "dependencies"
        indexes = RaidItem.register_indexes("dependency")

    def clean(self) -> None:
        super().clean()
        if self.depends_on_id:
            if not self.project_id:
                raise ValidationError({"depends_on": PROJECT_DEPENDENCY_ONLY})
            if self.depends_on_id == self.project_id:
                raise ValidationError({"depends_on": DEPENDS_ON_ITSELF})
        elif not self.provider.strip():
            raise ValidationError({"depends_on": NEEDS_PROVIDER})


class Action(RaidItem):
    """Something one person must do by a date, wherever it came from."""

    PREFIX = "ACT"
    KIND = "actions"
    OPEN_STATUSES = frozenset({ActionStatus.OPEN})

    source = models.CharField(max_length=15, choices=ActionSource.choices, default=ActionSource.OTHER)
    source_reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="The RAID item (e.g. RSK-12), meeting, exception or health check.",
    )
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    due = models.DateField("due date", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "pk"]
        indexes = RaidItem.register_indexes("action")


class Decision(RaidItem):
    """What was decided, by whom, when and why, with the options considered."""

    PREFIX = "DEC"
    KIND = "decisions"
    OPEN_STATUSES = frozenset({DecisionStatus.PROPOSED})

    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name="decided by")
    decided_on = models.DateField(null=True, blank=True)
    rationale = BoundedTextField("why", blank=True, limit=DESCRIPTION)
    options_considered = BoundedTextField(blank=True, limit=DESCRIPTION)
    status = models.CharField(max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.MADE)
    due = models.DateField("decision needed by", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "pk"]
        indexes = RaidItem.register_indexes("decision")


REGISTERS: dict[str, type[RaidItem]] = {
    model.KIND: model for model in (Risk, Assumption, Issue, Dependency, Action, Decision)
}
BY_PREFIX: dict[str, type[RaidItem]] = {model.PREFIX: model for model in REGISTERS.values()}
