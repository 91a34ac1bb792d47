"""The PMO's default standards (ADR 0062): every rule of the catalogue, enabled, with the usual N
days and weights; the baseline, budget, plan and forecast asked of projects once they deliver.
The PMO head edits them."""

from django.db import migrations

DELIVERING = ["Delivery", "Closure"]
PLANNED = ["waterfall", "hybrid"]

# (kind, name, description, days, weight, methodologies, stages)
RULES = [
    ("report_on_time", "Highlight report on time",
     "The project manager hands in the highlight report for the current reporting period.", 30, 3, [], []),
    ("raid_reviewed", "RAID log reviewed",
     "Every open risk and issue reviewed (or raised) within the last N days.", 30, 2, [], []),
    ("actions_not_overdue", "RAID actions not overdue",
     "No open RAID action is past its due date.", 30, 2, [], []),
    ("roles_assigned", "Sponsor and project manager assigned",
     "Two different people, each able to sign in.", 30, 2, [], []),
    ("baseline_approved", "Baseline approved",
     "The project delivers against an approved baseline.", 30, 2, [], DELIVERING),
    ("plan_current", "Plan present and current",
     "A plan is imported and updated within the last N days.", 45, 1, PLANNED, DELIVERING),
    ("budget_approved", "Budget approved",
     "An approved budget version.", 30, 2, [], DELIVERING),
    ("forecast_current", "Finance forecast current",
     "The finance forecast made within the last N days.", 45, 1, [], DELIVERING),
]  # fmt: skip
REASON = "Default compliance rules"


def create_rules(apps, schema_editor):
    Rule = apps.get_model("assurance", "ComplianceRule")
    History = apps.get_model("assurance", "HistoricalComplianceRule")
    for order, (kind, name, description, days, weight, ways, stages) in enumerate(RULES, start=1):
        if Rule.objects.filter(kind=kind).exists():
            continue
        rule = Rule.objects.create(
            kind=kind, name=name, description=description, days=days, weight=weight,
            methodologies=ways, stages=stages, order=order,
        )  # fmt: skip
        fields = {f.attname: getattr(rule, f.attname) for f in rule._meta.concrete_fields}
        History.objects.create(
            **fields, history_date=rule.created_at, history_type="+", history_change_reason=REASON
        )


def remove_rules(apps, schema_editor):
    apps.get_model("assurance", "ComplianceRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("assurance", "0002_compliance_rule")]
    operations = [migrations.RunPython(create_rules, remove_rules)]
