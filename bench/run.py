"""`make bench`: speed of the register and the portfolio dashboard, measured on generated data.

Prints median server times and SQL query counts for the register page and the projects API at
two sizes, the time to import a 10,000-row register, then (``bench/dashboard.py``, each size in its
own database) the dashboard page, workbook and API with 60 and 5,000 projects x 12 periods and
the tolerance evaluation of 5,000 projects, and (``bench/raid.py``, likewise) the RAID risk list,
overview and API with 500 and 50,000 RAID items, and the import of 10,000 risks. Runs against
throwaway SQLite files (or DATABASE_URL when set). Targets come from the issues; the figures go in
closing notes. ``python bench/run.py dashboard``, ``raid`` or ``import`` (the 10,000-project
import alone) runs that part only.
"""

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DJANGO_ENV"] = "development"
os.environ.setdefault("PMO_VAR_DIR", tempfile.mkdtemp(prefix="pmo-bench-"))
os.environ["PMO_AXES_ENABLED"] = "false"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.data import LARGE, SMALL, grow_register, register_user  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "25"))


def median_ms(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    fn()  # warm up
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


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


DASHBOARD_SIZES = (60, 5000)
DASHBOARD_TARGETS = {60: 150, 5000: 800}  # ms, the dashboard page
TOLERANCE_TARGET_S = 1.0


def dashboard_bench() -> None:
    """Each size in a fresh process and database (``bench/dashboard.py``)."""
    import json
    import subprocess

    runs = {}
    for size in DASHBOARD_SIZES:
        out = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "dashboard.py"), str(size)],
            check=True, capture_output=True, text=True,
        ).stdout
        runs[size] = json.loads(out.strip().splitlines()[-1])
    print(f"\nPortfolio dashboard — {runs[DASHBOARD_SIZES[0]]['vendor']}, median server time, 12 periods\n")
    print(f"{'measure':44} {'projects':>8} {'median ms':>10} {'queries':>8} {'target':>8}")
    for size, run in runs.items():
        for name, (ms, queries) in run["pages"].items():
            target = f"<{DASHBOARD_TARGETS[size]}" if name == "dashboard page" else ""
            print(f"{name:44} {size:>8} {ms:>10.1f} {queries:>8} {target:>8}")
    small, large = (runs[size]["pages"] for size in DASHBOARD_SIZES)
    for name in small:
        verdict = "equal" if small[name][1] == large[name][1] else "GROWS"
        print(f"{name}: queries {small[name][1]} vs {large[name][1]} ({verdict})")
    big = runs[DASHBOARD_SIZES[-1]]
    print(
        f"\ntolerance evaluation of {big['size']:,} projects (tolerances_evaluate_all): "
        f"{big['tolerances_again_s']:.2f} s re-evaluating, {big['tolerances_again_queries']} queries "
        f"(target < {TOLERANCE_TARGET_S:.0f} s); first evaluation, making {big['checks']:,} checks and "
        f"raising {big['exceptions']:,} exceptions: {big['tolerances_first_s']:.1f} s"
    )
    print(f"(generating {big['size']:,} projects x 12 periods of reports took {big['generated_s']:.1f} s)")


RAID_SIZES = (50, 5000)  # projects, ten RAID items each
RAID_TARGET_MS = 200  # each page and API call at 50,000 items
RAID_IMPORT_TARGET_S = 15


def raid_bench() -> None:
    """Each size in a fresh process and database (``bench/raid.py``), then the risk import."""
    import json
    import subprocess

    runs = {}
    for size in RAID_SIZES:
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "raid.py"), str(size)],
            check=False, capture_output=True, text=True,
        )
        if done.returncode:
            raise SystemExit(f"bench/raid.py {size} failed:\n{done.stderr}")
        runs[size] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"\nRAID registers — {runs[RAID_SIZES[0]]['vendor']}, median server time\n")
    print(f"{'measure':44} {'items':>8} {'median ms':>10} {'queries':>8} {'target':>8}")
    for size, run in runs.items():
        for name, (ms, queries) in run["pages"].items():
            target = f"<{RAID_TARGET_MS}" if size == RAID_SIZES[-1] else ""
            print(f"{name:44} {run['items']:>8} {ms:>10.1f} {queries:>8} {target:>8}")
    small, large = (runs[size]["pages"] for size in RAID_SIZES)
    for name in small:
        verdict = "equal" if small[name][1] == large[name][1] else "GROWS"
        print(f"{name}: queries {small[name][1]} vs {large[name][1]} ({verdict})")
    big = runs[RAID_SIZES[-1]]
    print(f"({big['items']:,} items across {big['size']:,} projects: {big['per_register']})")
    for name, query in big["slow"].items():
        print(f"\nover target: {name}; slowest query {query['ms']:.1f} ms:\n  {query['sql']}")
        print("  plan: " + "\n        ".join(query["plan"]))

    from bench.raid_import import time_raid_import

    rows, seconds = time_raid_import()
    print(
        f"\nimport of {rows:,} risks (xlsx, all-or-nothing): {seconds:.1f} s "
        f"(target < {RAID_IMPORT_TARGET_S} s)"
    )


def main() -> None:
    if sys.argv[1:] == ["dashboard"]:
        dashboard_bench()
        return
    if sys.argv[1:] == ["raid"]:
        call_command("migrate", verbosity=0)
        raid_bench()
        return
    if sys.argv[1:] == ["import"]:
        call_command("migrate", verbosity=0)
        grow_register(SMALL)
        from bench.imports import time_import

        rows, seconds = time_import()
        print(f"import of a {rows:,}-row register (xlsx, all-or-nothing): {seconds:.1f} s (target < 15 s)")
        return
    call_command("migrate", verbosity=0)
    user = register_user()
    client = Client()
    client.force_login(user)
    endpoints = {
        "register page (50 rows, status filter)": "/projects/?status=active",
        "API /api/v1/projects/ (status filter)": "/api/v1/projects/?status=active",
    }
    targets = dict(zip(endpoints, (150, 100), strict=True))
    results: dict[tuple[str, int], tuple[float, int]] = {}
    for size in (SMALL, LARGE):
        grow_register(size)
        for name, url in endpoints.items():
            fetch = get(client, url)
            results[(name, size)] = (median_ms(fetch), query_count(fetch))

    print(f"\nPortfolio Office benchmark — {connection.vendor}, {REPEATS} runs each, median server time\n")
    print(f"{'measure':44} {'projects':>8} {'median ms':>10} {'queries':>8} {'target':>8}")
    for (name, size), (ms, queries) in results.items():
        target = f"<{targets[name]}" if size == LARGE else ""
        print(f"{name:44} {size:>8} {ms:>10.1f} {queries:>8} {target:>8}")
    print()
    for name in endpoints:
        (small_ms, small_q), (large_ms, large_q) = results[(name, SMALL)], results[(name, LARGE)]
        verdict = "equal" if small_q == large_q else "GROWS"
        ratio = large_ms / small_ms
        print(f"{name}: time ratio {LARGE}/{SMALL} = {ratio:.2f}; queries {small_q} vs {large_q} ({verdict})")

    from bench.imports import time_import

    rows, seconds = time_import()
    print(f"\nimport of a {rows:,}-row register (xlsx, all-or-nothing): {seconds:.1f} s (target < 15 s)")
    dashboard_bench()
    raid_bench()


if __name__ == "__main__":
    main()
