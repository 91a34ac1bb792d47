"""Reads of the RAID registers, restricted to what the user may see.

A register is a project's, a programme's or a portfolio's; the higher registers also show the
items escalated to them. The portfolio-wide views (heat map, top risks, stale and past-due
items, themes) run a fixed number of queries whatever the number of items."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, cast

from django.db.models import Case, CharField, Count, Min, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from pmo.core import clock
from pmo.core.settings_rows import settings_row
from pmo.engine import network
from pmo.engine.risk import Band, Matrix
from pmo.portfolio.models import Portfolio, Programme, Project
from pmo.raid.choices import Level
from pmo.raid.models import BY_PREFIX, Action, Dependency, Issue, RaidItem, RaidSettings, Risk

ItemT = TypeVar("ItemT", bound=RaidItem)

ITEM_RELATIONS = ("project", "programme", "portfolio", "owner")
NOT_A_REFERENCE = "{text} is not a RAID reference (such as RSK-12 or ISS-3)."
NO_SUCH_ITEM = "There is no {text}{where}."


def raid_settings() -> RaidSettings:
    """The PMO's RAID settings (the one row; made with the defaults if missing)."""
    return settings_row(RaidSettings)


def in_register(register: Project | Programme | Portfolio | None) -> Q:
    """The items a register shows: its own, plus (for a programme or portfolio) those escalated
    to it from below."""
    if register is None:
        return Q()
    if isinstance(register, Project):
        return Q(project=register)
    if isinstance(register, Programme):
        return Q(programme=register) | Q(
            project__programme=register, escalated_to__in=[Level.PROGRAMME, Level.PORTFOLIO]
        )
    return Q(portfolio=register) | Q(escalated_to=Level.PORTFOLIO) & (
        Q(project__portfolio=register) | Q(programme__portfolio=register)
    )


def item_list(
    model: type[ItemT], *, user: Any, register: Project | Programme | Portfolio | None = None
) -> QuerySet[ItemT]:
    """A register's items as the user may see them (every register's when none is named)."""
    related: tuple[str, ...] = ITEM_RELATIONS
    if model is Risk:
        related = (*related, "actionee")
    if model is Dependency:
        related = (*related, "depends_on")
    found = cast("QuerySet[ItemT]", model.objects.restrict(user, "view")).filter(in_register(register))
    return found.select_related(*related)


def item_get(model: type[ItemT], *, user: Any, pk: int) -> ItemT:
    """One item; raises ``model.DoesNotExist`` when it does not exist or is hidden."""
    return item_list(model, user=user).get(pk=pk)


def open_items(queryset: QuerySet[ItemT]) -> QuerySet[ItemT]:
    return queryset.filter(open_q(queryset.model))


def open_q(model: Any) -> Q:
    return Q(status__in=model.OPEN_STATUSES)


def stale_q(model: Any, *, stale_before: date) -> Q:
    """Open items not reviewed (nor raised) since ``stale_before``, as a condition."""
    return open_q(model) & (
        Q(last_reviewed_on__lt=stale_before) | Q(last_reviewed_on__isnull=True, raised_on__lt=stale_before)
    )


def past_due_q(model: Any, *, today: date) -> Q:
    """Open items whose date (review, validation, target, need-by, due) has passed, as a condition."""
    return open_q(model) & Q(due__lt=today)


def high_risk_q(matrix: Matrix) -> Q:
    """Open threats whose residual score is in the high band, as a condition."""
    return open_q(Risk) & Q(kind="threat", residual_score__gte=matrix.high_from)


def stale(queryset: QuerySet[ItemT], *, stale_before: date) -> QuerySet[ItemT]:
    """Open items not reviewed (nor raised) since ``stale_before``."""
    return queryset.filter(stale_q(queryset.model, stale_before=stale_before))


@dataclass(frozen=True)
class StaleItems:
    """A project's open risks and issues not reviewed in time: how many, and the oldest review
    (or raising, never reviewed) among them."""

    count: int
    oldest: date


def stale_by_project(project_ids: Iterable[int], *, stale_before: date) -> dict[int, StaleItems]:
    """Each project's open risks and issues not reviewed (nor raised) since ``stale_before``, by
    project id; projects with none are left out (two queries, whatever the number of projects):
    what a gate's "RAID log reviewed" evidence and the "RAID reviewed" standard judge."""
    ids = list(project_ids)
    found: dict[int, StaleItems] = {}
    for model in (Risk, Issue):
        rows = (
            stale(model.objects.filter(project_id__in=ids), stale_before=stale_before)
            .values("project_id")
            .annotate(n=Count("pk"), oldest=Min(Coalesce("last_reviewed_on", "raised_on")))
        )
        for row in rows:
            before = found.get(row["project_id"])
            if before is None:
                found[row["project_id"]] = StaleItems(row["n"], row["oldest"])
            else:
                found[row["project_id"]] = StaleItems(
                    before.count + row["n"], min(before.oldest, row["oldest"])
                )
    return found


def overdue_actions_by_project(project_ids: Iterable[int], *, today: date) -> dict[int, int]:
    """How many open actions of each project are past their due date, by project id (one query;
    projects with none are left out)."""
    rows = (
        past_due(Action.objects.filter(project_id__in=list(project_ids)), today=today)
        .values("project_id")
        .annotate(n=Count("pk"))
    )
    return {row["project_id"]: row["n"] for row in rows}


def past_due(queryset: QuerySet[ItemT], *, today: date | None = None) -> QuerySet[ItemT]:
    """Open items whose date (review, validation, target, need-by, due) has passed."""
    return queryset.filter(past_due_q(queryset.model, today=today or clock.today()))


def band_of(matrix: Matrix, field: str = "residual_score") -> Case:
    """A risk's band (low, medium, high) computed in the database from its score."""
    return Case(
        When(**{f"{field}__gte": matrix.high_from}, then=Value(Band.HIGH.value)),
        When(**{f"{field}__gte": matrix.medium_from}, then=Value(Band.MEDIUM.value)),
        default=Value(Band.LOW.value),
        output_field=CharField(),
    )


def high_risks(queryset: QuerySet[Risk], matrix: Matrix) -> QuerySet[Risk]:
    """Open threats whose residual score is in the high band."""
    return queryset.filter(high_risk_q(matrix))


def top_risks(queryset: QuerySet[Risk]) -> QuerySet[Risk]:
    """Open risks, worst residual score first, then the largest expected value."""
    return open_items(queryset).order_by("-residual_score", "-expected_value", "pk")


@dataclass(frozen=True)
class HeatMap:
    """Counts of risks per cell of the matrix, before (inherent) and after (residual) response."""

    matrix: Matrix
    inherent: dict[tuple[int, int], int]
    residual: dict[tuple[int, int], int]

    def grid(self, which: str) -> list[dict[str, Any]]:
        counts = self.inherent if which == "inherent" else self.residual
        return [
            {
                "probability": row[0][0],
                "cells": [
                    {"probability": p, "impact": i, "band": band.value, "count": counts.get((p, i), 0)}
                    for p, i, band in row
                ],
            }
            for row in self.matrix.cells()
        ]

    @property
    def total(self) -> int:
        return sum(self.residual.values())


def heat_map(queryset: QuerySet[Risk], matrix: Matrix) -> HeatMap:
    """Where the open risks sit on the matrix (two grouped queries)."""
    risks = open_items(queryset).order_by()

    def counts(probability: str, impact: str) -> dict[tuple[int, int], int]:
        rows = risks.values(probability, impact).annotate(n=Count("pk"))
        return {(row[probability], row[impact]): row["n"] for row in rows}

    return HeatMap(
        matrix=matrix,
        inherent=counts("inherent_probability", "inherent_impact"),
        residual=counts("residual_probability", "residual_impact"),
    )


def themes(queryset: QuerySet[Risk], matrix: Matrix) -> dict[str, Counter[str]]:
    """Open risks per category and residual band (one grouped query)."""
    rows = (
        open_items(queryset)
        .order_by()
        .annotate(band=band_of(matrix))
        .values("category", "band")
        .annotate(n=Count("pk"))
    )
    result: dict[str, Counter[str]] = {}
    for row in rows:
        result.setdefault(row["category"], Counter())[row["band"]] += row["n"]
    return result


# Dependencies between projects -----------------------------------------------------------------


def dependency_edges(*, user: Any) -> QuerySet[Dependency]:
    """Open dependencies of one project on another that the user may see both ends of."""
    return open_items(
        Dependency.objects.restrict(user, "view").filter(project__isnull=False, depends_on__isnull=False)
    ).select_related("project", "depends_on", "owner")


def project_edges() -> list[tuple[int, int]]:
    """Every open project-to-project dependency as (dependent id, provider id)."""
    return list(
        open_items(Dependency.objects.filter(depends_on__isnull=False)).values_list(
            "project_id", "depends_on_id"
        )
    )


def affected_projects(project: Project, *, user: Any) -> list[tuple[Project, int]]:
    """The projects that wait on ``project``, directly (1) or through others (2, 3…), nearest
    first, through the dependencies the user may see both ends of (a path through a project
    they may not see is not shown, nor counted)."""
    edges = list(dependency_edges(user=user).values_list("project_id", "depends_on_id"))
    distance = network.affected_by(edges, project.pk)
    shown = Project.objects.filter(pk__in=distance).select_related("project_manager", "sponsor")
    return sorted(((p, distance[p.pk]) for p in shown), key=lambda pair: (pair[1], pair[0].code))


# References ------------------------------------------------------------------------------------


LARGEST_ID = 2**63 - 1


def parse_reference(text: str) -> tuple[type[RaidItem], int]:
    """``RSK-12`` as (Risk, 12); raises ValueError naming the text otherwise."""
    prefix, _, number = text.strip().upper().partition("-")
    model = BY_PREFIX.get(prefix)
    if model is None or not (number.isascii() and number.isdecimal()) or int(number) > LARGEST_ID:
        raise ValueError(NOT_A_REFERENCE.format(text=text.strip()))
    return model, int(number)


def item_by_reference(text: str, *, project: Project | None = None, user: Any = None) -> RaidItem:
    """The item a reference names (within ``project``, where given, and among those ``user``
    may see, where given); ValueError if none."""
    model, pk = parse_reference(text)
    found = model.objects.filter(pk=pk)
    if user is not None:
        found = found.restrict(user, "view")
    if project is not None:
        found = found.filter(project=project)
    item = found.first()
    if item is None:
        where = f" in {project.code}" if project is not None else ""
        raise ValueError(NO_SUCH_ITEM.format(text=text.strip().upper(), where=where))
    return item
