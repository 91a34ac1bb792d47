"""Steps an upgrade takes once ``migrate`` has brought the database to the installed code."""

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Project
from pmo.reporting.services import tolerances_evaluate_all

# Applying it means the stored tolerance checks were judged by older rules (migration docstring).
REJUDGE_AFTER = ("reporting", "0011_rejudge_tolerances")
REJUDGED = "Tolerances judged again for {count} active projects (the rules changed with this upgrade)."
NOT_YET = (
    "Tolerances not judged again yet: migrations remain unapplied. They are judged at each "
    "project's next report, baseline or tolerance change; to judge them all now, migrate to the "
    "end, then run: pmo shell -c 'from pmo.reporting.services import tolerances_evaluate_all; "
    "tolerances_evaluate_all()'"
)


def rejudge_tolerances(
    *,
    plan: list[tuple[Any, bool]] | None = None,
    using: str = DEFAULT_DB_ALIAS,
    verbosity: int = 1,
    stdout: Any = None,
    **kwargs: Any,
) -> None:
    """After a ``migrate`` that applied ``REJUDGE_AFTER``, judge every active project's latest
    forecasts again with the rules now installed (``tolerances_evaluate_all``: checks stored, a
    breach raised as an exception as at any evaluation). Nothing to do on a new database."""
    applied = {(m.app_label, m.name) for m, backwards in plan or () if not backwards}
    if REJUDGE_AFTER not in applied or using != DEFAULT_DB_ALIAS:
        return
    if not Project.objects.filter(status=ProjectStatus.ACTIVE).exists():
        return
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        if stdout is not None:
            stdout.write(NOT_YET)
        return
    judged = tolerances_evaluate_all()
    if stdout is not None and verbosity:
        stdout.write(REJUDGED.format(count=len(judged)))
