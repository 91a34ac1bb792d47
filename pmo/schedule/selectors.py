"""Reads of project plans, restricted to the projects the user may see; and what reporting reads
of a project's plan: its key milestones, its finish and its baseline (ADR 0042)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db.models import (
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from pmo.portfolio.models import Project
from pmo.schedule.models import (
    KeyMilestone,
    Plan,
    PlanBaseline,
    PlanCalendar,
    PlanTask,
    ScheduleRun,
    ScheduleRunTask,
    TaskRisk,
)

DONE = 100


def plan_list(*, user: Any) -> QuerySet[Plan]:
    """Every plan the user may see, with its project."""
    return Plan.objects.restrict(user, "view").select_related("project", "imported_by").defer("document")


def plan_of(*, user: Any, project: Project) -> Plan | None:
    """``project``'s plan, if it has one the user may see."""
    return plan_list(user=user).filter(project=project).first()


def task_list(*, user: Any) -> QuerySet[PlanTask]:
    """The tasks of every plan the user may see, each with its plan and project (but not the plan's
    MS Project document: megabytes a row for a plan of thousands of tasks, read only to change it)."""
    plans = Plan.objects.restrict(user, "view").values("pk")
    return PlanTask.objects.filter(plan__in=plans).select_related("plan__project").defer("plan__document")


def is_key() -> Exists:
    """A task row's condition of being flagged as a key milestone (by its UID in its plan)."""
    return Exists(KeyMilestone.objects.filter(plan=OuterRef("plan"), uid=OuterRef("uid"), key=True))


def milestone_list(*, user: Any) -> QuerySet[PlanTask]:
    """The milestones of every plan the user may see, each with ``key`` (flagged for reporting)."""
    return task_list(user=user).filter(milestone=True).annotate(key=is_key())


def key_milestones(plan: Plan) -> QuerySet[PlanTask]:
    """``plan``'s key milestones, soonest first."""
    return PlanTask.objects.filter(plan=plan, milestone=True).filter(is_key()).order_by("finish", "row")


@dataclass(frozen=True)
class PlannedMilestone:
    """A key milestone as the plan dates it now: its finish, and the day it was achieved (its
    actual finish) once complete; its baseline finish if the plan has one."""

    name: str
    finish: date
    achieved_on: date | None
    baseline: date | None


@dataclass(frozen=True)
class PlanForecast:
    """What a project's plan forecasts: its finish, its key milestones, and its baseline (start
    and finish of the baselined tasks) if it has one."""

    finish: date
    milestones: tuple[PlannedMilestone, ...]
    baseline_start: date | None
    baseline_finish: date | None


def _day(moment: Any) -> date | None:
    return None if moment is None else timezone.localdate(moment)


def plan_forecast(project: Project) -> PlanForecast | None:
    """``project``'s plan as reporting reads it (two queries), or None without a plan."""
    plan = Plan.objects.filter(project=project).only("finish").first()
    if plan is None:
        return None
    return _forecast(plan)


def _forecast(plan: Plan) -> PlanForecast:
    tasks = PlanTask.objects.filter(plan=plan)
    span = tasks.aggregate(start=Min("baseline_start"), finish=Max("baseline_finish"))
    milestones = tuple(
        PlannedMilestone(
            name=task.name,
            finish=task.finish_day,
            achieved_on=task.finish_day if task.percent_complete >= DONE else None,
            baseline=_day(task.baseline_finish),
        )
        for task in key_milestones(plan)
    )
    return PlanForecast(
        finish=plan.finish_day,
        milestones=milestones,
        baseline_start=_day(span["start"]),
        baseline_finish=_day(span["finish"]),
    )


@dataclass(frozen=True)
class PlanProgress:
    """How far a project's plan says its work has got: the working tasks' percent complete
    weighted by their durations (as MS Project rolls it up to the project), None when no task
    has a duration to weigh by; and the plan's status date."""

    percent_complete: Decimal | None
    status_date: date | None


def plan_progress(project_ids: Iterable[int]) -> dict[int, PlanProgress]:
    """The progress of each of the projects' plans, by project id (one query; a project without
    a plan is left out)."""
    working = Q(tasks__summary=False)
    weighted = ExpressionWrapper(
        F("tasks__duration") * F("tasks__percent_complete"),
        output_field=DecimalField(max_digits=30, decimal_places=4),
    )
    found = {}
    for project_id, status_date, done, planned in (
        Plan.objects.filter(project_id__in=list(project_ids))
        .annotate(done=Sum(weighted, filter=working), planned=Sum("tasks__duration", filter=working))
        .values_list("project_id", "status_date", "done", "planned")
    ):
        percent = None
        if planned:
            percent = min(max(Decimal(str(done or 0)) / Decimal(planned), Decimal(0)), Decimal(100))
        found[project_id] = PlanProgress(percent, _day(status_date))
    return found


def plans_updated(project_ids: Iterable[int]) -> dict[int, date]:
    """The day each of the projects' plans was last imported or changed, by project id (one
    query; a project without a plan is left out)."""
    return {
        project_id: timezone.localdate(updated)
        for project_id, updated in Plan.objects.filter(project_id__in=list(project_ids)).values_list(
            "project_id", "updated_at"
        )
    }


def key_milestone_names(project: Project) -> list[str]:
    """The names of ``project``'s key milestones, soonest first (none without a plan)."""
    return list(
        PlanTask.objects.filter(plan__project=project, milestone=True)
        .filter(is_key())
        .order_by("finish", "row")
        .values_list("name", flat=True)
    )


def overdue_key_milestones(projects: QuerySet[Any] | list[int], today: date) -> QuerySet[Any]:
    """The key milestones of ``projects``' plans (a queryset of projects, or their ids) not
    complete whose finish is before ``today``: rows of (project id, name, finish day, 1), to be
    read alone or with other milestones' rows (``union``)."""
    return _overdue_key_milestones(today, timezone.get_current_timezone()).filter(plan__project__in=projects)


@lru_cache(maxsize=8)
def _overdue_key_milestones(today: date, zone: tzinfo) -> QuerySet[Any]:
    """Every plan's key milestones late on ``today`` (in the time zone ``zone``), not yet
    narrowed to projects: built once a day, as building it took longer than running it. The
    queryset is never read itself, so nothing read is kept."""
    midnight = timezone.make_aware(datetime.combine(today, time.min), zone)
    return (
        PlanTask.objects.filter(milestone=True, finish__lt=midnight, percent_complete__lt=DONE)
        .filter(is_key())
        .order_by()
        .values_list("plan__project_id", "name", TruncDate("finish"), Value(1))
    )


def run_list(*, user: Any) -> QuerySet[ScheduleRun]:
    """The schedule risk runs the user may see, latest first, with their bins, tasks (the tasks
    most often critical first) and key milestones' forecasts (soonest first)."""
    return (
        ScheduleRun.objects.restrict(user, "view")
        .select_related("project", "run_by")
        .prefetch_related(
            "bins",
            Prefetch("tasks", queryset=ScheduleRunTask.objects.order_by("-criticality", "uid")),
            "milestones",
        )
    )


def latest_run(*, user: Any, project: Project) -> ScheduleRun | None:
    """``project``'s latest schedule risk run the user may see, with who made it (one query): what
    informs the delivery confidence on the reporting page."""
    return ScheduleRun.objects.restrict(user, "view").filter(project=project).select_related("run_by").first()


def task_risks_of(plan: Plan) -> list[TaskRisk]:
    """``plan``'s ties of RAID risks to tasks, each with its risk and ``task`` (the plan's task of
    that UID, None when a re-import removed it), in plan order (two queries)."""
    ties = list(TaskRisk.objects.filter(plan=plan).select_related("risk"))
    tasks = {task.uid: task for task in PlanTask.objects.filter(plan=plan, uid__in=[t.uid for t in ties])}
    for tie in ties:
        tie.task = tasks.get(tie.uid)  # type: ignore[attr-defined]
    return sorted(ties, key=lambda tie: (tie.task.row if tie.task else 0, tie.risk_id))  # type: ignore[attr-defined]


def estimates_of(plan: Plan) -> dict[int, Any]:
    """``plan``'s three-point estimates by task UID."""
    return {estimate.uid: estimate for estimate in plan.estimates.all()}


def calendar_list(*, user: Any) -> QuerySet[PlanCalendar]:
    """The working calendars of every plan the user may see, with their exceptions."""
    plans = Plan.objects.restrict(user, "view").values("pk")
    return (
        PlanCalendar.objects.filter(plan__in=plans)
        .select_related("plan__project")
        .defer("plan__document")
        .prefetch_related("exceptions")
        .order_by("plan__project__code", "uid")
    )


def baseline_list(*, user: Any) -> QuerySet[PlanBaseline]:
    """The saved baselines of the tasks of every plan the user may see, with their tasks."""
    plans = Plan.objects.restrict(user, "view").values("pk")
    return (
        PlanBaseline.objects.filter(task__plan__in=plans)
        .select_related("task__plan__project")
        .defer("task__plan__document")
        .order_by("task__plan__project__code", "task__row", "number")
    )
