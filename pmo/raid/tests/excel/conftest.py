"""Real .xlsx files for the RAID imports, written with openpyxl, and the cast's registers."""

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from pmo.raid.imports import headers

Rows = Sequence[dict[str, Any]]


def risk_row(**changes: Any) -> dict[str, Any]:
    """A good new risk for the WEB project's register, by column header (``changes`` use the
    headers with spaces as underscores: ``inherent_probability=7``)."""
    row: dict[str, Any] = {
        "ID": None,
        "Project": "WEB",
        "Title": "Supplier may go bust",
        "Kind": "Threat",
        "Category": "Commercial and supplier",
        "Owner": "Pat Manager",
        "Inherent probability": 4,
        "Inherent impact": 4,
        "Residual probability": 2,
        "Residual impact": 3,
        "Response category": "Reduce",
        "Cost impact": "£40,000",
        "Next review": "31/12/2026",
    }
    for name, value in changes.items():
        header = name.replace("_", " ")
        header = next((h for h in row if h.lower() == header.lower()), header[:1].upper() + header[1:])
        row[header] = value
    return row


@pytest.fixture
def write_sheet(tmp_path: Path) -> Callable[..., Path]:
    """Write rows (dicts by header) under a header row; the headers default to the rows' own
    keys in the order first seen."""

    def write(rows: Rows, *, columns: Sequence[str] | None = None, name: str = "register.xlsx") -> Path:
        names: list[str] = list(columns or [])
        if columns is None:
            for row in rows:
                names += [h for h in row if h not in names]
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Risks"
        sheet.append(names)
        for row in rows:
            sheet.append([row.get(h) for h in names])
        path = tmp_path / name
        workbook.save(path)
        return path

    return write


def read_back(content: bytes | Path, sheet: str | None = None) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows of a workbook's sheet (the first, unless named)."""
    import io

    source = io.BytesIO(content) if isinstance(content, bytes) else content
    workbook = load_workbook(source)
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    values = [list(r) for r in worksheet.iter_rows(values_only=True)]
    return [str(v) for v in values[0]], values[1:]


def as_dicts(content: bytes | Path) -> list[dict[str, Any]]:
    names, rows = read_back(content)
    return [dict(zip(names, row, strict=False)) for row in rows]


__all__ = ["as_dicts", "headers", "read_back", "risk_row"]
