"""The default lifecycle: six stages and the gates into them. The PMO edits it afterwards."""

from django.db import migrations

STAGES = [
    (1, "Pipeline", "", "Ideas and proposals awaiting approval to start."),
    (2, "Initiation", "Gate 1: Approval to initiate", "Business case, scope and governance set up."),
    (3, "Planning", "Gate 2: Approval to plan", "Detailed plan, budget and resources agreed."),
    (4, "Delivery", "Gate 3: Approval to deliver", "Building, testing and implementing."),
    (5, "Closure", "Gate 4: Readiness for handover", "Handover, end-project report and lessons."),
    (6, "Benefits", "Gate 5: Project closure", "Benefits tracked after handover until realised."),
]


def create_stages(apps, schema_editor):
    LifecycleStage = apps.get_model("portfolio", "LifecycleStage")
    HistoricalLifecycleStage = apps.get_model("portfolio", "HistoricalLifecycleStage")
    for order, name, gate, description in STAGES:
        stage, created = LifecycleStage.objects.get_or_create(
            name=name, defaults={"order": order, "gate_name": gate, "description": description}
        )
        if created:
            HistoricalLifecycleStage.objects.create(
                id=stage.pk, name=name, order=order, gate_name=gate, description=description,
                version=1, created_at=stage.created_at, updated_at=stage.updated_at,
                history_date=stage.created_at, history_type="+",
                history_change_reason="Default lifecycle",
            )


def remove_stages(apps, schema_editor):
    apps.get_model("portfolio", "LifecycleStage").objects.filter(name__in=[s[1] for s in STAGES]).delete()


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0001_initial")]
    operations = [migrations.RunPython(create_stages, remove_stages)]
