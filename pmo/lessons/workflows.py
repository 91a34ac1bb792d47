"""A lesson's lifecycle as a table (``pmo.core.workflow``): draft → published (by the PMO, into
the library) → retired (by the PMO, no longer suggested). A draft is corrected by its author, its
project's manager or sponsor, or the PMO; a published lesson by the PMO only (it is the library's
now); a retired one by no one."""

from typing import Any

from pmo.core.permissions import is_pmo
from pmo.core.workflow import Transition, Workflow
from pmo.lessons.choices import LessonStatus

PUBLISHED_EDITED_BY_PMO = (
    "{record} is published: only the PMO edits a lesson in the library. Ask the PMO to correct it."
)


def edits_it_now(user: Any, lesson: Any) -> bool:
    """A draft: whoever may change the lesson (checked first); a published lesson: the PMO only."""
    return lesson.status == LessonStatus.DRAFT or is_pmo(user)


LESSON = Workflow(
    "The lesson workflow",
    [
        Transition(
            "edit",
            frozenset({LessonStatus.DRAFT, LessonStatus.PUBLISHED}),
            None,
            "Edit",
            permission="lessons.change_lesson",
            who=edits_it_now,
            denied=PUBLISHED_EDITED_BY_PMO,
            doing="change {record}",
        ),
        Transition(
            "publish",
            frozenset({LessonStatus.DRAFT}),
            LessonStatus.PUBLISHED,
            "Publish to the library",
            permission="lessons.publish_lesson",
        ),
        Transition(
            "retire",
            frozenset({LessonStatus.PUBLISHED}),
            LessonStatus.RETIRED,
            "Retire",
            permission="lessons.publish_lesson",
        ),
    ],
)
