"""A record's update hands back what was stored without reading it again, and the settings rows
read once within ``settings_kept`` (a saved change read back at once)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.core.choices import Role
from pmo.core.settings_rows import settings_kept
from pmo.portfolio.services import project_update
from pmo.portfolio.tests.factories import OrgUnitFactory, ProjectFactory
from pmo.raid.models import RaidSettings
from pmo.raid.selectors import raid_settings
from pmo.reporting.models import ReportingSettings
from pmo.reporting.selectors import reporting_settings
from pmo.reporting.services import reporting_settings_update

pytestmark = pytest.mark.django_db


def test_an_update_hands_back_the_values_as_stored_and_its_relations_as_now(make_user):
    ann = make_user(Role.PMO_ANALYST)
    project = ProjectFactory(budget=Decimal("420000.00"), department=OrgUnitFactory(name="Housing"))
    assert project.department.name == "Housing"  # read, and kept on the project
    moved_to = OrgUnitFactory(name="Customer Services")

    project_update(
        actor=ann,
        project=project,
        fields={"budget": Decimal("1250.5"), "department": moved_to},
        expected_version=1,
    )

    project_in_database = type(project).objects.get(pk=project.pk)
    assert (project.version, project.budget) == (2, project_in_database.budget)
    assert str(project.budget) == "1250.50"  # to the pence, as the database gives it
    assert project.department.name == "Customer Services"  # not the department kept before


def test_settings_are_read_once_in_the_block_and_a_saved_change_is_read_back(make_user):
    head = make_user(Role.PMO_HEAD)
    first = reporting_settings()
    with settings_kept():
        with CaptureQueriesContext(connection) as reads:
            kept = [reporting_settings() for _ in range(5)]
        assert len(reads) == 1
        assert all(row is kept[0] for row in kept)
        reporting_settings_update(
            actor=head, settings_row=kept[0], fields={"stale_report_days": 45}, expected_version=first.version
        )
        assert reporting_settings().stale_report_days == 45
    # Outside the block, each read asks the database (another process may have changed it).
    ReportingSettings.objects.update(stale_report_days=50)
    assert reporting_settings().stale_report_days == 50


def test_a_settings_row_missing_is_made_with_its_defaults():
    RaidSettings.objects.all().delete()
    with settings_kept():
        made = raid_settings()
        assert RaidSettings.objects.get().pk == made.pk
        assert made.stale_days == RaidSettings._meta.get_field("stale_days").default
