"""Text stored before the length limits existed is shortened to them once, its full text kept in
the history (docs/adr/0021-bounded-free-text.md)."""

from django.db import migrations

from pmo.core.text_limits import shorten_over_long_text

ITEM = {"description": "description", "escalation_note": "note", "closure_note": "note"}
FIELDS = {
    "Risk": {**ITEM, "cause": "note", "event": "note", "effect": "note", "response_plan": "description"},
    "Assumption": {**ITEM, "consequence": "note"},
    "Issue": ITEM,
    "Dependency": ITEM,
    "Action": ITEM,
    "Decision": {**ITEM, "rationale": "description", "options_considered": "description"},
}


class Migration(migrations.Migration):
    dependencies = [("raid", "0003_raised_on_site_date")]

    operations = [
        migrations.RunPython(shorten_over_long_text("raid", FIELDS), migrations.RunPython.noop, elidable=True)
    ]
