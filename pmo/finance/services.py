"""Writes of finance: the settings (its lists: ``pmo.finance.reference``), closing months,
budget versions (drafted, then approved), loads of ledger actuals and forecasts per reporting
period.

Lines come in as plain values (``MonthAmount`` for budgets and forecasts, ``LedgerRow`` for
actuals), from a form, the API or a parsed spreadsheet alike. Every line is checked before
anything is written, and every problem is reported at once, by row and column
(``LineProblems``); one problem and nothing is written. A month finance has closed takes no
writes: actuals and forecasts for it are refused, and a budget version may not change what the
approved budget says of it."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.timezone import localtime

from pmo.core import clock
from pmo.core.formatting import money
from pmo.core.models import DomainModel, User
from pmo.core.permissions import ensure_can
from pmo.core.reactions import COST_FIGURES, projects_changed
from pmo.core.services import only_fields, record_create, record_delete, record_update
from pmo.core.spreadsheets import ImportIssue
from pmo.engine.finance import FinancialYear, month_of
from pmo.finance import selectors
from pmo.finance.choices import BudgetStatus, SpendType
from pmo.finance.models import (
    ActualImport,
    ActualLine,
    BudgetLine,
    BudgetVersion,
    CostCategory,
    CostCode,
    FinanceSettings,
    ForecastLine,
    ForecastVersion,
    FundingSource,
    LedgerMapping,
    MonthLock,
)
from pmo.finance.workflows import BUDGET_VERSION
from pmo.portfolio.models import Project
from pmo.reporting.choices import PeriodStatus
from pmo.reporting.models import Baseline, ProjectException, ReportingPeriod

SETTINGS_FIELDS = frozenset(
    {"first_month", "currency", "cpi_threshold", "spi_t_threshold", "cost_tolerance_on_eac"}
)
COST_CODE_FIELDS = frozenset(
    {"code", "description", "project", "cost_centre", "category", "spend_type", "funding_source", "active"}
)

NOT_FIRST_OF_MONTH = "{day:%-d %B %Y} is not a month: give the month's first day."
NEGATIVE_BUDGET = "A budget cannot be negative (got {amount})."
NEGATIVE_FORECAST = "A forecast cannot be negative (got {amount})."
TOO_PRECISE = "{amount} has more than two decimal places: give pounds and pence."
NOT_AN_AMOUNT = "{amount} is not an amount of money."
TOO_LARGE = "{amount} is too large: an amount is under {limit}."
AMOUNT_LIMIT = Decimal(10) ** 12  # what a line's 14 digits, 2 after the point, hold
NOT_A_SPEND_TYPE = "{value!r} is not capital or revenue."
DUPLICATE_LINE = (
    "repeats row {first} ({month:%B %Y}, {category}, {spend_type}, {funding}): give each month, "
    "category, spend type and funding source once."
)
DUPLICATE_LEDGER_LINE = "repeats row {first} (cost code {code}, {month:%B %Y}, reference {reference})."
MONTH_LOCKED = "{month:%B %Y} is closed by finance: its {what} can no longer change."
LOCKED_BUDGET_CHANGED = (
    "{month:%B %Y} is closed by finance: a new budget must keep what the approved budget (v{number}) "
    "says of it ({before}, not {after})."
)
ALREADY_LOCKED = "{month:%B %Y} is already closed (by {who} on {when:%-d %B %Y})."
NOT_BEGUN = "{month:%B %Y} has not begun: only a month under way or past can be closed."
FUTURE_MONTH = "{month:%B %Y} has not begun: there can be no actuals for it yet."
OUTSIDE_YEAR = "{month:%B %Y} is not in the financial year {year} ({start:%B %Y} to {end:%B %Y})."
UNKNOWN_COST_CODE = "{code!r} is not a cost code (add it under Finance, cost codes, first)."
RETIRED_COST_CODE = "Cost code {code} is retired: its lines are no longer loaded."
WRONG_CURRENCY = "The amount is in {currency}; this PMO counts money in {ours}."
NO_LINES = "There are no lines: nothing to load."
NO_BUDGET_LINES = "A budget needs at least one line before it is approved."
FORECAST_BEFORE_PERIOD = (
    "{month:%B %Y} is before the period {period}: its actuals count, a forecast starts at {first:%B %Y}."
)
PERIOD_CLOSED = "The period {period} is closed: its forecasts can no longer change."


def _cost_figures_changed(
    project_ids: Iterable[int | None], *, config: FinanceSettings | None = None
) -> None:
    """Tell the apps that judge projects' cost (reporting's cost tolerance, ADR 0052) that these
    projects' money changed, so their tolerances are judged again now, in this write's
    transaction. Nothing to tell while the cost tolerance does not judge finance's EAC
    (``FinanceSettings.cost_tolerance_on_eac``): what it judges has not changed."""
    if (config or selectors.finance_settings()).cost_tolerance_on_eac:
        projects_changed(COST_FIGURES, project_ids)


def _budgeted_projects() -> list[int]:
    """The projects with an approved budget: those whose EAC finance gives (one query)."""
    return list(
        BudgetVersion.objects.filter(status=BudgetStatus.APPROVED)
        .order_by("project_id")
        .values_list("project_id", flat=True)
        .distinct()
    )


class LineProblems(ValidationError):
    """Every problem of a set of lines, each naming its row (counted from 1 in the order given,
    or the row number the line carries) and column."""

    def __init__(self, issues: Sequence[ImportIssue]) -> None:
        super().__init__([str(issue) for issue in issues])
        self.issues = list(issues)


@dataclass(frozen=True)
class MonthAmount:
    """One line of a budget or forecast."""

    month: date
    category: CostCategory
    spend_type: str
    amount: Decimal
    funding_source: FundingSource | None = None
    row: int | None = None  # the row it came from (a spreadsheet's); its position when None


@dataclass(frozen=True)
class LedgerRow:
    """One line of a ledger extract, as the finance system gives it."""

    cost_code: str
    month: date
    amount: Decimal
    description: str = ""
    reference: str = ""
    currency: str = ""  # blank: the PMO's own
    row: int | None = None


def _row(line: Any, index: int) -> int:
    return line.row if line.row is not None else index + 1


def _amount_problems(amount: Decimal, negative: str | None) -> str | None:
    if not amount.is_finite():
        return NOT_AN_AMOUNT.format(amount=amount)
    if abs(amount) >= AMOUNT_LIMIT:
        return TOO_LARGE.format(amount=amount, limit=money(AMOUNT_LIMIT))
    if negative is not None and amount < 0:
        return negative.format(amount=money(amount))
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        return TOO_PRECISE.format(amount=amount)
    return None


def locked_months(months: Iterable[date]) -> set[date]:
    """Which of ``months`` finance has closed (one query)."""
    return set(MonthLock.objects.filter(month__in=set(months)).values_list("month", flat=True))


def _check_month_lines(lines: Sequence[MonthAmount], *, negative: str) -> list[ImportIssue]:
    """A budget's or forecast's lines: months given as first days, amounts not negative and to
    the penny, a known spend type, each month, category, spend type and funding source once."""
    issues: list[ImportIssue] = []
    seen: dict[tuple[Any, ...], int] = {}
    for index, line in enumerate(lines):
        row = _row(line, index)
        if line.month.day != 1:
            issues.append(ImportIssue(row, "month", NOT_FIRST_OF_MONTH.format(day=line.month)))
        problem = _amount_problems(line.amount, negative)
        if problem:
            issues.append(ImportIssue(row, "amount", problem))
        if line.spend_type not in SpendType.values:
            issues.append(ImportIssue(row, "spend type", NOT_A_SPEND_TYPE.format(value=line.spend_type)))
        key = (
            line.month,
            line.category.pk,
            line.spend_type,
            line.funding_source.pk if line.funding_source else None,
        )
        if key in seen:
            message = DUPLICATE_LINE.format(
                first=seen[key],
                month=line.month,
                category=line.category,
                spend_type=SpendType(line.spend_type).label
                if line.spend_type in SpendType.values
                else line.spend_type,
                funding=line.funding_source or "no funding source",
            )
            issues.append(ImportIssue(row, None, message))
        else:
            seen[key] = row
    return issues


def _raise(issues: Sequence[ImportIssue]) -> None:
    if issues:
        raise LineProblems(issues)


def _line_fields(line: MonthAmount) -> dict[str, Any]:
    return {
        "month": line.month,
        "category": line.category,
        "spend_type": line.spend_type,
        "funding_source": line.funding_source,
        "amount": line.amount,
    }


# Settings (the lists, cost categories and funding sources: ``pmo.finance.reference``) ---------


@transaction.atomic
def finance_settings_update(
    *,
    actor: User | None,
    settings_row: FinanceSettings,
    fields: Mapping[str, Any],
    expected_version: int | None,
) -> FinanceSettings:
    """Change how the PMO counts money (finance partners and the PMO head). Turning the cost
    tolerance's use of finance's EAC on or off judges the budgeted projects' tolerances again."""
    only_fields(fields, SETTINGS_FIELDS)
    judged_before = settings_row.cost_tolerance_on_eac
    updated = record_update(
        instance=settings_row, actor=actor, fields=fields, expected_version=expected_version
    )
    if updated.cost_tolerance_on_eac != judged_before:
        projects_changed(COST_FIGURES, _budgeted_projects())
    return updated


@transaction.atomic
def cost_code_create(*, actor: User | None, fields: Mapping[str, Any]) -> CostCode:
    """Map a ledger code to a project, with the category, spend type and funding source its
    lines count under."""
    only_fields(fields, COST_CODE_FIELDS)
    return record_create(
        model=CostCode, actor=actor, fields={**fields, "code": str(fields.get("code", "")).strip()}
    )


@transaction.atomic
def cost_code_update(
    *, actor: User | None, cost_code: CostCode, fields: Mapping[str, Any], expected_version: int | None
) -> CostCode:
    """Change a cost code's mapping. Lines already loaded keep the project, category and spend
    type they were loaded under; the next load of their month uses the new mapping."""
    only_fields(fields, COST_CODE_FIELDS)
    return record_update(instance=cost_code, actor=actor, fields=fields, expected_version=expected_version)


# Closing months ----------------------------------------------------------------------------


@transaction.atomic
def month_lock(*, actor: User | None, month: date) -> MonthLock:
    """Close a month: its actuals are final, and no budget, actual or forecast of it changes."""
    if actor is not None:
        ensure_can(actor, "finance.add_monthlock", action=f"close {month:%B %Y}")
    if month > month_of(clock.today()):
        raise ValidationError({"month": NOT_BEGUN.format(month=month)})
    existing = MonthLock.objects.filter(month=month).select_related("locked_by").first()
    if existing is not None:
        raise ValidationError(
            {
                "month": ALREADY_LOCKED.format(
                    month=month, who=existing.locked_by or "the system", when=localtime(existing.locked_at)
                )
            }
        )
    lock = record_create(
        model=MonthLock,
        actor=actor,
        authorised=True,
        fields={"month": month, "locked_by": actor, "locked_at": clock.now()},
        reason=f"Closed {month:%B %Y}" if month.day == 1 else "",
    )
    # A closed month's actuals are final: the EACs count them instead of an older forecast.
    _cost_figures_changed(_budgeted_projects())
    return lock


@transaction.atomic
def month_unlock(*, actor: User | None, lock: MonthLock, reason: str) -> None:
    """Open a closed month again (a correction finance must make), saying why."""
    if actor is not None:
        ensure_can(actor, "finance.delete_monthlock", lock, action=f"open {lock.month:%B %Y} again")
    record_delete(instance=lock, actor=actor, expected_version=None, reason=f"Opened again: {reason}"[:100])
    _cost_figures_changed(_budgeted_projects())


# Budgets -----------------------------------------------------------------------------------


def _check_locked_budget(project: Project, lines: Sequence[MonthAmount]) -> list[ImportIssue]:
    """A closed month's budget stays what the approved budget says of it."""
    current = selectors.current_budgets([project.pk]).get(project.pk)
    old: dict[date, dict[tuple[Any, ...], Decimal]] = {}
    if current is not None:
        for stored in current.lines.all():
            key = (stored.category_id, stored.spend_type, stored.funding_source_id)
            old.setdefault(stored.month, {})[key] = stored.amount
    new: dict[date, dict[tuple[Any, ...], Decimal]] = {}
    for line in lines:
        key = (line.category.pk, line.spend_type, line.funding_source.pk if line.funding_source else None)
        new.setdefault(line.month, {})[key] = line.amount
    issues = []
    for month in sorted(locked_months(set(old) | set(new))):
        before, after = old.get(month, {}), new.get(month, {})
        if {k: v for k, v in before.items() if v} != {k: v for k, v in after.items() if v}:
            issues.append(
                ImportIssue(
                    None,
                    "month",
                    LOCKED_BUDGET_CHANGED.format(
                        month=month,
                        number=current.number if current else 0,
                        before=money(sum(before.values(), Decimal(0))),
                        after=money(sum(after.values(), Decimal(0))),
                    )
                    if current is not None
                    else MONTH_LOCKED.format(month=month, what="budget"),
                )
            )
    return issues


def _check_budget(project: Project, lines: Sequence[MonthAmount]) -> None:
    issues = _check_month_lines(lines, negative=NEGATIVE_BUDGET)
    if not issues:
        issues = _check_locked_budget(project, lines)
    _raise(issues)


def _write_lines(model: Any, version: Any, lines: Sequence[MonthAmount]) -> None:
    """Replace ``version``'s lines (of ``model``, BudgetLine or ForecastLine) with ``lines``,
    already checked as a set (duplicates, closed months); each row's own fields are checked
    here."""
    model.objects.filter(version=version).delete()
    made = [model(version=version, **_line_fields(line)) for line in lines]
    # The lines' categories and funding sources are checked once each, not once a line (a
    # query each: a forecast of three years by three categories would ask 200 times).
    for row in made:
        row.full_clean(
            exclude=["version", "category", "funding_source"],
            validate_unique=False,
            validate_constraints=False,
        )
    for name in ("category", "funding_source"):
        field = model._meta.get_field(name)
        for value, row in {getattr(row, field.attname): row for row in made}.items():
            try:
                field.validate(value, row)
            except ValidationError as error:
                raise ValidationError({name: error.messages}) from error
    model.objects.bulk_create(made)


M = TypeVar("M", bound=DomainModel)


def _record_made(
    model: type[M],
    existing: M | None,
    *,
    actor: User | None,
    fields: Mapping[str, Any],
    key: Mapping[str, Any],
    expected_version: int | None,
    reason: str,
    authorised: bool = True,
) -> M:
    """A record made (a forecast, a cost centre's year's budget) whose lines the caller writes
    next: a new one of ``fields`` and ``key`` (what finds it: its project and period, its cost
    centre and year) where there is none (the caller judged the add), else ``existing`` given
    ``fields`` as of ``expected_version``, its lines changed whatever its fields (``authorised``:
    the caller judged the change too)."""
    if existing is None:
        return record_create(
            model=model, actor=actor, authorised=True, fields={**fields, **key}, reason=reason
        )
    return record_update(
        instance=existing,
        actor=actor,
        authorised=authorised,
        fields=fields,
        rows_changed=True,
        expected_version=expected_version,
        reason=reason,
    )


def _total(lines: Iterable[MonthAmount]) -> Decimal:
    return sum((line.amount for line in lines), Decimal(0))


@transaction.atomic
def budget_draft(
    *,
    actor: User | None,
    project: Project,
    reason: str,
    lines: Sequence[MonthAmount],
    baseline: Baseline | None = None,
    change_request: Any = None,
    exception: ProjectException | None = None,
) -> BudgetVersion:
    """Draft the project's next budget version, phased by month (finance partners and the PMO).
    It names the baseline, change request or exception decision that moved the budget, if one
    did. A project has one draft at a time."""
    if actor is not None:
        ensure_can(actor, "finance.add_budgetversion", project, action=f"draft budgets of {project.code}")
    Project.objects.select_for_update().filter(pk=project.pk).exists()  # numbers are taken in turn
    _check_budget(project, lines)
    number = (BudgetVersion.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0) + 1
    version = record_create(
        model=BudgetVersion,
        actor=actor,
        authorised=True,
        fields={
            "project": project,
            "number": number,
            "reason": reason.strip(),
            "baseline": baseline,
            "change_request": change_request,
            "exception": exception,
            "drafted_by": actor,
        },
        reason=f"Drafted with {len(lines)} lines, {money(_total(lines))}",
    )
    _write_lines(BudgetLine, version, lines)
    return version


def _locked_version(version: BudgetVersion) -> BudgetVersion:
    return BudgetVersion.objects.select_for_update(of=("self",)).select_related("project").get(pk=version.pk)


@transaction.atomic
def budget_lines_replace(
    *, actor: User | None, version: BudgetVersion, lines: Sequence[MonthAmount], expected_version: int | None
) -> BudgetVersion:
    """Give a draft budget new lines (all of them: the lines given are the budget)."""
    current = _locked_version(version)
    BUDGET_VERSION.ensure(current, actor, "edit")
    _check_budget(current.project, lines)
    _write_lines(BudgetLine, current, lines)
    updated = record_update(
        instance=version,
        actor=actor,
        authorised=True,
        locked=current,
        fields={},
        rows_changed=True,
        expected_version=expected_version,
        reason=f"Lines replaced: {len(lines)} lines, {money(_total(lines))}",
    )
    return updated


@transaction.atomic
def budget_approve(
    *, actor: User | None, version: BudgetVersion, expected_version: int | None
) -> BudgetVersion:
    """Approve a draft: it becomes the project's budget (its total the budget at completion)
    and never changes again."""
    current = _locked_version(version)
    BUDGET_VERSION.ensure(current, actor, "approve")
    lines = [
        MonthAmount(
            month=line.month,
            category=line.category,
            spend_type=line.spend_type,
            amount=line.amount,
            funding_source=line.funding_source,
        )
        for line in current.lines.select_related("category", "funding_source")
    ]
    if not lines:
        raise ValidationError(NO_BUDGET_LINES)
    _raise(_check_locked_budget(current.project, lines))  # a month may have closed since the draft
    approved = record_update(
        instance=version,
        actor=actor,
        authorised=True,
        locked=current,
        fields={"status": BudgetStatus.APPROVED, "approved_by": actor, "approved_at": clock.now()},
        expected_version=expected_version,
        reason=f"Approved: budget at completion {money(_total(lines))}",
    )
    _cost_figures_changed([current.project_id])
    return approved


# Actuals -----------------------------------------------------------------------------------


def _check_ledger(
    rows: Sequence[LedgerRow], codes: Mapping[str, CostCode], year: FinancialYear, currency: str
) -> list[ImportIssue]:
    issues: list[ImportIssue] = []
    this_month = month_of(clock.today())
    closed = locked_months(row.month for row in rows)
    seen: dict[tuple[str, date, str], int] = {}
    for index, line in enumerate(rows):
        row = _row(line, index)
        code = codes.get(line.cost_code.strip())
        if code is None:
            issues.append(ImportIssue(row, "cost code", UNKNOWN_COST_CODE.format(code=line.cost_code)))
        elif not code.active:
            issues.append(ImportIssue(row, "cost code", RETIRED_COST_CODE.format(code=code.code)))
        if line.month.day != 1:
            issues.append(ImportIssue(row, "month", NOT_FIRST_OF_MONTH.format(day=line.month)))
        elif not year.contains(line.month):
            issues.append(
                ImportIssue(
                    row,
                    "month",
                    OUTSIDE_YEAR.format(month=line.month, year=year, start=year.start, end=year.last_month),
                )
            )
        elif line.month in closed:
            issues.append(ImportIssue(row, "month", MONTH_LOCKED.format(month=line.month, what="actuals")))
        elif line.month > this_month:
            issues.append(ImportIssue(row, "month", FUTURE_MONTH.format(month=line.month)))
        problem = _amount_problems(line.amount, None)
        if problem:
            issues.append(ImportIssue(row, "amount", problem))
        if line.currency.strip() and line.currency.strip().upper() != currency:
            issues.append(
                ImportIssue(
                    row, "currency", WRONG_CURRENCY.format(currency=line.currency.strip(), ours=currency)
                )
            )
        if line.reference.strip():
            key = (line.cost_code.strip(), line.month, line.reference.strip())
            if key in seen:
                issues.append(
                    ImportIssue(
                        row,
                        None,
                        DUPLICATE_LEDGER_LINE.format(
                            first=seen[key], code=key[0], month=line.month, reference=key[2]
                        ),
                    )
                )
            else:
                seen[key] = row
    return issues


@transaction.atomic
def actuals_load(
    *, actor: User | None, rows: Sequence[LedgerRow], reference: str, year: FinancialYear | int
) -> ActualImport:
    """Load a ledger extract's lines for months of financial ``year`` (finance partners and the
    PMO). All or nothing: every row is checked first, and any problem refuses the whole load,
    naming each row and column. Loading a month again replaces that month's lines of the cost
    codes it names (never adding to them), so a corrected extract can be loaded as often as
    needed; other cost codes' lines of the month stay."""
    if actor is not None:
        ensure_can(actor, "finance.add_actualimport", action="load actuals")
    if not rows:
        raise ValidationError(NO_LINES)
    config = selectors.finance_settings()
    if isinstance(year, int):
        year = FinancialYear(year, config.first_month)
    names = sorted({row.cost_code.strip() for row in rows})
    # Lock the cost codes (in a fixed order), so two loads of the same codes take turns.
    codes = {
        code.code: code for code in CostCode.objects.select_for_update().filter(code__in=names).order_by("pk")
    }
    _raise(_check_ledger(rows, codes, year, config.currency))
    months = sorted({row.month for row in rows})
    load = record_create(
        model=ActualImport,
        actor=actor,
        authorised=True,
        fields={
            "reference": reference.strip() or "Ledger extract",
            "first_month": months[0],
            "last_month": months[-1],
            "lines": len(rows),
            "replaced": 0,
            "total": sum((row.amount for row in rows), Decimal(0)),
            "imported_by": actor,
            "imported_at": clock.now(),
        },
        reason=f"Loaded {len(rows)} lines for {year}",
    )
    replaced = 0
    changed = {code.project_id for code in codes.values()}
    for month in months:
        named = {codes[row.cost_code.strip()].pk for row in rows if row.month == month}
        going = ActualLine.objects.filter(month=month, cost_code_id__in=named)
        if config.cost_tolerance_on_eac:  # a line replaced may be another project's (its code moved)
            changed.update(going.exclude(project_id__in=changed).values_list("project_id", flat=True))
        replaced += going.delete()[0]
    ActualLine.objects.bulk_create(
        ActualLine(
            cost_code=codes[row.cost_code.strip()],
            project_id=codes[row.cost_code.strip()].project_id,
            cost_centre_id=codes[row.cost_code.strip()].cost_centre_id,
            month=row.month,
            category_id=codes[row.cost_code.strip()].category_id,
            spend_type=codes[row.cost_code.strip()].spend_type,
            funding_source_id=codes[row.cost_code.strip()].funding_source_id,
            amount=row.amount,
            description=row.description.strip()[:200],
            source_reference=row.reference.strip()[:100],
            loaded_by=load,
        )
        for row in rows
    )
    if replaced:
        ActualImport.objects.filter(pk=load.pk).update(replaced=replaced)
        load.replaced = replaced
    _cost_figures_changed(changed, config=config)
    return load


# Forecasts ---------------------------------------------------------------------------------


def _check_forecast(period: ReportingPeriod, lines: Sequence[MonthAmount]) -> list[ImportIssue]:
    issues = _check_month_lines(lines, negative=NEGATIVE_FORECAST)
    first = month_of(period.start)
    closed = locked_months(line.month for line in lines)
    for index, line in enumerate(lines):
        if line.month.day != 1:
            continue
        if line.month < first:
            message = FORECAST_BEFORE_PERIOD.format(month=line.month, period=period, first=first)
            issues.append(ImportIssue(_row(line, index), "month", message))
        elif line.month in closed:
            issues.append(
                ImportIssue(
                    _row(line, index), "month", MONTH_LOCKED.format(month=line.month, what="forecast")
                )
            )
    return issues


@transaction.atomic
def forecast_make(
    *,
    actor: User | None,
    project: Project,
    period: ReportingPeriod,
    lines: Sequence[MonthAmount],
    note: str = "",
    expected_version: int | None = None,
) -> ForecastVersion:
    """The project's forecast for ``period``, phased by month from the period's month on (its
    manager, finance partners and the PMO). One per period: made again while the period is open,
    its lines are replaced (the history keeps each); once the period closes it stays as made, so
    the actuals that follow measure it."""
    if actor is not None:
        ensure_can(actor, "finance.add_forecastversion", project, action=f"forecast {project.code}")
    if period.status != PeriodStatus.OPEN:
        raise ValidationError({"period": PERIOD_CLOSED.format(period=period)})
    _raise(_check_forecast(period, lines))
    Project.objects.select_for_update().filter(pk=project.pk).exists()  # one version per period
    existing = ForecastVersion.objects.filter(project=project, period=period).first()
    made = "Forecast made" if existing is None else "Forecast made again"
    version = _record_made(
        ForecastVersion,
        existing,
        actor=actor,
        fields={"note": note.strip(), "made_by": actor, "made_at": clock.now()},
        key={"project": project, "period": period},
        expected_version=expected_version,
        reason=f"{made}: {len(lines)} lines, {money(_total(lines))}",
        authorised=False,  # made again: the change permission is judged on it
    )
    _write_lines(ForecastLine, version, lines)
    _cost_figures_changed([project.pk])
    return version


# Ledger columns ----------------------------------------------------------------------------


def ledger_mapping_save(*, actor: User, columns: Mapping[str, str]) -> LedgerMapping:
    """Keep what each column of ``actor``'s ledger extracts holds (header, folded, to field or
    "" to ignore), so their next extract imports without asking (finance partners and the PMO)."""
    ensure_can(actor, "finance.add_actualimport", action="load actuals")
    saved, _ = LedgerMapping.objects.update_or_create(
        user=actor, defaults={"columns": dict(columns), "updated_at": clock.now()}
    )
    return saved


def ledger_mapping_forget(*, actor: User) -> None:
    """Forget ``actor``'s ledger columns: their extracts are read by the template's headers."""
    LedgerMapping.objects.filter(user=actor).delete()
