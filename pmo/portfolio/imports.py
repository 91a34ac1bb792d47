"""The project register in Excel: import (all or nothing), export in the same layout, and the
template to fill in.

The first row of the sheet names the columns, in any order (case and spacing are ignored; the
template's Guidance sheet lists them). Every row is read and checked before anything is written:
if any cell is wrong the whole file is refused and every problem is reported by row and column.
Otherwise all rows are written in one transaction: a new code creates a project, a known code
updates that project (its version goes up by one and its history records the importing user),
and a row identical to the project is left alone.

Writes go through the portfolio's batch services (``projects_create``, ``projects_update``,
ADR 0018), so the import keeps every rule of a single write: the right to add projects and to
change each one (governance fields for the PMO only), the model's validation, the version check
against concurrent edits, and one history entry per created or changed project, by the actor,
with its objectives. For speed (a 10,000-row register in well under 15 s), the reference data
(people, departments, portfolios, programmes, stages, objectives) is read with one query each,
the sheet with lxml over openpyxl's read-only workbook (``pmo.core.spreadsheets``), the rows
checked in memory, and the services write in batches of 500.
"""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pmo.core import spreadsheets
from pmo.core.models import User
from pmo.core.permissions import ensure_can
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
    WriteFailed,
    choice_lookup,
    chunks,
    import_written,
    is_blank,
    parse_choice,
    parse_date,
    parse_money,
    parse_person,
    parse_yes_no,
    people_finder,
    put_cell,
    read_sheet,
    refuse_formula,
    shown,
    text,
    write_guidance,
    write_header_row,
)
from pmo.core.spreadsheets import key as _key
from pmo.portfolio import services
from pmo.portfolio.choices import Methodology, Priority, ProjectCategory, ProjectStatus, SizeTier
from pmo.portfolio.models import (
    LifecycleStage,
    OrgUnit,
    Person,
    Portfolio,
    Programme,
    Project,
    StrategicObjective,
)
from pmo.portfolio.selectors import PROJECT_RELATIONS, project_list
from pmo.portfolio.services import GOVERNANCE_FIELDS
from pmo.portfolio.stage_guards import stage_move_refusal

# The shared messages and helpers, under the names this module's callers use.
AMBIGUOUS_PERSON = spreadsheets.AMBIGUOUS_PERSON
CHECK_SUMMARY = spreadsheets.CHECK_SUMMARY
FILE_TOO_LARGE = spreadsheets.FILE_TOO_LARGE
FORMULA = spreadsheets.FORMULA
MISSING_COLUMN = spreadsheets.MISSING_COLUMN
NO_HEADER = spreadsheets.NO_HEADER
NOT_A_CHOICE = spreadsheets.NOT_A_CHOICE
NOT_A_DATE = spreadsheets.NOT_A_DATE
NOT_AN_AMOUNT = spreadsheets.NOT_AN_AMOUNT
NOT_XLSX = spreadsheets.NOT_XLSX
NOT_YES_NO = spreadsheets.NOT_YES_NO
REPEATED_COLUMN = spreadsheets.REPEATED_COLUMN
SUMMARY = spreadsheets.SUMMARY
UNKNOWN_COLUMN = spreadsheets.UNKNOWN_COLUMN
UNKNOWN_PERSON = spreadsheets.UNKNOWN_PERSON
size_label = spreadsheets.size_label

NO_ROWS = "The sheet has a header row but no projects under it."
CHANGED_DURING_IMPORT = (
    "Project {code} was changed by someone else while the file was being imported. Nothing was "
    "imported: import the file again."
)
CODE_TAKEN_DURING_IMPORT = (
    "A project with one of the file's new codes was added by someone else while the file was "
    "being imported. Nothing was imported: import the file again."
)

# Cell problems (the shared ones are in ``pmo.core.spreadsheets``).
UNKNOWN_DEPARTMENT = "No department (organisation unit) is called {value}."
UNKNOWN_PORTFOLIO = "No portfolio is called {value}."
UNKNOWN_PROGRAMME = "No programme has the code or name {value}."
UNKNOWN_STAGE = "No lifecycle stage is called {value}."
UNKNOWN_OBJECTIVES = "No strategic objective has the code {codes}."
DUPLICATE_CODE = "Code {value} is also on row {rows}; each project may appear only once."
NOT_ALLOWED_TO_CHANGE = "You do not have permission to change project {code}."
NOT_ALLOWED_GOVERNANCE = "Only the PMO changes this for project {code}."

WRITE_BATCH = 500
SHEET_TITLE = "Projects"


class _Keep:
    """A blank cell in a column whose field cannot be empty: keep the project's value (or the
    default, for a new project)."""


KEEP = _Keep()


# --- The columns ---------------------------------------------------------------------------


COLUMNS: tuple[Column, ...] = (
    Column("Code", "code", True,
           "The project's unique code. A code already in the register updates that project; a "
           "new code adds a project. Letters, digits, dots, dashes and underscores.",
           "ICT-0042", ("project code", "project id")),
    Column("Name", "name", True, "The project's name (up to 200 characters).",
           "Replace the telephony platform", ("project name", "title")),
    Column("Description", "description", False, "What the project delivers and why.",
           "Move all sites to cloud telephony."),
    Column("Portfolio", "portfolio", True, "The name of an existing portfolio.", "IT Portfolio"),
    Column("Programme", "programme", False,
           "The code or name of an existing programme in the same portfolio; blank if none.",
           "PRG-DIG"),
    Column("Department", "department", True,
           "The name of an existing department (organisation unit) that owns the project.",
           "Digital Services", ("directorate", "org unit", "organisation unit")),
    Column("Sponsor", "sponsor", True,
           "The sponsor (senior responsible owner): e-mail address or full name of a person in "
           "the register. A name two people share must be given as an e-mail address.",
           "jo.bloggs@council.example", ("sro", "senior responsible owner")),
    Column("Project manager", "project_manager", True,
           "E-mail address or full name of the project manager (a person in the register).",
           "sam.smith@council.example", ("pm",)),
    Column("Business owner", "business_owner", False,
           "E-mail address or full name of the business owner; blank if none.", ""),
    Column("Category", "category", True, "The kind of project.", ProjectCategory.TECHNICAL.label),
    Column("Methodology", "methodology", False,
           "How it is delivered. Blank: Waterfall for a new project, unchanged for an existing one.",
           Methodology.AGILE.label),
    Column("Size tier", "size_tier", False,
           "Blank: worked out from the budget for a new project, unchanged for an existing one.",
           SizeTier.MEDIUM.label),
    Column("Stage", "stage", True, "The lifecycle stage the project is in now.", "Delivery"),
    Column("Status", "status", False,
           "Blank: Proposed for a new project, unchanged for an existing one.",
           ProjectStatus.ACTIVE.label),
    Column("Planned start", "planned_start", False,
           "An Excel date, or text as dd/mm/yyyy or yyyy-mm-dd; blank if not yet planned.",
           "05/01/2026"),
    Column("Planned finish", "planned_finish", False,
           "As the start; on or after the planned start.", "18/12/2026"),
    Column("Budget", "budget", False,
           "The headline budget in pounds, a number (a £ sign and commas are fine). Blank: 0 for "
           "a new project, unchanged for an existing one.",
           "250,000", ("budget (£)", "headline budget", "headline budget (£)")),
    Column("Priority", "priority", False,
           "Blank: Medium for a new project, unchanged for an existing one.", Priority.HIGH.label),
    Column("Strategic objectives", "strategic_objectives", False,
           "Codes of strategic objectives, separated by ; or , (blank for none).", "SO1; SO3",
           ("objectives", "strategic objective")),
    Column("Confidential", "confidential", False,
           "Yes: only the PMO, the sponsor and the project manager see it. Blank: No for a new "
           "project, unchanged for an existing one.", "No"),
)
HEADERS = [c.header for c in COLUMNS]
_HEADER_OF_FIELD = {c.field: c.header for c in COLUMNS}
_FK_FIELDS = ("portfolio", "programme", "department", "sponsor", "project_manager",
              "business_owner", "stage")
_CHOICES: dict[str, type[models.TextChoices]] = {
    "category": ProjectCategory,
    "methodology": Methodology,
    "size_tier": SizeTier,
    "status": ProjectStatus,
    "priority": Priority,
}
_CHOICE_LIST = {name: enum.choices for name, enum in _CHOICES.items()}  # .choices is made anew each read
_CHOICE_LOOKUP = {name: choice_lookup(choices) for name, choices in _CHOICE_LIST.items()}
_KEEP_WHEN_BLANK = {"methodology", "size_tier", "status", "priority", "budget", "confidential"}
_EMPTY_WHEN_BLANK: dict[str, Any] = {
    "description": "", "programme": None, "business_owner": None, "planned_start": None,
    "planned_finish": None, "strategic_objectives": frozenset(),
}


# --- Reading cells -------------------------------------------------------------------------


@dataclass
class _Lookups:
    """The register's reference data, read once (one query each) and matched in memory."""

    portfolios: dict[str, Portfolio]
    programmes: dict[str, Programme]
    departments: dict[str, OrgUnit]
    people: Callable[[str], Sequence[Person]]
    stages: dict[str, LifecycleStage]
    objectives: dict[str, StrategicObjective]
    by_id: dict[str, dict[int, Any]]

    @classmethod
    def load(cls) -> "_Lookups":
        portfolios = list(Portfolio.objects.all())
        programmes = list(Programme.objects.all())
        departments = list(OrgUnit.objects.all())
        people = list(Person.objects.all())
        stages = list(LifecycleStage.objects.all())
        objectives = list(StrategicObjective.objects.all())
        portfolio_by_id = {p.pk: p for p in portfolios}
        for programme in programmes:  # so Project.clean() reads the portfolio without a query
            programme.portfolio = portfolio_by_id[programme.portfolio_id]
        programme_keys = {_key(p.name): p for p in programmes} | {_key(p.code): p for p in programmes}
        people_by_id = {p.pk: p for p in people}
        return cls(
            portfolios={_key(p.name): p for p in portfolios},
            programmes=programme_keys,
            departments={_key(d.name): d for d in departments},
            people=people_finder(people),
            stages={_key(s.name): s for s in stages},
            objectives={_key(o.code): o for o in objectives},
            by_id={
                "portfolio": portfolio_by_id,
                "programme": {p.pk: p for p in programmes},
                "department": {d.pk: d for d in departments},
                "sponsor": people_by_id,
                "project_manager": people_by_id,
                "business_owner": people_by_id,
                "stage": {s.pk: s for s in stages},
            },
        )


def _person(raw: Any, lookups: _Lookups) -> Person:
    return parse_person(raw, lookups.people)


def _one_of(table: str, message: str) -> Callable[[Any, _Lookups], Any]:
    def parse(raw: Any, lookups: _Lookups) -> Any:
        found = getattr(lookups, table).get(_key(text(raw)))
        if found is None:
            raise CellError(message.format(value=shown(raw)))
        return found

    return parse


def _choice(name: str) -> Callable[[Any, _Lookups], str]:
    def parse(raw: Any, lookups: _Lookups) -> str:
        return parse_choice(raw, _CHOICE_LIST[name], _CHOICE_LOOKUP[name])

    return parse


def _objectives(raw: Any, lookups: _Lookups) -> frozenset[int]:
    codes = [c.strip() for c in re.split(r"[;,]", text(raw)) if c.strip()]
    unknown = [c for c in codes if _key(c) not in lookups.objectives]
    if unknown:
        raise CellError(UNKNOWN_OBJECTIVES.format(codes=", ".join(shown(c) for c in unknown)))
    return frozenset(lookups.objectives[_key(c)].pk for c in codes)


_PARSERS: dict[str, Callable[[Any, _Lookups], Any]] = {
    "code": lambda raw, _: text(raw),
    "name": lambda raw, _: text(raw),
    "description": lambda raw, _: text(raw),
    "portfolio": _one_of("portfolios", UNKNOWN_PORTFOLIO),
    "programme": _one_of("programmes", UNKNOWN_PROGRAMME),
    "department": _one_of("departments", UNKNOWN_DEPARTMENT),
    "sponsor": _person,
    "project_manager": _person,
    "business_owner": _person,
    "stage": _one_of("stages", UNKNOWN_STAGE),
    "planned_start": lambda raw, _: parse_date(raw),
    "planned_finish": lambda raw, _: parse_date(raw),
    "budget": lambda raw, _: parse_money(raw, Project._meta.get_field("budget")),
    "strategic_objectives": _objectives,
    "confidential": lambda raw, _: parse_yes_no(raw),
    **{name: _choice(name) for name in _CHOICES},
}


def _parse_cell(column: Column, raw: Any, lookups: _Lookups) -> Any:
    refuse_formula(raw)
    if is_blank(raw):
        if column.required:
            raise CellError(REQUIRED)
        return KEEP if column.field in _KEEP_WHEN_BLANK else _EMPTY_WHEN_BLANK[column.field]
    return _PARSERS[column.field](raw, lookups)


# --- Reading the file ----------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    code: str
    values: dict[str, Any]
    errors: list[ImportIssue]


def _read_rows(
    source: IO[bytes], lookups_loader: Callable[[], _Lookups], progress: Progress | None
) -> tuple[list[_Row], _Lookups]:
    rows, lookups = read_sheet(
        source, sheet_title=SHEET_TITLE, columns=COLUMNS, parse=_parse_cell,
        load_lookups=lookups_loader, progress=progress,
    )
    return [_Row(r.number, r.values.get("code", ""), r.values, r.errors) for r in rows], lookups


# --- Checking rows against the register ----------------------------------------------------


@dataclass
class _Plan:
    row: _Row
    project: Project
    is_new: bool
    changed: set[str]
    objectives: frozenset[int] | None
    objectives_changed: bool
    version: int
    fields: dict[str, Any] = field(default_factory=dict)  # a new project's


def _chunks(items: Sequence[Any], size: int = WRITE_BATCH) -> Iterator[Sequence[Any]]:
    return chunks(items, size)


def _existing(codes: Sequence[str]) -> tuple[dict[str, Project], dict[int, set[int]]]:
    """The projects with these codes, and the objectives of each."""
    projects: dict[str, Project] = {}
    for chunk in _chunks(codes):
        projects.update({p.code: p for p in Project.objects.filter(code__in=chunk)})
    objectives: dict[int, set[int]] = defaultdict(set)
    through = Project.strategic_objectives.through
    for chunk in _chunks([p.pk for p in projects.values()]):
        for project_id, objective_id in through.objects.filter(project_id__in=chunk).values_list(
            "project_id", "strategicobjective_id"
        ):
            objectives[project_id].add(objective_id)
    return projects, objectives


def _duplicate_codes(rows: list[_Row]) -> None:
    by_code: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.code:
            by_code[row.code].append(row)
    for code, same in by_code.items():
        if len(same) > 1:
            for row in same:
                others = ", ".join(str(r.number) for r in same if r is not row)
                message = DUPLICATE_CODE.format(value=shown(code), rows=others)
                row.errors.append(ImportIssue(row.number, "Code", message))


_VALIDATED_BY_MODEL = {"code", "name", "description", "budget"}
"""Fields whose validators (length, code pattern, digits, minimum) run through ``full_clean``.
The others were already parsed strictly from their cells: choices, dates, yes/no, and the
relations looked up in the register (so ``full_clean`` does not query for each of them)."""


def _model_errors(row: _Row, project: Project, skip: set[str]) -> None:
    """Model rules (field validators, ``clean()``) on the row as it would be saved, reported by
    column. Uniqueness of the code is checked against the file and the register already."""
    exclude = [f.name for f in Project._meta.fields if f.name not in _VALIDATED_BY_MODEL or f.name in skip]
    try:
        project.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            if name in skip:
                continue
            column = None if name == NON_FIELD_ERRORS else _HEADER_OF_FIELD.get(name)
            row.errors.extend(ImportIssue(row.number, column, m) for m in messages)


def _plan(rows: list[_Row], lookups: _Lookups, actor: User | None) -> list[_Plan]:
    existing, objectives_of = _existing([r.code for r in rows if r.code])
    plans: list[_Plan] = []
    for row in rows:
        failed = {
            c.field for c in COLUMNS for issue in row.errors if issue.column == c.header
        }
        values = {k: v for k, v in row.values.items() if k not in failed}
        objectives = values.pop("strategic_objectives", None)
        current = existing.get(row.code)
        if current is None:
            fields = {k: v for k, v in values.items() if v is not KEEP}
            project = Project(**fields)
            plan = _Plan(row, project, True, set(fields), objectives, bool(objectives), 1, fields)
        else:
            project = current
            if actor is not None and not actor.has_perm("portfolio.change_project", project):
                message = NOT_ALLOWED_TO_CHANGE.format(code=row.code)
                row.errors.append(ImportIssue(row.number, "Code", message))
            for name, related in lookups.by_id.items():  # relations from memory, for clean()
                pk = getattr(project, f"{name}_id")
                if pk is not None and pk in related:
                    setattr(project, name, related[pk])
            changed: set[str] = set()
            for name, value in values.items():
                if value is KEEP:
                    continue
                attname = f"{name}_id" if name in _FK_FIELDS else name
                new = value.pk if isinstance(value, models.Model) else value
                if getattr(project, attname) != new:
                    setattr(project, name, value)
                    changed.add(name)
            governance = changed & set(GOVERNANCE_FIELDS[Project])
            if governance and actor is not None and not actor.has_perm(
                "portfolio.change_project_governance", current
            ):
                for name in sorted(governance):
                    message = NOT_ALLOWED_GOVERNANCE.format(code=row.code)
                    row.errors.append(ImportIssue(row.number, _HEADER_OF_FIELD[name], message))
            if "stage" in changed and (refusal := stage_move_refusal(current, project.stage)):
                row.errors.append(ImportIssue(row.number, _HEADER_OF_FIELD["stage"], refusal))
            current_objectives = frozenset(objectives_of.get(project.pk, ()))
            objectives_changed = objectives is not None and objectives != current_objectives
            plan = _Plan(row, project, False, changed, objectives, objectives_changed, project.version)
        _model_errors(row, project, failed)
        plans.append(plan)
    return plans


# --- Writing -------------------------------------------------------------------------------


def _write(plans: list[_Plan], *, actor: User | None, reason: str) -> None:
    """Write the checked rows through the portfolio's batch services (ADR 0018), in one
    transaction: changed projects against the version read at the check, then new ones."""
    updates = [p for p in plans if not p.is_new and (p.changed or p.objectives_changed)]
    creates = [p for p in plans if p.is_new]
    try:
        with transaction.atomic():
            services.projects_update(
                actor=actor,
                changes=[
                    (
                        p.project,
                        {name: getattr(p.project, name) for name in p.changed},
                        p.objectives if p.objectives_changed else None,
                        p.version,
                    )
                    for p in updates
                ],
                reason=reason,
            )
            services.projects_create(
                actor=actor,
                items=[(p.fields, p.objectives or ()) for p in creates],
                reason=reason,
            )
    except ConflictError as exc:
        stored = {}
        for chunk in _chunks([p.project.pk for p in updates]):
            stored.update(Project.objects.filter(pk__in=chunk).values_list("pk", "version"))
        code = next((p.project.code for p in updates if stored.get(p.project.pk) != p.version), "")
        raise WriteFailed(CHANGED_DURING_IMPORT.format(code=code)) from exc
    except (IntegrityError, ValidationError) as exc:
        raise WriteFailed(CODE_TAKEN_DURING_IMPORT) from exc


# --- The import ----------------------------------------------------------------------------


def _column_order(issue: ImportIssue) -> int:
    return HEADERS.index(issue.column) if issue.column in HEADERS else -1


def project_import(
    *,
    actor: User | None,
    file: str | Path | IO[bytes],
    filename: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a project register from an Excel (.xlsx) file, all or nothing.

    ``actor`` None is the system operator (no permission check; history names no user).
    Raises PermissionDenied when the actor may not add projects. Any problem in the file is
    returned in ``ImportResult.errors`` and nothing is written; ``dry_run`` checks only.
    ``progress(iterable, total)`` wraps the row iterator (the CLI's progress bar).
    """
    if actor is not None:
        ensure_can(actor, "portfolio.add_project", action="import projects")
    if isinstance(file, str | Path):
        filename = filename or Path(file).name
        with open(file, "rb") as stream:
            return project_import(
                actor=actor, file=stream, filename=filename, dry_run=dry_run, progress=progress
            )

    result = ImportResult(dry_run=dry_run)
    try:
        rows, lookups = _read_rows(file, _Lookups.load, progress)
    except FileError as exc:
        result.errors.append(ImportIssue(None, None, str(exc)))
        return result
    except HeaderErrors as exc:
        result.errors.extend(exc.issues)
        return result
    if not rows:
        result.errors.append(ImportIssue(None, None, NO_ROWS))
        return result

    _duplicate_codes(rows)
    plans = _plan(rows, lookups, actor)
    for row in rows:
        result.errors.extend(sorted(row.errors, key=_column_order))
    if result.errors:
        return result

    return import_written(
        result,
        created=sum(1 for p in plans if p.is_new),
        updated=sum(1 for p in plans if not p.is_new and (p.changed or p.objectives_changed)),
        rows=len(plans),
        dry_run=dry_run,
        filename=filename,
        write=lambda reason: _write(plans, actor=actor, reason=reason),
    )


# --- Export in the same layout, and the template -------------------------------------------


def _choice_label(enum: type[models.TextChoices], value: str) -> str:
    return str(dict(enum.choices).get(value, value))


def project_export_rows(projects: Iterable[Project]) -> Iterator[list[Any]]:
    """Rows in the import layout (``HEADERS``), so an export can be edited and imported back.

    ``projects`` should come with its relations and objectives loaded (``project_list``)."""
    for p in projects:
        yield [
            p.code,
            p.name,
            p.description,
            p.portfolio.name,
            p.programme.code if p.programme else None,
            p.department.name,
            p.sponsor.email,
            p.project_manager.email,
            p.business_owner.email if p.business_owner else None,
            _choice_label(ProjectCategory, p.category),
            _choice_label(Methodology, p.methodology),
            _choice_label(SizeTier, p.size_tier),
            p.stage.name,
            _choice_label(ProjectStatus, p.status),
            p.planned_start,
            p.planned_finish,
            p.budget,
            _choice_label(Priority, p.priority),
            "; ".join(sorted(o.code for o in p.strategic_objectives.all())),
            "Yes" if p.confidential else "No",
        ]


def _lists() -> dict[str, list[str]]:
    """The values offered in the template's dropdowns, by column header."""
    return {
        "Portfolio": list(Portfolio.objects.values_list("name", flat=True)),
        "Programme": list(Programme.objects.values_list("code", flat=True)),
        "Department": list(OrgUnit.objects.values_list("name", flat=True)),
        "Category": [str(label) for label in ProjectCategory.labels],
        "Methodology": [str(label) for label in Methodology.labels],
        "Size tier": [str(label) for label in SizeTier.labels],
        "Stage": list(LifecycleStage.objects.values_list("name", flat=True)),
        "Status": [str(label) for label in ProjectStatus.labels],
        "Priority": [str(label) for label in Priority.labels],
        "Strategic objectives": list(
            StrategicObjective.objects.filter(is_active=True).values_list("code", flat=True)
        ),
        "Confidential": ["No", "Yes"],
    }


GUIDANCE_LIST_LIMIT = 40
"""Longer lists of allowed values are left to the Lists sheet rather than one Guidance cell."""

GUIDANCE_INTRO = [
    "How to fill in the project register",
    "Put one project per row on the Projects sheet, under the header row. Columns may be in any "
    "order; the headers must keep their names (case and spacing do not matter). Required columns "
    "are in dark blue.",
    "A code already in the register updates that project; a new code adds one. Importing the "
    "same file twice changes nothing the second time.",
    "Every row is checked first. If anything is wrong, nothing is imported and each problem is "
    "listed by row and column: fix them and import again.",
    "Optional columns you leave out of the sheet are not changed. A blank cell in an optional "
    "column clears it (or, where a value is always needed, keeps the current value).",
    "Type values, not formulas: a cell holding a formula is refused. Text that starts with = "
    "(typed as text, as the exports write it) is imported as text.",
    "Amounts: 250000, £250,000 or 1,234.56. A comma may only separate thousands: 12,34 is "
    "refused, not guessed at; write pence after a point.",
    "A leading apostrophe before =, +, - or @ (as a CSV export writes such text) is removed "
    "once on import, so '+44 comes back as +44.",
]


def write_project_template(stream: Any) -> None:
    """The import template: the header row, a Guidance sheet explaining every column and the
    values allowed now, a Lists sheet, and dropdowns on the columns that have a fixed list."""
    lists = _lists()
    workbook = Workbook()
    projects = workbook.active
    projects.title = SHEET_TITLE
    write_header_row(projects, COLUMNS)

    list_sheet = workbook.create_sheet("Lists")
    for index, (header, values) in enumerate(lists.items(), start=1):
        put_cell(list_sheet, 1, index, header).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            put_cell(list_sheet, row, index, value)
        letter = get_column_letter(index)
        list_sheet.column_dimensions[letter].width = 28
        if values and header != "Strategic objectives":  # several codes per cell: no dropdown
            validation = DataValidation(
                type="list", formula1=f"Lists!${letter}$2:${letter}${len(values) + 1}",
                allow_blank=True, showErrorMessage=True, errorStyle="warning",
                errorTitle=header, error=f"Choose a {header.lower()} from the list (see Guidance).",
            )
            projects.add_data_validation(validation)
            target = get_column_letter(HEADERS.index(header) + 1)
            validation.add(f"{target}2:{target}10001")


    def allowed_values(column: Column) -> str:
        allowed = lists.get(column.header, [])
        if column.field in _CHOICES:
            codes = ", ".join(_CHOICES[column.field].values)
            return "; ".join(allowed) + f" (or their codes: {codes})"
        if column.header in ("Portfolio", "Stage", "Department", "Programme", "Strategic objectives"):
            if not allowed:
                allowed_text = "None yet: add them in Portfolio Office first."
            elif len(allowed) > GUIDANCE_LIST_LIMIT:
                allowed_text = f"{len(allowed)} values: see the Lists sheet"
            else:
                allowed_text = "; ".join(allowed)
            if column.header == "Programme":
                allowed_text += " (codes; the programme's name also works)"
            return allowed_text
        return "Yes; No" if column.field == "confidential" else ""

    write_guidance(workbook, intro=GUIDANCE_INTRO, columns=COLUMNS, allowed=allowed_values)
    workbook.save(stream)


def project_export_table(*, user: User | None) -> tuple[list[str], Iterator[list[Any]]]:
    """The register in the import layout: what ``user`` may see, or everything when ``user`` is
    None (the system operator)."""
    if user is None:
        projects = Project.objects.select_related(*PROJECT_RELATIONS).prefetch_related("strategic_objectives")
    else:
        projects = project_list(user=user)
    return HEADERS, project_export_rows(projects.order_by("code"))
