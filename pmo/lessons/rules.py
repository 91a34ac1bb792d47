"""Who may do what with lessons. Anyone signed in logs a lesson (on a project they run, or the
organisation's); the PMO publishes and retires; a project's manager applies a lesson to it, and
withdraws that. Who
sees which lessons is declared once, as a restriction (``pmo.core.restrict``)."""

from typing import Any

import rules
from django.db.models import Q

from pmo.core.permissions import is_pmo, is_staff_member
from pmo.core.restrict import EVERYTHING, all_of, any_of, none_or_through, restriction, restricts, through
from pmo.lessons.choices import LessonStatus
from pmo.lessons.models import Lesson, LessonApplication
from pmo.portfolio.models import Project
from pmo.portfolio.rules import manages_project, runs_project, sponsors_project


@restricts(Lesson)
def lesson_restriction(user: Any, action: str) -> Q:
    """The PMO sees every lesson; anyone else the published and retired lessons of what they may
    see, and the drafts they logged or of the projects they run."""
    if is_pmo(user):
        return EVERYTHING
    not_draft = Q(status__in=[LessonStatus.PUBLISHED, LessonStatus.RETIRED])
    theirs = any_of(Q(logged_by_id=user.pk), through("project", runs_project(user)))
    # The organisation's lessons, and those of the projects the user may see.
    sees_project = none_or_through("project", restriction(Project, user, "view"))
    return all_of(sees_project, any_of(not_draft, theirs))


@restricts(LessonApplication)
def application_restriction(user: Any, action: str) -> Q:
    """A lesson's applications: whoever sees the project that applied it."""
    return through("project", restriction(Project, user, "view"))


@rules.predicate
def logged_it(user: Any, lesson: Any) -> bool:
    return lesson is not None and getattr(lesson, "logged_by_id", None) == user.pk


rules.add_perm("lessons.add_lesson", is_staff_member)
rules.add_perm("lessons.change_lesson", is_pmo | logged_it | manages_project | sponsors_project)
rules.add_perm("lessons.publish_lesson", is_pmo)
rules.add_perm("lessons.add_lessonapplication", is_pmo | manages_project)
rules.add_perm("lessons.delete_lessonapplication", is_pmo | manages_project)
rules.add_perm("lessons.log_lesson", is_pmo | manages_project | sponsors_project)
