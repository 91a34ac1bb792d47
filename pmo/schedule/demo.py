"""The demo's plans: several active projects have an MS Project plan imported by their project
manager — phases with their tasks and key milestones, a baseline, progress to the day, and on
some a build that overran, so the Gantt shows slippage against the baseline and a critical path.
Made with the engine (the same MS Project XML a PM would upload), imported through the service.
The milestones are named as the project's approved baseline names them, so the import flags them
as its key milestones (ADR 0042) and the reports' forecasts of them draw its milestone trend."""

import datetime as dt
from dataclasses import replace

from pmo.core.demo import demo_moment, demo_run, demo_step
from pmo.engine.calendar import standard_calendar
from pmo.engine.mspdi import Baseline, project_from_plan, write_mspdi
from pmo.engine.schedule import Link, Plan, Task, schedule
from pmo.engine.schedule_risk import Estimate
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.demo import DemoContext
from pmo.portfolio.models import Project
from pmo.raid.models import Risk
from pmo.schedule import services
from pmo.schedule.models import Plan as PlanRow
from pmo.schedule.models import PlanTask

DAY = 480  # working minutes
# (phase, share of the working days, its key milestone)
PHASES = (
    ("Initiation", 0.10, "Business case approved"),
    ("Design", 0.20, "Design signed off"),
    ("Build", 0.35, ""),
    ("Test", 0.20, "Ready for service"),
    ("Deploy", 0.15, "Go live"),
)
PLANNED = 8  # active projects with a plan: the first by code that have started
SLIPPING = {1: 0.4, 4: 0.25}  # which of them overran their build, and by what share of it


def _plan(start: dt.date, finish: dt.date, *, slip: float, names: tuple[str, ...] = ()) -> Plan:
    """Phases spread over the working days from ``start`` to ``finish``, two tasks and a key
    milestone each (named ``names``, one a phase, else the phases' own), one after another; the
    build longer by ``slip``."""
    calendar = standard_calendar()
    working = max(sum(1 for n in range((finish - start).days) if (start + dt.timedelta(n)).weekday() < 5), 15)
    tasks, links, previous = [], [], None
    for number, (phase, share, own) in enumerate(PHASES):
        milestone = names[number] if len(names) == len(PHASES) else own
        summary = 100 * (number + 1)
        days = max(round(working * share), 2)
        tasks.append(Task(id=summary, name=phase))
        for step, (verb, part) in enumerate((("Plan", 0.3), ("Deliver", 0.7)), start=1):
            minutes = max(round(days * part), 1) * DAY
            if phase == "Build" and step == 2:
                minutes = round(minutes * (1 + slip))
            tasks.append(
                Task(id=summary + step, name=f"{phase}: {verb.lower()}", duration=minutes, parent=summary)
            )
            if previous is not None:
                links.append(Link(previous, summary + step))
            previous = summary + step
        if milestone:
            tasks.append(Task(id=summary + 9, name=milestone, milestone=True, parent=summary))
            links.append(Link(previous, summary + 9))
    moment = dt.datetime.combine(start, dt.time(8))
    return Plan(tasks=tasks, links=links, start=moment, calendar=calendar)


def _progressed(plan: Plan, today: dt.date) -> Plan:
    """``plan`` as it stands on ``today``: finished tasks done, the one under way partly done."""
    dates = schedule(plan).tasks
    now = dt.datetime.combine(today, dt.time(8))
    tasks = []
    for task in plan.tasks:
        found = dates[task.id]
        if task.parent is None or found.start >= now:
            tasks.append(task)
        elif found.finish <= now:
            tasks.append(
                replace(task, percent_complete=100.0, actual_start=found.start, actual_finish=found.finish)
            )
        else:
            share = (now - found.start) / (found.finish - found.start)
            tasks.append(replace(task, percent_complete=round(share * 100, 0), actual_start=found.start))
    return replace(plan, tasks=tasks, status_date=now)


def plan_file(
    name: str, start: dt.date, finish: dt.date, *, slip: float, today: dt.date, names: tuple[str, ...] = ()
) -> bytes:
    """The plan a project manager would save from MS Project: baselined as planned (no slip),
    with the progress made by ``today``; its milestones named ``names`` (one a phase). A plan
    that slipped was baselined again once the build overran (Baseline 1: the slipped plan), so
    the Plan tab can show it against either."""
    first = _plan(start, finish, slip=0.0, names=names)
    replanned = _plan(start, finish, slip=slip, names=names)
    current = _progressed(replanned, today)
    project = project_from_plan(current, name)
    ids = {task.id: number for number, task in enumerate(current.tasks, start=1)}
    saved = [(0, first)] + ([(1, replanned)] if slip else [])
    baselines: dict[int, list[Baseline]] = {uid: [] for uid in ids.values()}
    for number, plan in saved:
        dates = schedule(plan).tasks
        for task in plan.tasks:
            found = dates[task.id]
            baselines[ids[task.id]].append(Baseline(number, found.start, found.finish, task.duration))
    project = replace(
        project, tasks=[replace(item, baselines=tuple(baselines[item.uid])) for item in project.tasks]
    )
    return write_mspdi(project, schedule(current))


def _milestone_names(project: Project) -> tuple[str, ...]:
    """The milestones of the project's approved baseline, soonest first (none without one): read
    through the ``baselines`` relation, as the import reads them."""
    baseline = project.baselines.order_by("-number").first()
    if baseline is None:
        return ()
    return tuple(baseline.milestones.order_by("due", "name").values_list("name", flat=True))


@demo_step(order=270)
def project_plans(ctx: DemoContext) -> None:
    """The plans, each imported by its project manager a week ago (the system where they have
    no login)."""
    imported = ctx.today - dt.timedelta(days=7)
    started = sorted(
        (
            p
            for p in ctx.projects.values()
            if p.status == ProjectStatus.ACTIVE and p.planned_start and p.planned_finish
            and p.planned_start < imported < p.planned_finish
        ),
        key=lambda p: p.code,
    )  # fmt: skip
    for index, project in enumerate(started[:PLANNED]):
        start, finish = project.planned_start, project.planned_finish
        data = plan_file(
            project.name,
            start,
            finish,
            slip=SLIPPING.get(index, 0.0),
            today=imported,
            names=_milestone_names(project),
        )
        manager = project.project_manager.user if project.project_manager else None
        demo_run(
            demo_moment(imported, 9),
            services.plan_import,
            actor=manager,
            project=project,
            data=data,
            filename=f"{project.code} plan.xml",
        )


RISK_SEED = 2026  # the demo's runs are repeatable
RISK_ITERATIONS = 2000


@demo_step(order=272)
def schedule_risk(ctx: DemoContext) -> None:
    """Each plan's remaining tasks estimated (90% to 150% of their duration, the build 175%), the
    project's highest open risk tied to its build (a two-week delay at most), and a schedule risk
    run made the day after the import by the project manager, or the PMO head where the manager
    has no login: the Schedule risk page, its key milestones and the reporting page's line."""
    head = ctx.users.get("head")
    for plan in PlanRow.objects.select_related("project__project_manager__user").order_by("project__code"):
        project = plan.project
        actor = (
            project.project_manager.user if project.project_manager and project.project_manager.user else head
        )
        if actor is None:
            continue
        moment = demo_moment(plan.imported_at.date() + dt.timedelta(days=1), 10)
        leaves = PlanTask.objects.filter(plan=plan, summary=False, milestone=False, percent_complete__lt=100)
        estimates = {
            task.uid: Estimate(
                round(task.duration * 0.9),
                task.duration,
                round(task.duration * (1.75 if "Build" in task.name else 1.5)),
            )
            for task in leaves
            if task.duration > 0
        }
        demo_run(moment, services.task_estimates_set, actor=actor, plan=plan, estimates=estimates)
        risk = (
            Risk.objects.filter(project=project, status__in=Risk.OPEN_STATUSES)
            .order_by("-residual_score", "pk")
            .first()
        )
        build = leaves.filter(name__contains="Build").order_by("row").first()
        if risk is not None and build is not None:
            demo_run(
                moment,
                services.task_risk_set,
                actor=actor,
                plan=plan,
                risk=risk,
                uid=build.uid,
                impact=Estimate(2 * DAY, 5 * DAY, 10 * DAY),
            )
        demo_run(
            moment,
            services.schedule_run_create,
            actor=actor,
            plan=plan,
            iterations=RISK_ITERATIONS,
            seed=RISK_SEED,
        )
