"""When one app's write changes figures another app judges (ADR 0052): a named change of some
projects, and the reactions other apps declare to it, run in the write's own transaction.

Core names no app, as the work queues (ADR 0030) and the evidence-based status do. The app that
judges declares its reaction in its ``reactions`` module, found as the ``work`` modules are::

    from pmo.core.reactions import COST_FIGURES, reaction

    @reaction(COST_FIGURES)
    def tolerances_rejudge(project_ids):  # the projects whose figures changed
        ...

and the app whose write changed the figures says so, inside its service::

    from pmo.core.reactions import COST_FIGURES, projects_changed

    projects_changed(COST_FIGURES, [project.pk])

A reaction runs synchronously, in the caller's transaction: a write and what it provokes are
kept or refused together (a failed reaction refuses the write), and the write's caller sees the
outcome at once (an exception raised, a check changed). A reaction costs a fixed number of
queries whatever the number of projects, so a load naming thousands of projects stays one
write. Not Django signals: the conventions keep workflow out of signals, and a registry of
named changes says in one place who reacts to what."""

from collections.abc import Callable, Iterable
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

COST_FIGURES = "cost-figures"
"""A project's money changed: its budget, actuals or forecast (finance), so its estimate at
completion and earned value may have moved."""

Reaction = Callable[[list[int]], None]
_REACTIONS: dict[str, dict[str, Reaction]] = {}


def reaction(change: str) -> Callable[[Reaction], Reaction]:
    """Register the decorated function as a reaction to ``change`` (once, however often its
    module is imported)."""

    def register(function: Reaction) -> Reaction:
        _REACTIONS.setdefault(change, {})[f"{function.__module__}.{function.__qualname__}"] = function
        return function

    return register


def reactions(change: str) -> list[Reaction]:
    """The reactions to ``change`` (every pmo app's ``reactions`` module imported first)."""
    for app_config in apps.get_app_configs():
        if app_config.name.startswith("pmo.") and module_has_submodule(app_config.module, "reactions"):
            import_module(f"{app_config.name}.reactions")
    return list(_REACTIONS.get(change, {}).values())


def projects_changed(change: str, project_ids: Iterable[int | None]) -> None:
    """Tell the reactions to ``change`` that these projects' figures changed (none called when
    there are no projects; ids given twice or as None counted once or not at all)."""
    ids = sorted({pk for pk in project_ids if pk is not None})
    if not ids:
        return
    for react in reactions(change):
        react(ids)
