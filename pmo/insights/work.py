"""Early warning's part of the work queue (``pmo.core.work``): a project manager sees the early
warnings on their own active projects; the PMO officer and the PMO head see them on every active
project they may see — "Early warning on IT-131: Go live forecast later in 3 reports running…".
A serious signal is due today; lighter ones within the PMO's response days."""

from datetime import date
from typing import Any

from django.db.models import Q

from pmo.core.choices import Role
from pmo.core.links import Links
from pmo.core.permissions import has_role
from pmo.core.work import WorkItem, response_due, work_provider
from pmo.engine.early_warning import SERIOUS
from pmo.insights.early_warning import active, early_warnings, ranked
from pmo.portfolio.models import Project
from pmo.portfolio.selectors import person_id_of


@work_provider
def early_warning_work(user: Any, today: date) -> list[WorkItem]:
    """One item per project with early-warning signals that is ``user``'s to look at."""
    pmo = has_role(user, Role.PMO_OFFICER, Role.PMO_HEAD)
    mine = person_id_of(user)
    if not pmo and mine is None:
        return []
    projects = Project.objects.restrict(user, "view")
    links = Links("portfolio:project_detail", "--code--")
    if not pmo:
        projects = projects.filter(Q(project_manager_id=mine))
    return [
        WorkItem(
            key=f"early-warning:{warning.project.code}",
            kind="early-warning",
            title=f"Early warning on {warning.project.code}",
            due=today if max(s.weight for s in warning.signals) >= SERIOUS else response_due(today),
            url=links(warning.project.code),
            reason=warning.reason,
            project=warning.project.code,
            project_name=warning.project.name,
        )
        for warning in ranked(
            early_warnings(active(projects).only("pk", "code", "name", "planned_start"), today, reader=user)
        )
    ]
