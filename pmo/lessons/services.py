"""Writes of lessons learned: log, edit, publish, retire, apply to a later project (and withdraw
that). Each is
transactional, checks the actor's right and the lesson's state (``workflows.LESSON``), and
writes the record's history."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from pmo.core import clock
from pmo.core.models import User
from pmo.core.permissions import ensure_can
from pmo.core.services import only_fields, record_create, record_delete, record_update
from pmo.lessons import selectors
from pmo.lessons.choices import LessonSource, LessonStatus
from pmo.lessons.models import Lesson, LessonApplication
from pmo.lessons.workflows import LESSON
from pmo.portfolio.models import Project

LESSON_FIELDS = frozenset(
    {
        "title",
        "event",
        "effect",
        "cause",
        "early_warnings",
        "recommendation",
        "category",
        "tags",
        "department",
        "methodology",
        "source",
    }
)
LINKS = ("risks", "issues", "actions", "decisions")

LINK_NOT_OF_PROJECT = "{item} is not a RAID item of {project}: a lesson links its own project's items."
LINK_WITHOUT_PROJECT = "An organisation-wide lesson has no project, so it links no RAID items."
NOT_PUBLISHED = "{lesson} is {status}: only a published lesson is applied."
ALREADY_APPLIED = "{project} has already applied {lesson}."
OWN_LESSON = "{lesson} was learned on {project} itself: apply it to a later project."
NOTE_REQUIRED = "Say how the lesson was applied."
TITLE_REQUIRED = "Give the lesson a title."
NO_LESSONS = "Write at least one lesson."
ROW_REFUSED = "Lesson {row}: {errors}"


class LessonRowsRefused(ValidationError):
    """Lessons logged together, refused: ``rows`` maps each refused row (from 0) to its errors."""

    def __init__(self, rows: Mapping[int, ValidationError]) -> None:
        self.rows = dict(rows)
        super().__init__(
            [
                ROW_REFUSED.format(row=row + 1, errors=" ".join(error.messages))
                for row, error in self.rows.items()
            ]
        )


def normalise_tags(tags: str) -> str:
    """Tags as stored: lower case, trimmed, each once, in the order given ("supplier, data")."""
    seen: dict[str, None] = {}
    for tag in tags.split(","):
        tag = " ".join(tag.split()).lower()
        if tag:
            seen.setdefault(tag)
    return ", ".join(seen)


def _links(project: Project | None, links: Mapping[str, Iterable[Any]] | None) -> dict[str, list[Any]]:
    """The RAID items to link, checked to be the project's own."""
    found = {name: list((links or {}).get(name, ())) for name in LINKS if links and name in links}
    for name, items in found.items():
        for item in items:
            if project is None:
                raise ValidationError({name: LINK_WITHOUT_PROJECT})
            if item.project_id != project.pk:
                raise ValidationError(
                    {name: LINK_NOT_OF_PROJECT.format(item=item.reference, project=project.code)}
                )
    return found


def _new_lesson(actor: User | None, project: Project | None, fields: Mapping[str, Any]) -> dict[str, Any]:
    only_fields(fields, LESSON_FIELDS)
    values = {"source": LessonSource.ANY_TIME, **fields}
    if project is not None:
        values.setdefault("department", project.department)
        values.setdefault("methodology", project.methodology)
        values["department"] = values["department"] or project.department
        values["methodology"] = values["methodology"] or project.methodology
    values["tags"] = normalise_tags(values.get("tags", ""))
    if not str(values.get("title", "")).strip():
        raise ValidationError({"title": TITLE_REQUIRED})
    return {
        **values,
        "project": project,
        "logged_by": actor,
        "logged_on": clock.today(),
        "status": LessonStatus.DRAFT,
    }


def _ensure_may_log(actor: User | None, project: Project | None) -> None:
    if actor is None:
        return
    if project is None:
        ensure_can(actor, "lessons.add_lesson", action="log lessons")
    else:
        ensure_can(actor, "lessons.log_lesson", project, action=f"log lessons on {project}")


@transaction.atomic
def lesson_create(
    *,
    actor: User | None,
    project: Project | None,
    fields: Mapping[str, Any],
    links: Mapping[str, Iterable[Any]] | None = None,
) -> Lesson:
    """Log a lesson, as a draft: on a project (its manager, sponsor or the PMO; its department
    and methodology by default), or the organisation's (anyone). It joins the library once the
    PMO publishes it."""
    _ensure_may_log(actor, project)
    return record_create(
        model=Lesson,
        actor=actor,
        authorised=True,
        fields=_new_lesson(actor, project, fields),
        m2m=_links(project, links),
        reason="Logged",
    )


@transaction.atomic
def lessons_create_many(
    *,
    actor: User | None,
    lessons: Sequence[tuple[Project | None, date, Mapping[str, Any]]],
    status: LessonStatus,
) -> list[Lesson]:
    """Log many lessons at once, each on its day (a closure workshop's, an import, the demo):
    each checked as ``lesson_create`` checks one, all written in a few queries with their
    history; none if one is refused (``LessonRowsRefused`` says what is wrong with each row)."""
    if actor is not None and status != LessonStatus.DRAFT:
        ensure_can(actor, "lessons.publish_lesson", action=f"log {status.label.lower()} lessons")
    made = []
    refused: dict[int, ValidationError] = {}
    for row, (project, logged_on, fields) in enumerate(lessons):
        _ensure_may_log(actor, project)
        try:
            values = _new_lesson(actor, project, fields)
            lesson = Lesson(**{**values, "status": status, "logged_on": logged_on})
            lesson.full_clean()
        except ValidationError as error:
            refused[row] = error
            continue
        made.append(lesson)
    if refused:
        raise LessonRowsRefused(refused)
    selectors.index_changed()
    return bulk_create_with_history(made, Lesson, default_user=actor, default_change_reason="Logged")


@transaction.atomic
def lessons_log_at_closure(
    *, actor: User | None, project: Project, lessons: Sequence[Mapping[str, Any]]
) -> list[Lesson]:
    """A project's closure workshop: its lessons logged together as drafts from the closure
    workshop, all or none (``LessonRowsRefused`` naming each row's errors)."""
    if not lessons:
        raise ValidationError(NO_LESSONS)
    today = clock.today()
    rows = [(project, today, {**fields, "source": LessonSource.CLOSURE}) for fields in lessons]
    return lessons_create_many(actor=actor, lessons=rows, status=LessonStatus.DRAFT)


def _locked(lesson: Lesson) -> Lesson:
    return Lesson.objects.select_for_update(of=("self",)).select_related("project").get(pk=lesson.pk)


@transaction.atomic
def lesson_update(
    *,
    actor: User | None,
    lesson: Lesson,
    fields: Mapping[str, Any],
    expected_version: int | None,
    links: Mapping[str, Iterable[Any]] | None = None,
) -> Lesson:
    """Correct a lesson: a draft by its author, its project's manager or sponsor, or the PMO; a
    published one by the PMO only (``workflows.LESSON``)."""
    only_fields(fields, LESSON_FIELDS)
    current = _locked(lesson)
    LESSON.ensure(current, actor, "edit")
    values = dict(fields)
    if "tags" in values:
        values["tags"] = normalise_tags(values["tags"])
    if "title" in values and not str(values["title"]).strip():
        raise ValidationError({"title": TITLE_REQUIRED})
    selectors.index_changed()
    return record_update(
        instance=lesson,
        actor=actor,
        fields=values,
        m2m=_links(current.project, links),
        expected_version=expected_version,
        authorised=True,
        locked=current,
    )


def _step(
    actor: User | None, lesson: Lesson, action: str, expected_version: int | None, reason: str
) -> Lesson:
    current = _locked(lesson)
    LESSON.ensure(current, actor, action)
    selectors.index_changed()
    return record_update(
        instance=lesson,
        actor=actor,
        fields={"status": LESSON.target(action)},
        expected_version=expected_version,
        authorised=True,
        locked=current,
        reason=reason,
    )


@transaction.atomic
def lesson_publish(*, actor: User | None, lesson: Lesson, expected_version: int | None) -> Lesson:
    """Publish a draft lesson into the library (the PMO): it is then found and suggested."""
    return _step(actor, lesson, "publish", expected_version, "Published to the library")


@transaction.atomic
def lesson_retire(*, actor: User | None, lesson: Lesson, expected_version: int | None) -> Lesson:
    """Retire a lesson that no longer holds (the PMO): kept, but no longer suggested."""
    return _step(actor, lesson, "retire", expected_version, "Retired")


@transaction.atomic
def lesson_apply(*, actor: User | None, lesson: Lesson, project: Project, note: str) -> LessonApplication:
    """Record that ``project`` applied a published lesson (its manager or the PMO), and how."""
    if actor is not None:
        ensure_can(actor, "lessons.add_lessonapplication", project, action=f"apply lessons to {project}")
    current = Lesson.objects.select_for_update().get(pk=lesson.pk)
    if current.status != LessonStatus.PUBLISHED:
        raise ValidationError(
            NOT_PUBLISHED.format(lesson=current.reference, status=current.get_status_display().lower())
        )
    if current.project_id == project.pk:
        raise ValidationError(OWN_LESSON.format(lesson=current.reference, project=project.code))
    if LessonApplication.objects.filter(lesson=current, project=project).exists():
        raise ValidationError(ALREADY_APPLIED.format(project=project.code, lesson=current.reference))
    if not note.strip():
        raise ValidationError({"note": NOTE_REQUIRED})
    return record_create(
        model=LessonApplication,
        actor=actor,
        authorised=True,
        fields={
            "lesson": current,
            "project": project,
            "note": note.strip(),
            "applied_by": actor,
            "applied_on": clock.today(),
        },
        reason=f"Applied on {project.code}",
    )


@transaction.atomic
def lesson_application_withdraw(*, actor: User | None, application: LessonApplication) -> None:
    """Withdraw a project's record that it applied a lesson (its manager or the PMO): the lesson
    no longer counts it and is suggested to it again; the application's history keeps who
    withdrew it, and when."""
    record_delete(
        instance=application,
        actor=actor,
        expected_version=None,
        reason=f"Withdrawn from {application.project.code}",
    )
