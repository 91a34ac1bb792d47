"""Tolerances count deviation one way or both ways (issue 9). Existing tolerances and defaults,
and their history, take their dimension's default: both ways for time, cost and scope (what the
"±" they were shown with said), one way for quality, risk and benefits."""

from django.db import migrations, models

ONE_WAY_BY_DEFAULT = ("quality", "risk", "benefits")


def default_directions(apps, schema_editor):
    for name in ("Tolerance", "ToleranceDefault", "HistoricalTolerance", "HistoricalToleranceDefault"):
        model = apps.get_model("reporting", name)
        model._default_manager.filter(dimension__in=ONE_WAY_BY_DEFAULT).update(direction="one_way")


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0007_delete_corrective_action'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicaltolerance',
            name='direction',
            field=models.CharField(choices=[('one_way', 'One way: only a deviation for the worse'), ('both', 'Both ways (±): early or under counts as well as late or over')], default='both', help_text='One way counts only a deviation for the worse (later, dearer, fewer benefits); both ways counts an early finish or an underspend beyond the allowance too.', max_length=10),
        ),
        migrations.AddField(
            model_name='historicaltolerancedefault',
            name='direction',
            field=models.CharField(choices=[('one_way', 'One way: only a deviation for the worse'), ('both', 'Both ways (±): early or under counts as well as late or over')], default='both', help_text='One way counts only a deviation for the worse (later, dearer, fewer benefits); both ways counts an early finish or an underspend beyond the allowance too.', max_length=10),
        ),
        migrations.AddField(
            model_name='tolerance',
            name='direction',
            field=models.CharField(choices=[('one_way', 'One way: only a deviation for the worse'), ('both', 'Both ways (±): early or under counts as well as late or over')], default='both', help_text='One way counts only a deviation for the worse (later, dearer, fewer benefits); both ways counts an early finish or an underspend beyond the allowance too.', max_length=10),
        ),
        migrations.AddField(
            model_name='tolerancedefault',
            name='direction',
            field=models.CharField(choices=[('one_way', 'One way: only a deviation for the worse'), ('both', 'Both ways (±): early or under counts as well as late or over')], default='both', help_text='One way counts only a deviation for the worse (later, dearer, fewer benefits); both ways counts an early finish or an underspend beyond the allowance too.', max_length=10),
        ),
        migrations.RunPython(default_directions, migrations.RunPython.noop),
    ]
