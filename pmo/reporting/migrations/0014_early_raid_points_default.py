"""RAID left alone speaks from 12 points, not 8 (a high item unreviewed for three stale periods,
or several medium ones for months): at 8 it flagged 16 of the demo's 55 active projects, too
many to be a warning. The settings row made by 0002 took 8 when 0013 added the field, so a row
still at 8 moves to 12 (its version moves on, so what is kept from it is read again); a row the
PMO head set to another value keeps it."""

import django.core.validators
from django.db import migrations, models
from django.db.models import F

OLD, NEW = 8, 12


def _move(apps, before: int, after: int) -> None:
    settings = apps.get_model("reporting", "ReportingSettings")
    settings.objects.filter(early_raid_points=before).update(early_raid_points=after, version=F("version") + 1)


def forwards(apps, schema_editor):
    _move(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _move(apps, NEW, OLD)


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0013_early_warning_raid_settings'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalreportingsettings',
            name='early_raid_points',
            field=models.PositiveSmallIntegerField(default=12, help_text='Each open item left alone weighs its severity (low 1, medium 2, high 4) times its age in steps (stale periods unreviewed or steps past its date, at most 4).', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(200)], verbose_name='early warning: RAID left alone from (points)'),
        ),
        migrations.AlterField(
            model_name='reportingsettings',
            name='early_raid_points',
            field=models.PositiveSmallIntegerField(default=12, help_text='Each open item left alone weighs its severity (low 1, medium 2, high 4) times its age in steps (stale periods unreviewed or steps past its date, at most 4).', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(200)], verbose_name='early warning: RAID left alone from (points)'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
