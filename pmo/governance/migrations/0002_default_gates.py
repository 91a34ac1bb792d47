"""The default gates of the default lifecycle (portfolio 0002): the evidence each asks for and
its criteria, from the PMO's gate process (business case, initiation document, plan, RAID log
reviewed, budget approved, test and readiness evidence, handover, closure report). Large and
major projects go to the board; smaller ones to their sponsor. The PMO head edits them."""

from django.db import migrations

DOC, CHECK = "document", "check"
BIG = ["large", "major"]
PLANNED = ["waterfall", "hybrid"]

# stage name -> (criteria, [(name, kind, automatic check, within days, size tiers, methodologies)])
GATES = {
    "Initiation": (
        "The need is clear, the idea fits the strategy and is worth the cost of initiating it.",
        [
            ("Outline business case", DOC, "", 30, [], []),
            ("Project mandate and sponsor named", DOC, "", 30, [], []),
        ],
    ),
    "Planning": (
        "The business case still stands; scope, governance and the approach are agreed.",
        [
            ("Business case", DOC, "", 30, [], []),
            ("Project initiation document (PID)", DOC, "", 30, BIG, []),
            ("RAID log reviewed", CHECK, "raid_reviewed", 30, [], []),
        ],
    ),
    "Delivery": (
        "The plan, budget and resources are agreed and baselined; risks are understood and owned.",
        [
            ("Baseline approved", CHECK, "baseline_approved", 30, [], []),
            ("Plan imported", CHECK, "plan_imported", 30, [], PLANNED),
            ("Product backlog and release plan", DOC, "", 30, [], ["agile"]),
            ("Budget approved", CHECK, "budget_approved", 30, [], []),
            ("RAID log reviewed", CHECK, "raid_reviewed", 30, [], []),
            ("Resource plan agreed", DOC, "", 30, BIG, []),
        ],
    ),
    "Closure": (
        "The solution is tested and the business and support teams are ready to take it over.",
        [
            ("Test completion report and user acceptance sign-off", DOC, "", 30, [], []),
            ("Operational readiness checklist", DOC, "", 30, [], []),
            ("Handover accepted by the service owner", DOC, "", 30, [], []),
            ("RAID log reviewed", CHECK, "raid_reviewed", 14, [], []),
            ("Highlight report submitted", CHECK, "highlight_submitted", 30, [], []),
        ],
    ),
    "Benefits": (
        "The project has delivered what it set out to; lessons are captured and benefits owned.",
        [
            ("End project report", DOC, "", 30, [], []),
            ("Lessons learned report", DOC, "", 30, [], []),
            ("Benefits realisation plan handed to the business owner", DOC, "", 30, [], []),
        ],
    ),
}
REASON = "Default gates"


def _history(model, row, **extra):
    fields = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
    model.objects.create(
        **fields, **extra, history_date=row.created_at, history_type="+", history_change_reason=REASON
    )


def create_gates(apps, schema_editor):
    stages = {s.name: s for s in apps.get_model("portfolio", "LifecycleStage").objects.all()}
    Gate = apps.get_model("governance", "Gate")
    Evidence = apps.get_model("governance", "GateEvidence")
    for name, (criteria, evidence) in GATES.items():
        stage = stages.get(name)
        if stage is None or Gate.objects.filter(stage=stage).exists():
            continue
        gate = Gate.objects.create(stage=stage, criteria=criteria, board_from_tier="large")
        _history(apps.get_model("governance", "HistoricalGate"), gate)
        for order, (title, kind, automatic, days, tiers, ways) in enumerate(evidence, start=1):
            item = Evidence.objects.create(
                gate=gate, name=title, kind=kind, automatic=automatic, within_days=days,
                size_tiers=tiers, methodologies=ways, order=order,
            )  # fmt: skip
            _history(apps.get_model("governance", "HistoricalGateEvidence"), item)


def remove_gates(apps, schema_editor):
    apps.get_model("governance", "GateEvidence").objects.all().delete()
    apps.get_model("governance", "Gate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial"), ("portfolio", "0002_default_lifecycle")]
    operations = [migrations.RunPython(create_gates, remove_gates)]
