"""The part of a project's health summary RAID knows: its top risks (``pmo.core.project_status``)."""

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.urls import reverse

from pmo.core import formatting
from pmo.core.project_status import HealthLine, HealthPanel, health_panel
from pmo.raid import selectors
from pmo.raid.choices import RiskKind
from pmo.raid.models import Risk

TOP_RISKS_SHOWN = 3
BAND_RATING = {"high": "red", "medium": "amber", "low": "green"}


@health_panel
def top_risks(project: Any, user: Any, today: date) -> Iterator[HealthPanel]:
    """The project's open threats the user may see, worst residual score first (opportunities
    are ranked apart, on the RAID page): two queries."""
    matrix = selectors.raid_settings().matrix
    risks = selectors.top_risks(
        selectors.item_list(Risk, user=user, register=project).filter(kind=RiskKind.THREAT)
    )[:TOP_RISKS_SHOWN]
    lines = []
    for risk in risks:
        band = matrix.band(risk.residual_score)
        review = f", next review {formatting.date(risk.due)}" if risk.due else ""
        lines.append(
            HealthLine(
                f"{risk.reference} {risk.title}",
                url=risk.get_absolute_url(),
                detail=f"score {risk.residual_score}, owner {risk.owner}{review}",
                rating=BAND_RATING[band.value],
                rating_label=band.value.capitalize(),
            )
        )
    yield HealthPanel(
        50,
        "risks",
        "Top risks",
        tuple(lines),
        empty="No open threat in the risk register.",
        more_label="All risks and RAID",
        more_url=reverse("raid:project", args=[project.code]),
    )
