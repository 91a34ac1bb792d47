"""Finance's reads shaped for its pages (the selectors give the figures; this lays them out):
a project's month-by-month table and budget by financial year and category, its earned value
where it can be measured, and the portfolio roll-up as rows."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from pmo.engine.earned_value import Baseline
from pmo.engine.finance import ZERO, FinancialYear, Outturn, financial_year, months_between
from pmo.finance.adapters import pv_baseline
from pmo.finance.models import BudgetLine, MonthLock
from pmo.finance.selectors import ProjectFinance, portfolio_roll_up

NO_BUDGET = "No approved budget yet: earned value is measured against the approved budget's phasing."
NO_EV = (
    "Earned value (EV), and with it SPI, CPI, SV(t), SPI(t) and the index-based EACs, needs the "
    "project's percent complete, which finance does not hold yet: only the planned value and the "
    "actual cost are shown."
)

ROLL_UP_LABELS = {
    "portfolio": "Portfolio",
    "programme": "Programme",
    "department": "Department",
    "category": "Cost category",
    "spend_type": "Capital or revenue",
    "funding_source": "Funding source",
    "project": "Project",
}


@dataclass(frozen=True)
class MonthRow:
    month: date
    budget: Decimal
    actual: Decimal | None  # None: a month not yet actual (from the split on)
    forecast: Decimal | None  # None: a month already actual (before the split)
    closed: bool

    @property
    def label(self) -> str:
        return f"{self.month:%b %Y}"


def month_rows(figures: ProjectFinance, closed: set[date]) -> list[MonthRow]:
    """Every month from the first any budget, actual or forecast names to the last: its budget,
    its actuals (months before the split) or its forecast (the split and after)."""
    named = {*figures.budget, *figures.actuals, *figures.forecast}
    if not named:
        return []
    split = figures.whole_life.split
    assert split is not None
    return [
        MonthRow(
            month=month,
            budget=figures.budget.get(month, ZERO),
            actual=figures.actuals.get(month, ZERO) if month < split else None,
            forecast=figures.forecast.get(month, ZERO) if month >= split else None,
            closed=month in closed,
        )
        for month in months_between(min(named), max(named))
    ]


def closed_months() -> set[date]:
    return set(MonthLock.objects.values_list("month", flat=True))


@dataclass(frozen=True)
class YearBudget:
    year: FinancialYear
    cells: list[tuple[str, Decimal]]  # (category, amount) in the categories' order
    total: Decimal


def budget_by_year(figures: ProjectFinance, first_month: int) -> tuple[list[str], list[YearBudget]]:
    """The approved budget by financial year and cost category (one query): the categories in
    their list order, and a row per year."""
    if figures.budget_version is None:
        return [], []
    sums = (
        BudgetLine.objects.filter(version=figures.budget_version)
        .values("month", "category__name", "category__position")
        .annotate(amount=Sum("amount"))
        .order_by("category__position", "category__name", "month")
    )
    categories: list[str] = []
    years: dict[FinancialYear, dict[str, Decimal]] = {}
    for row in sums:
        name = row["category__name"]
        if name not in categories:
            categories.append(name)
        amounts = years.setdefault(financial_year(row["month"], first_month), {})
        amounts[name] = amounts.get(name, ZERO) + row["amount"]
    rows = []
    for year, amounts in sorted(years.items()):
        cells = [(name, amounts.get(name, ZERO)) for name in categories]
        rows.append(YearBudget(year, cells, sum(amounts.values(), ZERO)))
    return categories, rows


@dataclass(frozen=True)
class EarnedValue:
    """What earned value can say of a project: the planned value and actual cost at the status
    date, and why the rest cannot be given (``missing``)."""

    status: date | None
    bac: Decimal | None
    pv: Decimal | None
    ac: Decimal | None
    planned_duration: int | None
    missing: Sequence[str]


def earned_value(figures: ProjectFinance) -> EarnedValue:
    """PV and AC at the end of the last month whose actuals count (as ``pmo.finance.adapters``
    measures); EV needs a percent complete finance does not hold, so the figures that need it are
    named as missing."""
    baseline: Baseline | None = pv_baseline(figures.budget)
    if baseline is None:
        return EarnedValue(None, None, None, None, None, [NO_BUDGET])
    split = figures.whole_life.split
    assert split is not None
    status = split - timedelta(days=1)
    pv = baseline.pv_at(baseline.time_at(status))
    return EarnedValue(
        status=status,
        bac=baseline.bac,
        pv=pv,
        ac=figures.whole_life.actual_to_date,
        planned_duration=baseline.planned_duration,
        missing=[NO_EV],
    )


@dataclass(frozen=True)
class RollUpRow:
    """One key of the roll-up with its outturn (``key`` as the page shows it)."""

    key: str
    outturn: Outturn

    @property
    def budget(self) -> Decimal:
        return self.outturn.budget

    @property
    def actual_to_date(self) -> Decimal:
        return self.outturn.actual_to_date

    @property
    def forecast_remaining(self) -> Decimal:
        return self.outturn.forecast_remaining

    @property
    def eac(self) -> Decimal:
        return self.outturn.eac

    @property
    def variance(self) -> Decimal:
        return self.outturn.variance


def key_label(by: str, key: Any) -> str:
    if key is None:
        return {"programme": "No programme", "funding_source": "No funding source"}.get(by, "None")
    if by == "spend_type":
        return {"capital": "Capital (capex)", "revenue": "Revenue (opex)"}.get(str(key), str(key))
    return str(key)


def roll_up_rows(
    *, user: Any, by: str, year: FinancialYear | None, day: date | None = None
) -> tuple[list[RollUpRow], Outturn]:
    """The roll-up's rows, by key, and their total (sums of the rows' figures)."""
    found = portfolio_roll_up(user=user, by=by, year=year, day=day)
    rows = sorted((RollUpRow(key_label(by, key), each) for key, each in found.items()), key=lambda r: r.key)
    total = Outturn(
        budget=sum((r.budget for r in rows), ZERO),
        actual_to_date=sum((r.actual_to_date for r in rows), ZERO),
        forecast_remaining=sum((r.forecast_remaining for r in rows), ZERO),
    )
    return rows, total
