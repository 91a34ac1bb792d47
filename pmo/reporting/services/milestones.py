"""The rules a list of key milestones keeps, in a highlight report (forecasts) and in a baseline
(due dates): at most ``PMO_MAX_MILESTONES``, no name twice, none before the project starts."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from pmo.portfolio.models import Project

MILESTONE_BEFORE_START = "Milestone {name!r} is forecast before the project starts ({start:%d %b %Y})."
DUPLICATE_MILESTONE = "Milestone {name!r} is listed twice."
TOO_MANY_MILESTONES = "List at most {limit} key milestones; this has {count}."


@dataclass(frozen=True)
class MilestoneForecast:
    name: str
    forecast: date
    achieved_on: date | None = None


def check_milestone_count(milestones: Sequence[Any]) -> None:
    limit = settings.PMO_MAX_MILESTONES
    if len(milestones) > limit:
        raise ValidationError({"milestones": TOO_MANY_MILESTONES.format(limit=limit, count=len(milestones))})


def check_milestones(project: Project, milestones: Sequence[MilestoneForecast]) -> None:
    check_milestone_count(milestones)
    names = [m.name.strip() for m in milestones]
    for name in names:
        if names.count(name) > 1:
            raise ValidationError({"milestones": DUPLICATE_MILESTONE.format(name=name)})
    start = project.planned_start
    for milestone in milestones:
        if start and milestone.forecast < start:
            raise ValidationError(
                {"milestones": MILESTONE_BEFORE_START.format(name=milestone.name, start=start)}
            )
