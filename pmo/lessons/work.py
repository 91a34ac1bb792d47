"""Lessons learned in everyone's work queue (``pmo.core.work``): a project manager's active
project in the lifecycle's last stage with no lesson logged, a draft lesson of yours the PMO has
not yet published, and, for the PMO, the drafts awaiting publication. Three queries whatever the
data."""

from datetime import date
from typing import Any

from django.urls import reverse

from pmo.core.permissions import is_pmo
from pmo.core.work import WorkItem, day, response_due, work_provider
from pmo.lessons import selectors
from pmo.lessons.choices import LessonStatus
from pmo.lessons.models import Lesson
from pmo.portfolio.selectors import person_id_of

CLOSURE_REASON = (
    "The project is in the lifecycle's last stage with no lesson logged: hold its lessons workshop."
)


@work_provider
def lessons_work(user: Any, today: date) -> list[WorkItem]:
    """What lessons learned asks of ``user`` now."""
    items = []
    mine = person_id_of(user)
    if mine is not None:
        for project in selectors.closing_without_lessons(manager_id=mine):
            items.append(
                WorkItem(
                    key=f"lessons-closure:{project.pk}",
                    kind="lessons-closure",
                    title=f"Log the lessons of {project.code}",
                    due=today,
                    url=f"{reverse('lessons:create')}?project={project.code}",
                    reason=CLOSURE_REASON,
                    project=project.code,
                    project_name=project.name,
                )
            )
    drafts = selectors.lesson_list(user=user).filter(status=LessonStatus.DRAFT)
    waiting = drafts if is_pmo(user) else drafts.filter(logged_by_id=user.pk)
    for lesson in waiting.order_by("pk"):
        items.append(_draft(lesson, publishing=is_pmo(user)))
    return items


def _draft(lesson: Lesson, *, publishing: bool) -> WorkItem:
    logged = f"Logged on {day(lesson.logged_on)}" + (f" by {lesson.logged_by}" if lesson.logged_by else "")
    return WorkItem(
        key=f"lesson-draft:{lesson.pk}",
        kind="lesson-publish" if publishing else "lesson-draft",
        title=f"Publish {lesson}" if publishing else f"Finish {lesson}",
        due=response_due(lesson.logged_on),
        url=lesson.get_absolute_url(),
        reason=f"{logged}: check it and publish it to the library."
        if publishing
        else f"{logged}, still a draft: complete it; the PMO then publishes it.",
        project=lesson.project.code if lesson.project else "",
        project_name=lesson.project.name if lesson.project else "",
    )
