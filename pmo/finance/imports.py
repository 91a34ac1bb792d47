"""Loading a month of actuals from a finance-system extract (.xlsx): ``pmo import actuals FILE``
(and, later, the import page). One row per ledger line: cost code, month (a posting date counts
in its month; "2026-11" and "Nov 2026" are months too), amount, and optionally description,
reference and currency. The extract is for the financial year of its first row's month.

All or nothing: the cells are read, then every row is checked by ``services.actuals_load``; any
problem is reported by row and column and nothing is written (``dry_run`` checks only). A month
loaded again replaces that month's lines of the cost codes the extract names."""

from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from pmo.core.models import User
from pmo.core.spreadsheets import (
    CellError,
    Column,
    FileError,
    HeaderErrors,
    ImportIssue,
    ImportResult,
    Progress,
    is_blank,
    parse_date,
    parse_money,
    read_sheet,
    refuse_formula,
    shown,
    text,
)
from pmo.engine.finance import financial_year, month_of
from pmo.finance import selectors, services

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


def _issue(issue: ImportIssue) -> ImportIssue:
    column = HEADER_OF.get(issue.column or "", issue.column)
    return ImportIssue(issue.row, column, issue.message)


def actuals_import(
    *,
    actor: User | None,
    file: str | Path | IO[bytes],
    filename: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Load a ledger extract's lines (finance partners and the PMO; ``actor`` None is the system
    operator). Problems come back in ``ImportResult.errors``, by row and column, and nothing is
    written; a PermissionDenied is raised for an actor who may not load actuals."""
    if isinstance(file, str | Path):
        filename = filename or Path(file).name
        with open(file, "rb") as stream:
            return actuals_import(
                actor=actor, file=stream, filename=filename, dry_run=dry_run, progress=progress
            )
    result = ImportResult(dry_run=dry_run)
    try:
        rows, _ = read_sheet(
            file,
            sheet_title=SHEET_TITLE,
            columns=COLUMNS,
            parse=_parse_cell,
            load_lookups=lambda: None,
            progress=progress,
        )
    except FileError as exc:
        result.errors.append(ImportIssue(None, None, str(exc)))
        return result
    except HeaderErrors as exc:
        result.errors.extend(exc.issues)
        return result
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
    year = financial_year(ledger[0].month, selectors.finance_settings().first_month)
    try:
        with transaction.atomic():
            services.actuals_load(actor=actor, rows=ledger, reference=filename or "Ledger extract", year=year)
            if dry_run:
                transaction.set_rollback(True)
    except services.LineProblems as exc:
        result.errors.extend(_issue(issue) for issue in exc.issues)
        return result
    except ValidationError as exc:
        result.errors.extend(ImportIssue(None, None, message) for message in exc.messages)
        return result
    result.created = len(ledger)
    return result
