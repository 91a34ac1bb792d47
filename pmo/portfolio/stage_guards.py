"""Stage move guards: what a project's move to another lifecycle stage must pass.

Portfolio does not know why a move is allowed (governance does: a passed gate review or a
recorded PMO override), so the apps that do register a guard here, as ``pmo.core.work``'s
providers are registered. ``project_update``, the projects import and the API (through
``project_update``) ask ``stage_move_refusal`` whenever a project's stage would change; creating
a project at any stage is not a move (a register moving in)::

    @stage_move_guard
    def gate_guard(project, stage):  # -> the refusal's words, or None to allow
        ...
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError

StageGuard = Callable[[Any, Any], str | None]

_guards: list[StageGuard] = []


def stage_move_guard(guard: StageGuard) -> StageGuard:
    """Register ``guard(project, stage)``: the words of a refusal, or None to allow the move."""
    if guard not in _guards:
        _guards.append(guard)
    return guard


def stage_move_refusal(project: Any, stage: Any) -> str | None:
    """Why ``project`` may not move to ``stage`` now (None: it may)."""
    for guard in _guards:
        refusal = guard(project, stage)
        if refusal:
            return refusal
    return None


def ensure_stage_move(project: Any, stage: Any) -> None:
    """Raise a ValidationError naming the ``stage`` field unless ``project`` may move to ``stage``."""
    refusal = stage_move_refusal(project, stage)
    if refusal:
        raise ValidationError({"stage": refusal})
