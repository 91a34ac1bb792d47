"""The evidence-based status of projects, for the register and a project's page (core names no
app, as the work queues of ADR 0030): the app that judges the evidence declares its reader in
its ``project_status`` module::

    from pmo.core.project_status import ProjectStatusView, status_reader

    @status_reader
    def evidence_status(projects):  # projects -> {project id: ProjectStatusView}
        ...

``projects`` is a queryset of projects, or the projects already read (a list: their ids and
planned starts are not read again). A reader runs a fixed number of queries whatever the number
of projects.

The same modules give the parts of a project's health summary, the first thing its page shows
(ADR 0032): each app that knows something about one project's health declares a reader of its
own panels, read with the user's own restrictions::

    from pmo.core.project_status import HealthLine, HealthPanel, health_panel

    @health_panel
    def top_risks(project, user, today):  # -> the panels this app gives, each read in fixed queries
        yield HealthPanel(40, "risks", "Top risks", lines, empty="No open threats")

The page shows the panels in their ``order``, each the same way (a title, lines with a link and
a detail, or what shows when there are none)."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils.module_loading import module_has_submodule

NOT_JUDGED = "Not judged"


@dataclass(frozen=True)
class ProjectStatusView:
    """A status as shown: its value (for colour) and its words (never colour alone), and why."""

    rating: str  # "green" … "red", or "" when there is none
    label: str
    reasons: tuple[str, ...] = ()
    tolerances: tuple[tuple[str, str], ...] = ()  # (dimension, how much is used), in words

    def __str__(self) -> str:
        return self.label


Projects = QuerySet[Any] | Sequence[Any]  # a queryset of projects, or projects already read
StatusReader = Callable[[Projects], dict[int, ProjectStatusView]]
_READERS: list[StatusReader] = []


def status_reader(reader: StatusReader) -> StatusReader:
    """Register ``reader`` as the source of the projects' evidence-based status."""
    if reader not in _READERS:
        _READERS.append(reader)
    return reader


def _find_readers() -> None:
    """Import every pmo app's ``project_status`` module (which registers its readers)."""
    for app_config in apps.get_app_configs():
        if app_config.name.startswith("pmo.") and module_has_submodule(app_config.module, "project_status"):
            import_module(f"{app_config.name}.project_status")


def evidence_statuses(projects: Projects) -> dict[int, ProjectStatusView]:
    """The evidence-based status of each of ``projects`` (a queryset, or projects already read;
    every pmo app's ``project_status`` module imported first); empty where no app judges one."""
    _find_readers()
    found: dict[int, ProjectStatusView] = {}
    for reader in _READERS:
        found.update(reader(projects))
    return found


@dataclass(frozen=True)
class HealthLine:
    """One line of a health panel: what (linked where there is a page), a detail in words
    ("due 5 Jan 2027", "raised 12 days ago") and, where it has one, a rating for colour (shown
    with its words, never colour alone)."""

    text: str
    url: str = ""
    detail: str = ""
    rating: str = ""  # "green" … "red", or a tolerance state ("within", "breached"…), or ""
    rating_label: str = ""


@dataclass(frozen=True)
class HealthPanel:
    """One part of a project's health summary: its place (``order``, lower first), a stable key
    (for tests and styling), its title, its lines, what it says when it has none and a link to
    the page with the rest."""

    order: int
    key: str
    title: str
    lines: tuple[HealthLine, ...] = ()
    empty: str = ""
    more_label: str = ""
    more_url: str = ""


HealthReader = Callable[[Any, Any, date], Iterable[HealthPanel]]
_HEALTH_READERS: dict[str, HealthReader] = {}


def health_panel(reader: HealthReader) -> HealthReader:
    """Register ``reader`` (``(project, user, today) -> panels``) as a source of projects'
    health summaries."""
    _HEALTH_READERS[f"{reader.__module__}.{reader.__qualname__}"] = reader
    return reader


def health_panels(project: Any, user: Any, today: date) -> list[HealthPanel]:
    """Every app's panels of ``project``'s health summary as ``user`` may see them, in order; a
    fixed number of queries whatever the data."""
    _find_readers()
    panels = [panel for reader in _HEALTH_READERS.values() for panel in reader(project, user, today)]
    return sorted(panels, key=lambda panel: (panel.order, panel.key))
