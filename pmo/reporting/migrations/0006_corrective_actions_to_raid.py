"""Corrective actions move to the RAID actions register (ADR 0014, amended for issue 4): each
reporting ``CorrectiveAction`` becomes a ``raid.Action`` of its project, keeping its owner, due
date, status, completion day and when it was raised, with source "exception" and the
exception's reference (``EXC-7``) where it had one. Each copy gets a first history entry dated
when the original was created, by whoever created it."""

from django.db import migrations

TITLE_LENGTH = 200
REASON = "Copied from the reporting actions log"


def copy_actions(apps, schema_editor):
    CorrectiveAction = apps.get_model("reporting", "CorrectiveAction")
    HistoricalCorrectiveAction = apps.get_model("reporting", "HistoricalCorrectiveAction")
    Action = apps.get_model("raid", "Action")
    HistoricalAction = apps.get_model("raid", "HistoricalAction")
    creators = dict(
        HistoricalCorrectiveAction.objects.filter(history_type="+").values_list("id", "history_user_id")
    )
    fields = [f.attname for f in Action._meta.concrete_fields]
    for row in CorrectiveAction.objects.order_by("pk").iterator():
        long = len(row.description) > TITLE_LENGTH
        title = row.description[: TITLE_LENGTH - 1] + "…" if long else row.description
        description = "\n\n".join(part for part in (row.description if long else "", row.notes) if part)
        closed_on = None
        if row.status != "open":
            closed_on = row.completed_on or row.updated_at.date()
        action = Action.objects.create(
            project_id=row.project_id,
            title=title,
            description=description,
            owner_id=row.owner_id,
            raised_by_id=creators.get(row.pk),
            raised_on=row.created_at.date(),
            status=row.status,
            due=row.due,
            closed_on=closed_on,
            source="exception" if row.exception_id else "other",
            source_reference=f"EXC-{row.exception_id}" if row.exception_id else "",
        )
        Action.objects.filter(pk=action.pk).update(created_at=row.created_at, updated_at=row.updated_at)
        action.refresh_from_db()
        HistoricalAction.objects.create(
            **{name: getattr(action, name) for name in fields},
            history_date=row.created_at,
            history_type="+",
            history_user_id=creators.get(row.pk),
            history_change_reason=f"{REASON} (corrective action {row.pk})",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0005_report_raid_references"),
        ("raid", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy_actions, migrations.RunPython.noop)]
