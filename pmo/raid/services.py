"""Writes to the RAID registers. Views, API, imports and the demo all call these.

Each write checks the actor's right on the register (or item), validates the whole record, and
records who changed what in the item's history. A risk's scores must lie on the PMO's matrix; a
dependency may not make a project wait on itself, directly or through others."""

import copy
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, Value
from django.db.models.functions import Round
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from pmo.core import clock
from pmo.core.models import User
from pmo.core.permissions import ensure_can, permission_name
from pmo.core.problems import Problems
from pmo.core.services import (
    ConflictError,
    notify,
    only_fields,
    others_than,
    pmo_users,
    record_delete,
    record_update,
    short_reason,
    stale_version,
    user_of,
)
from pmo.engine import network
from pmo.engine.risk import Matrix
from pmo.portfolio.models import Portfolio, Programme, Project
from pmo.raid import selectors
from pmo.raid.choices import LEVEL_ORDER, ActionSource, DecisionStatus, Level
from pmo.raid.models import Action, Decision, Dependency, RaidItem, RaidSettings, Risk
from pmo.schedule import crosslinks

ItemT = TypeVar("ItemT", bound=RaidItem)

REGISTER_FIELDS = frozenset({"project", "programme", "portfolio"})
WORKFLOW_FIELDS = frozenset(
    {
        "escalated_to",
        "escalated_at",
        "escalation_note",
        "raised_by",
        "closed_on",
        "inherent_score",
        "residual_score",
        "expected_value",
    }
)
DEPENDENCY_LOOP = "This would make a loop of dependencies: {loop}. A project cannot wait on itself."
HIDDEN_PROJECT = "a project you may not see"
PROJECT_NOT_SEEN = "Name a project you may see: this one is confidential to its own team and the PMO."
GONE = "{item} was deleted by someone else meanwhile: nothing was saved."
TIE_NEEDS_PROJECT = (
    "Tie the delivering side to a task only when the dependency names the project it depends on."
)
TIE_NOT_IN_PLAN = "{project}'s plan has no task with UID {uid}: choose one of its tasks."
TIE_SUMMARY = "Task {uid} of {project}'s plan is a summary: choose a task or milestone within it."
TIE_FIELDS = ("giving_task_uid", "needing_task_uid", "depends_on", "depends_on_id", "project")
SOURCE_NEEDS_ITEM = "Name the RAID item this action comes from (e.g. RSK-12)."
NO_PROGRAMME = "{project} is not part of a programme: escalate it to the portfolio instead."
NOT_HIGHER = "{item} is already at {level} level: escalate it to a higher level."
NOT_ESCALATED = "{item} is not escalated."
NOTE_REQUIRED = "Say why."
SCORES_OFF_MATRIX = (
    "{count} open risks are scored beyond a {rows} × {columns} matrix (for example {example}): "
    "rescore them before making the matrix smaller."
)
SETTINGS_FIELDS = frozenset(
    {"probability_levels", "impact_levels", "medium_from", "high_from", "likelihoods", "stale_days"}
)
SCORE_FIELDS = {
    "inherent_probability": "Probability",
    "inherent_impact": "Impact",
    "residual_probability": "Probability",
    "residual_impact": "Impact",
}


def _scored(fields: dict[str, Any], current: Risk | None, matrix: Matrix) -> dict[str, Any]:
    """Check a risk's scores lie on the matrix and set its expected value."""
    merged: dict[str, Any] = {name: fields.get(name, getattr(current, name, None)) for name in SCORE_FIELDS}
    errors = {}
    for name, what in SCORE_FIELDS.items():
        value = merged[name]
        if value is None:
            errors[name] = "A value is required."
            continue
        top = matrix.probability_levels if what == "Probability" else matrix.impact_levels
        try:
            matrix.check(value, 1) if what == "Probability" else matrix.check(1, value)
        except ValueError:
            errors[name] = f"{what} must be a whole number from 1 to {top} on this matrix (got {value})."
    if errors:
        raise ValidationError(errors)
    cost = fields.get("cost_impact", getattr(current, "cost_impact", None))
    fields["expected_value"] = matrix.expected_value(merged["residual_probability"], cost)
    return fields


def _check_links(item: RaidItem, actor: User | None) -> None:
    """What an item names beyond itself: an action's RAID item must be one of its project's that
    the actor may see; a dependency may name only a project the actor may see."""
    hidden = (
        isinstance(item, Dependency)
        and item.depends_on_id is not None
        and actor is not None
        and not actor.has_perm("portfolio.view_project", item.depends_on)
    )
    if hidden:
        raise ValidationError({"depends_on": PROJECT_NOT_SEEN})
    if not isinstance(item, Action) or item.source != ActionSource.RAID_ITEM:
        return
    if not item.source_reference.strip():
        raise ValidationError({"source_reference": SOURCE_NEEDS_ITEM})
    try:
        selectors.item_by_reference(item.source_reference, project=item.project, user=actor)
    except ValueError as exc:
        raise ValidationError({"source_reference": str(exc)}) from exc
    item.source_reference = item.source_reference.strip().upper()


def check_ties(item: RaidItem, problems: Problems) -> None:
    """A dependency's ties to plan tasks: the delivering task a task (not a summary) of the plan
    of the project it depends on, the needing task one of its own project's plan. Asked when a
    tie or either project changes (a tie a re-import broke may stand until then: it shows as
    broken). The actor may see both plans: the dependency names only a project they may see. A
    tied needing task sets the need-by date (``due``) to its start, as the plan has it."""
    if not isinstance(item, Dependency):
        return
    errors: dict[str, str] = {}
    sides = (("giving_task_uid", item.depends_on_id), ("needing_task_uid", item.project_id))
    for name, project_id in sides:
        uid = getattr(item, name)
        if uid is None or name in problems.errors:
            continue
        if project_id is None:
            errors[name] = TIE_NEEDS_PROJECT
            continue
        project = item.depends_on if name == "giving_task_uid" else item.project
        found = crosslinks.task_named(project_id, uid)
        if found is None:
            errors[name] = TIE_NOT_IN_PLAN.format(project=project.code, uid=uid)  # type: ignore[union-attr]
        elif found[1]:
            errors[name] = TIE_SUMMARY.format(project=project.code, uid=uid)  # type: ignore[union-attr]
        elif name == "needing_task_uid":
            item.due = timezone.localdate(found[2])  # needed by: the task's start, as planned
    if errors:
        problems.add(ValidationError(errors))


def _ties_changed(current: RaidItem, values: Mapping[str, Any]) -> bool:
    return isinstance(current, Dependency) and any(
        name in values and values[name] != getattr(current, name) for name in TIE_FIELDS
    )


def _check_item(
    item: RaidItem, actor: User | None, relations: Sequence[Any], problems: Problems, *, ties: bool = False
) -> None:
    """Every problem of ``item`` at once, with those already found (its scores): its links, a
    dependency's ties to plan tasks (``ties``: when new or changed), and the model's own rules (a
    field already found wrong keeps its own problem)."""
    problems.check(_check_links, item, actor)
    if ties and "depends_on" not in problems.errors:
        check_ties(item, problems)
    problems.check(
        item.full_clean,
        exclude=[*_given(item, relations), *problems.errors],
        validate_unique=False,
        validate_constraints=False,
    )
    problems.raise_any()


def raid_item_check(
    *,
    actor: User | None,
    model: type[RaidItem],
    fields: Mapping[str, Any],
    register: Project | Programme | Portfolio | None = None,
    item: RaidItem | None = None,
) -> None:
    """The problems of raising ``fields`` in ``register`` (or of changing ``item`` to them),
    writing nothing: for a form with problems of its own, so they all show at once."""
    values = _closing(model, dict(fields), item)
    problems = Problems()
    matrix = selectors.raid_settings().matrix if issubclass(model, Risk) else None
    if matrix is not None:
        values = problems.check(_scored, values, item, matrix) or values
    if item is None:
        if register is not None:
            values[type(register).__name__.lower()] = register
        checked = model(**values)
    else:
        checked = copy.copy(item)
        for name, value in values.items():
            setattr(checked, name, value)
    relations = [f for f in model._meta.concrete_fields if f.is_relation]
    _check_item(checked, actor, relations, problems, ties=item is None or _ties_changed(item, values))


def _refuse_loop(edges: list[tuple[int, int]], new_edges: list[tuple[int, int]], actor: User | None) -> None:
    """Refuse new open dependencies that would close a loop. Dependency writes take turns (the
    RAID settings row is locked first), so two at once cannot each close half of one. The
    message names only the projects ``actor`` may see (a loop may run through a confidential
    one)."""
    if not new_edges:
        return
    RaidSettings.objects.select_for_update().filter(pk=selectors.raid_settings().pk).exists()
    loop = network.find_loop([*edges, *new_edges])
    if loop:
        seen = Project.objects.filter(pk__in=loop)
        if actor is not None:
            seen = seen.restrict(actor, "view")
        codes = dict(seen.values_list("pk", "code"))
        names = " → ".join(codes.get(p, HIDDEN_PROJECT) for p in loop)
        raise ValidationError({"depends_on": DEPENDENCY_LOOP.format(loop=names)})


def _open_edges(items: Sequence[RaidItem]) -> list[tuple[int, int]]:
    return [
        (item.project_id, item.depends_on_id)
        for item in items
        if isinstance(item, Dependency) and item.project_id and item.depends_on_id and item.is_open
    ]


def _editable(model: type[RaidItem]) -> frozenset[str]:
    """The fields a caller sets directly (not the register, escalation or derived figures)."""
    names = frozenset(f.name for f in model._meta.concrete_fields)
    return names - REGISTER_FIELDS - WORKFLOW_FIELDS - {"id", "version", "created_at", "updated_at"}


def _closing(model: type[RaidItem], fields: dict[str, Any], current: RaidItem | None) -> dict[str, Any]:
    """Stamp the day an item leaves its open states (and clear it if it reopens); a decision
    made without a date was made today."""
    status = fields.get("status")
    if model is Decision:
        made = (status or getattr(current, "status", DecisionStatus.MADE)) == DecisionStatus.MADE
        if made and not fields.get("decided_on") and not getattr(current, "decided_on", None):
            fields["decided_on"] = clock.today()
    if status is None or (current is not None and status == current.status):
        return fields
    if status in model.OPEN_STATUSES:
        fields["closed_on"] = None
    elif current is None or current.is_open:
        fields["closed_on"] = clock.today()
    return fields


@transaction.atomic
def raid_item_create(
    *,
    actor: User | None,
    model: type[ItemT],
    register: Project | Programme | Portfolio,
    fields: Mapping[str, Any],
    reason: str = "",
) -> ItemT:
    """Raise an item in a project's, programme's or portfolio's register."""
    return raid_items_create(actor=actor, model=model, items=[(register, fields)], reason=reason)[0]


IMPORT_BATCH = 500


def _given(item: RaidItem, relations: Sequence[Any]) -> list[str]:
    """The related records an item names: saved ones, not read again to validate them (those
    left empty are validated, so a missing owner is reported as such)."""
    return [f.name for f in relations if getattr(item, f.attname) is not None]


@transaction.atomic
def raid_items_create(
    *,
    actor: User | None,
    model: type[ItemT],
    items: Sequence[tuple[Project | Programme | Portfolio, Mapping[str, Any]]],
    reason: str = "",
) -> list[ItemT]:
    """Raise many items at once (an Excel import), each in its register: the rules of
    ``raid_item_create`` (the actor's right on each register, the editable fields, scores on the
    matrix, the action's source, no dependency loop, the model's validation), with the matrix,
    the rights and the dependency graph read once, and the items and their history entries
    (who, why) written in batches. The related records must be saved ones (as an import's
    lookups are): they are not read again to validate them."""
    if not items:
        return []
    matrix = selectors.raid_settings().matrix if issubclass(model, Risk) else None
    allowed: set[tuple[str, int]] = set()
    built: list[ItemT] = []
    relations = [f for f in model._meta.concrete_fields if f.is_relation]
    for register, fields in items:
        place = (type(register).__name__, register.pk)
        if actor is not None and place not in allowed:
            ensure_can(
                actor,
                permission_name(model, "add"),
                register,
                action=f"add {model._meta.verbose_name_plural} to {register}",
            )
            allowed.add(place)
        only_fields(fields, _editable(model))
        values = _closing(model, dict(fields), None)
        values[type(register).__name__.lower()] = register
        values.setdefault("raised_by", actor)
        problems = Problems()
        if matrix is not None:
            values = problems.check(_scored, values, None, matrix) or values
        item = model(**values)
        _check_item(item, actor, relations, problems, ties=True)
        built.append(item)
    if issubclass(model, Dependency):
        _refuse_loop(selectors.project_edges(), _open_edges(built), actor)
    return bulk_create_with_history(
        built,
        model,
        batch_size=IMPORT_BATCH,
        default_user=actor,
        default_change_reason=reason or None,
        default_date=clock.now(),
    )


@transaction.atomic
def raid_item_update(
    *,
    actor: User | None,
    item: ItemT,
    fields: Mapping[str, Any],
    expected_version: int | None,
    reason: str = "",
) -> ItemT:
    """Change an item (which counts as reviewing it today). Its register and escalation change
    only through ``raid_item_escalate``."""
    raid_items_update(
        actor=actor, model=type(item), changes=[(item, fields, expected_version)], reason=reason
    )
    item.refresh_from_db()
    return item


@transaction.atomic
def raid_items_update(
    *,
    actor: User | None,
    model: type[ItemT],
    changes: Sequence[tuple[ItemT, Mapping[str, Any], int | None]],
    reason: str = "",
) -> list[ItemT]:
    """Change many items of one register at once (an Excel re-import): (item, fields, expected
    version) each, with the rules of ``raid_item_update`` (the actor's right on each item as
    stored, the editable fields, scores on the matrix, closing dates, the action's source, no
    dependency loop, the model's validation, a stale version is a ConflictError naming the
    item), the rows locked and read in batches, the matrix and the dependency graph read once,
    and the changes and their history entries (who, why) written in batches. Each item counts
    as reviewed today and goes up one version."""
    if not changes:
        return []
    matrix = selectors.raid_settings().matrix if issubclass(model, Risk) else None
    locked: dict[int, ItemT] = {}
    pks = [item.pk for item, _, _ in changes]
    rows = model._default_manager.select_for_update(of=("self",)).select_related(
        "project__programme", "project__portfolio", "programme__portfolio", "portfolio"
    )
    for start in range(0, len(pks), IMPORT_BATCH):
        locked.update({row.pk: row for row in rows.filter(pk__in=pks[start : start + IMPORT_BATCH])})
    relations = [f for f in model._meta.concrete_fields if f.is_relation]
    now, today = clock.now(), clock.today()
    written: set[str] = {"version", "updated_at"}
    stored_edges: list[tuple[int, int]] = []
    updated: list[ItemT] = []
    for item, fields, expected_version in changes:
        current = locked.get(item.pk)
        if current is None:
            raise ConflictError(GONE.format(item=item), current_version=0)
        if actor is not None:
            ensure_can(actor, permission_name(current, "change"), current, action=f"change {current}")
        if expected_version is not None and current.version != expected_version:
            raise stale_version(current, expected_version)
        only_fields(fields, _editable(model))
        values = _closing(model, dict(fields), current)
        values.setdefault("last_reviewed_on", today)
        problems = Problems()
        if matrix is not None:
            values = problems.check(_scored, values, current, matrix) or values
        if not problems.errors and all(getattr(current, name) == value for name, value in values.items()):
            continue  # as record_update: a write that changes nothing keeps the version
        if (
            isinstance(current, Dependency)
            and current.project_id
            and current.depends_on_id
            and current.is_open
        ):
            stored_edges.append((current.project_id, current.depends_on_id))
        ties_changed = _ties_changed(current, values)
        for name, value in values.items():
            setattr(current, name, value)
        _check_item(current, actor, relations, problems, ties=ties_changed)
        if ties_changed:
            written.add("due")
        current.version += 1
        current.updated_at = now
        written |= set(values)
        updated.append(current)
    if issubclass(model, Dependency):
        edges = selectors.project_edges()
        for edge in stored_edges:
            if edge in edges:
                edges.remove(edge)
        _refuse_loop(edges, _open_edges(updated), actor)
    bulk_update_with_history(
        updated,
        model,
        sorted(written),
        batch_size=IMPORT_BATCH,
        default_user=actor,
        default_change_reason=reason or None,
        default_date=now,
    )
    if issubclass(model, Risk):
        _read_scores(updated)  # type: ignore[arg-type]
    return updated


def _read_scores(risks: Sequence[Risk]) -> None:
    """A bulk update leaves the scores the database computed unread (a GeneratedField is read back
    only on insert): read them, a batch at a time, so the returned risks show what was stored."""
    by_pk = {risk.pk: risk for risk in risks}
    pks = list(by_pk)
    for start in range(0, len(pks), IMPORT_BATCH):
        stored = Risk.objects.filter(pk__in=pks[start : start + IMPORT_BATCH])
        for pk, inherent, residual in stored.values_list("pk", "inherent_score", "residual_score"):
            by_pk[pk].inherent_score, by_pk[pk].residual_score = inherent, residual


@transaction.atomic
def raid_item_review(
    *, actor: User | None, item: ItemT, expected_version: int | None, note: str = ""
) -> ItemT:
    """Record that the item was reviewed today and still stands as it is."""
    return record_update(
        instance=item,
        actor=actor,
        fields={"last_reviewed_on": clock.today()},
        expected_version=expected_version,
        reason=short_reason(note) or "Reviewed: no change",
    )


def _escalation_recipients(item: RaidItem, level: Level) -> list[User | None]:
    """Whoever keeps the register the item goes to: the programme's leads, or the portfolio's
    owner and the PMO (``notify`` then tells only those who may see the item)."""
    project = item.project
    programme = item.programme or (project.programme if project is not None else None)
    if level == Level.PROGRAMME and programme is not None:
        keepers = [user_of(programme.manager), user_of(programme.sponsor)]
    else:
        portfolio = item.portfolio or (project or programme).portfolio  # type: ignore[union-attr]
        keepers = [user_of(portfolio.owner), *pmo_users()]
    return keepers


@transaction.atomic
def raid_item_escalate(
    *, actor: User | None, item: ItemT, to: Level, note: str, expected_version: int | None
) -> ItemT:
    """Escalate an item to the programme or portfolio register (which then shows it), telling
    whoever keeps that register."""
    if not note.strip():
        raise ValidationError({"escalation_note": NOTE_REQUIRED})
    to = Level(to)
    if LEVEL_ORDER[to] <= LEVEL_ORDER[item.shown_at]:
        raise ValidationError(
            {"escalated_to": NOT_HIGHER.format(item=item.reference, level=item.shown_at.label.lower())}
        )
    if to == Level.PROGRAMME and item.project is not None and item.project.programme_id is None:
        raise ValidationError({"escalated_to": NO_PROGRAMME.format(project=item.project)})
    escalated = record_update(
        instance=item,
        actor=actor,
        fields={"escalated_to": to.value, "escalated_at": clock.now(), "escalation_note": note.strip()},
        expected_version=expected_version,
        reason=short_reason(f"Escalated to {to.label.lower()}: {note}"),
    )
    notify(
        recipients=others_than(actor, *_escalation_recipients(escalated, to)),
        key=f"raid-escalated:{escalated.reference}:{escalated.version}",
        subject=f"{escalated.reference} escalated to {to.label.lower()} level: {escalated.title}",
        body=f"{escalated.home} escalated {escalated.reference} ({escalated.title}).\n\nWhy: {note.strip()}",
        url=escalated.get_absolute_url(),
        about=escalated,
    )
    return escalated


@transaction.atomic
def raid_item_deescalate(
    *, actor: User | None, item: ItemT, note: str, expected_version: int | None
) -> ItemT:
    """Hand an escalated item back to the register it was raised in."""
    if not item.escalated_to:
        raise ValidationError({"escalated_to": NOT_ESCALATED.format(item=item.reference)})
    if not note.strip():
        raise ValidationError({"escalation_note": NOTE_REQUIRED})
    return record_update(
        instance=item,
        actor=actor,
        fields={"escalated_to": "", "escalated_at": None, "escalation_note": note.strip()},
        expected_version=expected_version,
        reason=short_reason(f"Returned to the {item.level.label.lower()} register: {note}"),
    )


def raid_item_delete(*, actor: User | None, item: RaidItem, expected_version: int | None) -> None:
    """Remove an item raised in error (the PMO only; its history is kept)."""
    record_delete(instance=item, actor=actor, expected_version=expected_version)


@transaction.atomic
def raid_settings_update(
    *, actor: User | None, settings_row: RaidSettings, fields: Mapping[str, Any], expected_version: int | None
) -> RaidSettings:
    """Change the matrix, its bands and likelihoods, or the stale threshold (PMO head). A smaller
    matrix is refused while open risks are scored beyond it; expected values follow new
    likelihoods."""
    if actor is not None:
        ensure_can(actor, "raid.change_raidsettings", settings_row, action=f"change {settings_row}")
    only_fields(fields, SETTINGS_FIELDS)
    rows = fields.get("probability_levels", settings_row.probability_levels)
    columns = fields.get("impact_levels", settings_row.impact_levels)
    beyond = Risk.objects.filter(status__in=Risk.OPEN_STATUSES).exclude(
        inherent_probability__lte=rows,
        residual_probability__lte=rows,
        inherent_impact__lte=columns,
        residual_impact__lte=columns,
    )
    count = beyond.count()
    if count:
        example = beyond.order_by("pk")[0].reference
        message = SCORES_OFF_MATRIX.format(count=count, rows=rows, columns=columns, example=example)
        raise ValidationError({"probability_levels": message})
    updated = record_update(
        instance=settings_row, actor=actor, fields=fields, expected_version=expected_version
    )
    _refresh_expected_values(updated.matrix)
    return updated


def _refresh_expected_values(matrix: Matrix) -> None:
    """Expected values follow the likelihoods (derived figures: no history entry of their own)."""
    for probability in range(1, matrix.probability_levels + 1):
        share = matrix.likelihood(probability) / 100
        Risk.objects.filter(residual_probability=probability, cost_impact__isnull=False).update(
            expected_value=Round(F("cost_impact") * Value(share, output_field=DecimalField()), 2)
        )
