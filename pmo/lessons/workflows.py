"""A lesson's lifecycle as a table (``pmo.core.workflow``): draft → published (by the PMO, into
the library) → retired (by the PMO, no longer suggested). Edits are open until it is retired."""

from pmo.core.workflow import Transition, Workflow
from pmo.lessons.choices import LessonStatus

LESSON = Workflow(
    "The lesson workflow",
    [
        Transition(
            "edit",
            frozenset({LessonStatus.DRAFT, LessonStatus.PUBLISHED}),
            None,
            "Edit",
            permission="lessons.change_lesson",
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
