# The date an item is raised defaults to today in the site's time zone, read from pmo.core.clock.

from django.db import migrations, models

import pmo.core.clock


class Migration(migrations.Migration):

    dependencies = [
        ("raid", "0002_risk_heat_map_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="action",
            name="raised_on",
            field=models.DateField(default=pmo.core.clock.today, verbose_name="date raised"),
        ),
        migrations.AlterField(
            model_name="historicalaction",
            name="raised_on",
            field=models.DateField(default=pmo.core.clock.today, verbose_name="date raised"),
        ),
        migrations.AlterField(
            model_name="assumption",
            name="raised_on",
            field=models.DateField(default=pmo.core.clock.today, verbose_name="date raised"),
        ),
        migrations.AlterField(
            model_name="historicalassumption",
            name="raised_on",
            field=models.DateField(default=pmo.core.clock.today, verbose_name="date raised"),
        ),
        migrations.AlterField(
            model_name="decision",
            name="raised_on",
            field=models.DateField(default=pmo.core.clock.today, verbose_name="date raised"),
        ),
        migrations.AlterField(
            model_name="historicaldecision",
            name="raised_on",
            field=models.DateField(default=pmo.core.clock.today, verbose_name="date raised"),
        ),
        migrations.AlterField(
            model_name="dependency",
            name="raised_on",
            field=models.DateField(default=pmo.core.clock.today, verbose_name="date raised"),
        ),
        migrations.AlterField(
            model_name="historicaldependency",
            name="raised_on",
            field=models.DateField(default=pmo.core.clock.today, verbose_name="date raised"),
        ),
        migrations.AlterField(
            model_name="issue",
            name="raised_on",
            field=models.DateField(default=pmo.core.clock.today, verbose_name="date raised"),
        ),
        migrations.AlterField(
            model_name="historicalissue",
            name="raised_on",
            field=models.DateField(default=pmo.core.clock.today, verbose_name="date raised"),
        ),
        migrations.AlterField(
            model_name="risk",
            name="raised_on",
            field=models.DateField(default=pmo.core.clock.today, verbose_name="date raised"),
        ),
        migrations.AlterField(
            model_name="historicalrisk",
            name="raised_on",
            field=models.DateField(default=pmo.core.clock.today, verbose_name="date raised"),
        ),
    ]
