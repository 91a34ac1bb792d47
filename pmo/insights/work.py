"""Early warning's part of the work queue (``pmo.core.work``): a project manager sees the early
warnings on their own active projects; the PMO officer and the PMO head see them on every active
project they may see — "Early warning on IT-131: Go live forecast later in 3 reports running…".
A serious signal is due today; lighter ones within the PMO's response days."""

from datetime import date
from typing import Any

from django.db.models import Q
from django.urls import reverse

from pmo.core.choices import Role
from pmo.core.links import Links
from pmo.core.permissions import has_role
from pmo.core.work import WorkItem, one_by_one, response_due, work_provider
from pmo.engine.early_warning import SERIOUS
from pmo.insights.early_warning import ProjectWarnings, active, early_warnings, ranked
from pmo.portfolio.models import Project
from pmo.portfolio.selectors import person_id_of

HEAVIEST_NAMED = 5  # the projects an item standing for many early warnings names


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
    warnings = ranked(
        early_warnings(active(projects).only("pk", "code", "name", "planned_start"), today, reader=user)
    )
    if not one_by_one(len(warnings)):
        return [_all_of(warnings, today)]
    return [
        WorkItem(
            key=f"early-warning:{warning.project.code}",
            kind="early-warning",
            title=f"Early warning on {warning.project.code}",
            due=_due(warning, today),
            url=links(warning.project.code),
            reason=warning.reason,
            project=warning.project.code,
            project_name=warning.project.name,
        )
        for warning in warnings
    ]


def _due(warning: ProjectWarnings, today: date) -> date:
    """A serious signal is due today, lighter ones within the PMO's response days."""
    return today if max(signal.weight for signal in warning.signals) >= SERIOUS else response_due(today)


def _all_of(warnings: list[ProjectWarnings], today: date) -> WorkItem:
    """One item for early warnings on more projects than a queue lists one by one, naming the
    heaviest, linking to the early-warnings page that lists them all."""
    serious = sum(_due(warning, today) == today for warning in warnings)
    heaviest = ", ".join(warning.project.code for warning in warnings[:HEAVIEST_NAMED])
    return WorkItem(
        key="early-warning:many",
        kind="early-warning",
        title=f"Look at early warnings on {len(warnings):,} projects",
        due=min(_due(warning, today) for warning in warnings),
        url=reverse("insights:early_warnings"),
        reason=f"{serious:,} serious; the heaviest on {heaviest}.",
    )
