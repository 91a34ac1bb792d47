"""Reads of project plans, restricted to the projects the user may see."""

from typing import Any

from django.db.models import Prefetch, QuerySet

from pmo.portfolio.models import Project
from pmo.schedule.models import Plan, PlanTask, ScheduleRun, ScheduleRunTask


def plan_list(*, user: Any) -> QuerySet[Plan]:
    """Every plan the user may see, with its project."""
    return Plan.objects.restrict(user, "view").select_related("project", "imported_by").defer("document")


def plan_of(*, user: Any, project: Project) -> Plan | None:
    """``project``'s plan, if it has one the user may see."""
    return plan_list(user=user).filter(project=project).first()


def task_list(*, user: Any) -> QuerySet[PlanTask]:
    """The tasks of every plan the user may see."""
    plans = Plan.objects.restrict(user, "view").values("pk")
    return PlanTask.objects.filter(plan__in=plans).select_related("plan__project")


def run_list(*, user: Any) -> QuerySet[ScheduleRun]:
    """The schedule risk runs the user may see, latest first, with their bins and tasks (the
    tasks most often critical first)."""
    return (
        ScheduleRun.objects.restrict(user, "view")
        .select_related("project", "run_by")
        .prefetch_related(
            "bins", Prefetch("tasks", queryset=ScheduleRunTask.objects.order_by("-criticality", "uid"))
        )
    )


def estimates_of(plan: Plan) -> dict[int, Any]:
    """``plan``'s three-point estimates by task UID."""
    return {estimate.uid: estimate for estimate in plan.estimates.all()}
