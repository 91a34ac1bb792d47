"""The demo's lessons: 200 across the portfolio, most published, some applied by later projects,
and suggestions that find them."""

import pytest

from pmo.core.models import User
from pmo.lessons import selectors
from pmo.lessons.choices import LessonStatus
from pmo.lessons.demo import APPLICATIONS, DRAFTS, LESSONS, ORGANISATION_WIDE
from pmo.lessons.models import Lesson, LessonApplication
from pmo.portfolio.models import Project

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_two_hundred_lessons_published_drafted_and_applied_with_history() -> None:
    assert Lesson.objects.count() == LESSONS
    assert Lesson.objects.filter(project=None).count() == ORGANISATION_WIDE
    assert Lesson.objects.filter(status=LessonStatus.DRAFT).count() == DRAFTS
    assert Lesson.objects.values("project").distinct().count() > 20
    assert Lesson.objects.values("category").distinct().count() >= 12
    assert LessonApplication.objects.count() == APPLICATIONS
    assert Lesson.history.count() == LESSONS
    for applied in LessonApplication.objects.select_related("lesson"):
        assert applied.project_id != applied.lesson.project_id
        assert applied.applied_on >= applied.lesson.logged_on


def test_a_demo_project_is_suggested_lessons_with_why() -> None:
    head = User.objects.get(username="head")
    project = Project.objects.select_related("stage").order_by("code").first()

    found = selectors.suggestions(user=head, project=project)

    assert found and all(suggested.why for suggested in found)
