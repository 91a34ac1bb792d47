"""The register's reference data in Excel: organisation units (directorates, departments and
service areas), people, strategic objectives, portfolios and programmes, each imported all or
nothing, exported in the same layout, with a template to fill in. What a new PMO loads on day
one, in this order, before its projects (``pmo.portfolio.imports``).

Each kind has a natural key (a unit's or portfolio's name, a person's e-mail address, an
objective's or programme's code): a key already in the register updates that record, a new one
adds a record, and a row identical to its record is left alone (importing the same file twice
changes nothing the second time). A row names other records by their own keys: a person's
department, a programme's portfolio, its sponsor and manager (people by e-mail address or unique
name). They must be in the register already (imported earlier), except a unit's parent, which
may also be a row of the same file (a directorate and its departments together).

Every row is read and checked first (cells, references, duplicates, the model's rules, loops of
units under each other); if anything is wrong, nothing is written and every problem is reported
by row and column. Otherwise the rows are written in one transaction through the portfolio's
batch services (``register_entries_create``, ``register_entries_update``): the actor's right to
add and change the records, their validation, the version read at the check, and one history
entry per record written or changed, naming the actor and the file."""

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pmo.core.models import DomainModel, User
from pmo.core.permissions import ensure_can, permission_name
from pmo.core.services import ConflictError
from pmo.core.spreadsheets import (
    REQUIRED,
    CellError,
    Column,
    FileError,
    HeaderErrors,
    ImportIssue,
    ImportResult,
    Progress,
    SheetRow,
    WriteFailed,
    choice_lookup,
    import_written,
    is_blank,
    key,
    parse_choice,
    parse_person,
    parse_yes_no,
    people_finder,
    put_cell,
    read_sheet,
    refuse_formula,
    refused_message,
    shown,
    text,
    write_guidance,
    write_header_row,
)
from pmo.portfolio import services
from pmo.portfolio.choices import OrgUnitKind
from pmo.portfolio.models import PARENT_LOOP, OrgUnit, Person, Portfolio, Programme, StrategicObjective

NO_ROWS = "The sheet has a header row but no {items} under it."
DUPLICATE_KEY = "{value} is also on row {rows}; each of the {items} may appear only once."
VALUE_TAKEN = "{value} is already the {column} of {other}; each needs its own."
UNKNOWN_UNIT = "No organisation unit is called {value}: import the organisation units first."
UNKNOWN_PARENT = "No organisation unit is called {value}, in the register or in this file."
UNKNOWN_PORTFOLIO = "No portfolio is called {value}: import the portfolios first."
UNIT_LOOP = "{units} would sit under each other in a loop."
NOT_ALLOWED_TO_CHANGE = "You do not have permission to change {record}."
CHANGED_DURING_IMPORT = "Nothing was imported: {message} Import the file again."
WRITE_REFUSED = "Nothing was imported: {message}"

REFERENCE_KINDS_ORDER = ("org-units", "people", "strategic-objectives", "portfolios", "programmes")
"""The order a new PMO loads its reference data in: each kind names only the kinds before it."""


class _Keep:
    """A blank cell in a column whose field cannot be empty: keep the record's value (or the
    default, for a new record)."""


KEEP = _Keep()


@dataclass(frozen=True)
class SameFile:
    """A reference to a row of the same file (a unit under a unit imported with it)."""

    key: str
    raw: Any


@dataclass(frozen=True)
class ReferenceKind:
    """One kind of reference data: its model, sheet, columns and natural key."""

    name: str  # as the command line and the URLs say it: "org-units"
    model: type[DomainModel]
    sheet: str
    key_field: str
    columns: tuple[Column, ...]
    intro: str
    export_order: tuple[str, ...]

    @property
    def items(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def key_header(self) -> str:
        return next(c.header for c in self.columns if c.field == self.key_field)

    def header_of(self, name: str) -> str | None:
        return next((c.header for c in self.columns if c.field == name), None)

    def model_field(self, name: str) -> Any:
        return self.model._meta.get_field(name)


def _person_column(header: str, name: str, what: str, aliases: tuple[str, ...] = ()) -> Column:
    return Column(
        header, name, False,
        f"{what}: the e-mail address or full name of a person in the register (imported before "
        "this file; a name two people share must be given as an e-mail address). Blank if none.",
        "jo.bloggs@council.example", aliases,
    )  # fmt: skip


KINDS: dict[str, ReferenceKind] = {
    kind.name: kind
    for kind in (
        ReferenceKind(
            "org-units", OrgUnit, "Organisation units", "name",
            (
                Column("Name", "name", True,
                       "The unit's name (up to 150 characters). A name already in the register updates "
                       "that unit; a new name adds one.", "Adults' Social Care", ("unit", "org unit")),
                Column("Kind", "kind", False,
                       "Directorate, department or business service area. Blank: Department for a new "
                       "unit, unchanged for an existing one.", OrgUnitKind.DEPARTMENT.label, ("type",)),
                Column("Parent", "parent", False,
                       "The name of the unit it sits under (a department's directorate), in the register "
                       "or on another row of this file; blank if none.", "People Directorate",
                       ("sits under", "parent unit", "directorate")),
            ),
            "Put directorates, departments and service areas on one sheet: a unit may sit under one "
            "imported with it.",
            ("name",),
        ),
        ReferenceKind(
            "people", Person, "People", "email",
            (
                Column("E-mail", "email", True,
                       "The person's e-mail address, which identifies them: an address already in the "
                       "register updates that person; a new one adds a person.",
                       "jo.bloggs@council.example", ("email", "e-mail address", "email address")),
                Column("Name", "name", True, "Their full name (up to 150 characters).", "Jo Bloggs",
                       ("full name",)),
                Column("Job title", "job_title", False, "Their job title; blank if none.",
                       "Director of Housing", ("title", "role")),
                Column("Department", "org_unit", False,
                       "The name of the organisation unit they work in (imported before this file); "
                       "blank if none.", "Housing", ("org unit", "organisation unit", "directorate", "team")),
            ),
            "People hold roles on projects (sponsor, project manager, business owner). A person "
            "needs no login; logins are given on the Users page.",
            ("name", "email"),
        ),
        ReferenceKind(
            "strategic-objectives", StrategicObjective, "Strategic objectives", "code",
            (
                Column("Code", "code", True,
                       "The objective's unique code (letters, digits, dots, dashes and underscores). A code "
                       "already in the register updates that objective; a new code adds one.", "SO1",
                       ("objective code",)),
                Column("Title", "title", True, "The objective in a line (up to 200 characters).",
                       "Good homes for everyone", ("objective", "name")),
                Column("Description", "description", False, "What it means; blank if none."),
                Column("Active", "is_active", False,
                       "No: retired (kept on the projects that name it, offered for no new one). Blank: "
                       "Yes for a new objective, unchanged for an existing one.", "Yes", ("is active",)),
            ),
            "Projects name the objectives they contribute to by these codes.",
            ("code",),
        ),
        ReferenceKind(
            "portfolios", Portfolio, "Portfolios", "name",
            (
                Column("Name", "name", True,
                       "The portfolio's name (up to 150 characters). A name already in the register "
                       "updates that portfolio; a new name adds one.", "IT Portfolio", ("portfolio",)),
                Column("Description", "description", False, "What it holds; blank if none."),
                _person_column("Owner", "owner", "Who owns it", ("portfolio owner",)),
            ),
            "Import the people first: a portfolio's owner is a person in the register.",
            ("name",),
        ),
        ReferenceKind(
            "programmes", Programme, "Programmes", "code",
            (
                Column("Code", "code", True,
                       "The programme's unique code (letters, digits, dots, dashes and underscores). A code "
                       "already in the register updates that programme; a new code adds one.", "PRG-DIG",
                       ("programme code",)),
                Column("Name", "name", True, "The programme's name, unique (up to 150 characters).",
                       "Digital Customer Access", ("programme", "programme name")),
                Column("Portfolio", "portfolio", True,
                       "The name of the portfolio it belongs to (imported before this file).",
                       "IT Portfolio"),
                Column("Description", "description", False, "The outcome it delivers; blank if none."),
                _person_column("Sponsor", "sponsor", "The senior responsible owner",
                               ("sro", "senior responsible owner")),
                _person_column("Manager", "manager", "The programme manager", ("programme manager",)),
            ),
            "Import the portfolios and people first: a programme names them.",
            ("code",),
        ),
    )
}  # fmt: skip


# --- Reading cells -------------------------------------------------------------------------


@dataclass
class _Lookups:
    """Everything a row may name, read once (one query each) and matched in memory."""

    existing: dict[str, DomainModel]
    units: dict[str, OrgUnit]
    portfolios: dict[str, Portfolio]
    people: Callable[[str], Sequence[Person]]
    choices: dict[str, dict[str, str]]

    @classmethod
    def load(cls, kind: ReferenceKind) -> "_Lookups":
        names = {c.field for c in kind.columns}
        fields = {name: kind.model_field(name) for name in names}
        targets = {f.related_model for f in fields.values() if f.is_relation}
        records = list(kind.model._default_manager.all())
        units = list(OrgUnit.objects.all()) if OrgUnit in targets else []
        return cls(
            existing={key(getattr(r, kind.key_field)): r for r in records},
            units={key(u.name): u for u in (records if kind.model is OrgUnit else units)},  # type: ignore[attr-defined]
            portfolios={key(p.name): p for p in Portfolio.objects.all()} if Portfolio in targets else {},
            people=people_finder(Person.objects.all() if Person in targets else []),
            choices={n: choice_lookup(f.choices) for n, f in fields.items() if f.choices},
        )


def _parser(kind: ReferenceKind) -> Callable[[Column, Any, _Lookups], Any]:
    def parse(column: Column, raw: Any, lookups: _Lookups) -> Any:
        refuse_formula(raw)
        name = column.field
        model_field = kind.model_field(name)
        if is_blank(raw):
            if column.required:
                raise CellError(REQUIRED)
            if model_field.is_relation:
                return None
            return "" if model_field.blank else KEEP
        if name in lookups.choices:
            return parse_choice(raw, model_field.choices, lookups.choices[name])
        if isinstance(model_field, models.BooleanField):
            return parse_yes_no(raw)
        if model_field.related_model is Person:
            return parse_person(raw, lookups.people)
        if model_field.related_model is OrgUnit:
            found = lookups.units.get(key(text(raw)))
            if found is not None:
                return found
            if kind.model is OrgUnit:
                return SameFile(key(text(raw)), raw)  # perhaps a row of this file: see _resolve
            raise CellError(UNKNOWN_UNIT.format(value=shown(raw)))
        if model_field.related_model is Portfolio:
            found = lookups.portfolios.get(key(text(raw)))
            if found is None:
                raise CellError(UNKNOWN_PORTFOLIO.format(value=shown(raw)))
            return found
        return text(raw)

    return parse


# --- Checking rows against the register ----------------------------------------------------


@dataclass
class _Plan:
    row: SheetRow
    record: DomainModel  # as it would be saved: a new one, or the stored one with the changes
    fields: dict[str, Any]  # a new record's fields, or an update's changed fields
    version: int
    same_file: dict[str, "_Plan"] = field(default_factory=dict)  # fields naming another row

    @property
    def is_new(self) -> bool:
        return self.record.pk is None


def _problem(kind: ReferenceKind, row: SheetRow, name: str | None, message: str) -> None:
    row.errors.append(ImportIssue(row.number, kind.header_of(name) if name else None, message))


def _duplicates(kind: ReferenceKind, rows: list[SheetRow]) -> None:
    """Each key once in the file; each other unique value (a programme's name) once in the
    file, and not already another record's."""
    unique = [c for c in kind.columns if c.field == kind.key_field or kind.model_field(c.field).unique]
    for column in unique:
        by_value: dict[str, list[SheetRow]] = defaultdict(list)
        for row in rows:
            value = row.values.get(column.field)
            if isinstance(value, str) and value:
                by_value[key(value)].append(row)
        for same in by_value.values():
            if len(same) > 1:
                for row in same:
                    others = ", ".join(str(r.number) for r in same if r is not row)
                    message = DUPLICATE_KEY.format(
                        value=shown(row.values[column.field]), rows=others, items=kind.items
                    )
                    row.errors.append(ImportIssue(row.number, column.header, message))


def _taken(kind: ReferenceKind, plans: list[_Plan]) -> None:
    """A unique value other than the key (a programme's name) that another record already has."""
    for column in kind.columns:
        if column.field == kind.key_field or not kind.model_field(column.field).unique:
            continue
        values = {key(v): v for v in (p.fields.get(column.field) for p in plans) if isinstance(v, str)}
        if not values:
            continue
        holders = {key(getattr(r, column.field)): r for r in kind.model._default_manager.all()}
        for plan in plans:
            value = plan.fields.get(column.field)
            other = holders.get(key(value)) if isinstance(value, str) else None
            if other is not None and other.pk != plan.record.pk:
                message = VALUE_TAKEN.format(value=shown(value), column=column.header.lower(), other=other)
                plan.row.errors.append(ImportIssue(plan.row.number, column.header, message))


def _model_errors(kind: ReferenceKind, plan: _Plan) -> None:
    """The model's own rules (lengths, the code's pattern, an e-mail address's form, a unit not
    under itself) on the record as it would be saved, reported by column. Relations, choices
    and yes/no were parsed strictly from their cells; uniqueness is checked against the file
    and the register already."""
    record, row = plan.record, plan.row
    failed = {i.column for i in row.errors}
    strict = [
        f.name for f in kind.model._meta.concrete_fields
        if f.is_relation or f.choices or isinstance(f, models.BooleanField)
    ]  # fmt: skip
    try:
        record.full_clean(exclude=strict, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            header = None if name == NON_FIELD_ERRORS else kind.header_of(name)
            if header is not None and header in failed:
                continue
            row.errors.extend(ImportIssue(row.number, header, m) for m in messages)


def _plan_row(kind: ReferenceKind, row: SheetRow, lookups: _Lookups, actor: User | None) -> _Plan:
    failed = {c.field for c in kind.columns for issue in row.errors if issue.column == c.header}
    values = {k: v for k, v in row.values.items() if k not in failed and v is not KEEP}
    current = lookups.existing.get(key(values.get(kind.key_field, "")))
    resolved = {k: v for k, v in values.items() if not isinstance(v, SameFile)}
    if current is None:
        return _Plan(row, kind.model(**resolved), values, 1)
    changed = {
        name: value
        for name, value in values.items()
        if isinstance(value, SameFile)
        or getattr(current, kind.model_field(name).attname)
        != (value.pk if isinstance(value, models.Model) else value)
    }
    if changed and actor is not None and not actor.has_perm(permission_name(kind.model, "change"), current):
        _problem(kind, row, kind.key_field, NOT_ALLOWED_TO_CHANGE.format(record=current))
    version = current.version
    for name, value in changed.items():
        if not isinstance(value, SameFile):
            setattr(current, name, value)
    return _Plan(row, current, changed, version)


def _resolve_same_file(kind: ReferenceKind, plans: list[_Plan]) -> None:
    """A unit's parent named on another row of the file is that row's unit; otherwise it is
    unknown. Then no unit may end up under itself, through the register and the file."""
    by_key = {
        key(p.fields[kind.key_field]): p for p in plans if isinstance(p.fields.get(kind.key_field), str)
    }
    for plan in plans:
        for name, value in list(plan.fields.items()):
            if not isinstance(value, SameFile):
                continue
            other = by_key.get(value.key)
            if other is None:
                _problem(kind, plan.row, name, UNKNOWN_PARENT.format(value=shown(value.raw)))
                del plan.fields[name]
            else:
                plan.same_file[name] = other
    if kind.model is not OrgUnit:
        return
    # The tree as it would be: each unit (by pk, or by its plan for a new one) to its parent.
    parent_of: dict[Any, Any] = dict(OrgUnit.objects.values_list("pk", "parent_id"))
    node = {id(p): (p.record.pk if p.record.pk is not None else ("row", p.row.number)) for p in plans}
    names: dict[Any, str] = dict(OrgUnit.objects.values_list("pk", "name"))
    for plan in plans:
        me = node[id(plan)]
        names[me] = str(plan.fields.get("name") or getattr(plan.record, "name", ""))
        if "parent" in plan.same_file:
            parent_of[me] = node[id(plan.same_file["parent"])]
        elif "parent" in plan.fields:
            parent = plan.fields["parent"]
            parent_of[me] = parent.pk if parent is not None else None
        elif plan.record.pk is None:
            parent_of[me] = None
    for plan in plans:
        me, seen, at = node[id(plan)], [], node[id(plan)]
        while at is not None and at not in seen:
            seen.append(at)
            at = parent_of.get(at)
        if at == me and ("parent" in plan.fields or "parent" in plan.same_file):
            message = (
                PARENT_LOOP
                if len(seen) == 1
                else UNIT_LOOP.format(units=" → ".join(shown(names[n]) for n in [*seen, me]))
            )
            _problem(kind, plan.row, "parent", message)


# --- Writing -------------------------------------------------------------------------------


def _write(kind: ReferenceKind, plans: list[_Plan], *, actor: User | None, reason: str) -> None:
    """New records in rounds (a unit after the unit of the file it sits under), then the
    changed ones against the version read at the check, all in one transaction."""
    made: dict[int, DomainModel] = {}  # plan id -> its saved record

    def fields_of(plan: _Plan) -> dict[str, Any]:
        fields = {k: v for k, v in plan.fields.items() if not isinstance(v, SameFile)}
        for name, other in plan.same_file.items():
            fields[name] = other.record if not other.is_new else made[id(other)]
        return fields

    try:
        with transaction.atomic():
            waiting = [p for p in plans if p.is_new]
            while waiting:
                ready = [
                    p for p in waiting if all(not o.is_new or id(o) in made for o in p.same_file.values())
                ]
                if not ready:  # a loop the check let through: write nothing rather than spin
                    raise ValidationError(
                        UNIT_LOOP.format(units=", ".join(shown(p.row.number) for p in waiting))
                    )
                created = services.register_entries_create(
                    actor=actor, model=kind.model, items=[fields_of(p) for p in ready], reason=reason
                )
                made.update({id(p): record for p, record in zip(ready, created, strict=True)})
                waiting = [p for p in waiting if id(p) not in made]
            services.register_entries_update(
                actor=actor,
                model=kind.model,
                changes=[(p.record, fields_of(p), p.version) for p in plans if not p.is_new and p.fields],
                reason=reason,
            )
    except ConflictError as exc:
        raise WriteFailed(CHANGED_DURING_IMPORT.format(message=exc.message)) from exc
    except (ValidationError, IntegrityError, PermissionDenied) as exc:
        raise WriteFailed(WRITE_REFUSED.format(message=refused_message(exc))) from exc


# --- The import ----------------------------------------------------------------------------


def reference_import(
    kind_name: str,
    *,
    actor: User | None,
    file: str | Path | IO[bytes],
    filename: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import one kind of reference data (``kind_name``: org-units, people…) from an .xlsx file,
    all or nothing.

    ``actor`` None is the system operator (no permission check; history names no user). Raises
    PermissionDenied when the actor may not add such records (the PMO may). Problems in the file
    are returned in ``ImportResult.errors`` and nothing is written; ``dry_run`` checks only."""
    kind = KINDS[kind_name]
    if actor is not None:
        ensure_can(actor, permission_name(kind.model, "add"), action=f"import {kind.items}")
    if isinstance(file, str | Path):
        filename = filename or Path(file).name
        with open(file, "rb") as stream:
            return reference_import(
                kind_name, actor=actor, file=stream, filename=filename, dry_run=dry_run, progress=progress
            )
    result = ImportResult(dry_run=dry_run)
    try:
        rows, lookups = read_sheet(
            file, sheet_title=kind.sheet, columns=kind.columns, parse=_parser(kind),
            load_lookups=lambda: _Lookups.load(kind), progress=progress,
        )  # fmt: skip
    except FileError as exc:
        result.errors.append(ImportIssue(None, None, str(exc)))
        return result
    except HeaderErrors as exc:
        result.errors.extend(exc.issues)
        return result
    if not rows:
        result.errors.append(ImportIssue(None, None, NO_ROWS.format(items=kind.items)))
        return result

    _duplicates(kind, rows)
    plans = [_plan_row(kind, row, lookups, actor) for row in rows]
    _resolve_same_file(kind, plans)
    _taken(kind, plans)
    for plan in plans:
        _model_errors(kind, plan)
    order = kind.headers
    for row in rows:
        result.errors.extend(
            sorted(row.errors, key=lambda i: order.index(i.column) if i.column in order else -1)
        )
    if result.errors:
        return result

    return import_written(
        result,
        created=sum(1 for p in plans if p.is_new),
        updated=sum(1 for p in plans if not p.is_new and p.fields),
        rows=len(plans),
        dry_run=dry_run,
        filename=filename,
        write=lambda reason: _write(kind, plans, actor=actor, reason=reason),
    )


def importer(kind_name: str) -> Callable[..., ImportResult]:
    """``reference_import`` for one kind, with the keyword arguments ``pmo import`` passes."""

    def run(**kwargs: Any) -> ImportResult:
        return reference_import(kind_name, **kwargs)

    run.__name__ = f"{kind_name.replace('-', '_')}_import"
    return run


# --- Export in the same layout, and the template -------------------------------------------


def _cell(kind: ReferenceKind, record: DomainModel, name: str) -> Any:
    model_field = kind.model_field(name)
    value = getattr(record, name)
    if model_field.is_relation:
        if value is None:
            return None
        return value.email if isinstance(value, Person) else value.name
    if model_field.choices:
        return str(dict(model_field.choices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "Yes" if value else "No"
    return value if value != "" else None


def reference_export_rows(kind_name: str, records: Any) -> Iterator[list[Any]]:
    """Rows in the import layout (``KINDS[kind_name].headers``), so an export can be edited
    and imported back. ``records`` come with their relations loaded (``reference_records``)."""
    kind = KINDS[kind_name]
    for record in records:
        yield [_cell(kind, record, c.field) for c in kind.columns]


def reference_records(kind_name: str, *, user: User | None) -> Any:
    """The records of a kind as ``user`` may see them (None: all), with what the export reads."""
    kind = KINDS[kind_name]
    relations = [c.field for c in kind.columns if kind.model_field(c.field).is_relation]
    records = kind.model._default_manager.all() if user is None else kind.model.objects.restrict(user, "view")  # type: ignore[attr-defined]
    return records.select_related(*relations).order_by(*kind.export_order)


def exporter(kind_name: str) -> Callable[..., tuple[list[str], Iterator[list[Any]]]]:
    """What ``pmo export KIND`` calls: the records as ``user`` may see them (None: all)."""

    def table(*, user: User | None) -> tuple[list[str], Iterator[list[Any]]]:
        return KINDS[kind_name].headers, reference_export_rows(
            kind_name, reference_records(kind_name, user=user)
        )

    return table


GUIDANCE_INTRO = [
    "How to fill in the {items}",
    "Put one record per row on the {sheet} sheet, under the header row. Columns may be in any "
    "order; the headers must keep their names (case and spacing do not matter). Required columns "
    "are in dark blue.",
    "{intro}",
    "Load a new register in this order: organisation units, people, strategic objectives, "
    "portfolios, programmes, then projects. Each file names only records of the kinds before it.",
    "A {key} already in the register updates that record; a new one adds a record. Importing the "
    "same file twice changes nothing the second time.",
    "Every row is checked first. If anything is wrong, nothing is imported and each problem is "
    "listed by row and column: fix them and import again.",
    "Optional columns you leave out of the sheet are not changed. A blank cell in an optional "
    "column clears it (or, where a value is always needed, keeps the current value).",
    "Type values, not formulas: a cell holding a formula is refused.",
]


def _lists(kind: ReferenceKind) -> dict[str, list[str]]:
    """The values offered in the template's dropdowns, by column header."""
    lists: dict[str, list[str]] = {}
    for column in kind.columns:
        model_field = kind.model_field(column.field)
        if model_field.choices:
            lists[column.header] = [str(label) for _, label in model_field.choices]
        elif isinstance(model_field, models.BooleanField):
            lists[column.header] = ["Yes", "No"]
        elif model_field.related_model in (OrgUnit, Portfolio):
            lists[column.header] = list(model_field.related_model.objects.values_list("name", flat=True))
    return lists


def write_reference_template(kind_name: str, stream: Any) -> None:
    """The import template of a kind: the header row (with dropdowns on the columns that have a
    list: choices, yes/no, units and portfolios in the register), a Guidance sheet explaining
    every column and the values allowed now, and a Lists sheet the dropdowns read."""
    kind = KINDS[kind_name]
    lists = _lists(kind)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind.sheet
    write_header_row(sheet, kind.columns)
    list_sheet = workbook.create_sheet("Lists")
    for index, (header, values) in enumerate(lists.items(), start=1):
        put_cell(list_sheet, 1, index, header).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            put_cell(list_sheet, row, index, value)
        letter = get_column_letter(index)
        list_sheet.column_dimensions[letter].width = 28
        if not values:
            continue
        validation = DataValidation(
            type="list", formula1=f"Lists!${letter}$2:${letter}${len(values) + 1}", allow_blank=True,
            showErrorMessage=True, errorStyle="warning", errorTitle=header,
            error=f"Choose a {header.lower()} from the list (see Guidance).",
        )  # fmt: skip
        sheet.add_data_validation(validation)
        target = get_column_letter(kind.headers.index(header) + 1)
        validation.add(f"{target}2:{target}10001")

    def allowed(column: Column) -> str:
        model_field = kind.model_field(column.field)
        values = lists.get(column.header)
        if model_field.choices:
            codes = ", ".join(str(v) for v, _ in model_field.choices)
            return "; ".join(values or []) + f" (or their codes: {codes})"
        if values is not None:
            return "; ".join(values) if values else "None yet: import them first."
        return ""

    names = {"items": kind.items, "sheet": kind.sheet, "intro": kind.intro, "key": kind.key_header.lower()}
    intro = [line.format(**names) for line in GUIDANCE_INTRO]
    write_guidance(workbook, intro=intro, columns=kind.columns, allowed=allowed)
    workbook.save(stream)
