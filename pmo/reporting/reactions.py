"""What reporting does when another app's write changes figures it judges (``pmo.core.reactions``,
ADR 0052): the cost tolerance judges finance's EAC, so a ledger load, a budget approved, a
forecast made or a month closed judges the projects' tolerances again at once, not at their
next report."""

from pmo.core.reactions import COST_FIGURES, reaction
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Project
from pmo.reporting.services import tolerances_evaluate_all


@reaction(COST_FIGURES)
def tolerances_rejudge(project_ids: list[int]) -> None:
    """Judge the tolerances of the active projects among ``project_ids`` again
    (``tolerances_evaluate_all``: the checks stored, a new breach raised as an exception that
    keeps the project's earned value figures). A fixed number of queries, whatever the number of
    projects, plus the raising of each new exception."""
    projects = Project.objects.filter(pk__in=project_ids, status=ProjectStatus.ACTIVE).only(
        "code", "name", "portfolio", "size_tier", "planned_start"
    )
    tolerances_evaluate_all(list(projects))
