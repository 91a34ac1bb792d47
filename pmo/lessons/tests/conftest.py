from collections.abc import Callable
from dataclasses import dataclass

import pytest

from pmo.conftest import user_maker
from pmo.core.tests.module_data import shared_records
from pmo.lessons import selectors
from pmo.lessons.choices import LessonStatus
from pmo.lessons.models import Lesson
from pmo.lessons.services import lesson_create, lesson_publish
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.raid.tests.cast import Cast, make_cast


@dataclass
class Library:
    """The RAID cast (WEB run by ``pm``, HR by ``other_pm``), a confidential project run by
    ``other_pm`` and published lessons of each."""

    cast: Cast
    secret: Project
    web_lesson: Lesson
    secret_lesson: Lesson
    org_lesson: Lesson


@pytest.fixture(autouse=True)
def _fresh_lesson_index() -> None:
    """Each test fits the library it wrote, never one left by another test."""
    selectors.forget_index()


def lesson_fields(title: str, **more: str) -> dict[str, str]:
    return {
        "title": title,
        "event": more.pop("event", f"{title}: what happened"),
        "recommendation": more.pop("recommendation", "Plan for it next time"),
        "category": more.pop("category", "supplier"),
        **more,
    }


def publish(lesson: Lesson, head: object) -> Lesson:
    return lesson_publish(actor=head, lesson=lesson, expected_version=lesson.version)  # type: ignore[arg-type]


def make_library() -> Library:
    cast = make_cast(user_maker())
    secret = ProjectFactory(
        code="SEC",
        name="Secret system",
        confidential=True,
        project_manager=cast.other_project.project_manager,
    )
    web = lesson_create(
        actor=cast.pm,
        project=cast.project,
        fields=lesson_fields("Supplier missed the data migration date", tags="Supplier, data , supplier"),
    )
    hidden = lesson_create(
        actor=cast.other_pm, project=secret, fields=lesson_fields("Secret supplier lesson")
    )
    org = lesson_create(
        actor=cast.analyst, project=None, fields=lesson_fields("Training too late", category="resourcing")
    )
    for lesson in (web, hidden, org):
        publish(lesson, cast.head)
    assert Lesson.objects.filter(status=LessonStatus.PUBLISHED).count() == 3
    return Library(cast, secret, web, hidden, org)


@pytest.fixture(scope="module")
def _library_written(module_data: Callable[..., Library]) -> Library:
    return module_data(make_library)


@pytest.fixture
def library(_library_written: Library | None, db: None) -> Library:
    """Published lessons of a plain, a confidential and no project, written once per module."""
    return shared_records(_library_written, make_library)
