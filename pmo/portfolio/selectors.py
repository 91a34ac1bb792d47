"""Reads of the portfolio register, restricted to what the user may see and shaped for display."""

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce

from pmo.core.restrict import EVERYTHING, restriction
from pmo.portfolio.models import (
    LifecycleStage,
    OrgUnit,
    Person,
    Portfolio,
    Programme,
    Project,
    StrategicObjective,
)

PROJECT_RELATIONS = (
    "portfolio",
    "programme",
    "department",
    "sponsor",
    "project_manager",
    "business_owner",
    "stage",
)


def person_id_of(user: Any) -> int | None:
    """The id of the Person record linked to ``user`` (read once per user object)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_pmo_person_id"):
        user._pmo_person_id = Person.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    return user._pmo_person_id


APPROVED_PLAN_FIELDS = ("baseline_version", "approved_finish", "approved_budget")


def approved_plan(*, as_of: datetime | None = None, key: str = "pk") -> dict[str, Any]:
    """Annotations giving each project its approved plan (ADR 0019): ``baseline_version``, the
    number of its latest baseline (None before the first), and ``approved_finish`` and
    ``approved_budget``, that baseline's finish and budget at completion, or the project's own
    proposed figures while it has no baseline. ``as_of`` counts only the baselines approved by
    then. One correlated subquery each, in the same query as the rows.

    The baselines are the reporting cycle's records, read here through the ``baselines``
    relation by name, so that the register (below reporting in the layers) needs no import of
    them."""
    latest = Project.objects.filter(pk=OuterRef(key))
    if as_of is not None:
        latest = latest.filter(baselines__approved_at__lte=as_of)
    latest = latest.order_by(F("baselines__number").desc(nulls_last=True))

    def newest(field: str) -> Subquery:
        return Subquery(latest.values(f"baselines__{field}")[:1])

    return {
        "baseline_version": newest("number"),
        "approved_finish": Coalesce(newest("finish"), F("planned_finish")),
        "approved_budget": Coalesce(newest("budget_at_completion"), F("budget")),
    }


# The reporting cycle's states of a report handed in, by value (read by name, as the baselines).
HANDED_IN_REPORT_STATES = ("submitted", "accepted", "published")


def declared_status(*, as_of: datetime | None = None, key: str = "pk") -> Subquery:
    """An annotation: the overall status (a rating value, "green" … "red") the project's latest
    handed-in highlight report declares; None before its first. ``as_of`` counts only the
    reports handed in by then. One correlated subquery, in the same query as the rows."""
    latest = Project.objects.filter(pk=OuterRef(key), highlight_reports__status__in=HANDED_IN_REPORT_STATES)
    if as_of is not None:
        latest = latest.filter(highlight_reports__submitted_at__lte=as_of)
    latest = latest.order_by("-highlight_reports__period__start", "-highlight_reports__revision")
    return Subquery(latest.values("highlight_reports__overall_status")[:1])


def project_list(*, user: Any) -> QuerySet[Project]:
    """The register as the user may see it, with everything a row shows loaded up front
    (including its approved plan: ``approved_plan``)."""
    return _register().filter(restriction(Project, user, "view"))


@lru_cache(maxsize=1)
def _register() -> QuerySet[Project]:
    """Every project with what a row shows (``project_list`` narrows it to what a user may
    see): built once, as making its four subqueries took as long as running them. Never read
    itself, so nothing read is kept."""
    return (
        Project.objects.select_related(*PROJECT_RELATIONS, "programme__portfolio")
        .prefetch_related("strategic_objectives")
        .annotate(**approved_plan(), declared_status=declared_status())
    )


def as_rows(projects: QuerySet[Project]) -> QuerySet[Project]:
    """``projects`` (from ``project_list``) read as the register's rows and the API's list show
    them: the project's own fields, and of each related record only its id and name (a row of
    fifty projects read whole with their eight related records spent a quarter of its time
    making the related records' other fields)."""
    own = [field.name for field in Project._meta.concrete_fields]
    related = [f"{relation}__name" for relation in (*PROJECT_RELATIONS, "programme__portfolio")]
    return projects.only(*own, *related, "programme__portfolio")


def project_get(*, user: Any, code: str) -> Project:
    """One project by code; raises Project.DoesNotExist when it does not exist or is hidden."""
    return project_list(user=user).get(code=code)


def project_list_as_of(*, user: Any, when: datetime) -> QuerySet[Any]:
    """The register as it stood at ``when`` (historical rows). A project shows only if the user
    could see it then and may see it now (one made confidential since stays hidden); a project
    since deleted is judged on how it stood then."""
    visibility = restriction(Project, user, "view")
    if visibility != EVERYTHING:
        # The restriction reads the project's own fields, which the historical rows share.
        existing = Project.objects.values("pk")
        visibility &= Q(id__in=Project.objects.filter(visibility).values("pk")) | ~Q(id__in=existing)
    # as_of() rebuilds each row as a fresh Project, so joins here would be thrown away: the
    # related records are loaded by project_as_of_load. The approved plan is annotated on the
    # historical rows (as it stood then) and copied onto the projects by project_as_of_load.
    return Project.history.as_of(when).filter(visibility).annotate(
        **approved_plan(as_of=when, key="id"), declared_status=declared_status(as_of=when, key="id")
    )


def project_as_of_load(projects: Sequence[Any]) -> None:
    """Load what rows read "as of" a date show, in a fixed number of queries: their related
    records (historical rows bring only ids) and, as ``as_of_objectives``, the strategic
    objectives each had at that time, ordered by code; and their approved plan as it stood then
    (annotated on the historical rows by ``project_list_as_of``)."""
    projects = list(projects)
    prefetch_related_objects(projects, *PROJECT_RELATIONS)
    held: dict[int, list[StrategicObjective]] = {p._history.history_id: [] for p in projects}
    through = Project.history.model.strategic_objectives.model
    rows = through._default_manager.filter(history_id__in=held).select_related("strategicobjective")
    for row in rows.order_by("strategicobjective__code"):
        held[row.history_id].append(row.strategicobjective)
    for project in projects:
        project.as_of_objectives = held[project._history.history_id]
        for name in (*APPROVED_PLAN_FIELDS, "declared_status"):
            setattr(project, name, getattr(project._history, name))


def programme_list(*, user: Any) -> QuerySet[Programme]:
    return Programme.objects.restrict(user, "view").select_related("portfolio", "sponsor", "manager")


def portfolio_list(*, user: Any) -> QuerySet[Portfolio]:
    return Portfolio.objects.restrict(user, "view").select_related("owner")


def org_unit_list(*, user: Any) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.restrict(user, "view").select_related("parent")


def person_list(*, user: Any) -> QuerySet[Person]:
    return Person.objects.restrict(user, "view").select_related("org_unit", "user")


def strategic_objective_list(*, user: Any) -> QuerySet[StrategicObjective]:
    return StrategicObjective.objects.restrict(user, "view")


def lifecycle_stage_list(*, user: Any) -> QuerySet[LifecycleStage]:
    return LifecycleStage.objects.restrict(user, "view")
