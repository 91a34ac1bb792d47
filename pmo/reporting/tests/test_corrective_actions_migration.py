"""Migration 0006 copies the reporting cycle's corrective actions into the RAID actions register:
owner, dates, status and notes kept, the exception as the source, and a first history entry by
whoever created the action, dated when they did."""

import datetime as dt

import pytest
from django.utils import timezone

from pmo.core.models import User
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("reporting", "0005_report_raid_references")]
AFTER = [("reporting", "0006_corrective_actions_to_raid")]


def test_corrective_actions_become_raid_actions_of_their_exception(migrate_to):
    old = migrate_to(BEFORE)
    ProjectException = old.get_model("reporting", "ProjectException")
    CorrectiveAction = old.get_model("reporting", "CorrectiveAction")
    HistoricalCorrectiveAction = old.get_model("reporting", "HistoricalCorrectiveAction")
    pm = User.objects.create_user(username="pat")
    owner = PersonFactory(name="Olive Owner")
    project = ProjectFactory(code="WEB")
    raised = timezone.now() - dt.timedelta(days=40)
    exception = ProjectException.objects.create(
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

    new = migrate_to(AFTER)
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
