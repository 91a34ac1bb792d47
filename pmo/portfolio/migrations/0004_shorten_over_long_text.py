"""Text stored before the length limits existed is shortened to them once, its full text kept in
the history (docs/adr/0021-bounded-free-text.md)."""

from django.db import migrations

from pmo.core.text_limits import shorten_over_long_text

FIELDS = {
    "StrategicObjective": {"description": "description"},
    "LifecycleStage": {"description": "description"},
    "Portfolio": {"description": "description"},
    "Programme": {"description": "description"},
    "Project": {"description": "description"},
}


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0003_person_org_unit_protect")]

    operations = [
        migrations.RunPython(shorten_over_long_text("portfolio", FIELDS), migrations.RunPython.noop, elidable=True)
    ]
