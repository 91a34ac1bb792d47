"""What the Plan tab tells of the project's cross-project dependencies tied to plan tasks
(ADR 0044): the ties on this plan, each with the plans' dates and slip, and what slips elsewhere do
to this plan, in words; naming only projects the reader may see."""

from typing import Any

from django.db.models import Q

from pmo.portfolio.models import Project
from pmo.raid.models import Dependency
from pmo.schedule import crosslinks


def cross_project_context(user: Any, project: Project) -> dict[str, Any]:
    """The Plan tab's cross-project part: one query when nothing in the portfolio is tied, six
    when this plan is (the network's four, the ties the reader may see, the projects they may)."""
    network = crosslinks.cross_network()
    mine = [t for t in network.ties.values() if project.pk in (t.project_id, t.depends_on_id)]
    move = network.moves.get(project.pk)
    if not mine and move is None:
        return {}
    seen_ties = set(
        Dependency.objects.restrict(user, "view")
        .filter(Q(project=project) | Q(depends_on=project), pk__in=[t.dependency_id for t in mine])
        .values_list("pk", flat=True)
    )
    causes = {move.because.project_id} if move is not None else set()
    seen = set(Project.objects.restrict(user, "view").filter(pk__in=causes).values_list("pk", flat=True))
    seen.add(project.pk)
    ties = [
        {
            "tie": tie,
            "reference": f"DEP-{tie.dependency_id}",
            "incoming": tie.project_id == project.pk,
            "shift": network.shift_days(project.pk, tie.needing_uid or 0)
            if tie.project_id == project.pk
            else 0,
        }
        for tie in sorted(mine, key=lambda t: t.dependency_id)
        if tie.dependency_id in seen_ties
    ]
    return {"cross_ties": ties, "cross_move": move.sentence(seen) if move is not None else ""}
