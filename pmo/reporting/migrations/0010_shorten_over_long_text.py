"""Text stored before the length limits existed is shortened to them once, its full text kept in
the history (docs/adr/0021-bounded-free-text.md)."""

from django.db import migrations

from pmo.core.text_limits import shorten_over_long_text

FIELDS = {
    "HighlightReport": {
        "summary": "description",
        "achievements": "description",
        "next_period_plan": "description",
        "change_requests": "description",
        "key_risks_issues": "description",
        "support_needed": "description",
        "lessons": "description",
        "review_comments": "note",
    },
    "Baseline": {"scope_summary": "description", "reason": "description"},
    "ProjectException": {
        "breach_summary": "description",
        "cause": "description",
        "consequences": "description",
        "options": "description",
        "recommendation": "description",
        "decision_notes": "note",
    },
}


class Migration(migrations.Migration):
    dependencies = [("reporting", "0009_report_tolerance_checks")]

    operations = [
        migrations.RunPython(shorten_over_long_text("reporting", FIELDS), migrations.RunPython.noop, elidable=True)
    ]
