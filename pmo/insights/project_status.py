"""The part of a project's health summary the evidence's trends give: its early-warning signals,
each with its reason (``pmo.core.project_status``, ADR 0032)."""

from collections.abc import Iterator
from datetime import date
from typing import Any

from pmo.core.project_status import HealthLine, HealthPanel, health_panel
from pmo.insights.early_warning import early_warnings
from pmo.portfolio.choices import ProjectStatus

NOT_ACTIVE = "Early warning reads active projects only."
WEIGHT_RATING = {1: "amber_green", 2: "amber", 3: "red"}


@health_panel
def early_warning(project: Any, user: Any, today: date) -> Iterator[HealthPanel]:
    """The project's early-warning signals, heaviest first (the page shows only projects the user
    may see, so ``project`` is read as it is): seven queries at most."""
    if project.status != ProjectStatus.ACTIVE:
        yield HealthPanel(10, "early-warning", "Early warning", empty=NOT_ACTIVE)
        return
    found = early_warnings([project], today, reader=user).get(project.pk)
    lines = tuple(
        HealthLine(
            signal.label,
            detail=signal.reason,
            rating=WEIGHT_RATING.get(signal.weight, ""),
            rating_label=signal.level.capitalize(),
        )
        for signal in (found.signals if found else ())
    )
    yield HealthPanel(10, "early-warning", "Early warning", lines, empty="No early-warning signal.")
