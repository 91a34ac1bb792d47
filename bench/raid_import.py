"""Time the Excel import of 10,000 new risks across many projects (all-or-nothing, through the
RAID services, with history)."""

import tempfile
from datetime import date, timedelta
from pathlib import Path

from bench.data import grow_register, register_user
from bench.measure import timed_s
from pmo.core.exports import write_xlsx
from pmo.portfolio.models import Person, Project
from pmo.raid.imports import headers, register_import

ROWS = 10_000
PROJECTS = 1_000
CATEGORIES = ("Technical", "Commercial and supplier", "Schedule", "People and resources", "Financial")


def write_risks(path: Path, rows: int) -> None:
    """A register of ``rows`` new risks spread over the first projects, owners by e-mail and by
    name, every score on the default 5 × 5 matrix."""
    projects = list(Project.objects.order_by("pk").values_list("code", flat=True)[:PROJECTS])
    people = list(Person.objects.order_by("pk")[:200])
    columns = headers("risks")
    table = []
    for n in range(rows):
        owner = people[n % len(people)]
        values = {
            "Project": projects[n % len(projects)],
            "Title": f"Imported risk {n}",
            "Description": "Loaded by the benchmark",
            "Kind": "Threat" if n % 7 else "Opportunity",
            "Category": CATEGORIES[n % len(CATEGORIES)],
            "Cause": "A cause",
            "Event": "An event",
            "Effect": "An effect",
            "Owner": owner.email if n % 2 else owner.name,
            "Inherent probability": n % 5 + 1,
            "Inherent impact": (n // 5) % 5 + 1,
            "Residual probability": max(1, n % 5),
            "Residual impact": max(1, (n // 5) % 5),
            "Proximity": "Within a year",
            "Response category": "Reduce" if n % 7 else "Enhance",
            "Response plan": "Watch it closely",
            "Cost of response": 1000 + n % 50,
            "Cost impact": f"£{1000 * (n % 90 + 10):,}",
            "Next review": date(2026, 12, 1) + timedelta(days=n % 90),
            "Status": "Open",
        }
        table.append([values.get(column) for column in columns])
    with path.open("wb") as stream:
        write_xlsx(stream, headers=columns, rows=table, sheet_title="Risks")


def time_raid_import() -> tuple[int, float, float]:
    """(rows, wall seconds, CPU seconds) for importing 10,000 new risks as a PMO analyst; prints
    nothing."""
    if Project.objects.count() < PROJECTS:
        grow_register(PROJECTS)
    path = Path(tempfile.mkdtemp(prefix="pmo-bench-")) / "risks.xlsx"
    write_risks(path, ROWS)
    result, wall, cpu = timed_s(lambda: register_import("risks", actor=register_user(), file=str(path)))
    assert not result.errors, [str(e) for e in result.errors[:5]]
    assert result.created == ROWS, result.summary
    return ROWS, wall, cpu
