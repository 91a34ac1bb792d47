"""Reads of change control, restricted to the projects the user may see."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from pmo.change.choices import AUTHORITY_ORDER, DECIDABLE, Authority, ChangeStatus
from pmo.change.models import ChangeRequest, ChangeSettings
from pmo.core.permissions import is_pmo_head
from pmo.core.settings_rows import settings_row
from pmo.portfolio.models import Project
from pmo.portfolio.selectors import person_id_of
from pmo.reporting.choices import BaselineSource
from pmo.reporting.models import Baseline
from pmo.reporting.selectors import current_baselines, effective_tolerances, tolerance_allowances

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
    return settings_row(ChangeSettings)


def change_request_list(*, user: Any, project: Project | None = None) -> QuerySet[ChangeRequest]:
    """The change log: every change request the user may see (one project's where named)."""
    found = ChangeRequest.objects.restrict(user, "view").select_related(*CHANGE_RELATIONS)
    return found.filter(project=project) if project is not None else found


def change_request_get(*, user: Any, pk: int) -> ChangeRequest:
    """One change request; raises ChangeRequest.DoesNotExist when missing or hidden."""
    return change_request_list(user=user).get(pk=pk)


# Changes that count towards the delegated limits once approved.
APPROVED_STATES = (ChangeStatus.APPROVED, ChangeStatus.IMPLEMENTED)


@dataclass(frozen=True)
class Cumulative:
    """A change judged with the changes approved under delegated authority since the baseline
    the board (or the stage) last approved: PRINCE2 sets tolerances per stage, so a string of
    small changes cannot together go beyond them without reaching the board."""

    since: Baseline | None  # the last baseline the board or the PMO approved (None: none yet)
    approved: tuple[ChangeRequest, ...]  # the delegated approvals since, oldest first
    days: int  # with this change
    cost: Decimal
    benefits: Decimal
    allowances: dict[str, Decimal | None]  # the time and cost tolerances, against ``since``
    own: Authority  # who must approve, judged on this change alone
    authority: Authority  # who must approve, judged on this change alone and on the total

    @property
    def raised_by_the_total(self) -> bool:
        """Whether the changes approved before this one take it to a higher authority."""
        return self.authority != self.own

    @property
    def references(self) -> str:
        return ", ".join(change.reference for change in self.approved)


def board_baselines(project_ids: Iterable[int]) -> dict[int, Baseline]:
    """Each project's last baseline the board or the stage approved: one the PMO recorded, one
    an exception decision made, or one a change decided by the board made (a change approved by
    the project manager or the sponsor under delegated limits does not reset the count). One
    query, whatever the number of projects."""
    ids = list(project_ids)
    by_the_board = ChangeRequest.objects.filter(
        project_id__in=ids, authority=Authority.BOARD, new_baseline__isnull=False
    ).values("new_baseline")
    found: dict[int, Baseline] = {}
    for baseline in (
        Baseline.objects.filter(project_id__in=ids)
        .filter(~Q(source=BaselineSource.CHANGE_REQUEST) | Q(pk__in=by_the_board))
        .order_by("project_id", "-number")
    ):
        found.setdefault(baseline.project_id, baseline)
    return found


def _level(
    days: int, cost: Decimal, benefits: Decimal, limits: ChangeSettings, allowed: dict[str, Decimal | None]
) -> Authority:
    days, cost, benefits = abs(days), abs(cost), abs(benefits)
    if days <= limits.pm_max_days and cost <= limits.pm_max_cost and not benefits:
        return Authority.PROJECT_MANAGER
    if limits.sponsor_within_tolerance:
        time_ok = allowed["time"] is not None and days <= allowed["time"]
        cost_ok = allowed["cost"] is not None and cost <= allowed["cost"]
        if (time_ok or not days) and (cost_ok or not cost):
            return Authority.SPONSOR
    return Authority.BOARD


def cumulative_changes(changes: Iterable[ChangeRequest], limits: ChangeSettings) -> dict[int, Cumulative]:
    """Each of ``changes`` (by id; one not yet saved by None's) with the changes of its project
    approved under delegated authority since the last board-approved baseline
    (``board_baselines``), and who must approve it: the higher of the authority its own impact
    needs and the one the total needs. Five queries, whatever the number of changes, so a page
    of them is judged as the decision will judge each."""
    changes = list(changes)
    projects = {change.project_id: change.project for change in changes}
    since_of = board_baselines(projects)
    approved_of: dict[int, list[tuple[int, ChangeRequest]]] = {}  # with the baseline each made
    for approved in (
        ChangeRequest.objects.filter(
            project_id__in=projects, status__in=APPROVED_STATES, new_baseline__isnull=False
        )
        .select_related("new_baseline")
        .order_by("new_baseline__number")
    ):
        if approved.new_baseline is not None:
            made = approved.new_baseline.number
            approved_of.setdefault(approved.project_id, []).append((made, approved))
    tolerances = effective_tolerances(projects.values())
    # The tolerances of a project with no board-approved baseline are judged against its current
    # one: read for all such projects at once (not one query each).
    unjudged = [pk for pk in projects if pk not in since_of]
    current = current_baselines(unjudged) if unjudged else {}
    result = {}
    for change in changes:
        project = projects[change.project_id]
        since = since_of.get(project.pk)
        if since is not None:
            since.project = project
        counted = tuple(
            c
            for made, c in approved_of.get(project.pk, ())
            if c.pk != change.pk and (since is None or made > since.number)
        )
        days = change.impact_days + sum(c.impact_days for c in counted)
        cost = change.impact_cost + sum((c.impact_cost for c in counted), Decimal(0))
        benefits = change.impact_benefits + sum((c.impact_benefits for c in counted), Decimal(0))
        base = since if since is not None else current.get(project.pk)
        allowed = (
            tolerance_allowances(project, base, tolerances=tolerances[project.pk])
            if base is not None
            else {"time": None, "cost": None}
        )
        own = _level(change.impact_days, change.impact_cost, change.impact_benefits, limits, allowed)
        total = _level(days, cost, benefits, limits, allowed)
        authority = max(own, total, key=AUTHORITY_ORDER.__getitem__)
        result[change.pk] = Cumulative(since, counted, days, cost, benefits, allowed, own, authority)
    return result


def cumulative_change(change: ChangeRequest, limits: ChangeSettings) -> Cumulative:
    """One change judged with the total (``cumulative_changes``)."""
    return cumulative_changes([change], limits)[change.pk]


def authority_needed(change: ChangeRequest, limits: ChangeSettings) -> Authority:
    """Who may approve the change under the delegated limits: the project manager within their
    limits, the sponsor within the project's time and cost tolerances, else the board — judged
    on the change and on the total with the changes approved since the board last approved a
    baseline (``cumulative_change``)."""
    return cumulative_change(change, limits).authority


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
