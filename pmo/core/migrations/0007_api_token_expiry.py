"""API tokens may expire, and say why they were revoked when a password reset ended them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0006_shorten_over_long_text")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(
                blank=True, help_text="When it stops working (empty: never).", null=True
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_reason",
            field=models.CharField(
                blank=True, help_text="Why it was revoked, when not by its owner.", max_length=100
            ),
        ),
    ]
