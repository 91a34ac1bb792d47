"""Time the Excel import of a generated 10,000-row register (all-or-nothing, with history)."""

import tempfile
from datetime import date, timedelta
from pathlib import Path

from bench.data import register_user
from bench.measure import timed_s
from pmo.core.exports import write_xlsx
from pmo.portfolio.imports import HEADERS, project_import
from pmo.portfolio.models import LifecycleStage, OrgUnit, Person, Programme

ROWS = 10_000


def write_register(path: Path, rows: int) -> None:
    programmes = list(Programme.objects.select_related("portfolio")[:12])
    departments = list(OrgUnit.objects.all()[:12])
    people = list(Person.objects.all()[:200])
    stages = list(LifecycleStage.objects.all())
    table = []
    for n in range(rows):
        programme = programmes[n % len(programmes)]
        start = date(2026, 1, 1) + timedelta(days=n % 300)
        table.append([
            f"IMP-{n:05d}", f"Imported project {n}", "Loaded by the benchmark", programme.portfolio.name,
            programme.code, departments[n % len(departments)].name, people[n % len(people)].email,
            people[(n * 7) % len(people)].name, None, "Technical / infrastructure", "Agile", None,
            stages[n % len(stages)].name, "Active", start, start + timedelta(days=200),
            f"£{1000 * (n % 900 + 20):,}", "High", "SO1; SO2", "No",
        ])
    with path.open("wb") as stream:
        write_xlsx(stream, headers=HEADERS, rows=table, sheet_title="Projects")


def time_import() -> tuple[int, float, float]:
    """(rows, wall seconds, CPU seconds) for importing 10,000 new projects; prints nothing."""
    path = Path(tempfile.mkdtemp(prefix="pmo-bench-")) / "register.xlsx"
    write_register(path, ROWS)
    result, wall, cpu = timed_s(lambda: project_import(actor=register_user(), file=str(path)))
    assert not result.errors, result.errors[:5]
    return ROWS, wall, cpu
