"""Lessons in the work queue: a project at closure with no lesson, a draft of yours, the PMO's
drafts to publish."""

import pytest

from pmo.core.work import work_queue
from pmo.lessons.services import lesson_create
from pmo.lessons.tests.conftest import Library, lesson_fields
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import LifecycleStage
from pmo.portfolio.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def kinds(user) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in work_queue(user):
        if item.kind.startswith("lesson"):
            found.setdefault(item.kind, []).append(item.title)
    return found


def test_a_closing_project_without_lessons_and_drafts_are_in_the_queues(library: Library) -> None:
    cast = library.cast
    last = LifecycleStage.objects.order_by("-order").first()
    cast.other_project.stage = last
    cast.other_project.save()
    draft = lesson_create(actor=cast.pm, project=cast.project, fields=lesson_fields("Half written"))

    assert kinds(cast.other_pm) == {"lessons-closure": ["Log the lessons of HR"]}
    assert kinds(cast.pm) == {"lesson-draft": [f"Finish {draft}"]}
    assert kinds(cast.head) == {"lesson-publish": [f"Publish {draft}"]}

    lesson_create(actor=cast.other_pm, project=cast.other_project, fields=lesson_fields("Closure lesson"))
    assert "lessons-closure" not in kinds(cast.other_pm)


def test_the_closure_item_is_for_active_projects_in_the_last_stage_by_order_not_by_name(
    library: Library,
) -> None:
    cast = library.cast
    named_closure = LifecycleStage.objects.get(name="Closure")
    last = LifecycleStage.objects.create(name="Handover and close", order=named_closure.order + 10)
    closed = ProjectFactory(
        code="OLD",
        stage=last,
        status=ProjectStatus.CLOSED,
        project_manager=cast.other_project.project_manager,
    )
    cast.other_project.stage = named_closure
    cast.other_project.save()
    assert "lessons-closure" not in kinds(cast.other_pm)

    cast.other_project.stage = last
    cast.other_project.save()

    assert kinds(cast.other_pm) == {"lessons-closure": ["Log the lessons of HR"]}
    assert closed.code not in str(kinds(cast.other_pm))
