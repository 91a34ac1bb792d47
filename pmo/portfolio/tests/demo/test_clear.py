"""`pmo demo --clear`: a trial's demo data goes, all or nothing, leaving the database as a fresh
install leaves it (configuration and the PMO's own logins kept); refused when the register holds
records the demo did not make, unless forced."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from pmo.portfolio.demo_clear import KEPT, NO_DEMO, _owner

pytestmark = pytest.mark.django_db


def rows_by_model() -> dict[str, int]:
    """Rows of every pmo model (history and link tables included) that holds any."""
    counts = {}
    for config in apps.get_app_configs():
        if config.name.startswith("pmo."):
            for model in config.get_models(include_auto_created=True):
                if count := model._default_manager.count():
                    counts[model._meta.label_lower] = count
    return counts


def test_a_fresh_database_holds_rows_only_where_a_clear_keeps_them() -> None:
    """What the migrations install is what a clear keeps (so a cleared demo is a fresh install)."""
    fresh = rows_by_model()

    assert fresh
    assert {label for label in fresh if _owner(apps.get_model(label))._meta.label_lower not in KEPT} == set()


def test_without_a_demo_there_is_nothing_to_clear() -> None:
    with pytest.raises(CommandError, match=NO_DEMO):
        call_command("demo", "--clear", stdout=StringIO())
