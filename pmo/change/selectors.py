"""Reads of change control, restricted to the projects the user may see."""

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from pmo.change.choices import DECIDABLE, Authority
from pmo.change.models import ChangeRequest, ChangeSettings
from pmo.core.permissions import is_pmo_head
from pmo.portfolio.models import Project
from pmo.portfolio.selectors import person_id_of, project_visibility
from pmo.reporting import selectors as reporting_selectors
from pmo.reporting.adapters import to_engine
from pmo.reporting.choices import ToleranceDimension

CHANGE_RELATIONS = (
    "project",
    "project__portfolio",
    "project__sponsor",
    "project__project_manager",
    "raised_by",
    "decided_by",
    "new_baseline",
)


def change_settings() -> ChangeSettings:
    """The delegated limits (the one row; made with the defaults if missing)."""
    return ChangeSettings.objects.order_by("pk").first() or ChangeSettings.objects.create()


def change_request_list(*, user: Any, project: Project | None = None) -> QuerySet[ChangeRequest]:
    """The change log: every change request the user may see (one project's where named)."""
    visibility = project_visibility(user)
    found = ChangeRequest.objects.select_related(*CHANGE_RELATIONS)
    if visibility:
        found = found.filter(project__in=Project.objects.filter(visibility))
    return found.filter(project=project) if project is not None else found


def change_request_get(*, user: Any, pk: int) -> ChangeRequest:
    """One change request; raises ChangeRequest.DoesNotExist when missing or hidden."""
    return change_request_list(user=user).get(pk=pk)


def tolerance_allowances(project: Project) -> dict[str, Decimal | None]:
    """The project's time (days) and cost (£) tolerance against its current baseline; None
    where it has no baseline or no tolerance for that dimension."""
    baseline = reporting_selectors.current_baselines([project.pk]).get(project.pk)
    result: dict[str, Decimal | None] = {"time": None, "cost": None}
    if baseline is None:
        return result
    tolerances = reporting_selectors.effective_tolerances([project])[project.pk]
    for dimension, base in (
        (ToleranceDimension.TIME, Decimal(0)),
        (ToleranceDimension.COST, Decimal(baseline.budget_at_completion)),
    ):
        row = tolerances.get(dimension.value)
        tolerance = to_engine(row, baseline=baseline) if row is not None else None
        if tolerance is not None:
            result[dimension.value] = tolerance.allowance(base)
    return result


def authority_needed(change: ChangeRequest, limits: ChangeSettings) -> Authority:
    """Who may approve the change under the delegated limits: the project manager within their
    limits, the sponsor within the project's time and cost tolerances, else the board."""
    days, cost, benefits = abs(change.impact_days), abs(change.impact_cost), abs(change.impact_benefits)
    if days <= limits.pm_max_days and cost <= limits.pm_max_cost and not benefits:
        return Authority.PROJECT_MANAGER
    if limits.sponsor_within_tolerance:
        allowed = tolerance_allowances(change.project)
        time_ok = allowed["time"] is not None and days <= allowed["time"]
        cost_ok = allowed["cost"] is not None and cost <= allowed["cost"]
        if (time_ok or not days) and (cost_ok or not cost):
            return Authority.SPONSOR
    return Authority.BOARD


def awaiting_decision_by(user: Any) -> Q:
    """The changes waiting for a decision that ``user`` holds the authority for
    (``services.may_decide`` as a filter): all for the PMO head (who records the board's
    decisions), their projects' for a sponsor, and those within the project manager's limits
    for a project's manager."""
    waiting = Q(status__in=DECIDABLE)
    if is_pmo_head(user):
        return waiting & ~Q(authority="")
    mine = person_id_of(user)
    if mine is None:
        return Q(pk__in=[])
    return waiting & (
        Q(project__sponsor_id=mine, authority__in=[Authority.PROJECT_MANAGER, Authority.SPONSOR])
        | Q(project__project_manager_id=mine, authority=Authority.PROJECT_MANAGER)
    )
