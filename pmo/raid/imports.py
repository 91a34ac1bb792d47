"""The RAID registers in Excel: import (all or nothing), export in the same layout, and the
template to fill in, for each register (risks, assumptions, issues, dependencies, actions,
decisions).

The sheet's first row names the columns (any order; case and spacing ignored). The ID column
says what a row is: blank for a new item, the item's reference (``RSK-12``) to update it. A new
item names its register in the Project (code), Programme (code or name) or Portfolio (name)
column. Every row is read and checked first: cells (people by e-mail or unique name, choices by
label or value, dates, money, scores on the PMO's matrix), the actor's right on each register
and item, the models' rules (a response fit for a threat or an opportunity, a dependency not on
its own project) and dependency loops across the whole file. If anything is wrong, nothing is
written and every problem is reported by row and column. Otherwise the rows are written in one
transaction through ``pmo.raid.services`` (permissions, validation, history naming the actor):
changed items with ``raid_items_update`` (against the version read at the check: a concurrent
edit is a conflict), new items with ``raid_items_create``; both write in batches (10,000 new
risks in a few seconds). Rows identical to their item are left alone.

Speed: everything a row refers to (people, projects, programmes, portfolios, the items it
updates, the matrix) is read once, with one query each (per 500 IDs), before the rows are
checked in memory."""

import itertools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q

from pmo.core.models import User
from pmo.core.permissions import NOT_ALLOWED, is_pmo, permission_name
from pmo.core.problems import Problems
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
    key,
    parse_choice,
    parse_date,
    parse_money,
    parse_person,
    parse_whole_number,
    people_finder,
    read_sheet,
    refuse_formula,
    refused_message,
    shown,
    text,
)
from pmo.engine import network
from pmo.engine.risk import Matrix
from pmo.portfolio.models import Person, Portfolio, Programme, Project
from pmo.portfolio.selectors import person_id_of
from pmo.raid import selectors, services
from pmo.raid.choices import ActionSource
from pmo.raid.models import REGISTERS, Action, Dependency, RaidItem

# File and row problems.
NO_ROWS = "The sheet has a header row but no {items} under it."
NO_REGISTER = "Say which register the new item goes in: a project code, a programme or a portfolio."
TWO_REGISTERS = "Name one register only: a project, a programme or a portfolio."
UNKNOWN_PROJECT = "No project has the code {value}."
UNKNOWN_PROGRAMME = "No programme has the code or name {value}."
UNKNOWN_PORTFOLIO = "No portfolio is called {value}."
WRONG_REGISTER_KIND = "{value} is not an ID in this register: {items} have IDs such as {prefix}-12."
NO_SUCH_ITEM = "There is no {reference}, or you may not see it."
DUPLICATE_ID = "{reference} is also on row {rows}; each item may appear only once."
DUPLICATE_TITLE = (
    "A new item called {title} for the register of {register} is also on row {rows}; give each "
    "new item its own title."
)
SHARED_TITLE = (
    "{count} items in the register of {register} are called {title}; give the ID of the one this row updates."
)
MOVED = "{reference} is in the register of {home}: an import cannot move it to {other}."
NOT_ALLOWED_TO_ADD = "You do not have permission to add {items} to the register of {register}."
NOT_ALLOWED_TO_CHANGE = "You do not have permission to change {reference}."
NOT_A_WHOLE_NUMBER = "{value} is not a whole number."
OFF_MATRIX = "{what} must be a whole number from 1 to {top} on this matrix (got {value})."
CHANGED_DURING_IMPORT = "Nothing was imported: {message} Import the file again."
WRITE_REFUSED = "Nothing was imported: {message}"

IMPORT_ACTION = "import {items}"
"""What an actor who keeps no register is refused (``NOT_ALLOWED``)."""


class _Keep:
    """A blank cell in a column whose field cannot be empty: keep the item's value (or the
    default, for a new item)."""


KEEP = _Keep()
REGISTER_FIELDS = ("project", "programme", "portfolio")


# --- The layout of each register -------------------------------------------------------------


def _c(header: str, name: str, guidance: str, example: str = "", *, required: bool = False,
       aliases: tuple[str, ...] = ()) -> Column:  # fmt: skip
    return Column(header, name, required, guidance, example, aliases)


def _head(prefix: str) -> list[Column]:
    return [
        _c("ID", "reference",
           f"Blank for a new item. To update an item, its ID as the register shows it ({prefix}-12): "
           "the item must exist and be in a register you may change.",
           f"{prefix}-12", aliases=("reference", "ref")),
        _c("Project", "project",
           "For a new item, the code of the project whose register it goes in (or give a Programme "
           "or a Portfolio instead). For an update, blank or the item's own register.",
           "WEB", aliases=("project code",)),
        _c("Programme", "programme",
           "For an item of a programme's own register: the programme's code or name.", "DIG"),
        _c("Portfolio", "portfolio",
           "For an item of a portfolio's own register: the portfolio's name.", "IT Portfolio"),
        _c("Title", "title", "What the item is, in a line (up to 200 characters).", required=True),
        _c("Description", "description", "More detail, if needed."),
    ]  # fmt: skip


def _owner(header: str = "Owner", guidance: str = "Who owns the item") -> Column:
    return _c(
        header,
        "owner",
        f"{guidance}: the e-mail address or full name of a person in the register (a name two "
        "people share must be given as an e-mail address).",
        "pat.manager@council.example",
        required=True,
        aliases=("owner",) if header != "Owner" else (),
    )


def _tail(due: str, due_guidance: str) -> list[Column]:
    return [
        _c(due, "due", f"{due_guidance} An Excel date, or dd/mm/yyyy or yyyy-mm-dd.", "31/03/2027"),
        _c("Status", "status", "Blank: the first status for a new item, unchanged for an existing one."),
        _c("Date raised", "raised_on", "Blank: today for a new item, unchanged for an existing one.",
           "01/10/2026", aliases=("raised", "raised on")),
        _c("Closure note", "closure_note", "How it was resolved or why it was closed.",
           aliases=("resolution", "closure")),
    ]  # fmt: skip


_SCORE = "on the PMO's risk matrix (the Guidance sheet gives its range)."
LAYOUTS: dict[str, list[Column]] = {
    "risks": [
        *_head("RSK"),
        _c("Kind", "kind", "Threat or opportunity. Blank: Threat for a new risk.", "Threat"),
        _c("Category", "category", "The kind of risk.", "Technical", required=True),
        _c("Cause", "cause", "What gives rise to the risk."),
        _c("Event", "event", "What might happen."),
        _c("Effect", "effect", "What it would do to the objectives."),
        _owner(),
        _c("Actionee", "actionee", "Who carries out the response, if not the owner (e-mail or name)."),
        _c("Inherent probability", "inherent_probability", f"Before the response, {_SCORE}", "4",
           required=True),
        _c("Inherent impact", "inherent_impact", f"Before the response, {_SCORE}", "4", required=True),
        _c("Residual probability", "residual_probability", f"After the response, {_SCORE}", "3",
           required=True),
        _c("Residual impact", "residual_impact", f"After the response, {_SCORE}", "3", required=True),
        _c("Proximity", "proximity", "When it could happen. Blank: within a year for a new risk."),
        _c("Response category", "response",
           "For a threat: avoid, reduce, fallback, transfer, share or accept; for an opportunity: "
           "exploit, enhance, share or reject.", "Reduce", aliases=("response",)),
        _c("Response plan", "response_plan", "What will be done."),
        _c("Cost of response", "response_cost", "In pounds (a £ sign and commas are fine).", "5,000"),
        _c("Cost impact", "cost_impact",
           "What it would cost if it happened, in pounds; gives the expected value.", "£40,000"),
        *_tail("Next review", "When the risk is next reviewed."),
    ],
    "assumptions": [
        *_head("ASM"),
        _c("Consequence", "consequence", "What happens if it does not hold."),
        _owner("Validation owner", "Who confirms whether it holds"),
        *_tail("Validate by", "When it must be confirmed by."),
    ],
    "issues": [
        *_head("ISS"),
        _c("Type", "issue_type", "Blank: Problem or concern for a new issue.", "Problem or concern"),
        _c("Priority", "priority", "Blank: Medium for a new issue.", "High"),
        _c("Severity", "severity", "Blank: Moderate for a new issue.", "Major"),
        _owner(),
        *_tail("Resolve by", "When it must be resolved by."),
    ],
    "dependencies": [
        *_head("DEP"),
        _c("Depends on project", "depends_on",
           "The code of the project this one waits on (not itself, and no loop); or give a Provider.",
           "HR", aliases=("depends on",)),
        _c("Provider", "provider", "Whom else it depends on, outside the register.", "Supplier Ltd"),
        _c("Milestone", "milestone", "The milestone of this project that needs it."),
        _c("Delivering task UID", "giving_task_uid",
           "The UID of the task in the plan of the project depended on whose finish delivers it "
           "(its slip then moves this project's plan).", "42"),
        _c("Needing task UID", "needing_task_uid",
           "The UID of the task in this project's plan that needs it; its planned start becomes "
           "the Needed by date.", "17"),
        _owner(),
        *_tail("Needed by", "When it is needed by."),
    ],
    "actions": [
        *_head("ACT"),
        _owner(),
        _c("Source", "source", "Where the action came from. Blank: Other for a new action.", "RAID item"),
        _c("Source reference", "source_reference",
           "The RAID item (e.g. RSK-12, needed when the source is a RAID item), meeting, exception "
           "or health check."),
        *_tail("Due date", "When it must be done by."),
    ],
    "decisions": [
        *_head("DEC"),
        _owner("Decided by", "Who made the decision"),
        _c("Decided on", "decided_on", "The date of the decision.", "01/10/2026"),
        _c("Why", "rationale", "Why this was decided.", aliases=("rationale",)),
        _c("Options considered", "options_considered", "The options weighed."),
        *_tail("Decision needed by", "When a decision is needed by."),
    ],
}  # fmt: skip
SCORE_FIELDS = ("inherent_probability", "inherent_impact", "residual_probability", "residual_impact")


def headers(kind: str) -> list[str]:
    return [c.header for c in LAYOUTS[kind]]


def sheet_title(kind: str) -> str:
    return str(REGISTERS[kind]._meta.verbose_name_plural).capitalize()


def model_field(model: type[RaidItem], name: str) -> Any:
    """A register's field by name (typed loosely: every column's field is a concrete one)."""
    return model._meta.get_field(name)


# --- Reading cells -------------------------------------------------------------------------


@dataclass
class _Lookups:
    """Everything a row may name, read once and matched in memory."""

    model: type[RaidItem]
    matrix: Matrix
    people: Callable[[str], Sequence[Person]]
    projects: dict[str, Project]
    programmes: dict[str, Programme]
    portfolios: dict[str, Portfolio]
    choices: dict[str, dict[str, str]]

    @classmethod
    def load(cls, model: type[RaidItem], actor: Any) -> "_Lookups":
        programmes = list(Programme.objects.all())
        # A project the importer may not see is, to them, one that does not exist.
        projects = list(Project.objects.restrict(actor, "view") if actor else Project.objects.all())
        portfolios = list(Portfolio.objects.all())
        portfolio_by_id = {p.pk: p for p in portfolios}
        programme_by_id = {p.pk: p for p in programmes}
        for programme in programmes:  # permission checks and messages read these without a query
            programme.portfolio = portfolio_by_id[programme.portfolio_id]
        for project in projects:
            project.portfolio = portfolio_by_id[project.portfolio_id]
            if project.programme_id is not None:
                project.programme = programme_by_id[project.programme_id]
        choices = {
            f.name: choice_lookup(f.choices)
            for f in model._meta.concrete_fields
            if f.choices and f.name != "escalated_to"
        }
        return cls(
            model=model,
            matrix=selectors.raid_settings().matrix,
            people=people_finder(Person.objects.all()),
            projects={key(p.code): p for p in projects},
            programmes={key(p.name): p for p in programmes} | {key(p.code): p for p in programmes},
            portfolios={key(p.name): p for p in portfolios},
            choices=choices,
        )


def _score(name: str, raw: Any, matrix: Matrix) -> int:
    value = raw
    if isinstance(raw, str):
        value = int(raw.strip()) if raw.strip().isdecimal() and raw.strip().isascii() else raw
    if isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    if not isinstance(value, int) or isinstance(value, bool):
        raise CellError(NOT_A_WHOLE_NUMBER.format(value=shown(raw)))
    probability = name.endswith("probability")
    top = matrix.probability_levels if probability else matrix.impact_levels
    if not 1 <= value <= top:
        what = "Probability" if probability else "Impact"
        raise CellError(OFF_MATRIX.format(what=what, top=top, value=value))
    return value


def _reference(raw: Any, model: type[RaidItem]) -> int:
    try:
        found, pk = selectors.parse_reference(text(raw))
    except ValueError as exc:
        raise CellError(str(exc)) from exc
    if found is not model:
        items = model._meta.verbose_name_plural
        raise CellError(WRONG_REGISTER_KIND.format(value=shown(raw), items=items, prefix=model.PREFIX))
    return pk


def _one_of(table: dict[str, Any], raw: Any, message: str) -> Any:
    found = table.get(key(text(raw)))
    if found is None:
        raise CellError(message.format(value=shown(raw)))
    return found


def _parse_cell(column: Column, raw: Any, lookups: _Lookups) -> Any:
    refuse_formula(raw)
    name, model = column.field, lookups.model
    if is_blank(raw):
        if column.required:
            raise CellError(REQUIRED)
        if name in ("reference", *REGISTER_FIELDS):
            return None
        field = model_field(model, name)
        if not field.blank:
            return KEEP
        return None if field.null else ""
    if name == "reference":
        return _reference(raw, model)
    if name == "project" or name == "depends_on":
        return _one_of(lookups.projects, raw, UNKNOWN_PROJECT)
    if name == "programme":
        return _one_of(lookups.programmes, raw, UNKNOWN_PROGRAMME)
    if name == "portfolio":
        return _one_of(lookups.portfolios, raw, UNKNOWN_PORTFOLIO)
    if name in SCORE_FIELDS:
        return _score(name, raw, lookups.matrix)
    field = model_field(model, name)
    if field.is_relation:
        return parse_person(raw, lookups.people)
    if name in lookups.choices:
        return parse_choice(raw, field.choices, lookups.choices[name])
    if isinstance(field, models.DateField):
        return parse_date(raw)
    if isinstance(field, models.DecimalField):
        return parse_money(raw, field)
    if isinstance(field, models.IntegerField):
        return parse_whole_number(raw)
    return text(raw)


# --- Checking rows against the registers -----------------------------------------------------


@dataclass
class _Plan:
    number: int
    item: RaidItem  # the item as it would be saved (a new one, or the stored one with changes)
    register: Project | Programme | Portfolio | None  # for a new item
    fields: dict[str, Any]  # a new item's fields, or an update's changed fields
    version: int
    stored_edge: tuple[int, int] | None = None

    @property
    def is_new(self) -> bool:
        return self.item.pk is None


def register_label(register: Project | Programme | Portfolio) -> str:
    """A register as messages name it: project WEB, programme Digital, portfolio IT Portfolio."""
    if isinstance(register, Project):
        return f"project {register.code}"
    return f"{type(register).__name__.lower()} {register.name}"


def may_import(user: Any) -> bool:
    """Whether ``user`` may import into some register: the PMO, and whoever keeps a project's,
    programme's or portfolio's register (its manager, sponsor or owner)."""
    if is_pmo(user):
        return True
    mine = person_id_of(user)
    if mine is None:
        return False
    return (
        Project.objects.filter(Q(project_manager_id=mine) | Q(sponsor_id=mine)).exists()
        or Programme.objects.filter(Q(manager_id=mine) | Q(sponsor_id=mine)).exists()
        or Portfolio.objects.filter(owner_id=mine).exists()
    )


def _existing(model: type[RaidItem], pks: Sequence[int], actor: User | None) -> dict[int, RaidItem]:
    """The items the file updates, as the actor may see them, with what the permission checks
    read."""
    base = model._default_manager.all() if actor is None else selectors.item_list(model, user=actor)
    base = base.select_related("project__programme", "project__portfolio", "programme__portfolio")
    found: dict[int, RaidItem] = {}
    for chunk in chunks(list(pks)):
        found.update({item.pk: item for item in base.filter(pk__in=chunk)})
    return found


def _header_of(kind: str) -> dict[str, str]:
    return {c.field: c.header for c in LAYOUTS[kind]}


def _comparable(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _plan_row(
    kind: str, row: Any, existing: dict[int, RaidItem], actor: User | None, headers_by_field: dict[str, str]
) -> _Plan | None:
    model = REGISTERS[kind]
    errors: list[ImportIssue] = row.errors
    failed = {c for c, h in headers_by_field.items() for i in errors if i.column == h}
    values = {k: v for k, v in row.values.items() if k not in failed}
    named = [(name, values[name]) for name in REGISTER_FIELDS if values.get(name) is not None]
    editable = {k: v for k, v in values.items() if k not in ("reference", *REGISTER_FIELDS)}

    def problem(field: str | None, message: str) -> None:
        errors.append(ImportIssue(row.number, headers_by_field.get(field or ""), message))

    pk = values.get("reference")
    if pk is None:
        if "reference" in failed:
            return None
        if not named:
            if not failed & set(REGISTER_FIELDS):
                problem("project", NO_REGISTER)
            return None
        if len(named) > 1:
            problem(named[1][0], TWO_REGISTERS)
            return None
        name, register = named[0]
        if actor is not None and not actor.has_perm(permission_name(model, "add"), register):
            items = model._meta.verbose_name_plural
            problem(name, NOT_ALLOWED_TO_ADD.format(items=items, register=register_label(register)))
            return None
        fields = {k: v for k, v in editable.items() if v is not KEEP}
        item = model(**fields, **{name: register})
        return _Plan(row.number, item, register, fields, 1)

    reference = f"{model.PREFIX}-{pk}"
    current = existing.get(pk)
    if current is None:
        problem("reference", NO_SUCH_ITEM.format(reference=reference))
        return None
    for name, register in named:
        if getattr(current, f"{name}_id") != register.pk:
            home, other = register_label(current.home), register_label(register)
            problem(name, MOVED.format(reference=reference, home=home, other=other))
    stored_edge = None
    if isinstance(current, Dependency) and current.project_id and current.depends_on_id and current.is_open:
        stored_edge = (current.project_id, current.depends_on_id)
    changed = {
        name: value
        for name, value in editable.items()
        if value is not KEEP
        and _comparable(getattr(current, model_field(model, name).attname)) != _comparable(value)
    }
    # An unchanged row of an item the actor may see but not change is left alone: an export of
    # the whole register, edited in the actor's own rows, imports back.
    if changed and actor is not None and not actor.has_perm(permission_name(model, "change"), current):
        problem("reference", NOT_ALLOWED_TO_CHANGE.format(reference=reference))
        return None
    for name, value in changed.items():
        setattr(current, name, value)
    return _Plan(row.number, current, None, changed, current.version, stored_edge)


_PARSED_STRICTLY = {
    model: [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation
        or f.choices
        or not isinstance(f, models.CharField | models.TextField | models.DecimalField)
    ]
    for model in REGISTERS.values()
}


def _model_errors(plan: _Plan, row: Any, headers_by_field: dict[str, str], actor: User | None) -> None:
    """The model's own rules (lengths, a response fit for the kind of risk, a dependency's
    provider…) on the item as it would be saved, reported by column. Only the fields whose
    validators the cells' parsing does not cover (lengths, amounts) are validated again: the
    relations were looked up in the register, choices, dates and scores parsed strictly. An
    action's RAID item must be one ``actor`` may see, as the service requires."""
    item = plan.item
    failed = {i.column for i in row.errors}
    try:
        item.full_clean(
            exclude=_PARSED_STRICTLY[type(item)], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            header = None if name == NON_FIELD_ERRORS else headers_by_field.get(name)
            if header in failed and header is not None:
                continue
            row.errors.extend(ImportIssue(row.number, header, m) for m in messages)
    if isinstance(item, Dependency) and (plan.is_new or set(plan.fields) & set(services.TIE_FIELDS)):
        ties = Problems()
        services.check_ties(item, ties)  # as the service will: the tasks in the plans
        for name, messages in ties.errors.items():
            header = headers_by_field.get(name)
            if header not in failed:
                row.errors.extend(ImportIssue(row.number, header, m) for m in messages)
    if isinstance(item, Action) and item.source == ActionSource.RAID_ITEM:
        header = headers_by_field.get("source_reference") or headers_by_field.get("source")
        if not item.source_reference.strip():
            row.errors.append(ImportIssue(row.number, header, services.SOURCE_NEEDS_ITEM))
        else:
            try:
                selectors.item_by_reference(item.source_reference, project=item.project, user=actor)
            except ValueError as exc:
                row.errors.append(ImportIssue(row.number, header, str(exc)))


def _loops(plans: list[_Plan], rows_by_number: dict[int, Any], lookups: _Lookups, header: str) -> None:
    """No project may wait on itself, through the register's dependencies and the file's."""
    edges = selectors.project_edges()
    for plan in plans:
        if plan.stored_edge is not None and plan.stored_edge in edges:
            edges.remove(plan.stored_edge)
    new: dict[tuple[int, int], list[int]] = defaultdict(list)
    for plan in plans:
        item = plan.item
        if (
            isinstance(item, Dependency)
            and item.project_id
            and item.depends_on_id
            and item.is_open
            and item.project_id != item.depends_on_id  # on itself: the model's rule says so
        ):
            new[(item.project_id, item.depends_on_id)].append(plan.number)
    if not new:
        return
    loop = network.find_loop([*edges, *new])
    if not loop:
        return
    codes = {p.pk: p.code for p in lookups.projects.values()}
    message = services.DEPENDENCY_LOOP.format(
        loop=" → ".join(codes.get(p, services.HIDDEN_PROJECT) for p in loop)
    )
    for pair in itertools.pairwise(loop):
        for number in new.get(pair, []):
            rows_by_number[number].errors.append(ImportIssue(number, header, message))


def _new_item_key(row: Any) -> tuple[str, int, str] | None:
    """A row without an ID, naming one register and a title: (register field, its id, title
    key). The natural key by which such a row is matched to an item already in that register."""
    if row.values.get("reference") is not None or not isinstance(row.values.get("title"), str):
        return None
    if any(issue.column == "ID" for issue in row.errors):  # an ID given, but not a good one
        return None
    named = [(name, row.values[name]) for name in REGISTER_FIELDS if row.values.get(name) is not None]
    if len(named) != 1:
        return None
    name, register = named[0]
    return name, register.pk, key(row.values["title"])


def _match_by_title(model: type[RaidItem], rows: list[Any], actor: User | None) -> None:
    """A row without an ID whose register already has an item with the same title (case,
    spacing and accents' encoding ignored) is that item: its ID is filled in, so importing a file
    of new items twice changes nothing the second time. Two such rows for one register and
    title, or a title that several items of the register share, are problems to fix."""
    keyed: dict[tuple[str, int, str], list[Any]] = defaultdict(list)
    for row in rows:
        natural = _new_item_key(row)
        if natural is not None:
            keyed[natural].append(row)
    if not keyed:
        return
    base = model._default_manager.all() if actor is None else selectors.item_list(model, user=actor)
    stored: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    for name in REGISTER_FIELDS:
        ids = sorted({pk for field, pk, _title in keyed if field == name})
        for chunk in chunks(ids):
            found = base.filter(**{f"{name}_id__in": chunk}).values_list("pk", f"{name}_id", "title")
            for pk, register_id, title in found.order_by("pk"):
                stored[(name, register_id, key(title))].append(pk)
    for natural, same in keyed.items():
        register = same[0].values[natural[0]]
        title = shown(same[0].values["title"])
        if len(same) > 1:
            for row in same:
                others = ", ".join(str(r.number) for r in same if r is not row)
                message = DUPLICATE_TITLE.format(title=title, register=register_label(register), rows=others)
                row.errors.append(ImportIssue(row.number, "Title", message))
            continue
        matches = stored.get(natural, [])
        if len(matches) > 1:
            message = SHARED_TITLE.format(count=len(matches), register=register_label(register), title=title)
            same[0].errors.append(ImportIssue(same[0].number, "ID", message))
        elif matches:
            same[0].values["reference"] = matches[0]


def _duplicates(kind: str, rows: list[Any]) -> None:
    by_pk: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        if row.values.get("reference") is not None:
            by_pk[row.values["reference"]].append(row)
    prefix = REGISTERS[kind].PREFIX
    for pk, same in by_pk.items():
        if len(same) > 1:
            for row in same:
                others = ", ".join(str(r.number) for r in same if r is not row)
                message = DUPLICATE_ID.format(reference=f"{prefix}-{pk}", rows=others)
                row.errors.append(ImportIssue(row.number, "ID", message))


# --- The import ----------------------------------------------------------------------------


def _write(model: type[RaidItem], plans: list[_Plan], *, actor: User | None, reason: str) -> None:
    updates = [(p.item, p.fields, p.version) for p in plans if not p.is_new and p.fields]
    creates = [(p.register, p.fields) for p in plans if p.is_new]
    with transaction.atomic():
        try:
            services.raid_items_update(actor=actor, model=model, changes=updates, reason=reason)
            services.raid_items_create(actor=actor, model=model, items=creates, reason=reason)  # type: ignore[arg-type]
        except ConflictError as exc:
            raise WriteFailed(CHANGED_DURING_IMPORT.format(message=exc.message)) from exc
        except (ValidationError, PermissionDenied) as exc:
            raise WriteFailed(WRITE_REFUSED.format(message=refused_message(exc))) from exc


def _column_order(kind: str) -> Callable[[ImportIssue], int]:
    order = headers(kind)
    return lambda issue: order.index(issue.column) if issue.column in order else -1


def register_import(
    kind: str,
    *,
    actor: User | None,
    file: str | Path | IO[bytes],
    filename: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a RAID register (``kind``: risks, assumptions…) from an .xlsx file, all or nothing.

    ``actor`` None is the system operator (no permission check; history names no user). Raises
    PermissionDenied when the actor keeps no register. Problems in the file are returned in
    ``ImportResult.errors`` and nothing is written; ``dry_run`` checks only."""
    model = REGISTERS[kind]
    items = str(model._meta.verbose_name_plural)
    if actor is not None and not may_import(actor):
        raise PermissionDenied(NOT_ALLOWED.format(action=IMPORT_ACTION.format(items=items)))
    if isinstance(file, str | Path):
        filename = filename or Path(file).name
        with open(file, "rb") as stream:
            return register_import(
                kind, actor=actor, file=stream, filename=filename, dry_run=dry_run, progress=progress
            )
    result = ImportResult(dry_run=dry_run)
    columns = LAYOUTS[kind]
    try:
        rows, lookups = read_sheet(
            file,
            sheet_title=sheet_title(kind),
            columns=columns,
            parse=_parse_cell,
            load_lookups=lambda: _Lookups.load(model, actor),
            progress=progress,
        )
    except FileError as exc:
        result.errors.append(ImportIssue(None, None, str(exc)))
        return result
    except HeaderErrors as exc:
        result.errors.extend(exc.issues)
        return result
    if not rows:
        result.errors.append(ImportIssue(None, None, NO_ROWS.format(items=items)))
        return result

    headers_by_field = _header_of(kind)
    _match_by_title(model, rows, actor)
    _duplicates(kind, rows)
    pks = sorted({r.values["reference"] for r in rows if r.values.get("reference") is not None})
    existing = _existing(model, pks, actor)
    plans: list[_Plan] = []
    for row in rows:
        plan = _plan_row(kind, row, existing, actor, headers_by_field)
        if plan is not None:
            _model_errors(plan, row, headers_by_field, actor)
            plans.append(plan)
    if model is Dependency:
        _loops(plans, {r.number: r for r in rows}, lookups, headers_by_field["depends_on"])
    order = _column_order(kind)
    for row in rows:
        result.errors.extend(sorted(row.errors, key=order))
    if result.errors:
        return result

    return import_written(
        result,
        created=sum(1 for p in plans if p.is_new),
        updated=sum(1 for p in plans if not p.is_new and p.fields),
        rows=len(plans),
        dry_run=dry_run,
        filename=filename,
        write=lambda reason: _write(model, plans, actor=actor, reason=reason),
    )


def importer(kind: str) -> Callable[..., ImportResult]:
    """``register_import`` for one kind, with the keyword arguments ``pmo import`` passes."""

    def run(**kwargs: Any) -> ImportResult:
        return register_import(kind, **kwargs)

    run.__name__ = f"{REGISTERS[kind].KIND}_import"
    return run
