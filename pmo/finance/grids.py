"""The month grids money is typed into (a project's budget draft, a cost centre's budget and its
forecast): a row per month, an input per month and what its lines count under (category,
capital or revenue, funding source), each named by ``cell`` and labelled for a screen reader;
and the columns and amounts such a grid shows from the lines stored."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from pmo.finance.choices import SpendType
from pmo.finance.models import CostCategory, FundingSource


@dataclass(frozen=True)
class LineKey:
    """What a budget or forecast line counts under: a category, capital or revenue, a funding
    source."""

    category: CostCategory
    spend_type: str
    funding_source: FundingSource | None

    @classmethod
    def of(cls, line: Any) -> "LineKey":
        """What ``line`` (a line or a cost code) counts under."""
        return cls(line.category, line.spend_type, line.funding_source)

    @property
    def label(self) -> str:
        kind = "capital" if self.spend_type == SpendType.CAPITAL else "revenue"
        funded = f", {self.funding_source}" if self.funding_source is not None else ""
        return f"{self.category} ({kind}{funded})"


def line_amounts(lines: Iterable[Any]) -> tuple[list[LineKey], dict[tuple[int, date], Decimal]]:
    """The keys ``lines`` count under, in the order first met, and their amounts summed by (key
    index, month)."""
    keys: list[LineKey] = []
    amounts: dict[tuple[int, date], Decimal] = {}
    for line in lines:
        key = LineKey.of(line)
        if key not in keys:
            keys.append(key)
        index = keys.index(key)
        amounts[(index, line.month)] = amounts.get((index, line.month), Decimal(0)) + line.amount
    return keys, amounts


def grid_columns(
    lines: Iterable[Any], codes: Iterable[Any] = ()
) -> tuple[list[LineKey], dict[tuple[int, date], Decimal]]:
    """A grid's columns and amounts: the keys its ``lines`` count under (category, spend type,
    funding source, in their order), then those of the cost ``codes`` that may charge it, else
    every category in use as revenue (one query, only then); and the lines' amounts by (key
    index, month)."""
    keys, amounts = line_amounts(lines)
    for code in codes:
        key = LineKey.of(code)
        if key not in keys:
            keys.append(key)
    if not keys:
        keys = [
            LineKey(category, SpendType.REVENUE, None)
            for category in CostCategory.objects.filter(active=True)
        ]
    return keys, amounts


class MonthGrid(Protocol):
    """What a grid shows: its months, the keys its columns count under, and the amounts stored
    by (key index, month)."""

    @property
    def months(self) -> Sequence[date]: ...

    @property
    def keys(self) -> Sequence[LineKey]: ...

    @property
    def amounts(self) -> dict[tuple[int, date], Decimal]: ...


def grid_rows(
    grid: MonthGrid,
    cell: Callable[[int, date], str],
    values: dict[str, str] | None = None,
    closed: set[date] | frozenset[date] = frozenset(),
) -> list[dict[str, Any]]:
    """The grid's rows to render: each month (``closed`` if finance has closed it) with its
    cells' input name, label and the value to show: what was typed (``values``, when a form
    comes back with problems) or else the amount stored."""
    rows = []
    for month in grid.months:
        cells = []
        for index, key in enumerate(grid.keys):
            name = cell(index, month)
            shown = values.get(name, "") if values is not None else grid.amounts.get((index, month), "")
            cells.append({"name": name, "value": shown, "label": f"{month:%b %Y}, {key.label}"})
        rows.append({"month": month, "closed": month in closed, "cells": cells})
    return rows
