"""Cost centres: money held year by year rather than by a project (the PMO's own running budget:
seed 000, "outside of staff costs, this is likely to be below £50k"). ADR 0053.

Writes (``cost_centre_create``, ``cost_centre_update``, ``cost_centre_budget_set``,
``cost_centre_forecast_make``) check and record as finance's other services do; reads
(``cost_centre_list``, ``cost_centre_year``) keep to what the user may see
(``pmo.finance.rules``) and sum through ``pmo.engine.finance``. The year lands at the actuals of
its months before the split (the current month, or after the last closed month) plus, from the
split on, the latest forecast made for the year (its months from the forecast's own month; the
budget for any month before that), or the budget where none is made, as a project with no
forecast is taken to land on budget (ADR 0053 and its addendum)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from pmo.core import clock
from pmo.core.formatting import money
from pmo.core.models import User
from pmo.core.permissions import ensure_can
from pmo.core.services import only_fields, record_create, record_update, stale_version
from pmo.core.spreadsheets import ImportIssue
from pmo.engine.finance import (
    ZERO,
    FinancialYear,
    Outturn,
    add_months,
    by_month,
    financial_year,
    in_year,
    month_of,
    profile_to_date,
)
from pmo.finance import selectors, services
from pmo.finance.models import (
    ActualLine,
    CostCentre,
    CostCentreBudget,
    CostCentreBudgetLine,
    CostCentreForecast,
    CostCentreForecastLine,
    CostCode,
    MonthLock,
)

CENTRE_FIELDS = frozenset({"code", "name", "holder", "active"})
BUDGET_FIELDS = frozenset({"non_staff_limit", "note"})

LINE_OUTSIDE_YEAR = "{month:%B %Y} is not in {year} ({start:%B %Y} to {end:%B %Y})."
LOCKED_CENTRE_BUDGET = (
    "{month:%B %Y} is closed by finance: the year's budget must keep what it says of it "
    "({before}, not {after})."
)
BUDGET_SET = "Budget for {year} set: {lines} lines, {total}"
FORECAST_MADE = "Forecast for {year} from {month:%B %Y} made: {lines} lines, {total}"
YEAR_OVER = (
    "{year} is over: its months are actual from the ledger ({split:%B %Y} is the first month not "
    "yet closed or passed), so there is nothing left of it to forecast."
)
FORECAST_BEFORE = (
    "{month:%B %Y} is before the forecast's first month ({first:%B %Y}): that month is actual, "
    "from the ledger."
)


# Writes ------------------------------------------------------------------------------------


@transaction.atomic
def cost_centre_create(*, actor: User | None, fields: Mapping[str, Any]) -> CostCentre:
    """Add a cost centre (finance partners and the PMO)."""
    only_fields(fields, CENTRE_FIELDS)
    return record_create(
        model=CostCentre, actor=actor, fields={**fields, "code": str(fields.get("code", "")).strip()}
    )


@transaction.atomic
def cost_centre_update(
    *, actor: User | None, cost_centre: CostCentre, fields: Mapping[str, Any], expected_version: int | None
) -> CostCentre:
    """Change a cost centre's name, budget holder or whether it is in use."""
    only_fields(fields, CENTRE_FIELDS)
    return record_update(instance=cost_centre, actor=actor, fields=fields, expected_version=expected_version)


def _check_year_lines(
    budget: CostCentreBudget | None, year: FinancialYear, lines: Sequence[services.MonthAmount]
) -> list[ImportIssue]:
    """The lines as a budget's (``services``' checks), each in ``year``, and a closed month's
    lines unchanged from what the year's budget says of it."""
    issues = services._check_month_lines(lines, negative=services.NEGATIVE_BUDGET)
    for index, line in enumerate(lines):
        if line.month.day == 1 and not year.contains(line.month):
            message = LINE_OUTSIDE_YEAR.format(
                month=line.month, year=year, start=year.start, end=year.last_month
            )
            issues.append(ImportIssue(services._row(line, index), "month", message))
    if issues:
        return issues
    old: dict[date, dict[tuple[Any, ...], Decimal]] = {}
    if budget is not None:
        for stored in budget.lines.all():
            key = (stored.category_id, stored.spend_type, stored.funding_source_id)
            old.setdefault(stored.month, {})[key] = stored.amount
    new: dict[date, dict[tuple[Any, ...], Decimal]] = {}
    for line in lines:
        key = (line.category.pk, line.spend_type, line.funding_source.pk if line.funding_source else None)
        new.setdefault(line.month, {})[key] = line.amount
    for month in sorted(services.locked_months(set(old) | set(new))):
        before, after = old.get(month, {}), new.get(month, {})
        if {k: v for k, v in before.items() if v} != {k: v for k, v in after.items() if v}:
            message = LOCKED_CENTRE_BUDGET.format(
                month=month,
                before=money(sum(before.values(), ZERO)),
                after=money(sum(after.values(), ZERO)),
            )
            issues.append(ImportIssue(None, "month", message))
    return issues


@transaction.atomic
def cost_centre_budget_set(
    *,
    actor: User | None,
    cost_centre: CostCentre,
    year: FinancialYear | int,
    lines: Sequence[services.MonthAmount],
    fields: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
) -> CostCentreBudget:
    """Set a cost centre's budget for ``year`` (finance partners and the PMO): its lines, all of
    them (the lines given are the year's budget), and its non-staff limit and note. The first
    setting creates the year's budget; each later one is a new version in its history (a stale
    ``expected_version`` is a conflict, and so is 0, "the year has none yet", once it has one).
    Lines outside the year, negative, finer than a penny or repeated, and any change to a
    closed month, are refused by row and column; nothing is written then."""
    fields = dict(fields or {})
    only_fields(fields, BUDGET_FIELDS)
    if actor is not None:
        ensure_can(actor, "finance.add_costcentrebudget", action=f"set budgets of {cost_centre.code}")
    if isinstance(year, int):
        year = FinancialYear(year, selectors.finance_settings().first_month)
    CostCentre.objects.select_for_update().filter(pk=cost_centre.pk).exists()  # one setting at a time
    budget = CostCentreBudget.objects.filter(cost_centre=cost_centre, year=year.start_year).first()
    if budget is not None and expected_version == 0:  # set as the year's first: someone was sooner
        raise stale_version(budget, 0)
    services._raise(_check_year_lines(budget, year, lines))
    total = sum((line.amount for line in lines), ZERO)
    reason = BUDGET_SET.format(year=year, lines=len(lines), total=money(total))
    budget = services._record_made(
        CostCentreBudget,
        budget,
        actor=actor,
        fields=fields,
        key={"cost_centre": cost_centre, "year": year.start_year},
        expected_version=expected_version,
        reason=reason,
    )
    _write_lines(CostCentreBudgetLine, budget, lines)
    return budget


CentreLine = TypeVar("CentreLine", CostCentreBudgetLine, CostCentreForecastLine)


def _write_lines(
    model: type[CentreLine],
    parent: CostCentreBudget | CostCentreForecast,
    lines: Sequence[services.MonthAmount],
) -> None:
    """Replace ``parent``'s lines (a year's budget's, a forecast's: of ``model``) with ``lines``
    (checked as a set already; each row here)."""
    name = "budget" if model is CostCentreBudgetLine else "forecast"
    model.objects.filter(**{name: parent}).delete()
    made = [model(**{name: parent}, **services._line_fields(line)) for line in lines]
    for row in made:  # the categories and funding sources are records given, not ids typed
        row.full_clean(
            exclude=[name, "category", "funding_source"], validate_unique=False, validate_constraints=False
        )
    model.objects.bulk_create(made)


def split_month(day: date | None = None) -> date:
    """The first month not yet actual: the current month, or the month after the last closed
    month if that is later (one query)."""
    today = month_of(day or clock.today())
    closed_last = MonthLock.objects.aggregate(last=Max("month"))["last"]
    return today if closed_last is None else max(today, add_months(closed_last, 1))


def forecast_first_month(year: FinancialYear, day: date | None = None) -> date | None:
    """The month a forecast of ``year`` made now starts in (the split, or the year's first month
    before the year begins); None once the year is over (one query)."""
    first = max(split_month(day), year.start)
    return first if first <= year.last_month else None


@transaction.atomic
def cost_centre_forecast_make(
    *,
    actor: User | None,
    cost_centre: CostCentre,
    year: FinancialYear | int,
    lines: Sequence[services.MonthAmount],
    note: str = "",
    expected_version: int | None = None,
    day: date | None = None,
) -> CostCentreForecast:
    """Forecast the rest of ``year`` for a cost centre (finance partners, the PMO and its budget
    holder): ``lines`` are every month's forecast from this month (the split: the current month,
    or after the last closed month; the year's first month before the year begins) to the
    year's end, all of them (a month without a line is forecast at nothing). One forecast per
    month: made again in the same month its lines are replaced and its history keeps each
    (a stale ``expected_version`` is a conflict, and 0, "none made this month yet", once one
    is); the next month's is a new version. Lines outside the year or before its first month,
    negative, finer than a penny or repeated are refused by row and column, and a year that is
    over by the month and year; nothing is written then."""
    if actor is not None:
        ensure_can(
            actor, "finance.add_costcentreforecast", cost_centre, action=f"forecast {cost_centre.code}"
        )
    if isinstance(year, int):
        year = FinancialYear(year, selectors.finance_settings().first_month)
    first = forecast_first_month(year, day)
    if first is None:
        raise ValidationError({"year": YEAR_OVER.format(year=year, split=split_month(day))})
    issues = services._check_month_lines(lines, negative=services.NEGATIVE_FORECAST)
    for index, line in enumerate(lines):
        if line.month.day != 1:
            continue
        if not year.contains(line.month):
            message = LINE_OUTSIDE_YEAR.format(
                month=line.month, year=year, start=year.start, end=year.last_month
            )
            issues.append(ImportIssue(services._row(line, index), "month", message))
        elif line.month < first:
            message = FORECAST_BEFORE.format(month=line.month, first=first)
            issues.append(ImportIssue(services._row(line, index), "month", message))
    services._raise(issues)
    CostCentre.objects.select_for_update().filter(pk=cost_centre.pk).exists()  # one per month
    existing = CostCentreForecast.objects.filter(cost_centre=cost_centre, month=first).first()
    if existing is not None and expected_version == 0:  # made as the month's first: someone was sooner
        raise stale_version(existing, 0)
    total = sum((line.amount for line in lines), ZERO)
    reason = FORECAST_MADE.format(year=year, month=first, lines=len(lines), total=money(total))
    forecast = services._record_made(
        CostCentreForecast,
        existing,
        actor=actor,
        fields={"note": note.strip(), "made_by": actor, "made_at": clock.now()},
        key={"cost_centre": cost_centre, "year": year.start_year, "month": first},
        expected_version=expected_version,
        reason=reason,
    )
    _write_lines(CostCentreForecastLine, forecast, lines)
    return forecast


def latest_forecast(cost_centre: CostCentre, year: FinancialYear) -> CostCentreForecast | None:
    """The latest forecast made of ``cost_centre``'s ``year`` (one query)."""
    return (
        CostCentreForecast.objects.filter(cost_centre=cost_centre, year=year.start_year)
        .select_related("cost_centre", "made_by")
        .order_by("-month")
        .first()
    )


def cost_centre_forecast_list(
    *, user: Any, cost_centre: CostCentre | None = None, year: FinancialYear | None = None
) -> QuerySet[CostCentreForecast]:
    """The cost centres' forecasts ``user`` may see, latest first, with their lines' total and
    non-staff total (one query)."""

    def summed(**only: Any) -> Any:
        return _summed(CostCentreForecastLine.objects.filter(forecast=OuterRef("pk"), **only), "forecast")

    found = (
        CostCentreForecast.objects.restrict(user, "view")
        .select_related("cost_centre", "made_by")
        .annotate(total=summed(), non_staff_total=summed(category__staff=False))
        .order_by("cost_centre__code", "-month")
    )
    if cost_centre is not None:
        found = found.filter(cost_centre=cost_centre)
    return found.filter(year=year.start_year) if year is not None else found


# Reads -------------------------------------------------------------------------------------


def _summed(lines: QuerySet[Any], owner: str) -> Any:
    """The amounts of ``lines`` (correlated to one ``owner``: a cost centre, a budget, a
    forecast) summed, as a subquery; 0 where there are none."""
    total = lines.order_by().values(owner).annotate(total=Sum("amount")).values("total")
    return Coalesce(
        Subquery(total, output_field=DecimalField(max_digits=16, decimal_places=2)),
        ZERO,
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def cost_centre_list(*, user: Any, year: FinancialYear | None = None) -> QuerySet[CostCentre]:
    """The cost centres ``user`` may see, each with ``year``'s (the current year's by default)
    budget, actuals and non-staff limit read alongside (one query, whatever the number)."""
    year = year or selectors.current_year()
    budgets = CostCentreBudget.objects.filter(cost_centre=OuterRef("pk"), year=year.start_year)
    budget_lines = CostCentreBudgetLine.objects.filter(
        budget__cost_centre=OuterRef("pk"), budget__year=year.start_year
    )
    actuals = ActualLine.objects.filter(
        cost_centre=OuterRef("pk"), month__gte=year.start, month__lte=year.last_month
    )
    return (
        CostCentre.objects.restrict(user, "view")
        .select_related("holder")
        .annotate(
            year_budget=_summed(budget_lines, "budget__cost_centre"),
            year_actual=_summed(actuals, "cost_centre"),
            non_staff_limit=Subquery(budgets.values("non_staff_limit")[:1]),
        )
    )


def cost_centre_budget_list(
    *, user: Any, cost_centre: CostCentre | None = None
) -> QuerySet[CostCentreBudget]:
    """The cost centres' yearly budgets ``user`` may see, with their lines' total (one query)."""
    total = _summed(CostCentreBudgetLine.objects.filter(budget=OuterRef("pk")), "budget")
    found = (
        CostCentreBudget.objects.restrict(user, "view")
        .select_related("cost_centre")
        .annotate(total=total)
        .order_by("cost_centre__code", "-year")
    )
    return found.filter(cost_centre=cost_centre) if cost_centre is not None else found


@dataclass(frozen=True)
class CategoryYear:
    """One category's year in a cost centre: budget, actuals to date, forecast of the rest."""

    name: str
    staff: bool
    outturn: Outturn


@dataclass(frozen=True)
class CentreMonth:
    month: date
    budget: Decimal
    actual: Decimal | None  # None: from the split on (not yet actual)
    forecast: Decimal | None  # None: before the split (actual)
    closed: bool

    @property
    def label(self) -> str:
        return f"{self.month:%b %Y}"


@dataclass(frozen=True)
class CostCentreYear:
    """A cost centre's financial year: its budget record (None if not yet set), the latest
    forecast made of it (None: the budget stands as the forecast), the months' budget, actual
    and forecast, the year's outturn as a whole, for staff and non-staff costs, and by category;
    and the non-staff limit with where the year lands against it (and where it would land at
    budget, to show what the forecast changed)."""

    cost_centre: CostCentre
    year: FinancialYear
    budget: CostCentreBudget | None
    split: date
    months: list[CentreMonth]
    total: Outturn
    staff: Outturn
    non_staff: Outturn
    categories: list[CategoryYear]
    profile_to_date: Decimal
    codes: list[CostCode] = field(default_factory=list)
    forecast: CostCentreForecast | None = None
    non_staff_at_budget: Outturn | None = None

    @property
    def limit(self) -> Decimal | None:
        return self.budget.non_staff_limit if self.budget is not None else None

    @property
    def limit_headroom(self) -> Decimal | None:
        """What the non-staff forecast leaves under the limit (negative: over it)."""
        return None if self.limit is None else self.limit - self.non_staff.eac

    @property
    def over_limit(self) -> bool:
        """Landing at the limit or beyond it; a limit of nothing is passed only by spending."""
        return self._over(self.non_staff.eac)

    @property
    def spent_over_limit(self) -> bool:
        """The non-staff actuals alone at the limit or beyond it (whatever is forecast)."""
        return self._over(self.non_staff.actual_to_date)

    @property
    def over_limit_at_budget(self) -> bool:
        """Would land at the limit or beyond it were the rest of the year spent at budget."""
        at_budget = self.non_staff_at_budget or self.non_staff
        return self._over(at_budget.eac)

    def _over(self, amount: Decimal) -> bool:
        if self.limit is None:
            return False
        return amount > self.limit or (self.limit > 0 and amount == self.limit)

    @property
    def limit_used_percent(self) -> Decimal | None:
        if not self.limit:
            return None
        return self.non_staff.eac / self.limit * 100

    @property
    def forecast_source(self) -> str:
        """Where the months from the split on come from, in words."""
        if self.split > self.year.last_month:
            return "the year is over: every month is actual"
        if self.forecast is None:
            return "no forecast made: the budget stands as the forecast"
        made = f"the forecast made for {self.forecast.month:%B %Y}"
        if self.forecast.month > self.split:
            return f"{made} (the budget before {self.forecast.month:%B %Y})"
        return made


def _ahead(
    year: FinancialYear,
    budget: dict[date, Decimal],
    forecast: dict[date, Decimal] | None,
    first: date | None,
    split: date,
) -> dict[date, Decimal]:
    """The year's months from ``split`` on as forecast: the forecast's (a month it has no line
    for at nothing) from its ``first`` month, the budget before that or with no forecast."""
    return {
        month: (
            forecast.get(month, ZERO)
            if forecast is not None and first is not None and month >= first
            else budget.get(month, ZERO)
        )
        for month in year.months
        if month >= split
    }


def _outturn(
    year: FinancialYear,
    budget: dict[date, Decimal],
    actuals: dict[date, Decimal],
    split: date,
    forecast: dict[date, Decimal] | None = None,
    first: date | None = None,
) -> Outturn:
    ahead = _ahead(year, budget, forecast, first, split)
    return in_year(year=year, budget=budget, actuals=actuals, forecast=ahead, split=split)


def cost_centre_year(
    *, cost_centre: CostCentre, year: FinancialYear, day: date | None = None
) -> CostCentreYear:
    """``cost_centre``'s figures for ``year`` (its caller has checked the user may see it): the
    split is the current month, or the month after the last closed month if later; months
    before it are actual, the rest as the latest forecast made of the year says (at budget
    where none is made). Six or seven queries, whatever the lines."""
    return cost_centre_years_of([cost_centre], year=year, day=day)[cost_centre.pk]


def _sums_by_centre(lines: QuerySet[Any], centre: str) -> dict[int, list[dict[str, Any]]]:
    """``lines``' amounts summed by month and category (with its name, staff flag and place),
    listed under the cost centre ``centre`` leads to (one query)."""
    found: dict[int, list[dict[str, Any]]] = {}
    for row in (
        lines.values(centre, "month", "category__name", "category__staff", "category__position")
        .annotate(amount=Sum("amount"))
        .order_by()
    ):
        found.setdefault(row[centre], []).append(row)
    return found


def cost_centre_years_of(
    centres: Sequence[CostCentre], *, year: FinancialYear, day: date | None = None
) -> dict[int, CostCentreYear]:
    """``cost_centre_year`` of each of ``centres`` (by id), the same figures, in the same
    queries however many there are (none for none): the closed months (the year's and the
    last), the budgets, their lines, the forecasts made of the year, the latest ones' lines
    (where any is made), the actuals and the cost codes. The work queues read every cost
    centre's year at once."""
    if not centres:
        return {}
    ids = [centre.pk for centre in centres]
    today = month_of(day or clock.today())
    last_closed = MonthLock.objects.order_by("-month").values("month")[:1]
    locks = set(
        MonthLock.objects.filter(Q(month__in=year.months) | Q(month=Subquery(last_closed))).values_list(
            "month", flat=True
        )
    )
    split = today if not locks else max(today, add_months(max(locks), 1))
    closed = {month for month in locks if year.contains(month)}
    budgets = {
        budget.cost_centre_id: budget
        for budget in CostCentreBudget.objects.filter(
            cost_centre__in=ids, year=year.start_year
        ).select_related("cost_centre")
    }
    lines = (
        _sums_by_centre(
            CostCentreBudgetLine.objects.filter(budget__in=list(budgets.values())), "budget__cost_centre"
        )
        if budgets
        else {}
    )
    forecasts: dict[int, CostCentreForecast] = {}
    for made in (
        CostCentreForecast.objects.filter(cost_centre__in=ids, year=year.start_year)
        .select_related("made_by")
        .order_by("cost_centre", "-month")
    ):
        forecasts.setdefault(made.cost_centre_id, made)  # the latest of each
    forecast_lines = (
        _sums_by_centre(
            CostCentreForecastLine.objects.filter(forecast__in=list(forecasts.values())),
            "forecast__cost_centre",
        )
        if forecasts
        else {}
    )
    spent = _sums_by_centre(
        ActualLine.objects.filter(cost_centre__in=ids, month__gte=year.start, month__lte=year.last_month),
        "cost_centre",
    )
    codes: dict[int, list[CostCode]] = {}
    for code in CostCode.objects.filter(cost_centre__in=ids).select_related("category", "funding_source"):
        codes.setdefault(code.cost_centre_id, []).append(code)  # type: ignore[arg-type]
    return {
        centre.pk: _centre_year(
            centre,
            year,
            budgets.get(centre.pk),
            lines.get(centre.pk, []),
            spent.get(centre.pk, []),
            split,
            closed,
            codes.get(centre.pk, []),
            forecasts.get(centre.pk),
            forecast_lines.get(centre.pk, []),
        )
        for centre in centres
    }


def _centre_year(
    cost_centre: CostCentre,
    year: FinancialYear,
    budget: CostCentreBudget | None,
    lines: list[dict[str, Any]],
    spent: list[dict[str, Any]],
    split: date,
    closed: set[date],
    codes: list[CostCode],
    forecast: CostCentreForecast | None = None,
    forecast_rows: list[dict[str, Any]] | None = None,
) -> CostCentreYear:
    """One cost centre's year from its budget's, latest forecast's and ledger's rows (by month
    and category)."""
    ahead_rows = forecast_rows or []
    first = forecast.month if forecast is not None else None

    def months_of(
        rows: list[dict[str, Any]], staff: bool | None = None, name: str | None = None
    ) -> dict[date, Decimal]:
        return by_month(
            (row["month"], row["amount"])
            for row in rows
            if (staff is None or row["category__staff"] == staff)
            and (name is None or row["category__name"] == name)
        )

    def outturn(staff: bool | None = None, name: str | None = None) -> Outturn:
        return _outturn(
            year,
            months_of(lines, staff, name),
            months_of(spent, staff, name),
            split,
            months_of(ahead_rows, staff, name) if forecast is not None else None,
            first,
        )

    budget_months, actual_months = months_of(lines), months_of(spent)
    ahead = _ahead(year, budget_months, months_of(ahead_rows) if forecast is not None else None, first, split)
    named = {
        (row["category__position"], row["category__name"], row["category__staff"])
        for row in (*lines, *spent, *ahead_rows)
    }
    categories = [CategoryYear(name, staff, outturn(name=name)) for _, name, staff in sorted(named)]
    months = [
        CentreMonth(
            month=month,
            budget=budget_months.get(month, ZERO),
            actual=actual_months.get(month, ZERO) if month < split else None,
            forecast=ahead.get(month, ZERO) if month >= split else None,
            closed=month in closed,
        )
        for month in year.months
    ]
    return CostCentreYear(
        cost_centre=cost_centre,
        year=year,
        budget=budget,
        split=split,
        months=months,
        total=outturn(),
        staff=outturn(staff=True),
        non_staff=outturn(staff=False),
        categories=categories,
        profile_to_date=profile_to_date(budget_months, year, split),
        codes=codes,
        forecast=forecast,
        non_staff_at_budget=_outturn(
            year, months_of(lines, staff=False), months_of(spent, staff=False), split
        ),
    )


def cost_centre_years(cost_centre: CostCentre, first_month: int) -> list[FinancialYear]:
    """The years (starting in ``first_month``) a cost centre has a budget or actuals for, and
    the current year (two queries)."""
    found = {FinancialYear(y, first_month) for y in cost_centre.budgets.values_list("year", flat=True)}
    months = (
        ActualLine.objects.filter(cost_centre=cost_centre)
        .values_list("month", flat=True)
        .distinct()
        .order_by()
    )
    found |= {financial_year(month, first_month) for month in months}
    found.add(financial_year(clock.today(), first_month))
    return sorted(found)
