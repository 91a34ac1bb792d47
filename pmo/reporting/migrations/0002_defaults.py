"""Default reporting settings (monthly, RAG) and default tolerances by size tier. The PMO head
edits both afterwards."""

from decimal import Decimal

from django.db import migrations

# dimension: (absolute, percent) for small, medium, large and major projects.
TOLERANCES = {
    "small": {
        "time": (14, None),
        "cost": (None, 15),
        "scope": (15, None),
        "quality": (2, None),
        "risk": (3, None),
        "benefits": (None, 20),
    },
    "medium": {
        "time": (28, None),
        "cost": (None, 10),
        "scope": (10, None),
        "quality": (1, None),
        "risk": (2, None),
        "benefits": (None, 15),
    },
    "large": {
        "time": (42, None),
        "cost": (250000, 10),
        "scope": (10, None),
        "quality": (1, None),
        "risk": (2, None),
        "benefits": (None, 10),
    },
    "major": {
        "time": (56, None),
        "cost": (500000, 5),
        "scope": (5, None),
        "quality": (0, None),
        "risk": (1, None),
        "benefits": (None, 10),
    },
}
REASON = "Default reporting settings"


def _decimal(value):
    return None if value is None else Decimal(value)


def create_defaults(apps, schema_editor):
    Settings = apps.get_model("reporting", "ReportingSettings")
    HistoricalSettings = apps.get_model("reporting", "HistoricalReportingSettings")
    Default = apps.get_model("reporting", "ToleranceDefault")
    HistoricalDefault = apps.get_model("reporting", "HistoricalToleranceDefault")
    if not Settings.objects.exists():
        row = Settings.objects.create()
        HistoricalSettings.objects.create(
            id=row.pk,
            cadence=row.cadence,
            status_scale=row.status_scale,
            due_days_after_period_end=row.due_days_after_period_end,
            reminder_days_before_due=row.reminder_days_before_due,
            warning_band=row.warning_band,
            exception_report_days=row.exception_report_days,
            stale_report_days=row.stale_report_days,
            version=1,
            created_at=row.created_at,
            updated_at=row.updated_at,
            history_date=row.created_at,
            history_type="+",
            history_change_reason=REASON,
        )
    for tier, dimensions in TOLERANCES.items():
        for dimension, (absolute, percent) in dimensions.items():
            row, created = Default.objects.get_or_create(
                size_tier=tier,
                portfolio=None,
                dimension=dimension,
                defaults={"absolute": _decimal(absolute), "percent": _decimal(percent)},
            )
            if created:
                HistoricalDefault.objects.create(
                    id=row.pk,
                    size_tier=tier,
                    portfolio_id=None,
                    dimension=dimension,
                    absolute=row.absolute,
                    percent=row.percent,
                    version=1,
                    created_at=row.created_at,
                    updated_at=row.updated_at,
                    history_date=row.created_at,
                    history_type="+",
                    history_change_reason=REASON,
                )


def remove_defaults(apps, schema_editor):
    apps.get_model("reporting", "ToleranceDefault").objects.filter(portfolio=None).delete()
    apps.get_model("reporting", "ReportingSettings").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, remove_defaults)]
