"""Lessons learned: logged at any time or at closure, found again, suggested to the projects they fit."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from pmo.core.models import DomainModel
from pmo.core.text_limits import DESCRIPTION, NOTE, BoundedTextField
from pmo.lessons.choices import LessonCategory, LessonSource, LessonStatus
from pmo.portfolio.choices import Methodology
from pmo.portfolio.models import OrgUnit, Project
from pmo.raid.models import Action, Decision, Issue, Risk


class Lesson(DomainModel):
    """What happened, its effect and cause, the early warnings and what to do next time: a
    project's (or the organisation's, with no project), published by the PMO into the library."""

    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lessons",
        help_text="The project it was learned on (none: the organisation's).",
    )
    title = models.CharField(max_length=200)
    event = BoundedTextField("what happened", limit=DESCRIPTION)
    effect = BoundedTextField(blank=True, limit=DESCRIPTION)
    cause = BoundedTextField(blank=True, limit=DESCRIPTION)
    early_warnings = BoundedTextField(blank=True, limit=DESCRIPTION)
    recommendation = BoundedTextField(limit=DESCRIPTION)
    category = models.CharField(max_length=20, choices=LessonCategory.choices)
    tags = models.CharField(max_length=300, blank=True, help_text="Words to find it by, separated by commas.")
    department = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lessons",
        help_text="Defaults to the project's.",
    )
    methodology = models.CharField(
        max_length=20, choices=Methodology.choices, blank=True, help_text="Defaults to the project's."
    )
    source = models.CharField(max_length=20, choices=LessonSource.choices, default=LessonSource.ANY_TIME)
    status = models.CharField(max_length=10, choices=LessonStatus.choices, default=LessonStatus.DRAFT)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    logged_on = models.DateField()
    risks = models.ManyToManyField(Risk, blank=True, related_name="lessons")
    issues = models.ManyToManyField(Issue, blank=True, related_name="lessons")
    actions = models.ManyToManyField(Action, blank=True, related_name="lessons")
    decisions = models.ManyToManyField(Decision, blank=True, related_name="lessons")

    history = HistoricalRecords(m2m_fields=[risks, issues, actions, decisions])

    class Meta:
        ordering = ["-logged_on", "-pk"]
        indexes = [models.Index(fields=["status", "category"]), models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"LL-{self.pk}" if self.pk else "LL-new"

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in (t.strip() for t in self.tags.split(",")) if tag]

    def get_absolute_url(self) -> str:
        return reverse("lessons:detail", args=[self.pk])


class LessonApplication(DomainModel):
    """A lesson a later project applied, and how (its note): shown on both, counted in the library."""

    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="applications")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="lesson_applications")
    note = BoundedTextField("how it was applied", limit=NOTE)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_on = models.DateField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-applied_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "project"], name="lesson_applied_once_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.lesson.reference} applied on {self.project.code}"

    def get_absolute_url(self) -> str:
        return self.lesson.get_absolute_url()
