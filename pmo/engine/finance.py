"""Money by month and financial year: which year a day falls in, the months of a year, and the
figures a project's finance gives (budget at completion, actuals to date, the forecast of the
months left, EAC, ETC and the variances), over the whole life or within one year.

A month is the ``date`` of its first day. A financial year is named by the calendar year it
starts in and the month it starts with (April by default, as UK public bodies count): the year
2026 starting in April runs from April 2026 to March 2027 and is written "2026/27". A year
starting in January is the calendar year, written "2026".

The outturn of a project (``outturn``) splits time at a month: the actuals of the months before
it are what has been spent (the ledger is the truth for the past), the forecast of that month
and the ones after is what remains. EAC = actuals to date + forecast of the remaining months;
ETC = EAC - actuals to date; VAC = BAC - EAC (negative: an overspend). ``in_year`` does the same
within one financial year: the year's budget (its profile), what has been spent in it, and where
the year will land. Figures keep full ``Decimal`` precision; pages round them.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

ZERO = Decimal(0)

BAD_FIRST_MONTH = "A financial year starts in a month from 1 (January) to 12 (December), not {month}."
NOT_A_MONTH = "A month is given by its first day ({day} is not the first of a month)."
NO_TOTAL = "These sums were read without their total, so they split only at the months they were cut at."
MONTHS_BACKWARDS = "The months run from {first:%B %Y} to {last:%B %Y}: the last comes before the first."


def month_of(day: date) -> date:
    """The month holding ``day`` (its first day)."""
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The month ``count`` months after ``month`` (before it when negative)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    """The last day of the month holding ``month``."""
    return date.fromordinal(add_months(month_of(month), 1).toordinal() - 1)


def months_between(first: date, last: date) -> list[date]:
    """Every month from ``first`` to ``last`` inclusive (the months holding them)."""
    first, last = month_of(first), month_of(last)
    if last < first:
        raise ValueError(MONTHS_BACKWARDS.format(first=first, last=last))
    span = (last.year - first.year) * 12 + last.month - first.month
    return [add_months(first, n) for n in range(span + 1)]


def check_month(month: date) -> None:
    """Refuse a day that is not a month's first."""
    if month.day != 1:
        raise ValueError(NOT_A_MONTH.format(day=month.isoformat()))


@dataclass(frozen=True, order=True)
class FinancialYear:
    """Twelve months from ``first_month`` of ``start_year``."""

    start_year: int
    first_month: int = 4

    def __post_init__(self) -> None:
        if not 1 <= self.first_month <= 12:
            raise ValueError(BAD_FIRST_MONTH.format(month=self.first_month))

    @property
    def start(self) -> date:
        return date(self.start_year, self.first_month, 1)

    @property
    def last_month(self) -> date:
        return add_months(self.start, 11)

    @property
    def end(self) -> date:
        """The last day of the year."""
        return month_end(self.last_month)

    @property
    def months(self) -> list[date]:
        return [add_months(self.start, n) for n in range(12)]

    @property
    def label(self) -> str:
        """ "2026/27" for a year over two calendar years, "2026" for a calendar year."""
        if self.first_month == 1:
            return str(self.start_year)
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.label

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> "FinancialYear":
        return FinancialYear(self.start_year + 1, self.first_month)

    def previous(self) -> "FinancialYear":
        return FinancialYear(self.start_year - 1, self.first_month)


def financial_year(day: date, first_month: int = 4) -> FinancialYear:
    """The financial year holding ``day``."""
    year = FinancialYear(day.year, first_month)  # checks first_month
    return year if day >= year.start else year.previous()


def financial_years(first: date, last: date, first_month: int = 4) -> list[FinancialYear]:
    """Every financial year from the one holding ``first`` to the one holding ``last``."""
    year, final = financial_year(first, first_month), financial_year(last, first_month)
    years = [year]
    while years[-1] < final:
        years.append(years[-1].next())
    return years


def by_month(amounts: Iterable[tuple[date, Decimal]]) -> dict[date, Decimal]:
    """Amounts summed per month (several lines of one month add up)."""
    total: dict[date, Decimal] = {}
    for month, amount in amounts:
        total[month] = total.get(month, ZERO) + amount
    return total


def total(amounts: Mapping[date, Decimal], months: Iterable[date] | None = None) -> Decimal:
    """The sum of ``amounts`` (within ``months`` where given)."""
    if months is None:
        return sum(amounts.values(), ZERO)
    return sum((amounts.get(month, ZERO) for month in months), ZERO)


def before(amounts: Mapping[date, Decimal], month: date) -> Decimal:
    """The sum of the months before ``month``."""
    return sum((amount for m, amount in amounts.items() if m < month), ZERO)


def from_month(amounts: Mapping[date, Decimal], month: date) -> Decimal:
    """The sum of ``month`` and the months after it."""
    return sum((amount for m, amount in amounts.items() if m >= month), ZERO)


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    return None if not whole else part / whole * 100


@dataclass(frozen=True)
class Outturn:
    """Where the money lands: budget, spent so far, forecast of the rest, and the variances."""

    budget: Decimal  # BAC (whole life) or the year's budget (in year)
    actual_to_date: Decimal  # the actuals of the months before ``split``
    forecast_remaining: Decimal  # the forecast of ``split`` and the months after
    split: date | None = None  # the first month forecast, not yet actual (None: summed over
    # projects, each split at its own month)

    @property
    def eac(self) -> Decimal:
        """Estimate at completion (or at the year's end): spent so far + forecast of the rest."""
        return self.actual_to_date + self.forecast_remaining

    @property
    def etc(self) -> Decimal:
        """Estimate to complete: what is still to be spent."""
        return self.eac - self.actual_to_date

    @property
    def variance(self) -> Decimal:
        """Budget - EAC (VAC): negative is an overspend."""
        return self.budget - self.eac

    @property
    def variance_percent(self) -> Decimal | None:
        """The variance as a share of the budget (None with no budget)."""
        return _percent(self.variance, self.budget)

    @property
    def spent_percent(self) -> Decimal | None:
        """Actuals to date as a share of the budget (None with no budget)."""
        return _percent(self.actual_to_date, self.budget)


def outturn(
    *,
    budget: Mapping[date, Decimal],
    actuals: Mapping[date, Decimal],
    forecast: Mapping[date, Decimal],
    split: date,
) -> Outturn:
    """The whole-life outturn: BAC is the whole budget; actuals before ``split`` are spent, the
    forecast from ``split`` on is what remains (forecast lines before it are ignored: the actuals
    of those months are the truth, and actuals from ``split`` on are not yet counted)."""
    check_month(split)
    return Outturn(
        budget=total(budget),
        actual_to_date=before(actuals, split),
        forecast_remaining=from_month(forecast, split),
        split=split,
    )


def in_year(
    *,
    year: FinancialYear,
    budget: Mapping[date, Decimal],
    actuals: Mapping[date, Decimal],
    forecast: Mapping[date, Decimal],
    split: date,
) -> Outturn:
    """The outturn within ``year``: its budget profile, the actuals of its months before
    ``split`` and the forecast of its months from ``split`` to its end (where the year lands).
    A ``split`` after the year leaves nothing forecast; one before it, nothing actual."""
    check_month(split)
    months = year.months
    return Outturn(
        budget=total(budget, months),
        actual_to_date=total(actuals, [m for m in months if m < split]),
        forecast_remaining=total(forecast, [m for m in months if m >= split]),
        split=split,
    )


def profile_to_date(budget: Mapping[date, Decimal], year: FinancialYear, split: date) -> Decimal:
    """What the year's budget profile planned to spend in the months before ``split``: in-year
    spend is judged against it ("spend against profile")."""
    return total(budget, [m for m in year.months if m < split])


@dataclass(frozen=True)
class MoneyRow:
    """An amount of one project in one month, counted under ``key`` (the project's portfolio,
    a category, capital or revenue…) in a roll-up."""

    project: int
    key: Hashable
    month: date
    amount: Decimal


def roll_up(
    *,
    budget: Iterable[MoneyRow],
    actuals: Iterable[MoneyRow],
    forecast: Iterable[MoneyRow],
    splits: Mapping[int, date],
    year: FinancialYear | None = None,
) -> dict[Hashable, Outturn]:
    """Many projects' outturns summed by key: each project's actuals count before its own split
    month and its forecast from it on (as ``outturn`` does for one), within ``year`` when given.
    Sums, never averages: a key's variance is its budget less its EAC. A project with no split
    has nothing actual and nothing forecast (only its budget counts)."""
    first, last = (year.start, year.last_month) if year is not None else (None, None)

    def within(row: MoneyRow) -> bool:
        return first is None or (first <= row.month and last is not None and row.month <= last)

    budgets: dict[Hashable, Decimal] = {}
    spent: dict[Hashable, Decimal] = {}
    remaining: dict[Hashable, Decimal] = {}
    for row in budget:
        if within(row):
            budgets[row.key] = budgets.get(row.key, ZERO) + row.amount
    for row in actuals:
        split = splits.get(row.project)
        if split is not None and row.month < split and within(row):
            spent[row.key] = spent.get(row.key, ZERO) + row.amount
    for row in forecast:
        split = splits.get(row.project)
        if split is not None and row.month >= split and within(row):
            remaining[row.key] = remaining.get(row.key, ZERO) + row.amount
    keys = {*budgets, *spent, *remaining}
    return {
        key: Outturn(
            budget=budgets.get(key, ZERO),
            actual_to_date=spent.get(key, ZERO),
            forecast_remaining=remaining.get(key, ZERO),
        )
        for key in keys
    }


@dataclass(frozen=True)
class MonthSums:
    """Amounts summed without their months: in all, before some "cut" months and from others
    (the months projects split at), each ``None`` when no line falls there. What the database
    sums per project (or per project and key), so that a project is split at its own month
    while a row per project is read, not a row per month (``roll_up_sums``)."""

    total: Decimal | None  # None: not summed
    before: Mapping[date, Decimal | None] = field(default_factory=dict)  # cut -> the months before it
    since: Mapping[date, Decimal | None] = field(default_factory=dict)  # cut -> it and the months after

    def until(self, month: date) -> Decimal:
        """The sum of the months before ``month`` (a cut of either kind, given the total)."""
        if month in self.before:
            return self.before[month] or ZERO
        return self.whole() - (self.since[month] or ZERO)

    def after(self, month: date) -> Decimal:
        """The sum of ``month`` and the months after it (a cut of either kind, given the total)."""
        if month in self.since:
            return self.since[month] or ZERO
        return self.whole() - (self.before[month] or ZERO)

    def whole(self) -> Decimal:
        """The total (refused when it was not summed)."""
        if self.total is None:
            raise ValueError(NO_TOTAL)
        return self.total


def month_sums(amounts: Mapping[date, Decimal], cuts: Iterable[date]) -> MonthSums:
    """``amounts`` by month summed as ``MonthSums`` at ``cuts`` (what the database returns for
    them; the reference the SQL is tested against)."""
    cuts = list(cuts)
    return MonthSums(
        total=total(amounts),
        before={cut: before(amounts, cut) if any(m < cut for m in amounts) else None for cut in cuts},
        since={cut: from_month(amounts, cut) if any(m >= cut for m in amounts) else None for cut in cuts},
    )


@dataclass(frozen=True)
class SumsRow:
    """One project's lines under one ``key`` of a roll-up, summed (``MonthSums``)."""

    project: int
    key: Hashable
    sums: MonthSums


def roll_up_sums(
    *,
    budget: Iterable[SumsRow],
    actuals: Iterable[SumsRow],
    forecast: Iterable[SumsRow],
    splits: Mapping[int, date],
) -> dict[Hashable, Outturn]:
    """``roll_up`` from sums instead of months: the same figures when each row's sums were taken
    over the months ``roll_up`` would count (the year's, when in a year) and cut at its project's
    split (an actual's ``before`` it, a forecast's ``since``). A key counts when it has a budget
    line, an actual before its project's split or a forecast from it, as in ``roll_up``."""
    budgets: dict[Hashable, Decimal] = {}
    spent: dict[Hashable, Decimal] = {}
    remaining: dict[Hashable, Decimal] = {}
    for row in budget:
        budgets[row.key] = budgets.get(row.key, ZERO) + row.sums.whole()
    for row in actuals:
        split = splits.get(row.project)
        if split is not None and row.sums.before[split] is not None:
            spent[row.key] = spent.get(row.key, ZERO) + row.sums.until(split)
    for row in forecast:
        split = splits.get(row.project)
        if split is not None and row.sums.since[split] is not None:
            remaining[row.key] = remaining.get(row.key, ZERO) + row.sums.after(split)
    keys = {*budgets, *spent, *remaining}
    return {
        key: Outturn(
            budget=budgets.get(key, ZERO),
            actual_to_date=spent.get(key, ZERO),
            forecast_remaining=remaining.get(key, ZERO),
        )
        for key in keys
    }


@dataclass(frozen=True)
class Accuracy:
    """How a forecast compared with what was then spent, over the months it forecast that are
    now closed: the totals, and the months' absolute errors summed (so an overspend in one month
    does not hide an underspend in another)."""

    forecast: Decimal
    actual: Decimal
    absolute_error: Decimal
    months: int

    @property
    def error(self) -> Decimal:
        """Forecast - actual: positive when the forecast was too high."""
        return self.forecast - self.actual

    @property
    def percent_error(self) -> Decimal | None:
        """The months' absolute errors as a share of what was spent (None when nothing was)."""
        return _percent(self.absolute_error, self.actual)

    def __add__(self, other: "Accuracy") -> "Accuracy":
        return Accuracy(
            forecast=self.forecast + other.forecast,
            actual=self.actual + other.actual,
            absolute_error=self.absolute_error + other.absolute_error,
            months=self.months + other.months,
        )


NO_ACCURACY = Accuracy(ZERO, ZERO, ZERO, 0)


def accuracy(
    forecast: Mapping[date, Decimal], actuals: Mapping[date, Decimal], months: Iterable[date]
) -> Accuracy:
    """A forecast measured against the actuals of ``months`` (those it forecast, now closed);
    a month it left out forecast nothing."""
    found = NO_ACCURACY
    for month in months:
        planned, spent = forecast.get(month, ZERO), actuals.get(month, ZERO)
        found = found + Accuracy(planned, spent, abs(planned - spent), 1)
    return found
