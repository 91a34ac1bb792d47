"""Reads of project plans, restricted to the projects the user may see."""

from typing import Any

from django.db.models import QuerySet

from pmo.portfolio.models import Project
from pmo.schedule.models import Plan, PlanLink, PlanTask


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


def plan_links(plan: Plan) -> QuerySet[PlanLink]:
    return plan.links.all()
