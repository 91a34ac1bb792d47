"""One size of the finance benchmark, in its own throwaway database: ``python bench/finance.py 5000``
makes that many projects, each with two cost codes (two categories), an approved budget phased
over 60 months by category, the actuals of the 36 months before this one and a forecast of the
24 from this one on (made in the current reporting period), in bulk. It times the floor
(``bench/measure.py``), the portfolio finance page (whole life, and the current financial
year), a project's Finance tab, the budgets, actuals and EVM API lists; then, outside the pages,
the earned value of every project (``evm.project_evms``: the generated projects have no plan nor
key milestones to earn value by, so their budgets are read summed, not month by month, ADR 0049)
and the roll-up selector (``selectors.portfolio_roll_up``) over all of them; at the largest
size, the import of a 100,000-line ledger extract (.xlsx, ``imports.actuals_import`` as ``pmo
import actuals`` runs it). Prints one JSON line. ``bench/run.py`` runs it at both sizes.

``BENCH_FINANCE_PARTS`` runs some of it only (while working on one: the data is made either
way): a comma-separated list of ``pages``, ``engines`` (the earned value and the roll-up) and
``import``; all three when unset. ``python bench/finance.py 5000 engines`` does the same."""

import datetime as dt
import json
import os
import random
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import start  # noqa: E402

start("finance")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.data import grow_register, register_user  # noqa: E402
from bench.measure import measure, timed_s  # noqa: E402

MONTHS = 60  # of budget, from 36 months back
PAST = 36  # months of actuals before this one; the forecast runs from this month to the end
CODES_PER_PROJECT = 2
LEDGER_LINES = 100_000
IMPORT_SIZE = 5000  # the ledger extract is loaded at this size only
PARTS = ("pages", "engines", "import")
rng = random.Random(20261205)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.year * 12 + day.month - 1 + months
    return dt.date(month // 12, month % 12 + 1, 1)


def grow_finance(size: int, today: dt.date) -> dict[str, int]:
    """``size`` projects with cost codes, an approved budget, actuals and a forecast each."""
    from pmo.engine.finance import month_of
    from pmo.finance.choices import BudgetStatus, SpendType
    from pmo.finance.models import (
        ActualImport,
        ActualLine,
        BudgetLine,
        BudgetVersion,
        CostCategory,
        CostCode,
        ForecastLine,
        ForecastVersion,
        FundingSource,
    )
    from pmo.portfolio.models import Project
    from pmo.reporting.models import ReportingPeriod

    grow_register(size)
    this_month = month_of(today)
    first = add_months(this_month, -PAST)
    months = [add_months(first, n) for n in range(MONTHS)]
    categories = list(CostCategory.objects.order_by("position", "name")[:CODES_PER_PROJECT])
    if len(categories) < CODES_PER_PROJECT:
        categories += CostCategory.objects.bulk_create(
            CostCategory(name=f"Category {n}", position=n) for n in range(CODES_PER_PROJECT - len(categories))
        )
    funding, _ = FundingSource.objects.get_or_create(name="Capital programme")
    period, _ = ReportingPeriod.objects.get_or_create(
        start=this_month,
        defaults={"end": add_months(this_month, 1) - dt.timedelta(days=1), "due": this_month},
    )
    now = timezone.now()
    projects = list(Project.objects.order_by("pk").values_list("pk", "code", "budget"))
    codes = CostCode.objects.bulk_create(
        [
            CostCode(
                code=f"C{code}-{n}",
                description=f"{category.name} of {code}",
                project_id=pk,
                category=category,
                spend_type=SpendType.CAPITAL if n == 0 else SpendType.REVENUE,
                funding_source=funding if n == 0 else None,
            )
            for pk, code, _ in projects
            for n, category in enumerate(categories)
        ],
        batch_size=2000,
    )
    budgets = BudgetVersion.objects.bulk_create(
        [
            BudgetVersion(
                project_id=pk, number=1, status=BudgetStatus.APPROVED, reason="Business case", approved_at=now
            )
            for pk, _, _ in projects
        ],
        batch_size=2000,
    )
    forecasts = ForecastVersion.objects.bulk_create(
        [ForecastVersion(project_id=pk, period=period, made_at=now) for pk, _, _ in projects], batch_size=2000
    )
    load = ActualImport.objects.create(
        reference="Generated ledger",
        first_month=months[0],
        last_month=months[PAST - 1],
        lines=0,
        replaced=0,
        total=0,
        imported_at=now,
    )
    budget_lines, actual_lines, forecast_lines = [], [], []
    project_codes: dict[int, list[Any]] = {}
    for cost_code in codes:
        project_codes.setdefault(cost_code.project_id, []).append(cost_code)
    for (pk, _, total), budget, forecast in zip(projects, budgets, forecasts, strict=True):
        monthly = (total / MONTHS / CODES_PER_PROJECT).quantize(Decimal("0.01"))
        drift = Decimal(rng.randrange(85, 130)) / 100  # under and over spenders
        for cost_code in project_codes[pk]:
            line = {
                "category_id": cost_code.category_id,
                "spend_type": cost_code.spend_type,
                "funding_source_id": cost_code.funding_source_id,
            }
            for index, month in enumerate(months):
                budget_lines.append(BudgetLine(version=budget, month=month, amount=monthly, **line))
                if index < PAST:
                    actual_lines.append(
                        ActualLine(
                            cost_code=cost_code,
                            project_id=pk,
                            month=month,
                            amount=(monthly * drift).quantize(Decimal("0.01")),
                            loaded_by=load,
                            **line,
                        )
                    )
                else:
                    forecast_lines.append(
                        ForecastLine(
                            version=forecast,
                            month=month,
                            amount=(monthly * drift).quantize(Decimal("0.01")),
                            **line,
                        )
                    )
    BudgetLine.objects.bulk_create(budget_lines, batch_size=5000)
    ActualLine.objects.bulk_create(actual_lines, batch_size=5000)
    ForecastLine.objects.bulk_create(forecast_lines, batch_size=5000)
    return {
        "cost codes": len(codes),
        "budget lines": len(budget_lines),
        "actual lines": len(actual_lines),
        "forecast lines": len(forecast_lines),
    }


def pages_of(project_code: str, year: int) -> dict[str, str]:
    return {
        "portfolio finance page (whole life)": "/finance/",
        "portfolio finance page (financial year)": f"/finance/?year={year}",
        "project's Finance tab": f"/finance/projects/{project_code}/",
        "API /api/v1/budgets/": "/api/v1/budgets/",
        "API /api/v1/actuals/": "/api/v1/actuals/",
        "API /api/v1/evm/": "/api/v1/evm/",
    }


def time_engines(user: Any) -> dict[str, Any]:
    """The earned value of every project and the portfolio roll-up over all of them (median of
    three runs each: wall and CPU seconds, queries)."""
    import statistics

    from pmo.finance import evm, selectors
    from pmo.portfolio.models import Project

    found: dict[str, Any] = {}
    jobs = {
        "evm": lambda: evm.project_evms(Project.objects.all()),
        "roll_up": lambda: selectors.portfolio_roll_up(user=user, by="portfolio"),
        "roll_up_by_project": lambda: selectors.portfolio_roll_up(user=user, by="project"),
    }
    for name, job in jobs.items():
        job()  # warm
        runs = [timed_s(job) for _ in range(3)]
        with CaptureQueriesContext(connection) as queries:
            job()
        found[name] = {
            "wall": statistics.median(r[1] for r in runs),
            "cpu": statistics.median(r[2] for r in runs),
            "queries": len(queries),
        }
    return found


def time_ledger_import(today: dt.date) -> dict[str, Any]:
    """Write a 100,000-line extract of this financial year's months to date, over every cost
    code, and load it as ``pmo import actuals`` does (all or nothing, replacing those months'
    lines of those codes)."""
    from pmo.core.exports import write_xlsx
    from pmo.engine.finance import month_of
    from pmo.finance import selectors
    from pmo.finance.imports import COLUMNS, actuals_import
    from pmo.finance.models import CostCode

    year = selectors.current_year(today)
    months = []
    month = year.start
    while month <= month_of(today):
        months.append(month)
        month = add_months(month, 1)
    codes = list(CostCode.objects.order_by("pk").values_list("code", flat=True))
    rows = []
    for n in range(LEDGER_LINES):
        month = months[n % len(months)]
        code = codes[(n // len(months)) % len(codes)]
        day = month + dt.timedelta(days=n % 28)
        rows.append(
            [code, day, Decimal(rng.randrange(-50_000, 500_000)) / 100, "Generated line", f"JNL-{n}", "GBP"]
        )
    path = Path(tempfile.mkdtemp(prefix="pmo-bench-")) / "ledger.xlsx"
    with path.open("wb") as stream:
        write_xlsx(stream, headers=[c.header for c in COLUMNS], rows=rows, sheet_title="Actuals")
    result, wall, cpu = timed_s(lambda: actuals_import(actor=register_user(), file=str(path)))
    assert not result.errors, [str(e) for e in result.errors[:5]]
    assert result.created == LEDGER_LINES, result.summary
    return {"lines": LEDGER_LINES, "months": len(months), "wall": wall, "cpu": cpu}


def main(size: int, parts: tuple[str, ...] = PARTS) -> dict[str, object]:
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise SystemExit(
            f"bench/finance.py: no part {', '.join(sorted(unknown))}; the parts: {', '.join(PARTS)}"
        )
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    (lines, generated, _) = timed_s(lambda: grow_finance(size, today))
    from pmo.finance import selectors
    from pmo.portfolio.models import Project

    user = register_user()
    client = Client()
    client.force_login(user)
    project = Project.objects.filter(confidential=False).order_by("code").first()
    assert project is not None
    repeats = int(os.environ.get("BENCH_REPEATS", "25" if size < 1000 else "9"))
    found: dict[str, object] = {
        "size": size,
        "vendor": connection.vendor,
        "lines": lines,
        "generated_s": generated,
    }
    if "pages" in parts:
        found["pages"] = measure(
            client, pages_of(project.code, selectors.current_year(today).start_year), repeats
        )
    if "engines" in parts:
        found["engines"] = time_engines(user)
    if "import" in parts and size >= IMPORT_SIZE:
        found["import"] = time_ledger_import(today)
    return found


def parts_asked() -> tuple[str, ...]:
    """The parts named on the command line (after the size) or in ``BENCH_FINANCE_PARTS``."""
    named = ",".join(sys.argv[2:]) or os.environ.get("BENCH_FINANCE_PARTS", "")
    return tuple(part.strip() for part in named.split(",") if part.strip()) or PARTS


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), parts_asked())))
