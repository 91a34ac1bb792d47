"""The month grids money is typed into (a project's budget draft, a cost centre's budget and its
forecast): a row per month, an input per month and what its lines count under (category,
capital or revenue, funding source), each named by ``cell`` and labelled for a screen reader."""

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from pmo.finance.pages import LineKey


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
