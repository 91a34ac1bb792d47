"""Notifications stored before the length limits existed are shortened to them once
(docs/adr/0021-bounded-free-text.md)."""

from django.db import migrations

from pmo.core.text_limits import shorten_over_long_text

FIELDS = {"Notification": {"body": "description"}}


class Migration(migrations.Migration):
    dependencies = [("core", "0005_worker_lease")]

    operations = [
        migrations.RunPython(shorten_over_long_text("core", FIELDS), migrations.RunPython.noop, elidable=True)
    ]
