"""Figures another app gives the project register (ADR 0055): a column of the register, its
exports and the projects API, and a line of a project's approved plan, whose values the app
that keeps them reads (the finance's EAC, its spend to date), so that the register shows that
app's figure rather than one retyped (one truth).

Core names no app, as the evidence-based status and the reactions do; the portfolio register
(below the domain apps in the layers) names no domain app either. The app that keeps the figures
declares them, and one reader of all of them, in its ``register_figures`` module::

    from pmo.core.register_figures import RegisterFigure, register_figures

    @register_figures(RegisterFigure("forecast_cost", "Forecast cost (£)", help="…"))
    def finance_figures(project_ids):  # -> {project id: {figure key: value or None}}
        ...

A reader is given the ids of the projects shown (already restricted to what the reader may see)
and reads every figure it declares for all of them in one query, whatever their number; a
project it gives nothing for, or a figure it gives as None, has none (shown as "—", exported
empty, null in the API): never 0."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.utils.module_loading import module_has_submodule

FIGURES = "register_figures"
"""The attribute ``load_register_figures`` sets on each project: {figure key: value}."""


@dataclass(frozen=True)
class RegisterFigure:
    """One figure of a project: its key (the column's and the API field's name), its label
    (the column's header), how it shows (``kind``: money, number, date or text), what the API
    says of it (``help``), whether the register shows it unless columns are chosen
    (``default``), what a project's page says where the project has none (``none``) and
    whether that page shows it beside the approved budget it is measured against
    (``beside_approved_budget``)."""

    key: str
    label: str
    help: str
    kind: str = "money"
    default: bool = False
    none: str = "None"
    beside_approved_budget: bool = False


FiguresReader = Callable[[Sequence[int]], dict[int, dict[str, Any]]]


@dataclass(frozen=True)
class _Source:
    figures: tuple[RegisterFigure, ...]
    read: FiguresReader


_SOURCES: dict[str, _Source] = {}
_FOUND: list[bool] = []  # whether the apps' modules have been imported (once per process)


def register_figures(*figures: RegisterFigure) -> Callable[[FiguresReader], FiguresReader]:
    """Register the decorated reader as the source of ``figures`` (once, however often its module
    is imported)."""

    def register(read: FiguresReader) -> FiguresReader:
        _SOURCES[f"{read.__module__}.{read.__qualname__}"] = _Source(tuple(figures), read)
        return read

    return register


def _sources() -> list[_Source]:
    """Every source, each pmo app's ``register_figures`` module imported first, once (in the
    order of the installed apps; looking for them took longer than reading a page's figures)."""
    if not _FOUND:
        for app_config in apps.get_app_configs():
            if app_config.name.startswith("pmo.") and module_has_submodule(app_config.module, FIGURES):
                import_module(f"{app_config.name}.{FIGURES}")
        _FOUND.append(True)
    return list(_SOURCES.values())


def figures() -> tuple[RegisterFigure, ...]:
    """Every figure the apps give the register, in the order they declare them."""
    return tuple(figure for source in _sources() for figure in source.figures)


def load_register_figures(projects: Sequence[Any], keys: Iterable[str] | None = None) -> Sequence[Any]:
    """Set each project's figures (``FIGURES``: {key: value}, None where it has none), reading
    only the sources of the figures named in ``keys`` (all of them without keys): one query per
    source read, whatever the number of projects; none without projects."""
    wanted = None if keys is None else set(keys)
    read = [
        source
        for source in _sources()
        if wanted is None or any(figure.key in wanted for figure in source.figures)
    ]
    found: dict[int, dict[str, Any]] = {}
    if projects and read:
        ids = [project.pk for project in projects]
        for source in read:
            for project_id, values in source.read(ids).items():
                found.setdefault(project_id, {}).update(values)
    for project in projects:
        setattr(project, FIGURES, found.get(project.pk, {}))
    return projects


def figure_of(project: Any, key: str) -> Any:
    """A project's figure ``key`` as ``load_register_figures`` set it (None: none, or not read)."""
    return getattr(project, FIGURES, {}).get(key)
