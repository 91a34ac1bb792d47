"""The evidence-based status of projects, for the register and a project's page (core names no
app, as the work queues of ADR 0030): the app that judges the evidence declares its reader in
its ``project_status`` module::

    from pmo.core.project_status import ProjectStatusView, status_reader

    @status_reader
    def evidence_status(projects):  # a queryset of projects -> {project id: ProjectStatusView}
        ...

A reader runs a fixed number of queries whatever the number of projects."""

from collections.abc import Callable
from dataclasses import dataclass
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


StatusReader = Callable[[QuerySet[Any]], dict[int, ProjectStatusView]]
_READERS: list[StatusReader] = []


def status_reader(reader: StatusReader) -> StatusReader:
    """Register ``reader`` as the source of the projects' evidence-based status."""
    if reader not in _READERS:
        _READERS.append(reader)
    return reader


def evidence_statuses(projects: QuerySet[Any]) -> dict[int, ProjectStatusView]:
    """The evidence-based status of each of ``projects`` (every pmo app's ``project_status``
    module imported first); empty where no app judges one."""
    for app_config in apps.get_app_configs():
        if app_config.name.startswith("pmo.") and module_has_submodule(app_config.module, "project_status"):
            import_module(f"{app_config.name}.project_status")
    found: dict[int, ProjectStatusView] = {}
    for reader in _READERS:
        found.update(reader(projects))
    return found
