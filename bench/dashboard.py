"""One size of the dashboard benchmark, in its own throwaway database: ``python bench/dashboard.py
5000`` makes that many active projects with twelve months of reporting, evaluates their
tolerances (timed), then times the floor (``bench/measure.py``), the cockpit (the dashboard page),
the heatmap behind it, its workbook and its API, the work queue (the home page) of a project
manager with 20 projects and of a PMO officer, a slipping project's page and its reporting page,
and the highlight report list (all periods, and this one). Prints one JSON line. ``bench/run.py``
runs it at both sizes; ``python bench/dashboard.py 5000 cockpit`` times only the cockpit and the
work queues (``COCKPIT_PAGES``)."""

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import start  # noqa: E402

start("dashboard")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.data import grow_reporting, register_user  # noqa: E402
from bench.measure import measure, query_count, timed_s  # noqa: E402

PAGES = {
    "cockpit page (/dashboard/)": "/dashboard/",
    "heatmap page (/dashboard/projects/)": "/dashboard/projects/",
    "dashboard Excel": "/dashboard/export/",
    "API /api/v1/dashboard/": "/api/v1/dashboard/",
    "project page (a slipping project)": "/projects/{code}/",
    "project reporting page (the same project)": "/reporting/projects/{code}/",
    "highlight report list (all periods)": "/reporting/reports/",
    "highlight report list (this period)": "/reporting/reports/?period={period}",
}
WORK_QUEUES = {  # name: (who, address)
    "work queue: PM with 20 projects (/)": ("pm", "/"),
    "work queue: PMO officer, every project (/)": ("officer", "/"),
}
COCKPIT_PAGES = ("cockpit page (/dashboard/)", *WORK_QUEUES)
PM_PROJECTS = 20


def work_queue_users() -> dict[str, object]:
    """A project manager of 20 of the projects and a PMO officer, each with a login."""
    from django.contrib.auth.models import Group

    from pmo.core.choices import Role
    from pmo.core.models import User
    from pmo.portfolio.models import Person, Project

    pm_user, _ = User.objects.get_or_create(username="bench-pm")
    pm_user.groups.add(Group.objects.get(name=Role.PROJECT_MANAGER.label))
    manager = Person.objects.create(name="Bench Manager", email="bench-pm@bench.example", user=pm_user)
    mine = list(Project.objects.order_by("pk").values_list("pk", flat=True)[:PM_PROJECTS])
    Project.objects.filter(pk__in=mine).update(project_manager=manager)
    officer, _ = User.objects.get_or_create(username="bench-officer")
    officer.groups.add(Group.objects.get(name=Role.PMO_OFFICER.label))
    return {"pm": pm_user, "officer": officer}


def first_read_ms(client: Client, url: str, times: int = 3) -> float:
    """The median time of ``url`` read with nothing kept (ADR 0036): the first read after a change."""
    from django.core.cache import cache

    found = []
    for _ in range(times):
        cache.clear()
        started = time.perf_counter()
        client.get(url)
        found.append((time.perf_counter() - started) * 1000)
    return sorted(found)[len(found) // 2]


def main(size: int, only: str = "") -> dict[str, object]:
    from pmo.portfolio.models import Project
    from pmo.reporting.models import ProjectException, ReportingPeriod, ToleranceCheck
    from pmo.reporting.services import tolerances_evaluate_all

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    started = time.perf_counter()
    grow_reporting(size, today)
    generated = time.perf_counter() - started

    _, first, _ = timed_s(tolerances_evaluate_all)
    again_queries, again, again_cpu = timed_s(lambda: query_count(tolerances_evaluate_all))

    users = work_queue_users()
    client = Client()
    client.force_login(register_user())
    repeats = int(os.environ.get("BENCH_REPEATS", "25" if size < 1000 else "7"))
    slipping = Project.objects.order_by("pk").values_list("code", flat=True)[2]  # see grow_reporting
    period = ReportingPeriod.objects.latest("start").pk
    pages = {name: url.format(code=slipping, period=period) for name, url in PAGES.items()}
    if only == "cockpit":
        pages = {name: url for name, url in pages.items() if name in COCKPIT_PAGES}
    few = ("dashboard Excel", "API /api/v1/dashboard/")
    clients = {}
    for name, (who, url) in WORK_QUEUES.items():
        clients[name] = Client()
        clients[name].force_login(users[who])
        pages[name] = url
    times = {name: 3 if name in few and size >= 1000 else repeats for name in pages}
    measured = measure(client, pages, times, clients)
    return {
        "size": size,
        "vendor": connection.vendor,
        "generated_s": generated,
        "tolerances_first_s": first,
        "tolerances_again_s": again,
        "tolerances_again_cpu_s": again_cpu,
        "tolerances_again_queries": again_queries,
        "checks": ToleranceCheck.objects.count(),
        "exceptions": ProjectException.objects.count(),
        "pages": measured,
        "cockpit_first_ms": first_read_ms(client, "/dashboard/"),
        "today": dt.date.today().isoformat(),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), *sys.argv[2:3])))
