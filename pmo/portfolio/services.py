"""Writes to the portfolio register. Views, API, admin, imports and the CLI all call these."""

from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.http import QueryDict
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from pmo.core import clock
from pmo.core.history import parse_point_in_time
from pmo.core.models import DomainModel, User
from pmo.core.permissions import ensure_can, permission_name
from pmo.core.services import ConflictError, record_create, record_delete, record_update, stale_version
from pmo.engine.tiers import classify_size_tier
from pmo.portfolio.models import Programme, Project, SavedView, StrategicObjective
from pmo.portfolio.register import columns_by_key, project_columns
from pmo.portfolio.stage_guards import ensure_stage_move

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
                actor,
                f"portfolio.change_{model._meta.model_name}_governance",
                record,
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

    Who runs the project and who may see it (``GOVERNANCE_FIELDS``) only the PMO changes; a
    change of stage must pass the stage move guards (``pmo.portfolio.stage_guards``)."""
    if actor is not None:
        _ensure_may_change_governance(actor, project, fields)
    stage = fields.get("stage")
    if stage is not None and Project.objects.filter(pk=project.pk).exclude(stage=stage).exists():
        ensure_stage_move(project, stage)
    m2m = None if strategic_objectives is None else {"strategic_objectives": strategic_objectives}
    return record_update(
        instance=project,
        actor=actor,
        fields=fields,
        expected_version=expected_version,
        m2m=m2m,
        reason=reason,
    )


BATCH = 500
GONE = "{project} was deleted by someone else meanwhile: nothing was saved."
CODE_TAKEN = "Project {code} already exists."

Objectives = Iterable[StrategicObjective | int]
_FIELDS = {f.name: f for f in Project._meta.concrete_fields}


def _ids(objectives: Objectives) -> frozenset[int]:
    return frozenset(o.pk if isinstance(o, Model) else o for o in objectives)


def _given(project: Project) -> list[str]:
    """The related records a project names: saved ones (as an import's lookups are), not read
    again to validate them; those left empty are validated, so a missing sponsor is reported."""
    fields = Project._meta.concrete_fields
    return [f.name for f in fields if f.is_relation and getattr(project, f.attname) is not None]


def _history(projects: list[Project], *, actor: User | None, reason: str, update: bool) -> None:
    """One history entry per project (who, when, why, the whole row) and the objectives it
    records: django-simple-history's bulk writer, which leaves many-to-many fields to us."""
    entries = Project.history.bulk_history_create(
        projects, batch_size=BATCH, update=update, default_user=actor,
        default_change_reason=reason or None, default_date=clock.now(),
    )  # fmt: skip
    through = Project.history.model.strategic_objectives.model
    links = Project.strategic_objectives.through.objects
    recorded: dict[int, list[tuple[int, int]]] = {}
    pks = [p.pk for p in projects]
    for start in range(0, len(pks), BATCH):
        found = links.filter(project_id__in=pks[start : start + BATCH]).order_by("strategicobjective_id")
        values = found.values_list("id", "project_id", "strategicobjective_id")
        for link_id, project_id, objective_id in values:
            recorded.setdefault(project_id, []).append((link_id, objective_id))
    through.objects.bulk_create(
        [
            through(history=entry, id=link_id, project_id=entry.id, strategicobjective_id=objective_id)
            for entry in entries
            for link_id, objective_id in recorded.get(entry.id, ())
        ],
        batch_size=BATCH,
    )


def _link(pairs: list[tuple[Project, frozenset[int]]], *, replace: bool) -> None:
    links = Project.strategic_objectives.through.objects
    if replace:
        pks = [p.pk for p, _ in pairs]
        for start in range(0, len(pks), BATCH):
            links.filter(project_id__in=pks[start : start + BATCH]).delete()
    links.bulk_create(
        [
            Project.strategic_objectives.through(project_id=p.pk, strategicobjective_id=o)
            for p, objectives in pairs
            for o in sorted(objectives)
        ],
        batch_size=BATCH,
    )


@transaction.atomic
def projects_create(
    *,
    actor: User | None,
    items: Sequence[tuple[Mapping[str, Any], Objectives]],
    reason: str = "",
) -> list[Project]:
    """Add many projects at once (an Excel import): (fields, strategic objectives) each, with the
    rules of ``project_create`` (the right to add projects, the size tier from the budget, the
    model's validation, codes not already in the register) and the projects, their objectives
    and their history entries (who, why, the objectives) written in batches. The related records
    must be saved ones: they are not read again to validate them."""
    if not items:
        return []
    if actor is not None:
        ensure_can(actor, "portfolio.add_project", action="add projects")
    now = clock.now()
    built: list[Project] = []
    for fields, _objectives in items:
        project = Project(**_with_size_tier(fields))
        project.full_clean(exclude=_given(project), validate_unique=False, validate_constraints=False)
        project.created_at = project.updated_at = now
        built.append(project)
    codes = [p.code for p in built]
    for start in range(0, len(codes), BATCH):
        chunk = codes[start : start + BATCH]
        taken = Project.objects.filter(code__in=chunk).values_list("code", flat=True).first()
        if taken is not None:
            raise ValidationError({"code": CODE_TAKEN.format(code=taken)})
    created = Project.objects.bulk_create(built, batch_size=BATCH)
    _link([(p, _ids(objectives)) for p, (_f, objectives) in zip(created, items, strict=True)], replace=False)
    _history(created, actor=actor, reason=reason, update=False)
    return created


@transaction.atomic
def projects_update(
    *,
    actor: User | None,
    changes: Sequence[tuple[Project, Mapping[str, Any], Objectives | None, int | None]],
    reason: str = "",
) -> list[Project]:
    """Change many projects at once (an Excel re-import): (project, fields, strategic objectives
    or None to keep them, expected version) each, with the rules of ``project_update`` (the
    actor's right on each project as stored, governance fields for the PMO only, the model's
    validation, a stale version is a ConflictError naming who changed it), the rows locked and
    read in batches, and the changes, objectives and history entries written in batches. A
    project the write would not change is left alone; each changed one goes up one version."""
    if not changes:
        return []
    pks = [project.pk for project, _, _, _ in changes]
    locked: dict[int, Project] = {}
    rows = Project.objects.select_for_update()
    for start in range(0, len(pks), BATCH):
        locked.update({row.pk: row for row in rows.filter(pk__in=pks[start : start + BATCH])})
    current_objectives: dict[int, frozenset[int]] = {}
    links = Project.strategic_objectives.through.objects
    found: dict[int, set[int]] = {}
    for start in range(0, len(pks), BATCH):
        for project_id, objective_id in links.filter(project_id__in=pks[start : start + BATCH]).values_list(
            "project_id", "strategicobjective_id"
        ):
            found.setdefault(project_id, set()).add(objective_id)
    current_objectives = {pk: frozenset(found.get(pk, ())) for pk in pks}
    now = clock.now()
    written: set[str] = {"version", "updated_at"}
    updated: list[Project] = []
    relinked: list[tuple[Project, frozenset[int]]] = []
    governance = GOVERNANCE_FIELDS[Project]
    for project, fields, objectives, expected_version in changes:
        current = locked.get(project.pk)
        if current is None:
            raise ConflictError(GONE.format(project=project), current_version=0)
        if actor is not None:
            ensure_can(actor, "portfolio.change_project", current, action=f"change {current}")
        if expected_version is not None and current.version != expected_version:
            raise stale_version(current, expected_version)
        changed = {
            name: value
            for name, value in fields.items()
            if getattr(current, _FIELDS[name].attname) != (value.pk if isinstance(value, Model) else value)
        }
        if actor is not None and changed.keys() & set(governance):
            field = _FIELDS[sorted(changed.keys() & set(governance))[0]]
            ensure_can(
                actor, "portfolio.change_project_governance", current,
                action=f"change the {field.verbose_name} of a project (only the PMO can)",
            )  # fmt: skip
        wanted = None if objectives is None else _ids(objectives)
        relink = wanted is not None and wanted != current_objectives[current.pk]
        if not changed and not relink:
            continue  # as project_update: a write that changes nothing keeps the version
        if "stage" in changed:
            ensure_stage_move(current, changed["stage"])
        for name, value in changed.items():
            setattr(current, name, value)
        current.full_clean(exclude=_given(current), validate_unique=False, validate_constraints=False)
        current.version += 1
        current.updated_at = now
        written |= set(changed)
        updated.append(current)
        if relink:
            relinked.append((current, wanted))  # type: ignore[arg-type]
    if not updated:
        return []
    Project.objects.bulk_update(updated, sorted(written), batch_size=BATCH)
    _link(relinked, replace=True)
    _history(updated, actor=actor, reason=reason, update=True)
    return updated


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


ENTRY_TAKEN = "{model} {value} already exists."
ENTRY_GONE = "{entry} was deleted by someone else meanwhile: nothing was saved."


def _relations_given(entry: DomainModel) -> list[str]:
    """The related records an entry names: saved ones (as an import's lookups are), not read
    again to validate them."""
    fields = entry._meta.concrete_fields
    return [f.name for f in fields if f.is_relation and getattr(entry, f.attname) is not None]


@transaction.atomic
def register_entries_create(
    *, actor: User | None, model: type[M], items: Sequence[Mapping[str, Any]], reason: str = ""
) -> list[M]:
    """Add many reference records of one kind at once (an Excel import of people, organisation
    units, objectives, portfolios or programmes), with the rules of ``register_entry_create``
    (the right to add them, the model's validation, unique values not already taken) and the
    records and their history entries (who, when, why) written in batches. Related records must
    be saved ones: they are not read again to validate them."""
    if not items:
        return []
    if actor is not None:
        ensure_can(actor, permission_name(model, "add"), action=f"add {model._meta.verbose_name_plural}")
    built = [model(**fields) for fields in items]
    for entry in built:
        entry.full_clean(exclude=_relations_given(entry), validate_unique=False, validate_constraints=False)
    for field in model._meta.concrete_fields:
        if not field.unique or field.primary_key:
            continue
        values = [getattr(e, field.attname) for e in built]
        for start in range(0, len(values), BATCH):
            lookup = {f"{field.attname}__in": values[start : start + BATCH]}
            taken = model._default_manager.filter(**lookup).values_list(field.attname, flat=True).first()
            if taken is not None:
                what = str(model._meta.verbose_name).capitalize()
                raise ValidationError({field.name: ENTRY_TAKEN.format(model=what, value=taken)})
    return bulk_create_with_history(
        built, model, batch_size=BATCH, default_user=actor,
        default_change_reason=reason or None, default_date=clock.now(),
    )  # fmt: skip


@transaction.atomic
def register_entries_update(
    *,
    actor: User | None,
    model: type[M],
    changes: Sequence[tuple[M, Mapping[str, Any], int | None]],
    reason: str = "",
) -> list[M]:
    """Change many reference records of one kind at once (an Excel re-import): (record, fields,
    expected version) each, with the rules of ``register_entry_update`` (the actor's right on
    each record as stored, governance fields for the PMO only, the model's validation, a stale
    version is a ConflictError naming who changed it), the rows locked and read in batches and
    the changes and their history entries written in batches. A record the write would not
    change is left alone; each changed one goes up one version."""
    if not changes:
        return []
    pks = [entry.pk for entry, _, _ in changes]
    locked: dict[int, M] = {}
    rows = model._default_manager.select_for_update()
    for start in range(0, len(pks), BATCH):
        locked.update({row.pk: row for row in rows.filter(pk__in=pks[start : start + BATCH])})
    fields_by_name = {f.name: f for f in model._meta.concrete_fields}
    governance = set(GOVERNANCE_FIELDS.get(model, ()))
    now = clock.now()
    written: set[str] = {"version", "updated_at"}
    updated: list[M] = []
    for entry, fields, expected_version in changes:
        current = locked.get(entry.pk)
        if current is None:
            raise ConflictError(ENTRY_GONE.format(entry=entry), current_version=0)
        if actor is not None:
            ensure_can(actor, permission_name(current, "change"), current, action=f"change {current}")
        if expected_version is not None and current.version != expected_version:
            raise stale_version(current, expected_version)
        changed = {
            name: value
            for name, value in fields.items()
            if getattr(current, fields_by_name[name].attname)
            != (value.pk if isinstance(value, Model) else value)
        }
        if not changed:
            continue  # as record_update: a write that changes nothing keeps the version
        if actor is not None and changed.keys() & governance:
            field = fields_by_name[sorted(changed.keys() & governance)[0]]
            ensure_can(
                actor, f"portfolio.change_{model._meta.model_name}_governance", current,
                action=f"change the {field.verbose_name} of a {model._meta.verbose_name} (only the PMO can)",
            )  # fmt: skip
        for name, value in changed.items():
            setattr(current, name, value)
        current.full_clean(
            exclude=_relations_given(current), validate_unique=False, validate_constraints=False
        )
        current.version += 1
        current.updated_at = now
        written |= set(changed)
        updated.append(current)
    if updated:
        bulk_update_with_history(
            updated, model, sorted(written), batch_size=BATCH, default_user=actor,
            default_change_reason=reason or None, default_date=now,
        )  # fmt: skip
    return updated


SAVED_VIEW_UNKNOWN_FILTERS = "Unknown filter(s): {keys}. Choose from: {choices}."
SAVED_VIEW_UNKNOWN_SORT = "Unknown sort: {sort}. Sort by one of the columns: {choices}."
SAVED_VIEW_NAME_TAKEN = "You already have a saved view named {name}."
VIEW_PARTS = ("cols", "sort", "as_of")  # how the register is shown, beside its filters
NOT_SAVED = ("page", "export")  # where the reader is, not what they chose


def saved_view_query(query: str) -> str:
    """``query`` (a register address's query string) checked and tidied: raises ValidationError
    naming every unknown filter, column or sort and every filter value that cannot be used."""
    from pmo.portfolio.forms import RegisterFilter  # the forms write through these services

    data = QueryDict(query.lstrip("?"), mutable=True)
    for name in NOT_SAVED:
        data.pop(name, None)
    problems: list[str] = []
    filters = [name for name, spec in RegisterFilter.base_filters.items() if spec is not None]
    if unknown := [key for key in data if key not in filters and key not in VIEW_PARTS]:
        problems.append(
            SAVED_VIEW_UNKNOWN_FILTERS.format(
                keys=", ".join(unknown), choices=", ".join([*filters, *VIEW_PARTS])
            )
        )
    columns = [key for value in data.getlist("cols") for key in value.split(",") if key]
    try:
        columns_by_key(project_columns(), columns)
    except ValueError as error:
        problems.append(str(error))
    sortable = [c.key for c in project_columns() if c.sort is not None]
    if (sort := data.get("sort", "")) and sort.lstrip("-") not in sortable:
        problems.append(SAVED_VIEW_UNKNOWN_SORT.format(sort=sort, choices=", ".join(sortable)))
    form = RegisterFilter(data, queryset=Project.objects.none()).form
    if not unknown and not form.is_valid():
        # The bound field's label: a filter's own field may have none (django-filter copies a field
        # made before its filter knew the model), where the bound field falls back to the name.
        problems += [f"{form[name].label}: {' '.join(map(str, why))}" for name, why in form.errors.items()]
    if as_of := data.get("as_of", "").strip():
        try:
            parse_point_in_time(as_of)
        except ValueError as error:
            problems.append(f"As of: {error}")
    if problems:
        raise ValidationError({"query": problems})
    return data.urlencode()


def _saved_view_name(owner: User, name: str, exclude: int | None = None) -> str:
    name = " ".join(name.split())
    taken = SavedView.objects.filter(owner=owner, name=name)
    if (taken.exclude(pk=exclude) if exclude is not None else taken).exists():
        raise ValidationError({"name": [SAVED_VIEW_NAME_TAKEN.format(name=name)]})
    return name


@transaction.atomic
def saved_view_create(*, actor: User, name: str, query: str) -> SavedView:
    """Save ``actor``'s current choice of filters, columns and sort on the register as ``name``."""
    view = SavedView(owner=actor, name=_saved_view_name(actor, name), query=saved_view_query(query))
    view.full_clean()
    view._history_user = actor  # type: ignore[attr-defined]
    view.save()
    return view


def saved_view_rename(*, actor: User, view: SavedView, name: str, expected_version: int | None) -> SavedView:
    """Rename one of ``actor``'s saved views (only its owner may)."""
    return record_update(
        instance=view,
        actor=actor,
        fields={"name": _saved_view_name(actor, name, exclude=view.pk)},
        expected_version=expected_version,
    )


def saved_view_delete(*, actor: User, view: SavedView, expected_version: int | None) -> None:
    """Delete one of ``actor``'s saved views (its history is kept)."""
    record_delete(instance=view, actor=actor, expected_version=expected_version)
