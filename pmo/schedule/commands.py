"""``pmo import schedule PROJECT FILE.xml`` and ``pmo export schedule PROJECT FILE.xml``: a
project's plan from and to MS Project XML on the command line (registered in ``apps.py``); the
import also reads ``.mpp`` and the other files MPXJ reads (``pmo.engine.project_files``)."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from pmo.portfolio.models import Project
from pmo.schedule import selectors, services
from pmo.schedule.models import Plan

NO_PROJECT = "No project has the code {code!r}, or you may not see it."
NO_PLAN = "{code} has no plan to export."
CHECKED = "{file} reads and schedules: {tasks:,} tasks, finishing {finish:%-d %b %Y}; nothing imported."


def _project(code: str, user: Any) -> Project:
    projects = Project.objects.all() if user is None else Project.objects.restrict(user, "view")
    project = projects.filter(code=code).first()
    if project is None:
        raise LookupError(NO_PROJECT.format(code=code))
    return project


def schedule_import(*, actor: Any, code: str, path: Path, dry_run: bool) -> str:
    """Import (or, ``dry_run``, read and schedule) the plan in ``path`` for project ``code``."""
    project = _project(code, actor)
    try:
        if dry_run:
            _, computed = services.plan_read(data=path.read_bytes(), filename=path.name)
            return CHECKED.format(file=path.name, tasks=len(computed.tasks), finish=computed.finish)
        plan = services.plan_import(actor=actor, project=project, data=path.read_bytes(), filename=path.name)
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from exc
    return str(plan.history.first().history_change_reason)


def schedule_export(*, user: Any, code: str) -> bytes:
    """Project ``code``'s plan as MS Project XML."""
    project = _project(code, user)
    plans = Plan.objects.all() if user is None else selectors.plan_list(user=user)
    plan = plans.filter(project=project).first()
    if plan is None:
        raise LookupError(NO_PLAN.format(code=code))
    return services.plan_export(plan=plan)
