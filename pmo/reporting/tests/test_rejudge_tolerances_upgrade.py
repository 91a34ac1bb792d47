"""Upgrading to migration 0011 judges every active project's tolerances again once ``migrate``
is done: a check stored before tolerances had a direction (judged over-only, its money given as
bare figures) shows the verdict the installed rules give, without waiting for the project's next
report, baseline or tolerance change."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.reporting.choices import ReportStatus
from pmo.reporting.models import ProjectException, Tolerance, ToleranceCheck
from pmo.reporting.tests.factories import BaselineFactory, ReportFactory
from pmo.reporting.upgrades import REJUDGED

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("reporting", "0010_shorten_over_long_text")]
FINISH = dt.date(2026, 12, 18)
STALE = "time: forecast finish -50 days; tolerance 28 days, 0% used — within"


def early_project_judged_before_directions():
    """WEB: 28 days of time tolerance both ways, its report forecasting 50 days early, and the
    check stored when only lateness counted."""
    project = ProjectFactory(code="WEB", status=ProjectStatus.ACTIVE, project_manager=PersonFactory())
    BaselineFactory(project=project, finish=FINISH)
    Tolerance.objects.create(project=project, dimension="time", absolute=Decimal(28), direction="both")
    ReportFactory(
        project=project,
        status=ReportStatus.SUBMITTED,
        submitted_at=timezone.now(),
        forecast_finish=FINISH - dt.timedelta(days=50),
    )
    ToleranceCheck.objects.create(
        project=project,
        dimension="time",
        status="within",
        baseline_value=Decimal(0),
        forecast_value=Decimal(-50),
        allowance=Decimal(28),
        used=Decimal(0),
        explanation=STALE,
        assessed_at=timezone.now(),
    )
    return project


def test_the_upgrade_judges_the_tolerances_again_once_migrated(migrate_to):
    migrate_to(BEFORE)
    project = early_project_judged_before_directions()
    said = io.StringIO()

    call_command("migrate", verbosity=1, stdout=said)

    check = ToleranceCheck.objects.get(project=project, dimension="time")
    assert (check.status, check.explanation) == (
        "breached",
        "time: forecast finish \u221250 days against the baseline; tolerance ±28 days, 179% used — breached",
    )
    assert ProjectException.objects.get(project=project).dimensions == "time"
    assert REJUDGED.format(count=1) in said.getvalue()


def test_a_migrate_that_applies_nothing_leaves_the_checks_alone():
    project = early_project_judged_before_directions()

    call_command("migrate", verbosity=0)

    assert ToleranceCheck.objects.get(project=project, dimension="time").explanation == STALE
    assert not ProjectException.objects.exists()
