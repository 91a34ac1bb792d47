"""Health checks (checkpoint assessments from questionnaires) and the PMO standards every project
is checked against.

A ``Questionnaire`` is versioned: its areas and questions are edited while it is a draft; once
published it is frozen, and a health check holds the version it was assessed against, so a
later version never changes an old check's questions or scores (ADR 0060)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pmo.assurance.choices import ComplianceKind, HealthCheckStatus, QuestionnaireStatus, Severity
from pmo.core.models import DomainModel
from pmo.core.text_limits import DESCRIPTION, NOTE, BoundedJSONField, BoundedTextField
from pmo.portfolio.choices import Methodology, SizeTier
from pmo.portfolio.models import LifecycleStage, Project
from pmo.raid.models import Action

DEFAULT_LEVELS = ["Not in place", "Weak", "Partly in place", "Largely in place", "Fully in place"]
LEVELS_TOO_FEW = "A scale needs at least two levels (the lowest scores 0)."
LEVELS_TOO_MANY = "A scale has at most 11 levels (0 to 10)."
LEVEL_BLANK = "Every level of the scale needs a label (level {level} has none)."
UNKNOWN_VALUES = "{values} {are} not one of {known}."
NOT_A_LIST = "Give a list of names (an empty list: all)."


class AssuranceSettings(DomainModel):
    """How often each project should have a health check (the PMO's work queue names those
    without one for longer)."""

    months_between_checks = models.PositiveSmallIntegerField(
        "a project should have a health check every (months)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "assurance settings"
        verbose_name_plural = "assurance settings"

    def __str__(self) -> str:
        return "Assurance settings"

    def get_absolute_url(self) -> str:
        return reverse("assurance:settings")


class Questionnaire(DomainModel):
    """A health check questionnaire, one version of it: areas of questions, each scored on the
    questionnaire's scale (``levels``: the label of each score from 0 up)."""

    name = models.CharField(max_length=120)
    number = models.PositiveSmallIntegerField("version", default=1)
    status = models.CharField(
        max_length=10, choices=QuestionnaireStatus.choices, default=QuestionnaireStatus.DRAFT
    )
    description = BoundedTextField(blank=True, limit=DESCRIPTION)
    levels = BoundedJSONField(
        "scoring scale",
        limit=NOTE,
        default=list,
        help_text="The label of each score, from 0 (the first) up to the top of the scale.",
    )
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The version this one was made from.",
    )
    published_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["name", "number"], name="assurance_questionnaire_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("assurance:questionnaire_detail", args=[self.pk])

    @property
    def maximum(self) -> int:
        """The top score of the scale."""
        return len(self.levels) - 1

    def clean(self) -> None:
        levels = self.levels
        if not isinstance(levels, list) or len(levels) < 2:
            raise ValidationError({"levels": LEVELS_TOO_FEW})
        if len(levels) > 11:
            raise ValidationError({"levels": LEVELS_TOO_MANY})
        for level, label in enumerate(levels):
            if not isinstance(label, str) or not label.strip():
                raise ValidationError({"levels": LEVEL_BLANK.format(level=level)})


class Area(DomainModel):
    """An area a questionnaire assesses (governance, planning, RAID, finance…)."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["questionnaire", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "name"], name="assurance_area_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.questionnaire.get_absolute_url()


class Question(DomainModel):
    """A question of an area, with guidance for the assessor on what good looks like."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300)
    guidance = BoundedTextField(blank=True, limit=NOTE)
    required = models.BooleanField(default=True, help_text="A check cannot be submitted without an answer.")
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["area__position", "area", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return self.area.get_absolute_url()


class HealthCheck(DomainModel):
    """A checkpoint assessment of a project against one questionnaire version: planned, answered
    (score and evidence per question), submitted with findings, agreed with the project
    manager's response, closed. ``scores`` keeps the engine's scores as submitted (per area and
    overall), for the trend and the portfolio view."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="health_checks")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="health_checks")
    status = models.CharField(
        max_length=12, choices=HealthCheckStatus.choices, default=HealthCheckStatus.PLANNED
    )
    planned_on = models.DateField("planned for")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    summary = BoundedTextField("summary of findings", blank=True, limit=DESCRIPTION)
    overall = models.DecimalField("overall score (%)", max_digits=4, decimal_places=1, null=True, blank=True)
    scores = BoundedJSONField(default=dict, blank=True, limit=NOTE, help_text="Area → percent, as submitted.")
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response = BoundedTextField("project manager's response", blank=True, limit=DESCRIPTION)
    closed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-planned_on", "-pk"]
        indexes = [models.Index(fields=["project", "status"]), models.Index(fields=["status", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.project.code}"

    @property
    def reference(self) -> str:
        return f"HC-{self.pk}" if self.pk else "HC-new"

    def get_absolute_url(self) -> str:
        return reverse("assurance:check_detail", args=[self.pk])


class Answer(DomainModel):
    """The assessor's answer to one question of a check: a score on the scale and the evidence."""

    health_check = models.ForeignKey(HealthCheck, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence = BoundedTextField(blank=True, limit=NOTE)
    evidence_link = models.URLField(blank=True, max_length=500)

    history = HistoricalRecords()

    class Meta:
        ordering = ["question__area__position", "question__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["health_check", "question"], name="assurance_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.score if self.score is not None else '—'}"

    def get_absolute_url(self) -> str:
        return self.health_check.get_absolute_url()


class Finding(DomainModel):
    """What the assessor found in an area, how serious, and what they recommend; a
    recommendation becomes a RAID action (``action``), whose status the check shows."""

    health_check = models.ForeignKey(HealthCheck, on_delete=models.CASCADE, related_name="findings")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="findings")
    severity = models.CharField(max_length=10, choices=Severity.choices)
    text = BoundedTextField("finding", limit=NOTE)
    recommendation = BoundedTextField(blank=True, limit=NOTE)
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["health_check", "pk"]

    def __str__(self) -> str:
        return f"{self.get_severity_display()}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return self.health_check.get_absolute_url()


def _known(values: object, known: list[str]) -> None:
    if not isinstance(values, list):
        raise ValidationError(NOT_A_LIST)
    unknown = [str(v) for v in values if v not in known]
    if unknown:
        raise ValidationError(
            UNKNOWN_VALUES.format(
                values=", ".join(unknown), are="is" if len(unknown) == 1 else "are", known=", ".join(known)
            )
        )


def tiers_valid(values: list[str]) -> None:
    _known(values, list(SizeTier.values))


def methodologies_valid(values: list[str]) -> None:
    _known(values, list(Methodology.values))


class ComplianceRule(DomainModel):
    """A PMO standard every project is checked against, continuously: one automatic check of the
    catalogue (``kind``), its N days where it has them, its weight in the project's compliance
    score, and the size tiers, methodologies and lifecycle stages (by name) it applies to (all
    where none is named). Disabled rules are not judged. The PMO head keeps them (ADR 0062)."""

    kind = models.CharField(max_length=25, choices=ComplianceKind.choices, unique=True)
    name = models.CharField(max_length=150)
    description = BoundedTextField(blank=True, limit=DESCRIPTION)
    enabled = models.BooleanField(default=True)
    days = models.PositiveSmallIntegerField(
        "within (days)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="For the rules that have N days: RAID reviewed, plan updated, forecast made.",
    )
    weight = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="How much the rule counts in the score (1 to 10).",
    )
    size_tiers = BoundedJSONField(
        default=list, blank=True, limit=NOTE, validators=[tiers_valid], help_text="Empty: every size tier."
    )
    methodologies = BoundedJSONField(
        default=list,
        blank=True,
        limit=NOTE,
        validators=[methodologies_valid],
        help_text="Empty: every methodology.",
    )
    stages = BoundedJSONField(
        "lifecycle stages", default=list, blank=True, limit=NOTE, help_text="Empty: every stage."
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assurance:compliance_rule_edit", args=[self.pk])

    def clean(self) -> None:
        if isinstance(self.stages, list) and self.stages:
            try:
                _known(self.stages, list(LifecycleStage.objects.values_list("name", flat=True)))
            except ValidationError as error:
                raise ValidationError({"stages": error.messages}) from error
        elif not isinstance(self.stages, list):
            raise ValidationError({"stages": NOT_A_LIST})
