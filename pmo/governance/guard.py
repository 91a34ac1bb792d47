"""Governance's stage move guard (``pmo.portfolio.stage_guards``): a project changes stage only
through a passed gate review or an override the PMO head records, both governance services,
which permit the one move they make while they make it."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pmo.portfolio.models import LifecycleStage
from pmo.portfolio.stage_guards import stage_move_guard

MOVE_REFUSED = (
    "{project} may enter {stage} only through {gate} (no passed gate review): open a gate review, "
    "or the PMO head records an override with a reason."
)

_permitted: ContextVar[tuple[int, int] | None] = ContextVar("gate_move_permitted", default=None)


@contextmanager
def moving(project: Any, stage: Any) -> Iterator[None]:
    """Within this block ``project`` may move to ``stage`` (a passed gate, an override)."""
    token = _permitted.set((project.pk, stage.pk))
    try:
        yield
    finally:
        _permitted.reset(token)


@stage_move_guard
def gate_guard(project: Any, stage: Any) -> str | None:
    stage_id = getattr(stage, "pk", stage)
    if _permitted.get() == (project.pk, stage_id):
        return None
    if not isinstance(stage, LifecycleStage):
        stage = LifecycleStage.objects.get(pk=stage_id)
    gate = stage.gate_name or f"the gate into {stage.name}"
    return MOVE_REFUSED.format(project=project.code, stage=stage.name, gate=gate)
