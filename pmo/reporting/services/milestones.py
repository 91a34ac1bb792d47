"""The rules a list of key milestones keeps, in a highlight report (forecasts) and in a baseline
(due dates): at most ``PMO_MAX_MILESTONES``, no name twice, none before the project starts."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError

from pmo.portfolio.models import Project

MILESTONE_BEFORE_START = "Milestone {name!r} is forecast before the project starts ({start:%-d %b %Y})."
DUPLICATE_MILESTONE = "Milestone {name!r} is listed twice."
TOO_MANY_MILESTONES = "List at most {limit} key milestones; this has {count}."


@dataclass(frozen=True)
class MilestoneForecast:
    name: str
    forecast: date
    achieved_on: date | None = None


def check_milestones(project: Project, milestones: Sequence[MilestoneForecast]) -> None:
    """Every broken rule at once, under ``milestones``."""
    limit = settings.PMO_MAX_MILESTONES
    problems = []
    if len(milestones) > limit:
        problems.append(TOO_MANY_MILESTONES.format(limit=limit, count=len(milestones)))
    names = [m.name.strip() for m in milestones]
    problems.extend(
        DUPLICATE_MILESTONE.format(name=name) for name in dict.fromkeys(names) if names.count(name) > 1
    )
    start = project.planned_start
    problems.extend(
        MILESTONE_BEFORE_START.format(name=milestone.name, start=start)
        for milestone in milestones
        if start and milestone.forecast < start
    )
    if problems:
        raise ValidationError({"milestones": problems})
