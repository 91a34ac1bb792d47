"""The cost categories and funding sources a council PMO starts with (issue 12). Finance
partners and the PMO edit, add and retire them afterwards."""

from django.db import migrations

CATEGORIES = ["Staff", "Contractors", "Software", "Hardware", "Services", "Other"]
FUNDING_SOURCES = ["Capital programme", "Revenue budget"]


def create_defaults(apps, schema_editor):
    CostCategory = apps.get_model("finance", "CostCategory")
    FundingSource = apps.get_model("finance", "FundingSource")
    for position, name in enumerate(CATEGORIES, start=1):
        CostCategory.objects.get_or_create(name=name, defaults={"position": position})
    for name in FUNDING_SOURCES:
        FundingSource.objects.get_or_create(name=name)


def remove_defaults(apps, schema_editor):
    apps.get_model("finance", "CostCategory").objects.filter(name__in=CATEGORIES, cost_codes=None).delete()
    apps.get_model("finance", "FundingSource").objects.filter(
        name__in=FUNDING_SOURCES, cost_codes=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, remove_defaults)]
