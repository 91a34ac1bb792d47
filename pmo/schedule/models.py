"""Project plans (schedules): a project's tasks in their outline, their links, and the dates the
schedule engine (``pmo.engine.schedule``) works out from them on the plan's working calendars.

The plan's **document** (MS Project XML, as ``pmo.engine.mspdi`` writes it) is the plan: its
calendars, tasks, links, constraints, progress, baselines, custom fields, resources and
assignments. The task and link rows are what the pages, the API and the portfolio read of it,
written with the document every time it changes (ADR 0038); nothing edits them on their own."""

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from pmo.core.models import DomainModel
from pmo.engine.mspdi import MAX_BYTES
from pmo.portfolio.models import Project
from pmo.schedule.choices import Constraint, LinkType


class Plan(DomainModel):
    """A project's plan: one per project, replaced as a whole by each import."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="plan")
    name = models.CharField(max_length=255, blank=True)
    source_name = models.CharField("imported from", max_length=255, blank=True)
    document = models.BinaryField(
        max_length=MAX_BYTES, help_text="The plan as MS Project XML (MSPDI): a file, not text to edit."
    )
    start = models.DateTimeField("plan start")
    finish = models.DateTimeField("plan finish")
    status_date = models.DateTimeField(null=True, blank=True)
    tasks_count = models.PositiveIntegerField("tasks", default=0)
    critical_count = models.PositiveIntegerField("critical tasks", default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField()

    history = HistoricalRecords(excluded_fields=["document"])  # each version's file is large

    class Meta:
        ordering = ["project__code"]

    def __str__(self) -> str:
        return f"{self.project.code} plan"

    def get_absolute_url(self) -> str:
        return reverse("schedule:project", args=[self.project.code])

    @property
    def start_day(self) -> date:
        return timezone.localdate(self.start)

    @property
    def finish_day(self) -> date:
        return timezone.localdate(self.finish)


class PlanTask(models.Model):
    """One task of a plan as the schedule dates it (part of the plan: rewritten with it)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    uid = models.IntegerField("UID")
    row = models.PositiveIntegerField("ID")
    wbs = models.CharField("WBS", max_length=100, blank=True)
    outline_level = models.PositiveSmallIntegerField(default=1)
    parent_uid = models.IntegerField(null=True, blank=True)
    name = models.CharField(max_length=255, blank=True)
    duration = models.BigIntegerField(help_text="Working minutes (elapsed minutes for an elapsed duration).")
    duration_unit = models.CharField(max_length=20)
    summary = models.BooleanField(default=False)
    milestone = models.BooleanField(default=False)
    critical = models.BooleanField(default=False)
    percent_complete = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    start = models.DateTimeField()
    finish = models.DateTimeField()
    early_start = models.DateTimeField()
    early_finish = models.DateTimeField()
    late_start = models.DateTimeField()
    late_finish = models.DateTimeField()
    total_float = models.BigIntegerField(help_text="Working minutes.")
    free_float = models.BigIntegerField(help_text="Working minutes.")
    constraint = models.CharField(max_length=4, choices=Constraint.choices, default=Constraint.ASAP)
    constraint_date = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    baseline_start = models.DateTimeField(null=True, blank=True)
    baseline_finish = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "row"]
        constraints = [models.UniqueConstraint(fields=["plan", "uid"], name="plan_task_uid_unique")]

    def __str__(self) -> str:
        return self.name or f"Task {self.row}"

    @property
    def start_day(self) -> date:
        return timezone.localdate(self.start)

    @property
    def finish_day(self) -> date:
        return timezone.localdate(self.finish)


class PlanLink(models.Model):
    """A link between two tasks of a plan (part of the plan: rewritten with it)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="links")
    predecessor_uid = models.IntegerField()
    successor_uid = models.IntegerField()
    type = models.CharField(max_length=2, choices=LinkType.choices, default=LinkType.FS)
    lag = models.BigIntegerField(default=0, help_text="Working minutes; negative for a lead.")
    lag_percent = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "successor_uid", "predecessor_uid"]

    def __str__(self) -> str:
        return f"{self.predecessor_uid} {self.type} {self.successor_uid}"
