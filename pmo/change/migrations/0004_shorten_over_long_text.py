"""Text stored before the length limits existed is shortened to them once, its full text kept in
the history (docs/adr/0021-bounded-free-text.md)."""

from django.db import migrations

from pmo.core.text_limits import shorten_over_long_text

FIELDS = {
    "ChangeRequest": {
        "description": "description",
        "reason": "description",
        "impact_scope": "description",
        "impact_risks": "description",
        "options": "description",
        "recommendation": "description",
        "decision_notes": "note",
        "implementation_notes": "note",
    },
}


class Migration(migrations.Migration):
    dependencies = [("change", "0003_impact_days_bounds")]

    operations = [
        migrations.RunPython(shorten_over_long_text("change", FIELDS), migrations.RunPython.noop, elidable=True)
    ]
