"""One size of the RAID benchmark, in its own throwaway database: ``python bench/raid.py 5000``
makes that many projects with ten RAID items each (mostly risks, plus assumptions, issues,
dependencies, actions and decisions; some escalated, some stale or past due), then times the
floor (``bench/measure.py``), the filtered portfolio risk list, the RAID overview with its heat
map, and the risk API's list and heat map. Prints one JSON line. ``bench/run.py`` runs it at both sizes."""

import datetime as dt
import json
import os
import random
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import start  # noqa: E402

start("raid")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.data import grow_register, register_user  # noqa: E402
from bench.measure import measure  # noqa: E402

ITEMS_PER_PROJECT = 10
PAGES = {
    "risk list page (open, technical)": "/raid/risks/?status=open&category=technical",
    "RAID overview page (heat map)": "/raid/",
    "API /api/v1/risks/ (open, technical)": "/api/v1/risks/?open=true&category=technical",
    "API /api/v1/risks/heat-map/": "/api/v1/risks/heat-map/",
}
# Of every ten items a project holds: six risks, one of each other register but decisions,
# which a third of projects have instead of a second action.
MIX = ("risks",) * 6 + ("assumptions", "issues", "dependencies", "actions")
rng = random.Random(20261122)


def _common(project_id: int, people: list[int], today: dt.date) -> dict[str, Any]:
    raised = today - dt.timedelta(days=rng.randrange(0, 400))
    reviewed = raised + dt.timedelta(days=rng.randrange(0, max((today - raised).days, 1)))
    escalated = rng.choices(("", "programme", "portfolio"), (90, 8, 2))[0]
    return {
        "project_id": project_id,
        "title": f"Generated item {rng.randrange(10**6)}",
        "description": "Generated for the benchmark.",
        "owner_id": rng.choice(people),
        "raised_on": raised,
        "last_reviewed_on": reviewed if rng.random() < 0.8 else None,
        "due": today + dt.timedelta(days=rng.randrange(-60, 180)),
        "escalated_to": escalated,
        "escalated_at": timezone.now() if escalated else None,
        "escalation_note": "Beyond the project's control." if escalated else "",
    }


def grow_raid(size: int) -> dict[str, int]:
    """``size`` projects with ``ITEMS_PER_PROJECT`` RAID items each, made in bulk."""
    from pmo.portfolio.models import Person, Project
    from pmo.raid import selectors
    from pmo.raid.choices import (
        ActionSource,
        AssumptionStatus,
        DependencyStatus,
        IssueStatus,
        IssueType,
        Priority,
        Proximity,
        RiskCategory,
        RiskKind,
        RiskResponse,
        RiskStatus,
        Severity,
    )
    from pmo.raid.models import REGISTERS

    grow_register(size)
    matrix = selectors.raid_settings().matrix
    today = timezone.localdate()
    people = list(Person.objects.values_list("pk", flat=True))
    projects = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    rows: dict[str, list[Any]] = {kind: [] for kind in REGISTERS}
    for index, project_id in enumerate(projects):
        kinds = list(MIX)
        if index % 3 == 0:
            kinds[-1] = "decisions"
        for kind in kinds:
            fields = _common(project_id, people, today)
            if kind == "risks":
                threat = rng.random() < 0.85
                ip, ii = rng.randint(2, 5), rng.randint(2, 5)
                rp, ri = rng.randint(1, ip), rng.randint(1, ii)
                cost = Decimal(rng.randrange(0, 500_000, 1000))
                row = REGISTERS[kind](
                    **fields,
                    kind=RiskKind.THREAT if threat else RiskKind.OPPORTUNITY,
                    category=rng.choice(RiskCategory.values),
                    cause="Because of a cause",
                    event="an event may happen",
                    effect="with this effect",
                    inherent_probability=ip,
                    inherent_impact=ii,
                    residual_probability=rp,
                    residual_impact=ri,
                    proximity=rng.choice(Proximity.values),
                    response=RiskResponse.REDUCE if threat else RiskResponse.EXPLOIT,
                    response_plan="Generated response.",
                    response_cost=Decimal(rng.randrange(0, 50_000, 500)),
                    cost_impact=cost,
                    expected_value=matrix.expected_value(rp, cost),
                    status=rng.choices(RiskStatus.values, (80, 5, 15))[0],
                )
            elif kind == "assumptions":
                row = REGISTERS[kind](**fields, status=rng.choice(AssumptionStatus.values))
            elif kind == "issues":
                row = REGISTERS[kind](
                    **fields,
                    issue_type=rng.choice(IssueType.values),
                    priority=rng.choice(Priority.values),
                    severity=rng.choice(Severity.values),
                    status=rng.choice(IssueStatus.values),
                )
            elif kind == "dependencies":
                # on an earlier project, so the dependencies never loop
                on = projects[rng.randrange(0, index)] if index else None
                row = REGISTERS[kind](
                    **fields,
                    depends_on_id=on,
                    provider="" if on else "Supplier",
                    status=rng.choice(DependencyStatus.values),
                )
            elif kind == "actions":
                row = REGISTERS[kind](**fields, source=rng.choice(ActionSource.values), status="open")
            else:
                row = REGISTERS[kind](
                    **fields,
                    decided_on=fields["raised_on"],
                    rationale="Generated.",
                    options_considered="A or B.",
                    status="made",
                )
            rows[kind].append(row)
    for kind, found in rows.items():
        REGISTERS[kind]._default_manager.bulk_create(found, batch_size=2000)
    return {kind: len(found) for kind, found in rows.items()}


def slowest_query(url: str, client: Client) -> dict[str, Any]:
    """The page's slowest SQL statement and the database's plan for it."""
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    query = max(captured.captured_queries, key=lambda q: float(q["time"]))
    with connection.cursor() as cursor:
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        cursor.execute(prefix + query["sql"])
        plan = [" ".join(str(part) for part in row) for row in cursor.fetchall()]
    return {"ms": float(query["time"]) * 1000, "sql": query["sql"][:600], "plan": plan}


def main(size: int) -> dict[str, object]:
    call_command("migrate", verbosity=0)
    items = grow_raid(size)
    client = Client()
    client.force_login(register_user())
    repeats = int(os.environ.get("BENCH_REPEATS", "25" if size < 1000 else "9"))
    pages = measure(client, PAGES, repeats)
    slow = {name: slowest_query(url, client) for name, url in PAGES.items() if pages[name][0] >= 200}
    return {
        "size": size,
        "items": sum(items.values()),
        "per_register": items,
        "vendor": connection.vendor,
        "pages": pages,
        "slow": slow,
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
