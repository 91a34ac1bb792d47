"""Writes of project plans: importing a plan from MS Project XML (all or nothing), which replaces
the project's plan as a whole, scheduled by the engine on its own calendars; setting its tasks'
three-point estimates and running a Monte Carlo simulation of it (schedule risk)."""

import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from pmo.core import clock
from pmo.core.models import User
from pmo.core.permissions import ensure_can
from pmo.core.services import record_create, record_update, short_reason
from pmo.engine.calendar import CalendarError
from pmo.engine.mspdi import MAX_BYTES, ImportedProject, MspdiError, read_mspdi
from pmo.engine.project_files import ProjectFileError, read_by_mpxj, to_mspdi
from pmo.engine.schedule import Schedule, ScheduleError, schedule
from pmo.engine.schedule_risk import (
    Distribution,
    Estimate,
    RiskEvent,
    ScheduleRiskError,
    analyse_schedule_risk,
)
from pmo.portfolio.models import Project
from pmo.portfolio.services import project_update
from pmo.raid.models import RaidSettings, Risk
from pmo.schedule import adapters
from pmo.schedule.models import (
    KeyMilestone,
    Plan,
    PlanLink,
    PlanTask,
    ScheduleRun,
    ScheduleRunBin,
    ScheduleRunMilestone,
    ScheduleRunTask,
    TaskEstimate,
    TaskRisk,
)

NOT_READ = "{file}: {error}"
NOTHING_TO_SCHEDULE = "{file} has no tasks to schedule."
IMPORTED = "Imported from {file}: {tasks:,} tasks, finishing {finish:%-d %b %Y}."


def plan_read(*, data: bytes, filename: str) -> tuple[ImportedProject, Schedule]:
    """``data`` (MS Project XML, or a file MPXJ reads: ``.mpp``, ``.mpx``, ``.gan``, ``.xer``,
    ``.pmxml``, ``.planner``, turned into MS Project XML first) read and scheduled, writing
    nothing; a ValidationError on ``file`` naming what is wrong and where (task, field, line)
    when it cannot be, or saying that the server lacks the Java runtime MPXJ needs."""
    try:
        if read_by_mpxj(filename):
            data = to_mspdi(data, filename, limit=MAX_BYTES)
        imported = read_mspdi(data, limit=MAX_BYTES)
        if not any(item.active for item in imported.tasks):
            raise ValidationError({"file": NOTHING_TO_SCHEDULE.format(file=filename)})
        return imported, schedule(imported.plan())
    except (MspdiError, ProjectFileError, ScheduleError, CalendarError) as exc:
        raise ValidationError({"file": NOT_READ.format(file=filename, error=exc)}) from exc


@transaction.atomic
def plan_import(*, actor: User | None, project: Project, data: bytes, filename: str) -> Plan:
    """Read ``data`` (MS Project XML, or a file MPXJ reads), schedule it and make it ``project``'s
    plan, replacing the one it had; a file that cannot be read or scheduled is refused naming
    what and where, and nothing is written. ``actor`` None is the system (the demo, the command
    line without --user)."""
    if actor is not None:
        ensure_can(actor, "schedule.add_plan", project, action=f"import a plan for {project}")
    imported, computed = plan_read(data=data, filename=filename)
    fields = {
        "name": (imported.name or project.name)[:255],
        "source_name": filename[:255],
        "document": adapters.document(imported, computed),
        "start": adapters.aware(computed.start),
        "finish": adapters.aware(computed.finish),
        "status_date": adapters.aware(imported.status_date),
        "imported_by": actor,
        "imported_at": clock.now(),
        "tasks_count": len(computed.tasks),
        "critical_count": len(computed.critical),
        "baseline_numbers": adapters.baseline_numbers(imported),
    }
    reason = IMPORTED.format(file=filename, tasks=len(computed.tasks), finish=computed.finish)
    current = Plan.objects.select_for_update().filter(project=project).first()
    if current is None:
        plan = record_create(
            model=Plan, actor=actor, fields={"project": project, **fields}, reason=reason, authorised=True
        )
    else:
        plan = record_update(
            instance=current,
            actor=actor,
            fields=fields,
            expected_version=None,
            reason=reason,
            authorised=True,
        )
        plan.tasks.all().delete()
        plan.links.all().delete()
    rows = adapters.task_rows(plan, imported, computed)
    PlanTask.objects.bulk_create(rows, batch_size=2000)
    PlanLink.objects.bulk_create(
        adapters.link_rows(plan, imported, {row.uid for row in rows}), batch_size=2000
    )
    adapters.rows_of_baselines_and_calendars(plan, imported, computed)
    _default_key_milestones(plan, rows)
    _proposed_dates(actor, project, rows, filename)
    return plan


def _approved_baseline(project: Project) -> Any:
    """The project's approved plan: its latest baseline version (ADR 0019), read through the
    ``baselines`` relation (reporting sits beside this app, not below it), or None."""
    return project.baselines.order_by("-number").first()


def _default_key_milestones(plan: Plan, rows: list[PlanTask]) -> None:
    """A plan whose milestones were never flagged (nor unflagged) gets as key milestones those
    named as the approved baseline's milestones: the dates the board approved (ADR 0042)."""
    if KeyMilestone.objects.filter(plan=plan).exists():
        return
    baseline = _approved_baseline(plan.project)
    if baseline is None:
        return
    names = set(baseline.milestones.values_list("name", flat=True))
    keys = {row.uid: True for row in rows if row.milestone and row.name.strip() in names}
    if keys:
        _keys_written(
            None, plan, keys, {row.uid: row for row in rows}, KEYS_BY_BASELINE.format(number=baseline.number)
        )


def _proposed_dates(actor: User | None, project: Project, rows: list[PlanTask], filename: str) -> None:
    """Before the first baseline is approved the project's own planned start and finish are its
    plan (ADR 0019): a plan baselined in MS Project sets them (ADR 0042)."""
    starts = [row.baseline_start for row in rows if row.baseline_start is not None]
    finishes = [row.baseline_finish for row in rows if row.baseline_finish is not None]
    if not starts or not finishes or _approved_baseline(project) is not None:
        return
    fields = {
        "planned_start": timezone.localdate(min(starts)),
        "planned_finish": timezone.localdate(max(finishes)),
    }
    current = Project.objects.get(pk=project.pk)
    if all(getattr(current, name) == value for name, value in fields.items()):
        return
    project_update(
        actor=actor,
        project=current,
        fields=fields,
        expected_version=None,
        reason=short_reason(PROPOSED_FROM_PLAN.format(file=filename)),
    )
    project.refresh_from_db()


KEY_NOT_A_MILESTONE = "{task}: only a milestone can be a key milestone."
TOO_MANY_KEYS = (
    "Flag at most {limit} key milestones (a highlight report lists at most that many); this makes {count}."
)
KEYS_BY_BASELINE = "Flagged on import: named as a milestone of baseline v{number}."
KEY_SET = "Flagged as a key milestone."
KEY_CLEARED = "No longer a key milestone."
PROPOSED_FROM_PLAN = "Planned start and finish from the baseline of the plan {file}."


@transaction.atomic
def key_milestones_set(*, actor: User, plan: Plan, keys: Mapping[int, bool]) -> int:
    """Flag (True) or unflag (False) milestones of ``plan``, by task UID, as key for portfolio
    reporting, all or nothing: each must be a milestone of the plan, and the plan keeps at most
    ``PMO_MAX_MILESTONES`` key milestones (a report's limit); errors name the task. The flags
    survive a re-import (by UID) and each change is in the flag's history. Returns how many
    flags changed."""
    project = plan.project
    ensure_can(actor, "schedule.change_plan", project, action=f"flag the key milestones of {project}")
    tasks = {task.uid: task for task in PlanTask.objects.filter(plan=plan, uid__in=list(keys))}
    errors = []
    for uid in keys:
        task = tasks.get(uid)
        if task is None:
            errors.append(NO_SUCH_TASK.format(uid=uid))
        elif not task.milestone:
            errors.append(KEY_NOT_A_MILESTONE.format(task=f"{task.name or 'Task'} (ID {task.row})"))
    if errors:
        raise ValidationError(errors)
    flagged = set(
        KeyMilestone.objects.filter(
            plan=plan, key=True, uid__in=PlanTask.objects.filter(plan=plan, milestone=True).values("uid")
        ).values_list("uid", flat=True)
    )
    flagged = (flagged | {uid for uid, key in keys.items() if key}) - {
        uid for uid, key in keys.items() if not key
    }
    limit = settings.PMO_MAX_MILESTONES
    if len(flagged) > limit:
        raise ValidationError(TOO_MANY_KEYS.format(limit=limit, count=len(flagged)))
    return _keys_written(actor, plan, keys, tasks)


def _keys_written(
    actor: User | None, plan: Plan, keys: Mapping[int, bool], tasks: Mapping[int, PlanTask], reason: str = ""
) -> int:
    """Each flag of ``keys`` kept (one history entry per flag changed); how many changed."""
    existing = {row.uid: row for row in KeyMilestone.objects.filter(plan=plan, uid__in=list(keys))}
    changed = 0
    for uid, key in keys.items():
        name = tasks[uid].name[:255]
        why = reason or (KEY_SET if key else KEY_CLEARED)
        row = existing.get(uid)
        if row is None:
            if not key:
                continue
            record_create(
                model=KeyMilestone,
                actor=actor,
                fields={"plan": plan, "uid": uid, "name": name, "key": True},
                reason=why,
                authorised=True,
            )
        elif row.key != key:
            record_update(
                instance=row,
                actor=actor,
                fields={"key": key, "name": name},
                expected_version=None,
                reason=why,
                authorised=True,
            )
        else:
            continue
        changed += 1
    return changed


def plan_export(*, plan: Plan) -> bytes:
    """The plan as MS Project XML, with the dates the engine works out now."""
    project = adapters.project_of(plan)
    return adapters.document(project, schedule(project.plan()))


ITERATIONS = 10_000
MAX_ITERATIONS = 50_000  # a run is made while the user waits: about a second per 10,000 on 500 tasks
NO_SUCH_TASK = "Task {uid}: there is no such task in the plan."
SUMMARY_TASK = "{task}: a summary task takes no estimate; estimate the tasks under it."
NEGATIVE = "{task}: an estimate cannot be negative."
OUT_OF_ORDER = "{task}: the minimum cannot exceed the most likely, nor the most likely the maximum."
BAD_ITERATIONS = "The number of iterations must be from 100 to {limit:,}."
RAN = "Simulated {iterations:,} times: P80 finish {p80:%-d %b %Y}."


@transaction.atomic
def task_estimates_set(*, actor: User, plan: Plan, estimates: Mapping[int, Estimate | None]) -> int:
    """Set (or, for None, clear) the three-point estimates of ``plan``'s tasks, by UID, all or
    nothing: each needs 0 <= minimum <= most likely <= maximum (working minutes) and a task of
    the plan that is not a summary; errors name the task. Returns how many estimates are set."""
    ensure_can(actor, "schedule.change_plan", plan.project, action=f"estimate the plan of {plan.project}")
    tasks = {task.uid: task for task in PlanTask.objects.filter(plan=plan, uid__in=list(estimates))}
    errors = []
    for uid, estimate in estimates.items():
        task = tasks.get(uid)
        named = f"{task.name or 'Task'} (ID {task.row})" if task else ""
        if task is None:
            errors.append(NO_SUCH_TASK.format(uid=uid))
        elif estimate is None:
            continue
        elif task.summary:
            errors.append(SUMMARY_TASK.format(task=named))
        elif min(estimate.minimum, estimate.likely, estimate.maximum) < 0:
            errors.append(NEGATIVE.format(task=named))
        elif not estimate.minimum <= estimate.likely <= estimate.maximum:
            errors.append(OUT_OF_ORDER.format(task=named))
    if errors:
        raise ValidationError(errors)
    cleared = [uid for uid, estimate in estimates.items() if estimate is None]
    TaskEstimate.objects.filter(plan=plan, uid__in=cleared).delete()
    now = clock.now()
    kept = [
        TaskEstimate(
            plan=plan,
            uid=uid,
            minimum=estimate.minimum,
            likely=estimate.likely,
            maximum=estimate.maximum,
            distribution=estimate.distribution.value,
            updated_by=actor,
            updated_at=now,
        )
        for uid, estimate in estimates.items()
        if estimate is not None
    ]
    TaskEstimate.objects.bulk_create(
        kept,
        update_conflicts=True,
        unique_fields=["plan", "uid"],
        update_fields=["minimum", "likely", "maximum", "distribution", "updated_by", "updated_at"],
    )
    return len(kept)


RISK_NOT_OPEN = "{risk} is not an open risk of {project}."
RISK_ON_SUMMARY = "{task}: a summary task takes no risk; tie it to a task under it."
RISK_OUT_OF_ORDER = (
    "{risk}: the minimum impact cannot exceed the most likely, nor the most likely the maximum."
)


@transaction.atomic
def task_risk_set(
    *, actor: User, plan: Plan, risk: Risk, uid: int | None, impact: Estimate | int | None = None
) -> TaskRisk | None:
    """Tie ``risk`` (an open risk of the plan's project) to the task ``uid`` of ``plan`` with a
    schedule impact in working minutes (a three-point ``Estimate``, or one figure; negative for an
    opportunity), replacing its tie if it had one; ``uid`` None unties it. A schedule risk run
    adds the impact to the task in the iterations where the risk occurs, with the likelihood of
    its residual probability on the RAID matrix. Errors name the risk or the task."""
    project = plan.project
    ensure_can(actor, "schedule.change_plan", project, action=f"tie risks to the plan of {project}")
    if uid is None:
        TaskRisk.objects.filter(plan=plan, risk=risk).delete()
        return None
    if risk.project_id != project.pk or risk.status not in Risk.OPEN_STATUSES:
        raise ValidationError({"risk": RISK_NOT_OPEN.format(risk=risk.reference, project=project.code)})
    task = PlanTask.objects.filter(plan=plan, uid=uid).first()
    if task is None:
        raise ValidationError({"task": NO_SUCH_TASK.format(uid=uid)})
    if task.summary:
        raise ValidationError({"task": RISK_ON_SUMMARY.format(task=f"{task.name or 'Task'} (ID {task.row})")})
    low, likely, high = (
        (impact, impact, impact)
        if isinstance(impact, int)
        else ((impact.minimum, impact.likely, impact.maximum) if impact is not None else (0, 0, 0))
    )
    if not low <= likely <= high:
        raise ValidationError({"impact": RISK_OUT_OF_ORDER.format(risk=risk.reference)})
    tie, _ = TaskRisk.objects.update_or_create(
        plan=plan,
        risk=risk,
        defaults={
            "uid": uid,
            "minimum": low,
            "likely": likely,
            "maximum": high,
            "updated_by": actor,
            "updated_at": clock.now(),
        },
    )
    return tie


def _risk_events(plan: Plan, tasks: Mapping[Any, PlanTask]) -> list[RiskEvent]:
    """The plan's ties of open risks to tasks still in it (not summaries), as the engine's risk
    events: each occurs with the likelihood of its residual probability on the RAID matrix."""
    ties = [
        tie
        for tie in TaskRisk.objects.filter(plan=plan, risk__status__in=Risk.OPEN_STATUSES)
        .select_related("risk")
        .order_by("risk_id")
        if tie.uid in tasks and not tasks[tie.uid].summary
    ]
    if not ties:
        return []
    found = RaidSettings.objects.order_by("pk").first()
    matrix = (found or RaidSettings()).matrix
    return [
        RiskEvent(
            name=tie.risk.reference,
            probability=float(matrix.likelihood(tie.risk.residual_probability)) / 100,
            impact=Estimate(tie.minimum, tie.likely, tie.maximum)
            if tie.minimum != tie.maximum
            else tie.minimum,
            tasks=(tie.uid,),
        )
        for tie in ties
    ]


def _target(plan: Plan) -> Any:
    """The baseline finish of the plan: the latest baseline finish of its tasks, if any."""
    return PlanTask.objects.filter(plan=plan).aggregate(target=Max("baseline_finish"))["target"]


@transaction.atomic
def schedule_run_create(
    *, actor: User, plan: Plan, iterations: int = ITERATIONS, seed: int | None = None
) -> ScheduleRun:
    """Simulate ``plan`` ``iterations`` times with its tasks' three-point estimates (tasks without
    one keep their duration) and keep the result: the finish's percentiles and each key
    milestone's, the chance of the baseline finish, the histogram and each task's criticality and
    sensitivity. ``seed`` None
    draws one, kept with the run so it can be repeated. All or nothing."""
    project = plan.project
    ensure_can(actor, "schedule.change_plan", project, action=f"run a schedule risk analysis of {project}")
    if not 100 <= iterations <= MAX_ITERATIONS:
        raise ValidationError({"iterations": BAD_ITERATIONS.format(limit=MAX_ITERATIONS)})
    seed = secrets.randbelow(2**31) if seed is None else seed
    tasks: dict[Any, PlanTask] = {task.uid: task for task in PlanTask.objects.filter(plan=plan)}
    estimates: dict[Any, Estimate] = {
        row.uid: Estimate(row.minimum, row.likely, row.maximum, Distribution(row.distribution))
        for row in TaskEstimate.objects.filter(plan=plan)
        if row.uid in tasks and not tasks[row.uid].summary
    }
    target = _target(plan)
    risks = _risk_events(plan, tasks)
    keys = sorted(
        uid
        for uid in KeyMilestone.objects.filter(plan=plan, key=True).values_list("uid", flat=True)
        if uid in tasks and tasks[uid].milestone and not tasks[uid].summary
    )
    try:
        analysis = analyse_schedule_risk(
            adapters.project_of(plan).plan(),
            estimates,
            iterations=iterations,
            seed=seed,
            key_tasks=keys,
            risks=risks,
            target=None if target is None else adapters.wall_clock(target),
            key_targets={
                uid: adapters.wall_clock(due)
                for uid in keys
                if (due := tasks[uid].baseline_finish) is not None
            },
        )
    except (ScheduleRiskError, ScheduleError, CalendarError, MspdiError) as exc:
        raise ValidationError(str(exc)) from exc
    finish = analysis.finish
    run = record_create(
        model=ScheduleRun,
        actor=actor,
        fields={
            "project": project,
            "plan": plan,
            "plan_version": plan.version,
            "run_by": actor,
            "run_at": clock.now(),
            "iterations": iterations,
            "seed": seed,
            "estimates_count": len(estimates),
            "risks_count": len(risks),
            "target": target,
            "target_chance": analysis.target_chance,
            "deterministic": adapters.aware(finish.deterministic),
            "p10": adapters.aware(finish.p10),
            "p50": adapters.aware(finish.p50),
            "p80": adapters.aware(finish.p80),
            "p90": adapters.aware(finish.p90),
        },
        reason=RAN.format(iterations=iterations, p80=finish.p80),
        authorised=True,
    )
    ScheduleRunBin.objects.bulk_create(
        ScheduleRunBin(run=run, start=bar.start.date(), end=bar.end.date(), count=bar.count, cumulative=share)
        for bar, (_, share) in zip(analysis.histogram, analysis.s_curve, strict=True)
    )
    sensitivity = dict(analysis.sensitivity)
    ScheduleRunTask.objects.bulk_create(
        (
            ScheduleRunTask(
                run=run,
                uid=uid,
                name=tasks[uid].name if uid in tasks else "",
                criticality=share,
                sensitivity=sensitivity.get(uid),
            )
            for uid, share in analysis.criticality.items()
            if uid in tasks and not tasks[uid].summary
        ),
        batch_size=2000,
    )
    ScheduleRunMilestone.objects.bulk_create(
        ScheduleRunMilestone(
            run=run,
            uid=uid,
            name=tasks[uid].name,
            deterministic=adapters.aware(forecast.deterministic),
            baseline=tasks[uid].baseline_finish,
            baseline_chance=forecast.target_chance,
            p10=adapters.aware(forecast.p10),
            p50=adapters.aware(forecast.p50),
            p80=adapters.aware(forecast.p80),
            p90=adapters.aware(forecast.p90),
        )
        for uid, forecast in analysis.key_tasks.items()
    )
    return run
