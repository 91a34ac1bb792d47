"""Writes to the portfolio register. Views, API, admin, imports and the CLI all call these."""

from collections.abc import Iterable, Mapping
from contextlib import suppress
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Model

from pmo.core.models import DomainModel, User
from pmo.core.permissions import ensure_can
from pmo.core.services import record_create, record_delete, record_update
from pmo.engine.tiers import classify_size_tier
from pmo.portfolio.models import Programme, Project, StrategicObjective

M = TypeVar("M", bound=DomainModel)


def _with_size_tier(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Fill in the size tier from the budget when none is given (a bad budget is left for
    validation to report)."""
    result = dict(fields)
    if not result.get("size_tier"):
        with suppress(ValueError, ArithmeticError):
            budget = result.get("budget") or 0
            result["size_tier"] = classify_size_tier(budget, settings.PMO_SIZE_TIER_THRESHOLDS)
    return result


# Who runs a project or programme and who may see it: only the PMO changes these, even where
# the project manager, sponsor or programme lead may change the rest.
GOVERNANCE_FIELDS: dict[type[DomainModel], tuple[str, ...]] = {
    Project: ("code", "portfolio", "sponsor", "project_manager", "confidential"),
    Programme: ("code", "portfolio", "sponsor", "manager"),
}


def _ensure_may_change_governance(actor: User, record: DomainModel, fields: Mapping[str, Any]) -> None:
    model = type(record)
    names = GOVERNANCE_FIELDS.get(model, ())
    changing = [f for f in model._meta.concrete_fields if f.name in names and f.name in fields]
    if not changing:
        return
    before = model._default_manager.filter(pk=record.pk).values(*(f.attname for f in changing)).first() or {}
    for field in changing:
        value = fields[field.name]
        if (value.pk if isinstance(value, Model) else value) != before.get(field.attname):
            ensure_can(
                actor, f"portfolio.change_{model._meta.model_name}_governance", record,
                action=f"change the {field.verbose_name} of a {model._meta.verbose_name} (only the PMO can)",
            )


@transaction.atomic
def project_create(
    *,
    actor: User | None,
    fields: Mapping[str, Any],
    strategic_objectives: Iterable[StrategicObjective | int] = (),
    reason: str = "",
) -> Project:
    """Add a project to the register (size tier from the budget when not given)."""
    return record_create(
        model=Project,
        actor=actor,
        fields=_with_size_tier(fields),
        m2m={"strategic_objectives": strategic_objectives},
        reason=reason,
    )


@transaction.atomic
def project_update(
    *,
    actor: User | None,
    project: Project,
    fields: Mapping[str, Any],
    expected_version: int | None,
    strategic_objectives: Iterable[StrategicObjective | int] | None = None,
    reason: str = "",
) -> Project:
    """Change a project; a stale ``expected_version`` is a conflict and changes nothing.

    Who runs the project and who may see it (``GOVERNANCE_FIELDS``) only the PMO changes."""
    if actor is not None:
        _ensure_may_change_governance(actor, project, fields)
    m2m = None if strategic_objectives is None else {"strategic_objectives": strategic_objectives}
    return record_update(
        instance=project,
        actor=actor,
        fields=fields,
        expected_version=expected_version,
        m2m=m2m,
        reason=reason,
    )


def project_delete(*, actor: User | None, project: Project, expected_version: int | None) -> None:
    """Remove a project from the register (its history is kept)."""
    record_delete(instance=project, actor=actor, expected_version=expected_version)


def register_entry_create(*, actor: User | None, model: type[M], fields: Mapping[str, Any]) -> M:
    """Create an organisation unit, objective, person, stage, portfolio or programme."""
    return record_create(model=model, actor=actor, fields=fields)


def register_entry_update(
    *, actor: User | None, entry: M, fields: Mapping[str, Any], expected_version: int | None
) -> M:
    """Change one of the register's reference records, guarded by its version."""
    if actor is not None:
        _ensure_may_change_governance(actor, entry, fields)
    return record_update(instance=entry, actor=actor, fields=fields, expected_version=expected_version)


def register_entry_delete(*, actor: User | None, entry: DomainModel, expected_version: int | None) -> None:
    """Delete a reference record unless projects or programmes still use it."""
    record_delete(instance=entry, actor=actor, expected_version=expected_version)
