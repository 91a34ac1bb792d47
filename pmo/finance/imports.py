"""Loading a month of actuals from a finance-system extract (.xlsx): ``pmo import actuals FILE``
(and, later, the import page). One row per ledger line: cost code, month (a posting date counts
in its month; "2026-11" and "Nov 2026" are months too), amount, and optionally description,
reference and currency. The extract is for the financial year of its first row's month.

All or nothing: the cells are read, then every row is checked by ``services.actuals_load``; any
problem is reported by row and column and nothing is written (``dry_run`` checks only). A month
loaded again replaces that month's lines of the cost codes the extract names."""

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from openpyxl import Workbook

from pmo.core.exports import unguard
from pmo.core.models import User
from pmo.core.permissions import ensure_can
from pmo.core.spreadsheets import (
    FILE_TOO_LARGE,
    MISSING_COLUMN,
    NO_HEADER,
    NO_SHEET,
    UNKNOWN_COLUMN,
    CellError,
    Column,
    FileError,
    HeaderErrors,
    ImportIssue,
    ImportResult,
    Progress,
    SheetRow,
    choice_lookup,
    is_blank,
    key,
    open_workbook,
    parse_choice,
    parse_date,
    parse_money,
    put_cell,
    read_sheet,
    refuse_formula,
    sheet_rows,
    shown,
    size_label,
    text,
    write_guidance,
    write_header_row,
)
from pmo.engine.finance import financial_year, month_of
from pmo.finance import selectors, services
from pmo.finance.choices import SpendType
from pmo.finance.models import ActualImport, ActualLine, CostCategory, FundingSource

SHEET_TITLE = "Actuals"
NO_ROWS = "The extract has no ledger lines under its header."
NOT_A_MONTH = "{value} is not a month (give a date, 2026-11 or Nov 2026)."
REQUIRED = "A value is required."

COLUMNS = [
    Column("Cost code", "cost_code", True, "The ledger's cost code, as set up under Finance.", "C1001"),
    Column(
        "Month", "month", True, "The month of the line: a posting date counts in its month.", "30/11/2026"
    ),
    Column("Amount", "amount", True, "In pounds; a credit is negative.", "1250.00", aliases=("Value",)),
    Column("Description", "description", False, "What the line is for.", "Licences"),
    Column("Reference", "reference", False, "The ledger's journal or invoice reference.", "INV-1043"),
    Column("Currency", "currency", False, "Blank, or the PMO's currency (GBP).", "GBP"),
]
HEADER_OF = {"cost code": "Cost code", "month": "Month", "amount": "Amount", "currency": "Currency"}
"""The service's column names (as its problems name them) to the sheet's headers."""


def parse_month(raw: Any) -> date:
    """A month from a date cell, a date written as text, "2026-11" or "Nov 2026"/"November 2026"."""
    if isinstance(raw, datetime | date):
        return month_of(parse_date(raw))
    value = text(raw)
    for fmt in ("%Y-%m", "%b %Y", "%B %Y", "%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a month, no time zone)
        except ValueError:
            continue
    try:
        return month_of(parse_date(value))
    except CellError:
        raise CellError(NOT_A_MONTH.format(value=shown(raw))) from None


def _parse_cell(column: Column, raw: Any, lookups: None) -> Any:
    refuse_formula(raw)
    if is_blank(raw):
        if column.required:
            raise CellError(REQUIRED)
        return ""
    if column.field == "month":
        return parse_month(raw)
    if column.field == "amount":
        return parse_money(raw)
    return text(raw)


def _issue(issue: ImportIssue, header_of: dict[str, str]) -> ImportIssue:
    column = header_of.get(issue.column or "", issue.column)
    return ImportIssue(issue.row, column, issue.message)


# The file's columns -------------------------------------------------------------------------

FIELDS = {column.field: column for column in COLUMNS}
IGNORE = ""
FIELD_CHOICES = [(IGNORE, "Ignore this column"), *((c.field, c.header) for c in COLUMNS)]
UNKNOWN_FIELD = "Column '{column}': {field!r} is not something a ledger line holds."
MAPPED_TWICE = "Columns {columns} are all mapped to {field}: map one column to each."
NOT_MAPPED = "No column is mapped to {column}: it is required."
NOT_CSV = "This CSV file cannot be read: save it as UTF-8 text (CSV UTF-8) and try again."


@dataclass(frozen=True)
class MonthLoaded:
    """One month of an extract: its lines, their total, and whether it replaces lines loaded
    before (of the cost codes the extract names)."""

    month: date
    lines: int
    total: Decimal
    replaces: int


@dataclass
class ActualsResult(ImportResult):
    """An actuals import's outcome: besides the problems, the file's headers and the columns
    they were taken as (``needs_mapping`` when some could not be, so the mapping screen asks),
    and, once checked, the months, their lines and totals, and the load written."""

    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    needs_mapping: bool = False
    months: list[MonthLoaded] = field(default_factory=list)
    total: Decimal = Decimal(0)
    load: ActualImport | None = None

    @property
    def replaced_months(self) -> list[MonthLoaded]:
        return [month for month in self.months if month.replaces]


def guess_mapping(headers: Sequence[str], saved: dict[str, str] | None = None) -> dict[str, str]:
    """Each header's field: as ``saved`` maps it (the header folded by ``key``), else the
    template's header or alias it matches, else "" (ignored)."""
    by_key = {key(name): c.field for c in COLUMNS for name in (c.header, *c.aliases)}
    saved = {key(name): value for name, value in (saved or {}).items()}
    return {
        header: saved[key(header)] if key(header) in saved else by_key.get(key(header), IGNORE)
        for header in headers
    }


def _columns(
    header: Sequence[Any], mapping: dict[str, str] | None
) -> tuple[dict[int, Column], list[str], list[ImportIssue], bool]:
    """Which of the file's columns holds what: by ``mapping`` (header folded by ``key`` to a field
    or "" to ignore), then by the template's headers. Returns the columns by index, the
    headers, the problems, and whether a mapping is needed (a header neither knows, or a
    required field no column holds)."""
    by_key = {key(name): c for c in COLUMNS for name in (c.header, *c.aliases)}
    folded = {key(name): value for name, value in (mapping or {}).items()}
    found: dict[int, Column] = {}
    headers: list[str] = []
    issues: list[ImportIssue] = []
    unknown: list[str] = []
    taken: dict[str, list[str]] = {}
    for index, raw in enumerate(header):
        if is_blank(raw):
            continue
        name = text(raw)
        headers.append(name)
        if key(name) in folded:
            chosen = folded[key(name)]
            if chosen == IGNORE:
                continue
            column = FIELDS.get(chosen)
            if column is None:
                issues.append(ImportIssue(None, None, UNKNOWN_FIELD.format(column=name, field=chosen)))
                continue
        else:
            column = by_key.get(key(name))
            if column is None:
                unknown.append(name)
                continue
        taken.setdefault(column.field, []).append(name)
        found[index] = Column(name, column.field, column.required, column.guidance)
    for chosen, names in taken.items():
        if len(names) > 1:
            listed = ", ".join(f"'{name}'" for name in names)
            message = MAPPED_TWICE.format(columns=listed, field=FIELDS[chosen].header)
            issues.append(ImportIssue(None, None, message))
    missing = [c for c in COLUMNS if c.required and c.field not in taken]
    absent = NOT_MAPPED if mapping else MISSING_COLUMN
    issues += [ImportIssue(None, None, UNKNOWN_COLUMN.format(column=name)) for name in unknown]
    issues += [ImportIssue(None, None, absent.format(column=c.header)) for c in missing]
    return found, headers, issues, bool(unknown or missing)


def _csv_rows(source: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
    """(line number, cells) of a CSV file (UTF-8, with or without its byte-order mark, else
    Windows' Western European), comma, semicolon or tab separated."""
    limit = settings.PMO_MAX_UPLOAD_BYTES
    raw = source.read(limit + 1)
    if len(raw) > limit:
        raise FileError(FILE_TOO_LARGE.format(limit=size_label(limit)))
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = raw.decode("cp1252", errors="replace")
    if "\x00" in content:
        raise FileError(NOT_CSV)
    try:
        dialect: Any = csv.Sniffer().sniff(content[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        yield from enumerate(csv.reader(io.StringIO(content), dialect), start=1)
    except csv.Error as exc:
        raise FileError(NOT_CSV) from exc


def _rows(source: IO[bytes], filename: str) -> tuple[Iterator[tuple[int, list[Any]]], Any]:
    """The file's rows (number, cells) and what to close after: a .csv by its name, else a
    workbook (its sheet called Actuals, or its first)."""
    if filename.lower().endswith(".csv"):
        return _csv_rows(source), None
    reader = open_workbook(source)
    paths = reader.sheet_paths
    if not paths:
        reader.archive.close()
        raise FileError(NO_SHEET)
    return sheet_rows(reader, paths.get(SHEET_TITLE) or next(iter(paths.values()))), reader.archive


def _read(
    file: IO[bytes], filename: str, mapping: dict[str, str] | None, result: ActualsResult
) -> list[SheetRow]:
    rows, closing = _rows(file, filename)
    try:
        filled = (r for r in rows if not all(is_blank(v) for v in r[1]))
        first = next(filled, None)
        if first is None:
            raise FileError(NO_HEADER)
        found, result.headers, issues, result.needs_mapping = _columns(first[1], mapping)
        result.mapping = guess_mapping(result.headers, mapping)
        if issues:
            result.errors.extend(issues)
            return []
        read: list[SheetRow] = []
        for number, values in filled:
            row = SheetRow(number=number, values={}, errors=[])
            for index, column in found.items():
                raw = unguard(values[index]) if index < len(values) else None
                try:
                    row.values[column.field] = _parse_cell(column, raw, None)
                except CellError as exc:
                    row.errors.append(ImportIssue(number, column.header, str(exc)))
            read.append(row)
        return read
    finally:
        if closing is not None:
            closing.close()


def _months(ledger: Sequence[services.LedgerRow]) -> list[MonthLoaded]:
    """Each month of ``ledger``, its lines and total, and how many lines loaded before of its
    cost codes it replaces (one query)."""
    counted: dict[date, tuple[int, Decimal]] = {}
    for line in ledger:
        lines, total = counted.get(line.month, (0, Decimal(0)))
        counted[line.month] = (lines + 1, total + line.amount)
    codes = {line.cost_code.strip() for line in ledger}
    before = dict(
        ActualLine.objects.filter(month__in=counted, cost_code__code__in=codes)
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
        .order_by()
    )
    return [
        MonthLoaded(month, lines, total, before.get(month, 0))
        for month, (lines, total) in sorted(counted.items())
    ]


def actuals_import(
    *,
    actor: User | None,
    file: str | Path | IO[bytes],
    filename: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
    mapping: dict[str, str] | None = None,
) -> ActualsResult:
    """Load a ledger extract's lines (.xlsx, or .csv by its name; finance partners and the PMO;
    ``actor`` None is the system operator). ``mapping`` says what each of the file's columns
    holds (header to field, "" to ignore) where its headers are not the template's; a header
    neither it nor the template knows, or a required field no column holds, is a problem and
    sets ``needs_mapping`` (the page then asks what each column holds), and nothing is read.
    Problems come back in ``errors``, by row and column, and nothing is written; a
    PermissionDenied is raised for an actor who may not load actuals."""
    if isinstance(file, str | Path):
        filename = filename or Path(file).name
        with open(file, "rb") as stream:
            return actuals_import(
                actor=actor,
                file=stream,
                filename=filename,
                dry_run=dry_run,
                progress=progress,
                mapping=mapping,
            )
    if actor is not None:
        ensure_can(actor, "finance.add_actualimport", action="load actuals")
    result = ActualsResult(dry_run=dry_run)
    try:
        rows = _read(file, filename, mapping, result)
    except FileError as exc:
        result.errors.append(ImportIssue(None, None, str(exc)))
        return result
    if result.errors:
        return result
    if progress is not None:
        rows = list(progress(rows, len(rows)))
    for row in rows:
        result.errors.extend(row.errors)
    if not rows:
        result.errors.append(ImportIssue(None, None, NO_ROWS))
    if result.errors:
        return result
    ledger = [
        services.LedgerRow(
            cost_code=row.values["cost_code"],
            month=row.values["month"],
            amount=row.values["amount"],
            description=row.values.get("description", ""),
            reference=row.values.get("reference", ""),
            currency=row.values.get("currency", ""),
            row=row.number,
        )
        for row in rows
    ]
    header_of = {**HEADER_OF}
    for name, chosen in result.mapping.items():
        if chosen and chosen in FIELDS:
            header_of[FIELDS[chosen].header.lower()] = name
    year = financial_year(ledger[0].month, selectors.finance_settings().first_month)
    try:
        with transaction.atomic():
            months = _months(ledger)
            load = services.actuals_load(
                actor=actor, rows=ledger, reference=filename or "Ledger extract", year=year
            )
            if dry_run:
                transaction.set_rollback(True)
    except services.LineProblems as exc:
        result.errors.extend(_issue(issue, header_of) for issue in exc.issues)
        return result
    except ValidationError as exc:
        result.errors.extend(ImportIssue(None, None, message) for message in exc.messages)
        return result
    result.created = len(ledger)
    result.months = months
    result.total = sum((line.amount for line in ledger), Decimal(0))
    result.load = None if dry_run else load
    return result


def write_actuals_template(stream: Any) -> None:
    """The ledger extract's template: the header row with an example line, and a Guidance
    sheet explaining each column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    write_header_row(sheet, COLUMNS)
    write_guidance(
        workbook,
        intro=[
            "Actuals: one row per ledger line, for months of one financial year.",
            "Loading a month again replaces that month's lines of the cost codes the file names.",
            "Columns named otherwise (your finance system's own extract) are matched on the import page.",
        ],
        columns=COLUMNS,
        allowed=lambda column: "",
    )
    workbook.save(stream)


# Budget templates ---------------------------------------------------------------------------

BUDGET_SHEET = "Budget"
FORECAST_SHEET = "Forecast"
UNKNOWN_CATEGORY = "{value} is not a cost category (one of: {allowed})."
UNKNOWN_FUNDING = "{value} is not a funding source (one of: {allowed})."
BUDGET_COLUMNS = [
    Column("Month", "month", True, "The month the money is planned for.", "Nov 2026"),
    Column("Category", "category", True, "A cost category, as set up under Finance.", "Software"),
    Column(
        "Capital or revenue",
        "spend_type",
        True,
        "Capital (capex) or Revenue (opex).",
        "Revenue",
        aliases=("Spend type",),
    ),
    Column("Funding source", "funding_source", False, "Blank, or a funding source.", "Capital programme"),
    Column("Amount", "amount", True, "In pounds, not negative.", "1000.00"),
]
BUDGET_HEADER_OF = {"month": "Month", "amount": "Amount", "spend type": "Capital or revenue"}
SPEND_TYPES = {**choice_lookup(SpendType.choices), "capital": "capital", "revenue": "revenue"}


@dataclass(frozen=True)
class BudgetLookups:
    categories: dict[str, CostCategory]
    funding: dict[str, FundingSource]


def _budget_lookups() -> BudgetLookups:
    return BudgetLookups(
        {key(c.name): c for c in CostCategory.objects.filter(active=True)},
        {key(f.name): f for f in FundingSource.objects.filter(active=True)},
    )


def _parse_budget_cell(column: Column, raw: Any, lookups: BudgetLookups) -> Any:
    refuse_formula(raw)
    if is_blank(raw):
        if column.required:
            raise CellError(REQUIRED)
        return None
    if column.field == "month":
        return parse_month(raw)
    if column.field == "amount":
        return parse_money(raw)
    if column.field == "spend_type":
        return parse_choice(raw, SpendType.choices, SPEND_TYPES)
    found: Any = (lookups.categories if column.field == "category" else lookups.funding).get(key(text(raw)))
    if found is None:
        names = lookups.categories if column.field == "category" else lookups.funding
        message = UNKNOWN_CATEGORY if column.field == "category" else UNKNOWN_FUNDING
        allowed = ", ".join(sorted(str(each) for each in names.values()))
        raise CellError(message.format(value=shown(raw), allowed=allowed))
    return found


def budget_lines_read(
    file: IO[bytes], *, sheet_title: str = BUDGET_SHEET
) -> tuple[list[services.MonthAmount], list[ImportIssue]]:
    """A budget (or forecast) template's lines (each carrying its row), or the problems by row
    and column (nothing to save then)."""
    try:
        rows, _ = read_sheet(
            file,
            sheet_title=sheet_title,
            columns=BUDGET_COLUMNS,
            parse=_parse_budget_cell,
            load_lookups=_budget_lookups,
        )
    except FileError as exc:
        return [], [ImportIssue(None, None, str(exc))]
    except HeaderErrors as exc:
        return [], list(exc.issues)
    issues = [issue for row in rows for issue in row.errors]
    if issues:
        return [], issues
    return [
        services.MonthAmount(
            month=row.values["month"],
            category=row.values["category"],
            spend_type=row.values["spend_type"],
            amount=row.values["amount"],
            funding_source=row.values.get("funding_source"),
            row=row.number,
        )
        for row in rows
        if row.values["amount"] != 0
    ], []


def budget_issue(issue: ImportIssue) -> ImportIssue:
    """A budget service's problem named by the template's column."""
    return ImportIssue(issue.row, BUDGET_HEADER_OF.get(issue.column or "", issue.column), issue.message)


def write_budget_template(stream: Any, lines: Sequence[Any] = (), *, sheet_title: str = BUDGET_SHEET) -> None:
    """The budget (or forecast) template, with ``lines`` (a version's) filled in: one row per
    month, category, capital or revenue and funding source; a Guidance sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    write_header_row(sheet, BUDGET_COLUMNS)
    for row, each in enumerate(lines, start=2):
        values = [
            f"{each.month:%b %Y}",
            each.category.name,
            SpendType(each.spend_type).label,
            each.funding_source.name if each.funding_source else "",
            each.amount,
        ]
        for column, value in enumerate(values, start=1):
            put_cell(sheet, row, column, value)
    write_guidance(
        workbook,
        intro=[
            "A project's budget: one row per month, category, capital or revenue and funding source.",
            "Uploaded on the project's budget (or forecast) page, the rows are the draft budget (or the",
            "period's forecast), all of it.",
        ],
        columns=BUDGET_COLUMNS,
        allowed=lambda column: "",
    )
    workbook.save(stream)
