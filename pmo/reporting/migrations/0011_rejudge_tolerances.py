"""Marks the upgrade after which every active project's tolerances are judged again: checks
stored before tolerances had a direction (0008) were judged over-only, and their explanations
gave money as bare figures. Nothing changes here: judging needs the code and models now
installed, not this migration's historical ones, so ``pmo.reporting.upgrades`` does it once
``migrate`` has applied this and every other migration (docs/deployment.md, Upgrades)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0010_shorten_over_long_text"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop),
    ]
