"""Who may do what with project plans. Whoever sees a project sees its plan; its project manager
and the PMO import and replace it. Declared once, as a restriction (``pmo.core.restrict``)."""

from typing import Any

import rules
from django.db.models import Q

from pmo.core.permissions import is_pmo
from pmo.core.restrict import restriction, restricts, through
from pmo.portfolio.models import Project
from pmo.portfolio.rules import manages_project
from pmo.schedule.models import KeyMilestone, Plan, ScheduleRun


@restricts(Plan)
def plan_restriction(user: Any, action: str) -> Q:
    """A project's plan: whoever sees the project."""
    return through("project", restriction(Project, user, "view"))


@restricts(KeyMilestone)
def key_milestone_restriction(user: Any, action: str) -> Q:
    """A plan's key milestone flags: whoever sees the project."""
    return through("plan__project", restriction(Project, user, "view"))


@restricts(ScheduleRun)
def schedule_run_restriction(user: Any, action: str) -> Q:
    """A plan's schedule risk runs: whoever sees the project."""
    return through("project", restriction(Project, user, "view"))


rules.add_perm("schedule.add_plan", is_pmo | manages_project)
rules.add_perm("schedule.change_plan", is_pmo | manages_project)
