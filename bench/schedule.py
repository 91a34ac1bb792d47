"""The schedule engine's critical path on a large plan, against networkx on the same network.

A seeded plan of 100,000 tasks and 150,000 finish-to-start links (durations of 1-10 days, every
fifth link with a lag) on MS Project's Standard calendar with UK bank holidays: the engine's
forward and backward pass with calendar dates, floats and critical flags (``schedule``), then
networkx's longest path through the same network in working minutes (``dag_longest_path_length``),
which computes the finish alone, without calendars or dates (each the median of three runs).
Both must find the same finish.
Prints one line per figure; ``python bench/schedule.py`` runs it alone. Issue 11's target: the
engine under 2 s, and at least 5x faster than networkx. Then MS Project XML: a plan of 10,000
tasks / 15,000 links exported with its schedule (``write_mspdi``, target < 3 s) and imported back
(``read_mspdi``, target < 5 s), which must schedule the same. Last, Monte Carlo schedule risk
(``analyse_schedule_risk``): 10,000 iterations of a plan of 1,000 tasks / 1,500 links with a
three-point estimate on every task (80%, 100% and 150% of its duration), triangular and PERT,
each with its percentiles, criticality, sensitivity, histogram and S-curve (target < 2 s).

The pages (``python bench/schedule.py 60``: that many projects, in its own throwaway database, one
JSON line; ``bench/run.py schedule`` runs 6 and 60): every project has an imported plan of about
83 tasks (phases of tasks and a milestone, baselined), the first a plan of 83 x that many tasks
(about 5,000 at 60); timed beside the floor (``bench/measure.py``): the first project's Plan tab
(its Gantt and first 100 tasks) and the portfolio roadmap's first page (25 projects). Target:
< 300 ms, the same queries at both sizes. Then a save of the largest plan as the Plan tab's task
form makes it (a task's duration changed early in the plan, moving every task after it: the
document read, changed, scheduled and written, the rows updated), the median of five.
"""

import json
import os
import random
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pmo.engine.calendar import minute_of, standard_calendar  # noqa: E402
from pmo.engine.mspdi import project_from_plan, read_mspdi, write_mspdi  # noqa: E402
from pmo.engine.schedule import Link, Plan, Task, schedule  # noqa: E402
from pmo.engine.schedule_risk import Distribution, Estimate, analyse_schedule_risk  # noqa: E402

TASKS = 100_000
LINKS = 150_000
DAY = 480
TARGET_S = 2.0
START = datetime(2026, 1, 5, 8)
RISK_TASKS = 1_000
RISK_ITERATIONS = 10_000
SHOWN = {Distribution.TRIANGULAR: "triangular", Distribution.PERT: "PERT"}
PAGE_SIZES = (6, 60)  # projects with a plan
PLAN_TASKS = 83  # tasks of each project's plan (the first has this many times the projects)
PAGE_TARGET_MS = 300


def make_plan(tasks: int = TASKS, links: int = LINKS, seed: int = 11) -> Plan:
    """Tasks in 50 waves (a plan of a year or two): each task after one to three of the wave
    before it."""
    rng = random.Random(seed)
    made = [Task(index, rng.randint(1, 10) * DAY) for index in range(tasks)]
    wave = max(tasks // 50, 1)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < links:
        successor = rng.randrange(wave, tasks)
        first = (successor // wave - 1) * wave
        pairs.add((rng.randrange(first, first + wave), successor))
    joined = [Link(a, b, lag=DAY if (a + b) % 5 == 0 else 0) for a, b in sorted(pairs)]
    return Plan(tasks=made, links=joined, start=START, calendar=standard_calendar())


def networkx_finish(plan: Plan) -> tuple[int, float, float, float]:
    """networkx's longest path in working minutes: (length, seconds to build, seconds to solve,
    CPU seconds for both)."""
    import networkx as nx

    cpu = time.process_time()
    began = time.perf_counter()
    graph: Any = nx.DiGraph()
    duration = {task.id: task.duration for task in plan.tasks}
    graph.add_weighted_edges_from(("start", task.id, 0) for task in plan.tasks)
    graph.add_weighted_edges_from((task.id, "end", task.duration) for task in plan.tasks)
    graph.add_weighted_edges_from(
        (link.predecessor, link.successor, duration[link.predecessor] + link.lag) for link in plan.links
    )
    built = time.perf_counter()
    length = nx.dag_longest_path_length(graph, weight="weight")
    return length, built - began, time.perf_counter() - built, time.process_time() - cpu


def time_schedule(repeats: int = 3) -> dict[str, Any]:
    """The engine's and networkx's times on the same network, each the median of ``repeats`` runs."""
    plan = make_plan()
    schedule(make_plan(1000, 1500))  # load numpy and warm the code paths
    engine_runs = []
    for _ in range(repeats):
        cpu = time.process_time()
        began = time.perf_counter()
        result = schedule(plan)
        engine_runs.append((time.perf_counter() - began, time.process_time() - cpu))
    calendar = plan.calendar
    length = calendar.work_before(minute_of(result.finish)) - calendar.work_before(minute_of(plan.start))
    networkx_runs = [networkx_finish(plan) for _ in range(repeats)]
    nx_length = networkx_runs[0][0]
    return {
        "tasks": len(plan.tasks),
        "links": len(plan.links),
        "engine_s": statistics.median(wall for wall, _ in engine_runs),
        "engine_cpu_s": statistics.median(cpu for _, cpu in engine_runs),
        "networkx_cpu_s": statistics.median(run[3] for run in networkx_runs),
        "finish": result.finish,
        "critical": len(result.critical),
        "same_finish": length == nx_length,
        "networkx_s": statistics.median(run[1] + run[2] for run in networkx_runs),
        "networkx_solve_s": statistics.median(run[2] for run in networkx_runs),
    }


def time_mspdi(tasks: int = 10_000) -> dict[str, Any]:
    """Export a scheduled plan as MSPDI and import it back: wall and CPU seconds each way."""
    plan = make_plan(tasks, tasks * 3 // 2)
    result = schedule(plan)
    project = project_from_plan(plan, "bench")
    cpu, began = time.process_time(), time.perf_counter()
    data = write_mspdi(project, result)
    export = (time.perf_counter() - began, time.process_time() - cpu)
    cpu, began = time.process_time(), time.perf_counter()
    back = read_mspdi(data)
    imported = (time.perf_counter() - began, time.process_time() - cpu)
    again = schedule(back.plan())
    same = all(result.tasks[task.id] == again.tasks[uid] for uid, task in enumerate(plan.tasks, start=1))
    return {"tasks": tasks, "bytes": len(data), "export": export, "import": imported, "same": same}


def time_risk() -> list[dict[str, Any]]:
    """Monte Carlo over 1,000 tasks, each estimated 80%-100%-150% of its duration, triangular then
    PERT: wall and CPU seconds, and what the analysis found."""
    plan = make_plan(RISK_TASKS, RISK_TASKS * 3 // 2)
    runs = []
    for distribution in Distribution:
        estimates = {
            task.id: Estimate(task.duration * 4 // 5, task.duration, task.duration * 3 // 2, distribution)
            for task in plan.tasks
        }
        analyse_schedule_risk(plan, estimates, iterations=100)  # load and warm the code paths
        cpu, began = time.process_time(), time.perf_counter()
        result = analyse_schedule_risk(plan, estimates, iterations=RISK_ITERATIONS)
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
        runs.append(
            {
                "distribution": distribution,
                "tasks": len(plan.tasks),
                "links": len(plan.links),
                "wall": wall,
                "cpu": cpu,
                "finish": result.finish,
                "chance": result.chance_by(result.finish.deterministic),
                "mostly_critical": sum(share > 0.5 for share in result.criticality.values()),
            }
        )
    return runs


def phased_file(tasks: int, start: datetime, seed: int) -> bytes:
    """MS Project XML of a plan in phases of 20 tasks and a milestone, one after another, each
    phase a summary; baselined as first planned, then the work grown by up to a fifth."""
    from dataclasses import replace

    from pmo.engine.mspdi import Baseline

    rng = random.Random(seed)
    made: list[Task] = []
    links: list[Link] = []
    previous = None
    while len(made) < tasks:
        phase = len(made) + 1
        made.append(Task(phase, name=f"Phase {phase // 21 + 1}"))
        for _ in range(min(19, tasks - len(made) - 1)):
            number = len(made) + 1
            made.append(Task(number, rng.randint(1, 5) * DAY, name=f"Task {number}", parent=phase))
            if previous is not None:
                links.append(Link(previous, len(made)))
            previous = len(made)
        made.append(Task(len(made) + 1, name=f"Milestone {phase // 21 + 1}", milestone=True, parent=phase))
        if previous is not None:
            links.append(Link(previous, len(made)))
        previous = len(made)
    planned = Plan(tasks=made, links=links, start=start, calendar=standard_calendar())
    baseline = schedule(planned).tasks
    grown = [replace(t, duration=t.duration * rng.randint(100, 120) // 100) for t in made]
    current = replace(planned, tasks=grown)
    project = project_from_plan(current, "bench")
    project = replace(
        project,
        tasks=[
            replace(item, baselines=(Baseline(0, baseline[item.uid].start, baseline[item.uid].finish),))
            for item in project.tasks
        ],
    )
    return write_mspdi(project, schedule(current))


def time_pages(size: int) -> dict[str, Any]:
    """``size`` projects with plans in a fresh database: the Plan tab and the roadmap, timed."""
    from bench.measure import start

    start("schedule")
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench.data import grow_register, register_user
    from bench.measure import measure
    from pmo.portfolio.models import Project
    from pmo.schedule import services

    call_command("migrate", verbosity=0)
    grow_register(size)
    projects = list(Project.objects.order_by("code")[:size])
    tasks = 0
    for index, project in enumerate(projects):
        count = PLAN_TASKS * size if index == 0 else PLAN_TASKS
        begun = datetime.combine(project.planned_start or START.date(), START.time())
        data = phased_file(count, begun, seed=index)
        plan = services.plan_import(actor=None, project=project, data=data, filename="bench.xml")
        tasks += plan.tasks_count
    client = Client()
    client.force_login(register_user())
    pages = {
        "Plan tab (the largest plan)": f"/plans/projects/{projects[0].code}/",
        "portfolio roadmap (first 25 projects)": "/plans/roadmap/",
    }
    repeats = int(os.environ.get("BENCH_REPEATS", "25"))
    found = measure(client, pages, repeats)
    largest = projects[0].plan.tasks_count
    edits = time_edits(projects[0].plan, int(os.environ.get("BENCH_EDITS", "5")))
    return {
        "size": size,
        "tasks": tasks,
        "largest": largest,
        "vendor": connection.vendor,
        "pages": found,
        "edits": edits,
    }


def time_edits(plan: Any, repeats: int) -> dict[str, Any]:
    """Saves of the largest plan as the Plan tab's form makes them (``plan_task_change``): the
    second task's duration changed, so every task after it moves; wall and CPU seconds, median."""
    from pmo.core.models import User
    from pmo.schedule import services_edit
    from pmo.schedule.models import PlanTask

    actor = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench-editor")
    task = PlanTask.objects.filter(plan=plan, summary=False).order_by("row").first()
    walls, cpus, moved = [], [], 0
    for step in range(repeats):
        before = dict(PlanTask.objects.filter(plan=plan).values_list("uid", "finish"))
        cpu, began = time.process_time(), time.perf_counter()
        services_edit.plan_task_change(
            actor=actor,
            plan=plan,
            uid=task.uid,
            fields={"duration": f"{2 + step % 2 * 3}d"},
            expected_version=plan.version,
        )
        walls.append(time.perf_counter() - began)
        cpus.append(time.process_time() - cpu)
        after = dict(PlanTask.objects.filter(plan=plan).values_list("uid", "finish"))
        moved = sum(after[uid] != finish for uid, finish in before.items())
    return {
        "tasks": plan.tasks_count,
        "wall": sorted(walls)[len(walls) // 2],
        "cpu": sorted(cpus)[len(cpus) // 2],
        "moved": moved,
    }


def report(run: dict[str, Any]) -> None:
    size = f"{run['tasks']:,} tasks / {run['links']:,} links"
    print(
        f"\nschedule engine (CPM, calendar dates, floats) on {size}: "
        f"{run['engine_s']:.2f} s, CPU {run['engine_cpu_s']:.2f} s (target < {TARGET_S:.0f} s); "
        f"finish {run['finish']:%d %b %Y}, "
        f"{run['critical']:,} critical tasks"
    )
    print(
        f"networkx longest path on the same network: {run['networkx_s']:.2f} s, "
        f"CPU {run['networkx_cpu_s']:.2f} s (building the graph and solving; solving alone "
        f"{run['networkx_solve_s']:.2f} s); engine {run['networkx_s'] / run['engine_s']:.1f}x faster, "
        f"by CPU {run['networkx_cpu_s'] / run['engine_cpu_s']:.1f}x (aim >= 5x); "
        f"same finish: {'yes' if run['same_finish'] else 'NO'}"
    )


def report_mspdi(run: dict[str, Any]) -> None:
    print(
        f"MSPDI of {run['tasks']:,} tasks ({run['bytes'] / 1e6:.1f} MB): export {run['export'][0]:.2f} s, "
        f"CPU {run['export'][1]:.2f} s (target < 3 s); import {run['import'][0]:.2f} s, "
        f"CPU {run['import'][1]:.2f} s (target < 5 s); re-imported plan schedules the same: "
        f"{'yes' if run['same'] else 'NO'}"
    )


def report_risk(runs: list[dict[str, Any]]) -> None:
    for run in runs:
        finish = run["finish"]
        print(
            f"Monte Carlo schedule risk, {RISK_ITERATIONS:,} iterations x {run['tasks']:,} tasks / "
            f"{run['links']:,} links ({SHOWN[run['distribution']]}): {run['wall']:.2f} s, "
            f"CPU {run['cpu']:.2f} s (target < 2 s); finish P50 {finish.p50:%d %b %Y}, "
            f"P80 {finish.p80:%d %b %Y} against the plan's {finish.deterministic:%d %b %Y} "
            f"(met in {run['chance']:.0%} of iterations), "
            f"{run['mostly_critical']:,} tasks critical in most iterations"
        )


if __name__ == "__main__" and len(sys.argv) > 1:
    print(json.dumps(time_pages(int(sys.argv[1]))))
elif __name__ == "__main__":
    report(time_schedule())
    report_mspdi(time_mspdi())
    report_risk(time_risk())
