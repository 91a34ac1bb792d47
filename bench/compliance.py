"""The PMO standards compliance benchmark, in its own throwaway database:
``python bench/compliance.py 5000`` makes that many active projects with a year of reporting
(``grow_reporting``: baselines, highlight reports, actions), two risks each (some not reviewed for
months), approved budgets, plans and forecasts on some, then times the evaluation of every project
against the default rules as the portfolio compliance page and the API ask it
(``selectors.portfolio_compliance``: the projects, their facts read through the owning apps'
selectors, judged and scored by the engine), with its queries. Prints one JSON line.
``bench/run.py compliance`` runs it."""

import datetime as dt
import json
import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import start  # noqa: E402

start("compliance")

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.data import grow_reporting, register_user  # noqa: E402
from bench.measure import query_count, timed_s  # noqa: E402

REPEATS = 5
rng = random.Random(20261206)


def grow_facts(today: dt.date) -> None:
    """Two risks a project (one in five not reviewed for 90 days), an approved budget on two
    projects in three, a plan on half (some updated long ago) and a forecast on a third."""
    from pmo.finance.choices import BudgetStatus
    from pmo.finance.models import BudgetVersion, ForecastVersion
    from pmo.portfolio.models import Person, Project
    from pmo.raid.models import Risk
    from pmo.reporting.models import ReportingPeriod
    from pmo.schedule.models import Plan

    ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    owner = Person.objects.order_by("pk").first()
    Risk.objects.bulk_create(
        [
            Risk(project_id=pk, title=f"Risk {n}", owner=owner, raised_on=today - dt.timedelta(days=200),
                 category="technical", inherent_probability=4, inherent_impact=4, residual_probability=3,
                 residual_impact=3,
                 last_reviewed_on=today - dt.timedelta(days=90 if rng.random() < 0.2 else 5))
            for pk in ids for n in range(2)
        ],
        batch_size=2000,
    )  # fmt: skip
    BudgetVersion.objects.bulk_create(
        [BudgetVersion(project_id=pk, number=1, status=BudgetStatus.APPROVED, reason="Approved")
         for pk in ids if rng.random() < 0.67],
        batch_size=2000,
    )  # fmt: skip
    now = timezone.now()
    Plan.objects.bulk_create(
        [Plan(project_id=pk, document=b"<Project/>", start=now, finish=now, imported_at=now)
         for pk in ids if rng.random() < 0.5],
        batch_size=2000,
    )  # fmt: skip
    period = ReportingPeriod.objects.order_by("-start").first()
    ForecastVersion.objects.bulk_create(
        [ForecastVersion(project_id=pk, period=period, made_at=now) for pk in ids if rng.random() < 0.33],
        batch_size=2000,
    )


def main(count: int) -> dict[str, object]:
    from django.db import connection

    from pmo.assurance import selectors

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    grow_reporting(count, today)
    grow_facts(today)
    user = register_user()
    runs = [timed_s(lambda: selectors.portfolio_compliance(user=user, today=today)) for _ in range(REPEATS)]
    found = runs[0][0]
    scores = [item.score for item in found]
    return {
        "vendor": connection.vendor,
        "projects": len(found),
        "wall": statistics.median(run[1] for run in runs),
        "cpu": statistics.median(run[2] for run in runs),
        "queries": query_count(lambda: selectors.portfolio_compliance(user=user, today=today)),
        "mean_score": round(statistics.mean(scores), 1) if scores else None,
        "compliant": sum(score == 100 for score in scores),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
