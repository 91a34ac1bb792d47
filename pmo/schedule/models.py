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
from pmo.schedule.choices import Constraint, Distribution, LinkType


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
    baseline_numbers = models.CharField(
        "baselines",
        max_length=40,
        blank=True,
        help_text="Numbers of its tasks' saved baselines: 0,1,2.",
    )

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

    @property
    def saved_baselines(self) -> list[int]:
        return [int(n) for n in self.baseline_numbers.split(",") if n.isdecimal()]


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

    @property
    def baseline_finish_day(self) -> date | None:
        return timezone.localdate(self.baseline_finish) if self.baseline_finish else None


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


class TaskEstimate(models.Model):
    """A three-point estimate of one task of a plan, in working minutes (part of the plan's
    schedule risk). Kept by the task's UID, so it survives a re-import of the plan; the estimate
    of a UID no longer in the plan is not used. Written by ``task_estimates_set``."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="estimates")
    uid = models.IntegerField("UID")
    minimum = models.PositiveBigIntegerField(help_text="Working minutes.")
    likely = models.PositiveBigIntegerField("most likely", help_text="Working minutes.")
    maximum = models.PositiveBigIntegerField(help_text="Working minutes.")
    distribution = models.CharField(
        max_length=10, choices=Distribution.choices, default=Distribution.TRIANGULAR
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["plan", "uid"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "uid"], name="task_estimate_uid_unique"),
            models.CheckConstraint(
                condition=models.Q(minimum__lte=models.F("likely"), likely__lte=models.F("maximum")),
                name="task_estimate_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Task {self.uid}: {self.minimum}/{self.likely}/{self.maximum}"


class TaskRisk(models.Model):
    """An open RAID risk of the project tied to a task of its plan with a schedule impact in
    working minutes (minimum / most likely / maximum; all three equal for one figure; negative
    for an opportunity): a schedule risk run adds it to the task in the iterations where the risk
    occurs, with the likelihood of its residual probability. Kept by the task's UID, as estimates
    are; one task per risk. Written by ``task_risk_set``."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="task_risks")
    risk = models.ForeignKey("raid.Risk", on_delete=models.CASCADE, related_name="+")
    uid = models.IntegerField("UID")
    minimum = models.BigIntegerField(help_text="Working minutes.")
    likely = models.BigIntegerField("most likely", help_text="Working minutes.")
    maximum = models.BigIntegerField(help_text="Working minutes.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["plan", "uid", "risk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "risk"], name="task_risk_unique"),
            models.CheckConstraint(
                condition=models.Q(minimum__lte=models.F("likely"), likely__lte=models.F("maximum")),
                name="task_risk_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Risk {self.risk_id} on task {self.uid}"

    @property
    def impact_days(self) -> str:
        """The delay in days of eight hours: "5", or "1 / 2.5 / 6" (minimum / most likely / maximum)."""
        points = (self.likely,) if self.minimum == self.maximum else (self.minimum, self.likely, self.maximum)
        return " / ".join(f"{p / 480:.2f}".rstrip("0").rstrip(".") for p in points)


class KeyMilestone(DomainModel):
    """A plan's milestone flagged (``key``) or unflagged for portfolio reporting by the project's
    manager or the PMO: key milestones pre-fill the highlight report, count in the evidence when
    overdue and are drawn on the milestone trend. Kept by the task's UID, so the flag survives a
    re-import of the plan (ADR 0042); the flag of a UID no longer a milestone of the plan is not
    used. Written by ``key_milestones_set``; each change is in its history."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="key_milestones")
    uid = models.IntegerField("UID")
    name = models.CharField(max_length=255, blank=True, help_text="The milestone's name when last set.")
    key = models.BooleanField("key milestone", default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "uid"]
        constraints = [models.UniqueConstraint(fields=["plan", "uid"], name="key_milestone_uid_unique")]

    def __str__(self) -> str:
        return f"{self.name or f'Task {self.uid}'} ({'key' if self.key else 'not key'})"

    def get_absolute_url(self) -> str:
        return reverse("schedule:project", args=[self.plan.project.code])


class ScheduleRun(DomainModel):
    """One Monte Carlo simulation of a project's plan with its three-point estimates: when the
    plan is likely to finish (P10/P50/P80/P90) and its chance of meeting the baseline finish. Its
    histogram and each task's criticality and sensitivity are its rows (``bins``, ``tasks``)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="schedule_runs")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="runs")
    plan_version = models.PositiveIntegerField(help_text="The plan's version the run simulated.")
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    run_at = models.DateTimeField()
    iterations = models.PositiveIntegerField()
    seed = models.PositiveBigIntegerField(help_text="The same seed and estimates give the same result.")
    estimates_count = models.PositiveIntegerField("tasks estimated", default=0)
    risks_count = models.PositiveIntegerField("RAID risks on tasks", default=0)
    target = models.DateTimeField(
        "baseline finish", null=True, blank=True, help_text="The finish the chance is of: the baseline's."
    )
    target_chance = models.FloatField(
        "chance of the baseline finish", null=True, blank=True, help_text="From 0 to 1."
    )
    deterministic = models.DateTimeField("scheduled finish")
    p10 = models.DateTimeField("P10 finish")
    p50 = models.DateTimeField("P50 finish")
    p80 = models.DateTimeField("P80 finish")
    p90 = models.DateTimeField("P90 finish")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-run_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project.code} schedule risk run of {timezone.localtime(self.run_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("schedule:risk", args=[self.project.code])

    @property
    def forecast(self) -> list[tuple[str, date]]:
        """The finish's percentiles as days: ("P10", 11 Jan 2027)…"""
        return [(f"P{n}", timezone.localdate(getattr(self, f"p{n}"))) for n in (10, 50, 80, 90)]

    @property
    def p80_day(self) -> date:
        return timezone.localdate(self.p80)

    @property
    def target_percent(self) -> float | None:
        return None if self.target_chance is None else self.target_chance * 100

    @property
    def p80_slip_days(self) -> int | None:
        """Days the P80 finish falls after the baseline finish (negative: before), or None
        without a baseline."""
        if self.target is None:
            return None
        return (self.p80_day - timezone.localdate(self.target)).days


class ScheduleRunBin(models.Model):
    """A bar of a run's histogram: how many iterations finish from ``start`` to before ``end``
    (whole days), and the share finished by ``end`` (the S-curve). Part of the run."""

    run = models.ForeignKey(ScheduleRun, on_delete=models.CASCADE, related_name="bins")
    start = models.DateField()
    end = models.DateField(help_text="The day after the bar's last day.")
    count = models.PositiveIntegerField()
    cumulative = models.FloatField(help_text="Share of iterations finished by the end, 0 to 1.")

    class Meta:
        ordering = ["run", "start"]

    def __str__(self) -> str:
        return f"{self.start}: {self.count}"


class ScheduleRunTask(models.Model):
    """A task's part in a run: its criticality index (share of iterations in which it is critical)
    and, if its duration was uncertain, its sensitivity (rank correlation with the finish: the
    tornado). Part of the run; named as the plan named it then."""

    run = models.ForeignKey(ScheduleRun, on_delete=models.CASCADE, related_name="tasks")
    uid = models.IntegerField("UID")
    name = models.CharField(max_length=255, blank=True)
    criticality = models.FloatField(help_text="Share of iterations critical, 0 to 1.")
    sensitivity = models.FloatField(
        null=True, blank=True, help_text="Rank correlation with the finish, -1 to 1."
    )

    class Meta:
        ordering = ["run", "-criticality", "uid"]

    def __str__(self) -> str:
        return self.name or f"Task {self.uid}"

    @property
    def criticality_percent(self) -> float:
        return self.criticality * 100


class ScheduleRunMilestone(models.Model):
    """A key milestone's forecast in a run: the date by which 10, 50, 80 and 90% of iterations
    have reached it, its scheduled finish and its baseline finish (if the plan has one). Part of
    the run; named as the plan named it then."""

    run = models.ForeignKey(ScheduleRun, on_delete=models.CASCADE, related_name="milestones")
    uid = models.IntegerField("UID")
    name = models.CharField(max_length=255, blank=True)
    deterministic = models.DateTimeField("scheduled finish")
    baseline = models.DateTimeField("baseline finish", null=True, blank=True)
    baseline_chance = models.FloatField(
        "chance of the baseline",
        null=True,
        blank=True,
        help_text="The share of iterations (0-1) reaching it by its baseline finish (empty: no baseline).",
    )
    p10 = models.DateTimeField("P10")
    p50 = models.DateTimeField("P50")
    p80 = models.DateTimeField("P80")
    p90 = models.DateTimeField("P90")

    class Meta:
        ordering = ["run", "deterministic", "uid"]

    def __str__(self) -> str:
        return self.name or f"Task {self.uid}"

    @property
    def forecast(self) -> list[tuple[str, date]]:
        """The milestone's percentiles as days: ("P10", 11 Jan 2027)…"""
        return [(f"P{n}", timezone.localdate(getattr(self, f"p{n}"))) for n in (10, 50, 80, 90)]

    @property
    def scheduled_day(self) -> date:
        return timezone.localdate(self.deterministic)

    @property
    def baseline_day(self) -> date | None:
        return None if self.baseline is None else timezone.localdate(self.baseline)

    @property
    def baseline_percent(self) -> float | None:
        return None if self.baseline_chance is None else self.baseline_chance * 100


class PlanBaseline(models.Model):
    """One of MS Project's saved baselines (0-10) of a task, with its variances against the task's
    dates as scheduled (part of the plan: rewritten with its task rows, ADR 0043). Variances are
    working minutes of the task's calendar, positive when the task is later or longer."""

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="baselines")
    number = models.PositiveSmallIntegerField(
        help_text="0 is MS Project's Baseline; 1-10 Baseline1-Baseline10."
    )
    start = models.DateTimeField(null=True, blank=True)
    finish = models.DateTimeField(null=True, blank=True)
    duration = models.BigIntegerField(null=True, blank=True, help_text="Working minutes.")
    work = models.BigIntegerField(null=True, blank=True, help_text="Working minutes of work.")
    cost = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    start_variance = models.BigIntegerField(null=True, blank=True, help_text="Working minutes.")
    finish_variance = models.BigIntegerField(null=True, blank=True, help_text="Working minutes.")
    duration_variance = models.BigIntegerField(null=True, blank=True, help_text="Working minutes.")

    class Meta:
        ordering = ["task", "number"]
        constraints = [models.UniqueConstraint(fields=["task", "number"], name="plan_baseline_unique")]

    def __str__(self) -> str:
        return f"{self.task} baseline {self.number}"


class PlanCalendar(models.Model):
    """A working calendar of a plan as its document has it (part of the plan: rewritten with it):
    working hours per weekday (``"08:00-12:00, 13:00-17:00"``, blank for a day off) and how MS
    Project converts durations; its exceptions are rows of their own."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="calendars")
    uid = models.IntegerField("UID")
    name = models.CharField(max_length=255, blank=True)
    plan_calendar = models.BooleanField(
        "the plan's calendar", default=False, help_text="Tasks without a calendar of their own work on it."
    )
    minutes_per_day = models.PositiveIntegerField(default=480)
    minutes_per_week = models.PositiveIntegerField(default=2400)
    days_per_month = models.PositiveIntegerField(default=20)
    monday = models.CharField(max_length=200, blank=True)
    tuesday = models.CharField(max_length=200, blank=True)
    wednesday = models.CharField(max_length=200, blank=True)
    thursday = models.CharField(max_length=200, blank=True)
    friday = models.CharField(max_length=200, blank=True)
    saturday = models.CharField(max_length=200, blank=True)
    sunday = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["plan", "uid"]
        constraints = [models.UniqueConstraint(fields=["plan", "uid"], name="plan_calendar_uid_unique")]

    def __str__(self) -> str:
        return self.name or f"Calendar {self.uid}"


class PlanCalendarException(models.Model):
    """Days of a calendar that differ from its working week, from ``start`` to ``finish``: days off
    (``hours`` blank; a UK bank holiday named) or days with other working hours."""

    calendar = models.ForeignKey(PlanCalendar, on_delete=models.CASCADE, related_name="exceptions")
    start = models.DateField()
    finish = models.DateField()
    hours = models.CharField(max_length=200, blank=True, help_text="Blank: not working.")
    name = models.CharField(max_length=100, blank=True, help_text="The UK bank holiday it is, if one.")

    class Meta:
        ordering = ["calendar", "start"]

    def __str__(self) -> str:
        return f"{self.start} to {self.finish}: {self.hours or 'not working'}"
