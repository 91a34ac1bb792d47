"""Lessons in the work queue: a project at closure with no lesson, a draft of yours, the PMO's
drafts to publish."""

import pytest

from pmo.core.work import work_queue
from pmo.lessons.services import lesson_create
from pmo.lessons.tests.conftest import Library, lesson_fields
from pmo.portfolio.models import LifecycleStage

pytestmark = pytest.mark.django_db


def kinds(user) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in work_queue(user):
        if item.kind.startswith("lesson"):
            found.setdefault(item.kind, []).append(item.title)
    return found


def test_a_closing_project_without_lessons_and_drafts_are_in_the_queues(library: Library) -> None:
    cast = library.cast
    closure, _ = LifecycleStage.objects.get_or_create(name="Closure", defaults={"order": 90})
    cast.other_project.stage = closure
    cast.other_project.save()
    draft = lesson_create(actor=cast.pm, project=cast.project, fields=lesson_fields("Half written"))

    assert kinds(cast.other_pm) == {"lessons-closure": ["Log the lessons of HR"]}
    assert kinds(cast.pm) == {"lesson-draft": [f"Finish {draft}"]}
    assert kinds(cast.head) == {"lesson-publish": [f"Publish {draft}"]}

    lesson_create(actor=cast.other_pm, project=cast.other_project, fields=lesson_fields("Closure lesson"))
    assert "lessons-closure" not in kinds(cast.other_pm)
