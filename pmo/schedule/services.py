"""Writes of project plans: importing a plan from MS Project XML (all or nothing), which replaces
the project's plan as a whole, scheduled by the engine on its own calendars."""

from django.core.exceptions import ValidationError
from django.db import transaction

from pmo.core import clock
from pmo.core.models import User
from pmo.core.permissions import ensure_can
from pmo.core.services import record_create, record_update
from pmo.engine.calendar import CalendarError
from pmo.engine.mspdi import MAX_BYTES, ImportedProject, MspdiError, read_mspdi
from pmo.engine.schedule import Schedule, ScheduleError, schedule
from pmo.portfolio.models import Project
from pmo.schedule import adapters
from pmo.schedule.models import Plan, PlanLink, PlanTask

NOT_READ = "{file}: {error}"
NOTHING_TO_SCHEDULE = "{file} has no tasks to schedule."
IMPORTED = "Imported from {file}: {tasks:,} tasks, finishing {finish:%-d %b %Y}."


def plan_read(*, data: bytes, filename: str) -> tuple[ImportedProject, Schedule]:
    """``data`` (MS Project XML) read and scheduled, writing nothing; a ValidationError on
    ``file`` naming what is wrong and where (task, field, line) when it cannot be."""
    try:
        imported = read_mspdi(data, limit=MAX_BYTES)
        if not any(item.active for item in imported.tasks):
            raise ValidationError({"file": NOTHING_TO_SCHEDULE.format(file=filename)})
        return imported, schedule(imported.plan())
    except (MspdiError, ScheduleError, CalendarError) as exc:
        raise ValidationError({"file": NOT_READ.format(file=filename, error=exc)}) from exc


@transaction.atomic
def plan_import(*, actor: User | None, project: Project, data: bytes, filename: str) -> Plan:
    """Read ``data`` (MS Project XML), schedule it and make it ``project``'s plan, replacing the
    one it had; a file that cannot be read or scheduled is refused naming what and where, and
    nothing is written. ``actor`` None is the system (the demo, the command line without --user)."""
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
    return plan


def plan_export(*, plan: Plan) -> bytes:
    """The plan as MS Project XML, with the dates the engine works out now."""
    project = adapters.project_of(plan)
    return adapters.document(project, schedule(project.plan()))
