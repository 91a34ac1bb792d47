"""Writes that edit a project's plan where it is shown (the Plan tab's forms, its Gantt chart, the
API): change a task, add a task or a milestone, delete a task, move a task to a day.

Each edit is applied to the plan's MS Project document, which is the plan (ADR 0039): the document
is read (``pmo.engine.mspdi``), changed (``pmo.engine.plan_edit``), scheduled again
(``pmo.engine.schedule``) and written back with the engine's dates, as a new version of the plan
with its history entry saying what changed; the task and link rows follow the document (rows
whose values changed are updated, so a task keeps its row and its API id). All or nothing: a
refusal (a duration that is not one, a predecessor that is not in the plan, a link loop naming its
tasks…) is a ValidationError on the field at fault, naming the task, and nothing is written; an
edit of a plan changed since the editor read it (``expected_version``) is a ConflictError."""

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from pmo.core.models import User
from pmo.core.permissions import ensure_can
from pmo.core.services import record_update, short_reason, stale_version
from pmo.engine import plan_edit
from pmo.engine.calendar import CalendarError
from pmo.engine.mspdi import ImportedProject
from pmo.engine.plan_edit import PlanEditError, Scheduled
from pmo.engine.schedule import LinkLoopError, Schedule, ScheduleError, schedule
from pmo.schedule import adapters
from pmo.schedule.models import Plan, PlanLink, PlanTask, TaskEstimate

CHANGED = "{task}: {changes}"
ADDED = "Added {task}"
ADDED_MILESTONE = "Added milestone {task}"
DELETED = "Deleted {task}"
DELETED_WITH = "Deleted {task} and the {count} task{s} under it"
MOVED = "Moved {task} to start no earlier than {day:%-d %b %Y}"
NOTHING_CHANGED = "Nothing to save: the task is as it was."
LOOP = "Link loop: {path}. Remove one of these links."
NOT_SCHEDULED = "The plan cannot be scheduled with this change: {error}"
FIELD_NAMES = {
    "name": "name",
    "duration": "duration",
    "predecessors": "predecessors",
    "constraint": "constraint",
    "constraint_date": "constraint date",
    "percent_complete": "% complete",
    "actual_start": "actual start",
    "actual_finish": "actual finish",
}
ROW_FIELDS = [f.attname for f in PlanTask._meta.concrete_fields if f.name not in ("id", "plan")]
LINK_KEY = ("predecessor_uid", "successor_uid", "type", "lag", "lag_percent")


def _named(project: ImportedProject, uid: Any) -> str:
    found = next((item for item in project.tasks if item.uid == uid), None)
    return plan_edit.named(found) if found is not None else f"Task UID {uid}"


def _engine_refusal(project: ImportedProject, exc: Exception, field: str) -> ValidationError:
    """The engine's refusal as a ValidationError naming the tasks by ID and name."""
    if isinstance(exc, PlanEditError):
        return ValidationError({exc.field: str(exc)})
    if isinstance(exc, LinkLoopError):
        path = " -> ".join(_named(project, uid) for uid in exc.tasks)
        return ValidationError({field: LOOP.format(path=path)})
    return ValidationError({NON_FIELD_ERRORS: NOT_SCHEDULED.format(error=exc)})


def _edit(
    *,
    actor: User,
    plan: Plan,
    expected_version: int | None,
    change: Callable[[ImportedProject], tuple[ImportedProject, str]],
    field: str = "predecessors",
) -> Plan:
    """Lock the plan, check the actor and the version, apply ``change`` (returning the changed
    project and the history's reason) to the document, schedule and write it all."""
    current = Plan.objects.select_for_update().select_related("project").get(pk=plan.pk)
    project_record = current.project
    ensure_can(actor, "schedule.change_plan", project_record, action=f"edit the plan of {project_record}")
    if expected_version is not None and current.version != expected_version:
        raise stale_version(current, expected_version)
    project = edited = adapters.project_of(current)
    try:
        edited, reason = change(project)
        computed = schedule(edited.plan())
    except (PlanEditError, ScheduleError, CalendarError) as exc:
        raise _engine_refusal(edited, exc, field) from exc
    record_update(
        instance=plan,
        locked=current,
        actor=actor,
        fields={
            "document": adapters.document(edited, computed),
            "start": adapters.aware(computed.start),
            "finish": adapters.aware(computed.finish),
            "status_date": adapters.aware(edited.status_date),
            "tasks_count": len(computed.tasks),
            "critical_count": len(computed.critical),
        },
        expected_version=None,
        reason=short_reason(reason),
        authorised=True,
    )
    rows_write(current, edited, computed)
    return plan


def rows_write(plan: Plan, project: ImportedProject, computed: Schedule) -> None:
    """The task and link rows made to match the document: rows whose values changed updated in
    place (a task keeps its row id), new tasks added, deleted ones removed. The stored rows are
    compared as values, not read into models (at 5,000 tasks, every one moved by an edit, models
    took half the rows' time)."""
    rows = adapters.task_values(project, computed)
    columns = ("pk", *ROW_FIELDS)
    existing = {stored[1]: stored for stored in PlanTask.objects.filter(plan=plan).values_list(*columns)}
    decimal = {f.attname for f in PlanTask._meta.concrete_fields if isinstance(f, models.DecimalField)}
    changed: list[tuple[int, dict[str, Any]]] = []
    touched: set[str] = set()
    added: list[PlanTask] = []
    for row in rows:
        old = existing.pop(row["uid"], None)
        if old is None:
            added.append(PlanTask(plan=plan, **row))
            continue
        differ = [
            name
            for name, stored in zip(ROW_FIELDS, old[1:], strict=True)
            if (Decimal(str(row[name])) if name in decimal else row[name]) != stored
        ]
        if differ:
            touched.update(differ)
            changed.append((old[0], row))
    if existing:
        PlanTask.objects.filter(pk__in=[stored[0] for stored in existing.values()]).delete()
    if changed:
        adapters.update_rows(PlanTask, changed, sorted(touched))
    PlanTask.objects.bulk_create(added, batch_size=2000)
    wanted = {
        tuple(values[name] for name in LINK_KEY): values
        for values in adapters.link_values(project, {row["uid"] for row in rows})
    }
    stale = []
    for pk, *key in PlanLink.objects.filter(plan=plan).values_list("pk", *LINK_KEY):
        if wanted.pop(tuple(key), None) is None:
            stale.append(pk)
    if stale:
        PlanLink.objects.filter(pk__in=stale).delete()
    PlanLink.objects.bulk_create(
        [PlanLink(plan=plan, **values) for values in wanted.values()], batch_size=2000
    )
    adapters.baselines_write(plan, project, computed)  # the variances against the new dates


def _scheduled(plan: Plan, uid: int) -> Scheduled | None:
    row = PlanTask.objects.filter(plan=plan, uid=uid).values_list("start", "finish").first()
    return None if row is None else Scheduled(adapters.wall_clock(row[0]), adapters.wall_clock(row[1]))


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return f"{value:%-d %b %Y}"
    if isinstance(value, float):
        return f"{value:g}%"
    return str(getattr(value, "value", value))


def _said(name: str, before: Any, after: Any) -> str:
    return f"{FIELD_NAMES[name]} {_shown(before)} → {_shown(after)}"


@transaction.atomic
def plan_task_change(
    *, actor: User, plan: Plan, uid: int, fields: Mapping[str, Any], expected_version: int | None
) -> Plan:
    """Change task ``uid`` of ``plan``: ``fields`` (any of ``plan_edit.FIELDS``) in MS Project's
    notation (``duration`` "5d", ``predecessors`` "3FS+2d, 5SS" by task ID), a constraint of
    ``pmo.schedule.choices.Constraint``, days for ``constraint_date``, ``actual_start`` and
    ``actual_finish``, 0-100 for ``percent_complete``. Fields equal to the task's are left alone;
    a change of nothing is refused."""
    scheduled = _scheduled(plan, uid)

    def change(project: ImportedProject) -> tuple[ImportedProject, str]:
        changes = plan_edit.changed_fields(project, uid, fields)
        if not changes:
            raise ValidationError(NOTHING_CHANGED)
        edited = plan_edit.change_task(project, uid, fields, scheduled=scheduled)
        said = "; ".join(_said(name, *values) for name, values in changes.items())
        return edited, CHANGED.format(task=_named(edited, uid), changes=said)

    return _edit(actor=actor, plan=plan, expected_version=expected_version, change=change)


@transaction.atomic
def plan_task_add(
    *,
    actor: User,
    plan: Plan,
    name: str,
    duration: str = "1d",
    predecessors: str = "",
    milestone: bool = False,
    after: int | None = None,
    expected_version: int | None,
) -> tuple[Plan, int]:
    """Add a task (a milestone: ``milestone``, no duration) to ``plan`` after task ``after`` (UID)
    and the tasks under it, at its outline level, or at the end; returns the plan and the new
    task's UID. IDs after it move on by one, as in MS Project."""
    made: list[int] = []

    def change(project: ImportedProject) -> tuple[ImportedProject, str]:
        edited, uid = plan_edit.add_task(
            project, name=name, duration=duration, predecessors=predecessors, milestone=milestone, after=after
        )
        made.append(uid)
        return edited, (ADDED_MILESTONE if milestone else ADDED).format(task=_named(edited, uid))

    plan = _edit(actor=actor, plan=plan, expected_version=expected_version, change=change)
    return plan, made[0]


@transaction.atomic
def plan_task_delete(*, actor: User, plan: Plan, uid: int, expected_version: int | None) -> Plan:
    """Delete task ``uid`` from ``plan`` (a summary with the tasks under it), with its links,
    resource assignments and three-point estimates. IDs after it move back, as in MS Project."""
    gone: list[int] = []

    def change(project: ImportedProject) -> tuple[ImportedProject, str]:
        task = _named(project, uid)
        edited, deleted = plan_edit.delete_task(project, uid)
        gone.extend(deleted)
        others = len(deleted) - 1
        reason = (
            DELETED_WITH.format(task=task, count=others, s="" if others == 1 else "s")
            if others
            else DELETED.format(task=task)
        )
        return edited, reason

    plan = _edit(actor=actor, plan=plan, expected_version=expected_version, change=change, field="uid")
    TaskEstimate.objects.filter(plan=plan, uid__in=gone).delete()
    return plan


@transaction.atomic
def plan_task_move(
    *,
    actor: User,
    plan: Plan,
    uid: int,
    expected_version: int | None,
    day: date | None = None,
    days: int | None = None,
) -> Plan:
    """Move task ``uid`` of ``plan`` to start on ``day`` (its bar dragged there), or ``days``
    working days from where it starts now (the keyboard's + and -): a "start no earlier than"
    constraint on that day, as MS Project sets for a dragged bar; the engine then dates it and
    everything after it."""
    scheduled = _scheduled(plan, uid)

    def change(project: ImportedProject) -> tuple[ImportedProject, str]:
        if day is not None:
            edited = plan_edit.move_task(project, uid, day)
        elif days is not None and scheduled is not None:
            edited = plan_edit.shift_task(project, uid, scheduled.start, days)
        else:
            raise ValidationError({"start": plan_edit.NO_SUCH_TASK.format(uid=uid)})
        task = next(item.task for item in edited.tasks if item.uid == uid)
        moved_to = task.constraint_date or task.start
        return edited, MOVED.format(task=_named(edited, uid), day=moved_to)

    return _edit(actor=actor, plan=plan, expected_version=expected_version, change=change, field="start")
