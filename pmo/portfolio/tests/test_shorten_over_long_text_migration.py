"""Text stored before the limits existed is shortened once by the data migration, and nothing is
lost: the history keeps the full text and says what was shortened (ADR 0021)."""

import importlib

import pytest
from django.apps import apps

from pmo.core.history import history_entries
from pmo.core.text_limits import FULL_TEXT_REASON, SHORTENED_ON_UPGRADE, UPGRADE_REASON
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import ProjectFactory, StrategicObjectiveFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("pmo.portfolio.migrations.0004_shorten_over_long_text")
LONG = "word " * 4_000  # 20,000 characters, stored before the limit of 10,000


def shorten() -> None:
    migration.shorten_over_long_text("portfolio", migration.FIELDS)(apps, None)


def test_an_over_long_description_is_cut_to_the_limit_saying_so_and_the_history_keeps_it():
    # Given a project saved with its history, whose description was then made too long by a
    # path that wrote no history (as rows written before the limits could be)
    objective = StrategicObjectiveFactory(code="SO1")
    project = ProjectFactory(code="IT-1")
    project.strategic_objectives.set([objective])
    Project.objects.filter(pk=project.pk).update(description=LONG)

    # When the migration runs
    shorten()

    # Then the description fits its limit, says it was shortened and where the rest is
    project.refresh_from_db()
    mark = SHORTENED_ON_UPGRADE.format(limit=10_000, length=20_000)
    assert len(project.description) == 10_000
    assert project.description == LONG[: 10_000 - len(mark)] + mark
    assert project.version == 2
    # and the history holds the full text, then the shortening, by the system, objectives kept
    full, shortened = project.history.order_by("-history_date", "-history_id")[:2][::-1]
    assert (full.description, full.history_change_reason) == (LONG, FULL_TEXT_REASON)
    assert shortened.history_change_reason == UPGRADE_REASON.format(fields="description")
    assert shortened.history_user is None and shortened.version == 2
    newest = history_entries(project, user=None)[0]  # names not read here
    assert [c["field"] for c in newest.changes] == ["description"]


def test_text_within_the_limits_is_left_alone():
    project = ProjectFactory(description="x" * 10_000)
    entries = project.history.count()

    shorten()

    project.refresh_from_db()
    assert (project.description, project.version, project.history.count()) == ("x" * 10_000, 1, entries)
