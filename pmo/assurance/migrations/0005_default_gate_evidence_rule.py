"""The standard that a project's next gate has its evidence ready a month before it is due
(ADR 0062), added to the PMO's defaults. The PMO head edits it."""

from django.db import migrations

KIND = "gate_evidence"
REASON = "Default compliance rules"


def create_rule(apps, schema_editor):
    Rule = apps.get_model("assurance", "ComplianceRule")
    History = apps.get_model("assurance", "HistoricalComplianceRule")
    if Rule.objects.filter(kind=KIND).exists():
        return
    rule = Rule.objects.create(
        kind=KIND,
        name="Gate evidence ready",
        description="Every piece of evidence the project's next gate asks for is there N days before the gate is due.",
        days=30,
        weight=2,
        methodologies=[],
        stages=[],
        order=Rule.objects.count() + 1,
    )
    fields = {f.attname: getattr(rule, f.attname) for f in rule._meta.concrete_fields}
    History.objects.create(**fields, history_date=rule.created_at, history_type="+", history_change_reason=REASON)


def remove_rule(apps, schema_editor):
    apps.get_model("assurance", "ComplianceRule").objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [("assurance", "0004_compliance_gate_evidence")]
    operations = [migrations.RunPython(create_rule, remove_rule)]
