"""Upgrades that change stored records, tried as an installation upgrades: the database built up
to an earlier migration, records written as the code of then wrote them, then ``migrate``.

- Migration 0006 copies the reporting cycle's corrective actions into the RAID actions register:
  owner, dates, status and notes kept, the exception as the source, and a first history entry by
  whoever created the action, dated when they did.
- Upgrading to migration 0011 judges every active project's tolerances again once ``migrate`` is
  done: a check stored before tolerances had a direction (judged over-only, its money given as
  bare figures) shows the verdict the installed rules give, without waiting for the project's next
  report, baseline or tolerance change.

Both are one journey from 0005 (migrating is most of the time these tests take: once, not twice;
the database at 0005 is built from nothing, not unapplied from the latest; docs/adr/0057)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from pmo.core.models import User
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.reporting.choices import ReportStatus
from pmo.reporting.models import ProjectException, Tolerance, ToleranceCheck
from pmo.reporting.tests.factories import BaselineFactory, ReportFactory
from pmo.reporting.upgrades import REJUDGED

# Long (40 s): started first, so that no worker waits at the end for it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.first]

BEFORE_ACTIONS = [("reporting", "0005_report_raid_references")]
AFTER_ACTIONS = [("reporting", "0006_corrective_actions_to_raid")]
BEFORE_REJUDGING = [("reporting", "0010_shorten_over_long_text")]
FINISH = dt.date(2026, 12, 18)
STALE = "time: forecast finish -50 days; tolerance 28 days, 0% used — within"


def early_project_judged_before_directions():
    """APP: 28 days of time tolerance both ways, its report forecasting 50 days early, and the
    check stored when only lateness counted."""
    project = ProjectFactory(code="APP", status=ProjectStatus.ACTIVE, project_manager=PersonFactory())
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


def test_an_upgrade_from_0005_copies_the_corrective_actions_then_judges_the_tolerances_again(migrate_to):
    old = migrate_to(BEFORE_ACTIONS)
    OldProjectException = old.get_model("reporting", "ProjectException")
    CorrectiveAction = old.get_model("reporting", "CorrectiveAction")
    HistoricalCorrectiveAction = old.get_model("reporting", "HistoricalCorrectiveAction")
    pm = User.objects.create_user(username="pat")
    owner = PersonFactory(name="Olive Owner")
    project = ProjectFactory(code="WEB")
    raised = timezone.now() - dt.timedelta(days=40)
    exception = OldProjectException.objects.create(
        project_id=project.pk, dimensions="time", breach_summary="late", raised_at=raised
    )
    done = CorrectiveAction.objects.create(
        project_id=project.pk,
        exception_id=exception.pk,
        description="Re-tender the hosting contract",
        owner_id=owner.pk,
        due=dt.date(2026, 10, 30),
        status="done",
        completed_on=dt.date(2026, 10, 28),
        notes="Board asked for two quotes.",
    )
    CorrectiveAction.objects.filter(pk=done.pk).update(created_at=raised)
    HistoricalCorrectiveAction.objects.create(
        id=done.pk,
        project_id=project.pk,
        exception_id=exception.pk,
        description=done.description,
        owner_id=owner.pk,
        due=done.due,
        status="open",
        notes="",
        version=1,
        created_at=raised,
        updated_at=raised,
        history_date=raised,
        history_type="+",
        history_user_id=pm.pk,
    )
    CorrectiveAction.objects.create(
        project_id=project.pk, description="x" * 250, owner_id=owner.pk, due=dt.date(2026, 12, 1)
    )

    new = migrate_to(AFTER_ACTIONS)
    Action = new.get_model("raid", "Action")
    copied = Action.objects.get(title="Re-tender the hosting contract")
    long = Action.objects.exclude(pk=copied.pk).get()
    entry = new.get_model("raid", "HistoricalAction").objects.get(id=copied.pk)

    assert (copied.project_id, copied.owner_id, copied.due, copied.status) == (
        project.pk,
        owner.pk,
        dt.date(2026, 10, 30),
        "done",
    )
    assert (copied.closed_on, copied.raised_on, copied.description) == (
        dt.date(2026, 10, 28),
        raised.date(),
        "Board asked for two quotes.",
    )
    assert (copied.source, copied.source_reference, copied.raised_by_id) == (
        "exception",
        f"EXC-{exception.pk}",
        pm.pk,
    )
    assert (entry.history_user_id, entry.history_date, entry.history_type) == (pm.pk, raised, "+")
    assert (
        entry.history_change_reason == f"Copied from the reporting actions log (corrective action {done.pk})"
    )
    assert (long.title, long.description) == ("x" * 199 + "…", "x" * 250)
    assert (long.source, long.source_reference, long.status, long.closed_on) == ("other", "", "open", None)

    # Then, on to 0010 and the rest of the way: the tolerances are judged again.
    migrate_to(BEFORE_REJUDGING)
    project = early_project_judged_before_directions()
    said = io.StringIO()

    call_command("migrate", verbosity=1, stdout=said)

    check = ToleranceCheck.objects.get(project=project, dimension="time")
    assert (check.status, check.explanation) == (
        "breached",
        "time: forecast finish \u221250 days against the baseline; tolerance ±28 days, 179% used — breached",
    )
    assert ProjectException.objects.get(project=project).dimensions == "time"
    assert REJUDGED.format(count=1) in said.getvalue()  # APP: WEB, from the first step, has no baseline


def test_a_migrate_that_applies_nothing_leaves_the_checks_alone():
    project = early_project_judged_before_directions()

    call_command("migrate", verbosity=0)

    assert ToleranceCheck.objects.get(project=project, dimension="time").explanation == STALE
    assert not ProjectException.objects.exists()
