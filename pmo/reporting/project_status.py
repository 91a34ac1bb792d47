"""The evidence-based status the register and a project's page show (``pmo.core.project_status``)."""

from typing import Any

from django.db.models import QuerySet

from pmo.core.project_status import ProjectStatusView, status_reader
from pmo.reporting.choices import ToleranceState
from pmo.reporting.evidence import RATING_LABELS, project_evidence

TOLERANCE_WORDS = dict(ToleranceState.choices)


@status_reader
def evidence_status(projects: QuerySet[Any]) -> dict[int, ProjectStatusView]:
    """Each project's overall evidence verdict, with its reasons and its tolerance checks, in a
    fixed number of queries."""
    return {
        project_id: ProjectStatusView(
            found.overall.rating.name.lower(),
            RATING_LABELS[found.overall.rating].capitalize(),
            tuple(found.overall.reasons),
            tuple(
                (str(dimension).capitalize(), str(TOLERANCE_WORDS.get(str(state), state)))
                for dimension, state in found.evidence.tolerances.items()
            ),
        )
        for project_id, found in project_evidence(projects).items()
    }
