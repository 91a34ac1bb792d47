"""The budget outline: the approved budget of every project whose money the reader may see, by
financial year in columns and by one key (``ROLL_UP_BY``) in rows, with its totals."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from pmo.core import clock
from pmo.engine.finance import ZERO, FinancialYear, financial_year
from pmo.finance.models import BudgetLine, BudgetVersion
from pmo.finance.pages import key_label
from pmo.finance.selectors import (
    LINE_KEYS,
    PROJECT_KEYS,
    ROLL_UP_BY,
    UNKNOWN_ROLL_UP,
    current_versions,
    finance_settings,
    penny,
)


@dataclass(frozen=True)
class OutlineRow:
    """One key's approved budget in each of the outline's years (in their order) and in all."""

    key: str
    amounts: list[Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, ZERO)


@dataclass(frozen=True)
class Outline:
    years: list[FinancialYear]  # every year holding approved money, in order
    rows: list[OutlineRow]  # by key, in the key's order as shown
    total: OutlineRow  # each year's sum of the rows


def budget_outline(*, user: Any, by: str, day: date | None = None) -> Outline:
    """The lines of each project's current budget (its latest approved version, as
    ``portfolio_roll_up`` counts it) that ``user`` may see, summed by ``by`` and by financial year
    (from ``FinanceSettings.first_month``). Two queries, whatever the number of projects: the
    settings row, and the lines summed by key and month in the database (a row per key and
    month), put into their years here."""
    if by not in ROLL_UP_BY:
        raise ValueError(UNKNOWN_ROLL_UP.format(choices=", ".join(ROLL_UP_BY), by=by))
    first_month = finance_settings().first_month
    key = f"version__project__{PROJECT_KEYS[by]}" if by in PROJECT_KEYS else LINE_KEYS[by]
    lines = BudgetLine.objects.restrict(user, "view").filter(
        version__in=current_versions(BudgetVersion, day or clock.today(), user=user)
    )
    sums: dict[str, dict[FinancialYear, Decimal]] = {}
    for name, month, amount in lines.values_list(key, "month").annotate(amount=Sum("amount")).order_by():
        found = sums.setdefault(key_label(by, name), {})
        year = financial_year(month, first_month)
        found[year] = found.get(year, ZERO) + (penny(amount) or ZERO)
    years = sorted({year for amounts in sums.values() for year in amounts})
    rows = [
        OutlineRow(name, [amounts.get(year, ZERO) for year in years])
        for name, amounts in sorted(sums.items())
    ]
    total = OutlineRow("Total", [sum((row.amounts[n] for row in rows), ZERO) for n in range(len(years))])
    return Outline(years=years, rows=rows, total=total)
