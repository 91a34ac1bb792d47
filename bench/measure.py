"""What every benchmark process shares: starting Django on a throwaway database (``start``), timing
a page (``measure``, ``query_count``, ``get``), the floor each page is compared with, and the
tables ``bench/run.py`` prints (``report``).

The floor is a bare Django view (``floor``, served beside the site by ``bench/urls.py``): the
register's first 50 active projects, with the relations a register row shows, from the same
database, through the same middleware, rendered by a plain template with no permission check,
menu, history or context processor. The machines running ``make bench`` are shared and noisy, so
each process measures the floor itself, at each size, in turn with its pages (``measure``), and a
page is judged by its median as a multiple of the floor's (goal: ``FLOOR_GOAL`` times at most)."""

import os
import statistics
import tempfile
import time
from collections.abc import Callable, Mapping
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template import Context, Engine
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

REPEATS = int(os.environ.get("BENCH_REPEATS", "25"))
FLOOR_GOAL = 3  # a page's median, at most this many times the floor's
FLOOR_NAME = "floor (bare view, 50 register rows)"
FLOOR_URL = "/floor/"


def start(name: str) -> None:
    """Start Django for a benchmark process on its own throwaway database (SQLite, unless
    DATABASE_URL names another), sending no e-mail and locking no one out."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_ENV"] = "development"
    os.environ["PMO_VAR_DIR"] = tempfile.mkdtemp(prefix=f"pmo-bench-{name}-")
    os.environ["PMO_AXES_ENABLED"] = "false"
    os.environ["PMO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()


def timed_ms(fn: Callable[[], object]) -> float:
    begin = time.perf_counter()
    fn()
    return (time.perf_counter() - begin) * 1000


def timed_s(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """``fn()``'s result, its wall time and this process's CPU time, in seconds. On SQLite the
    database works inside the process, so the CPU time is all the work, and on a loaded machine
    it stays near what an idle one would take while the wall time grows."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def query_count(fn: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def get(client: Client, url: str) -> Callable[[], object]:
    def fetch() -> object:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return fetch


# The floor ----------------------------------------------------------------------------------------

FLOOR_TEMPLATE = Engine().from_string(
    "<!doctype html><title>Projects</title><table>{% for p in projects %}<tr>"
    "<td>{{ p.code }}</td><td>{{ p.name }}</td><td>{{ p.programme.name }}</td>"
    "<td>{{ p.department.name }}</td><td>{{ p.sponsor.name }}</td>"
    "<td>{{ p.project_manager.name }}</td><td>{{ p.stage.name }}</td>"
    "<td>{{ p.get_status_display }}</td><td>{{ p.planned_finish }}</td><td>{{ p.budget }}</td>"
    "<td>{{ p.get_priority_display }}</td></tr>{% endfor %}</table>"
)


def floor(request: HttpRequest) -> HttpResponse:
    """The first 50 active projects by code, in a plain table."""
    from pmo.portfolio.models import Project

    projects = (
        Project.objects.filter(status="active")
        .select_related("programme", "department", "sponsor", "project_manager", "stage")
        .order_by("code")[:50]
    )
    return HttpResponse(FLOOR_TEMPLATE.render(Context({"projects": projects})))


def measure(
    client: Client,
    pages: Mapping[str, str],
    repeats: Mapping[str, int] | int = REPEATS,
    clients: Mapping[str, Client] | None = None,
) -> dict[str, tuple[float, int]]:
    """(median ms, queries) of the floor and of each named page, in this process now: each is
    fetched once to warm up, then the floor and the pages are timed in turn, round after round,
    so that the machine's load weighs alike on the floor and the pages measured beside it.
    ``repeats`` may differ by page name; the floor is timed in every round. ``clients`` names the
    pages fetched by someone else (signed in as another user) than ``client``."""
    counts = dict(repeats) if isinstance(repeats, Mapping) else dict.fromkeys(pages, repeats)
    counts[FLOOR_NAME] = max(counts.values())
    clients = clients or {}
    fetches = {FLOOR_NAME: get(client, FLOOR_URL)} | {
        name: get(clients.get(name, client), url) for name, url in pages.items()
    }
    samples: dict[str, list[float]] = {name: [] for name in fetches}
    with override_settings(ROOT_URLCONF="bench.urls"):
        for fetch in fetches.values():
            fetch()
        for _ in range(counts[FLOOR_NAME]):
            for name, fetch in fetches.items():
                if len(samples[name]) < counts[name]:
                    samples[name].append(timed_ms(fetch))
        return {
            name: (statistics.median(samples[name]), query_count(fetch)) for name, fetch in fetches.items()
        }


# Printing -----------------------------------------------------------------------------------------


def report(unit: str, runs: Mapping[int, tuple[int, Mapping[str, Any]]],
           target: Callable[[str, int], str] = lambda name, size: "") -> None:
    """Print a table of two sizes' measures (``runs``: size -> (count shown in the ``unit``
    column, {name: (median ms, queries)}) with each median as a multiple of that size's floor;
    then the goal and the pages beyond it, and whether each measure's queries stay the same."""
    print(f"{'measure':44} {unit:>8} {'median ms':>10} {'x floor':>8} {'queries':>8} {'target':>8}")
    over = []
    for size, (shown, pages) in runs.items():
        floor_ms = pages[FLOOR_NAME][0]
        for name, (ms, queries) in pages.items():
            ratio = ms / floor_ms
            print(f"{name:44} {shown:>8} {ms:>10.1f} {ratio:>8.1f} {queries:>8} {target(name, size):>8}")
            if ratio > FLOOR_GOAL:
                over.append(f"{name} at {shown:,} {unit} ({ratio:.1f}x)")
    print(f"\ngoal: every page within {FLOOR_GOAL}x the floor; beyond it: " + ("; ".join(over) or "none"))
    (small_n, small), (large_n, large) = runs.values()
    for name in small:
        if name != FLOOR_NAME:
            verdict = "equal" if small[name][1] == large[name][1] else "GROWS"
            print(f"{name}: queries {small[name][1]} at {small_n:,} {unit}, "
                  f"{large[name][1]} at {large_n:,} ({verdict})")
