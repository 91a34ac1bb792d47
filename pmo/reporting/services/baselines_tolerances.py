"""Writes of the approved plan and its tolerances: baseline versions, a project's own tolerances
and the PMO's defaults; each change has the projects it touches judged again
(``evaluation``)."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from pmo.core import clock
from pmo.core.models import User
from pmo.core.permissions import ensure_can
from pmo.core.problems import Problems
from pmo.core.services import only_fields, record_create, record_delete, record_update, short_reason
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Portfolio, Project
from pmo.reporting.choices import DEFAULT_DIRECTIONS, BaselineSource, ToleranceDimension, ToleranceDirection
from pmo.reporting.models import Baseline, BaselineMilestone, Tolerance, ToleranceDefault
from pmo.reporting.services.evaluation import tolerances_evaluate, tolerances_evaluate_all
from pmo.reporting.services.milestones import MilestoneForecast, check_milestones

REASON_REQUIRED = "Give the reason for this baseline (who approved what, and why)."
BASELINE_BEFORE_START = (
    "The baseline finish ({finish:%-d %b %Y}) is before the project starts ({start:%-d %b %Y})."
)

TOLERANCE_DEFAULT_EDITABLE_FIELDS = frozenset(
    {"dimension", "absolute", "percent", "direction", "size_tier", "portfolio"}
)


def baseline_check(
    *, project: Project, finish: date | None, reason: str | None, milestones: Sequence[tuple[str, date]]
) -> None:
    """Every problem of a new baseline at once (``None``: a value not given, left to the form)."""
    problems = Problems()
    if reason is not None and not reason.strip():
        problems.add(ValidationError({"reason": REASON_REQUIRED}))
    if finish and project.planned_start and finish < project.planned_start:
        problems.add(
            ValidationError(
                {"finish": BASELINE_BEFORE_START.format(finish=finish, start=project.planned_start)}
            )
        )
    problems.check(check_milestones, project, [MilestoneForecast(name, due) for name, due in milestones])
    problems.raise_any()


def baseline_record(
    *,
    actor: User | None,
    project: Project,
    finish: date,
    budget_at_completion: Decimal,
    reason: str,
    scope_summary: str,
    benefits_value: Decimal,
    milestones: Iterable[tuple[str, date]],
    source: BaselineSource,
    approved_by: User | None,
) -> Baseline:
    """Write the next baseline version (the caller has checked the actor's right)."""
    rows = [(name.strip(), due) for name, due in milestones]
    baseline_check(project=project, finish=finish, reason=reason, milestones=rows)
    Project.objects.select_for_update().filter(pk=project.pk).exists()  # one new version at a time
    last = (
        Baseline.objects.filter(project=project).order_by("-number").values_list("number", flat=True).first()
    )
    baseline = record_create(
        model=Baseline,
        actor=actor,
        authorised=True,
        fields={
            "project": project,
            "number": (last or 0) + 1,
            "finish": finish,
            "budget_at_completion": budget_at_completion,
            "scope_summary": scope_summary,
            "benefits_value": benefits_value,
            "approved_by": approved_by or actor,
            "approved_at": clock.now(),
            "reason": reason.strip(),
            "source": source,
        },
        within=project,
        reason=short_reason(reason),
    )
    BaselineMilestone.objects.bulk_create(
        BaselineMilestone(baseline=baseline, name=name, due=due) for name, due in rows
    )
    return baseline


@transaction.atomic
def baseline_approve(
    *,
    actor: User | None,
    project: Project,
    finish: date,
    budget_at_completion: Decimal,
    reason: str,
    scope_summary: str = "",
    benefits_value: Decimal = Decimal(0),
    milestones: Iterable[tuple[str, date]] = (),
    source: BaselineSource = BaselineSource.PMO,
    approved_by: User | None = None,
    authorised: bool = False,
) -> Baseline:
    """Record a new version of the project's approved baseline (the first, or the next after an
    approval), then re-evaluate its tolerances against it. Only the PMO records one directly;
    an exception decision or an approved change request makes one too (``authorised``: the
    calling workflow has checked the actor's right)."""
    if actor is not None and not authorised:
        ensure_can(actor, "reporting.add_baseline", project, action="approve baselines (only the PMO can)")
    baseline = baseline_record(
        actor=actor,
        project=project,
        finish=finish,
        budget_at_completion=budget_at_completion,
        reason=reason,
        scope_summary=scope_summary,
        benefits_value=benefits_value,
        milestones=milestones,
        source=source,
        approved_by=approved_by,
    )
    tolerances_evaluate(project=project)
    return baseline


@transaction.atomic
def tolerance_set(
    *,
    actor: User | None,
    project: Project,
    dimension: ToleranceDimension,
    absolute: Decimal | None,
    percent: Decimal | None,
    direction: ToleranceDirection | str | None = None,
    expected_version: int | None = None,
) -> Tolerance:
    """Give the project its own tolerance for one dimension (replacing the default), then
    re-evaluate. Without a ``direction`` an existing tolerance keeps its own and a new one
    takes the dimension's default (``DEFAULT_DIRECTIONS``)."""
    if actor is not None:
        ensure_can(actor, "reporting.add_tolerance", project, action=f"set tolerances for {project}")
    existing = Tolerance.objects.filter(project=project, dimension=dimension).first()
    if not direction:
        direction = existing.direction if existing else default_direction(dimension)
    fields = {"absolute": absolute, "percent": percent, "direction": direction}
    if existing is None:
        row = record_create(
            model=Tolerance,
            actor=actor,
            fields={"project": project, "dimension": dimension, **fields},
            within=project,
        )
    else:
        row = record_update(instance=existing, actor=actor, fields=fields, expected_version=expected_version)
    tolerances_evaluate(project=project)
    return row


@transaction.atomic
def tolerance_clear(*, actor: User | None, tolerance: Tolerance, expected_version: int | None) -> None:
    """Drop a project's own tolerance: the default applies again."""
    project = tolerance.project
    record_delete(instance=tolerance, actor=actor, expected_version=expected_version)
    tolerances_evaluate(project=project)


def default_direction(dimension: str) -> str:
    """The direction a new tolerance for ``dimension`` takes unless one is given (an unknown
    dimension is left for the model's validation to name)."""
    try:
        return DEFAULT_DIRECTIONS[ToleranceDimension(dimension)]
    except ValueError:
        return ToleranceDirection.BOTH


def _projects_under(defaults: Iterable[ToleranceDefault]) -> list[Project]:
    """The active projects a default tolerance can apply to."""
    scope = Q(pk__in=[])
    for default in defaults:
        scope |= (
            Q(portfolio_id=default.portfolio_id) if default.portfolio_id else Q(size_tier=default.size_tier)
        )
    return list(Project.objects.filter(scope, status=ProjectStatus.ACTIVE))


@transaction.atomic
def tolerance_default_create(
    *,
    actor: User | None,
    dimension: ToleranceDimension,
    absolute: Decimal | None,
    percent: Decimal | None,
    size_tier: str = "",
    portfolio: Portfolio | None = None,
    direction: ToleranceDirection | str | None = None,
) -> ToleranceDefault:
    """Add a default tolerance for a size tier or a portfolio (PMO head); the projects it
    applies to are re-evaluated. Without a ``direction``, the dimension's default."""
    default = record_create(
        model=ToleranceDefault,
        actor=actor,
        fields={
            "dimension": dimension,
            "absolute": absolute,
            "percent": percent,
            "direction": direction or default_direction(dimension),
            "size_tier": size_tier,
            "portfolio": portfolio,
        },
    )
    tolerances_evaluate_all(_projects_under([default]))
    return default


@transaction.atomic
def tolerance_default_update(
    *, actor: User | None, default: ToleranceDefault, fields: Mapping[str, Any], expected_version: int | None
) -> ToleranceDefault:
    """Change a default tolerance (PMO head); the projects it applied to, and those it applies
    to now, are re-evaluated at once."""
    before = ToleranceDefault.objects.select_related("portfolio").get(pk=default.pk)
    if actor is not None:
        ensure_can(actor, "reporting.change_tolerancedefault", before, action=f"change {before}")
    only_fields(fields, TOLERANCE_DEFAULT_EDITABLE_FIELDS)
    updated = record_update(instance=default, actor=actor, fields=fields, expected_version=expected_version)
    tolerances_evaluate_all(_projects_under([before, updated]))
    return updated


@transaction.atomic
def tolerance_default_delete(
    *, actor: User | None, default: ToleranceDefault, expected_version: int | None
) -> None:
    """Remove a default tolerance (PMO head); its projects are re-evaluated without it."""
    projects = _projects_under([default])
    record_delete(instance=default, actor=actor, expected_version=expected_version)
    tolerances_evaluate_all(projects)


# Tolerance evaluation and exceptions -------------------------------------------------------------
