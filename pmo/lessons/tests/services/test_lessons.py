"""Logging, editing, publishing and applying lessons; what each refuses, and who sees what."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.services import ConflictError
from pmo.core.text_limits import text_limit
from pmo.lessons import selectors
from pmo.lessons.choices import LessonStatus
from pmo.lessons.models import Lesson, LessonApplication
from pmo.lessons.services import (
    ALREADY_APPLIED,
    LINK_NOT_OF_PROJECT,
    NOTE_REQUIRED,
    TITLE_REQUIRED,
    LessonRowsRefused,
    lesson_application_withdraw,
    lesson_apply,
    lesson_create,
    lesson_publish,
    lesson_retire,
    lesson_update,
    lessons_create_many,
    lessons_log_at_closure,
)
from pmo.lessons.tests.conftest import Library, lesson_fields, publish
from pmo.lessons.workflows import LESSON, PUBLISHED_EDITED_BY_PMO
from pmo.portfolio.models import LifecycleStage
from pmo.raid.tests.factories import RiskFactory

pytestmark = pytest.mark.django_db


def test_a_lesson_is_logged_as_a_draft_with_the_projects_department_methodology_and_clean_tags(
    library: Library,
) -> None:
    cast = library.cast
    risk = RiskFactory(project=cast.project)

    lesson = lesson_create(
        actor=cast.pm,
        project=cast.project,
        fields=lesson_fields("Late test data", tags=" Data,TESTING, data"),
        links={"risks": [risk]},
    )

    assert lesson.status == LessonStatus.DRAFT
    assert lesson.department == cast.project.department
    assert lesson.methodology == cast.project.methodology
    assert lesson.tags == "data, testing"
    assert list(lesson.risks.all()) == [risk]
    assert lesson.logged_by == cast.pm
    assert lesson.history.count() == 1


def test_bad_input_is_refused_naming_the_field(library: Library) -> None:
    cast = library.cast
    with pytest.raises(ValidationError) as empty:
        lesson_create(actor=cast.pm, project=cast.project, fields=lesson_fields("  "))
    assert empty.value.message_dict["title"] == [TITLE_REQUIRED]

    too_long = "x" * (text_limit("description") + 1)
    with pytest.raises(ValidationError) as long:
        lesson_create(actor=cast.pm, project=cast.project, fields=lesson_fields("Long", event=too_long))
    assert "event" in long.value.message_dict

    other_risk = RiskFactory(project=cast.other_project)
    with pytest.raises(ValidationError) as foreign:
        lesson_create(
            actor=cast.pm, project=cast.project, fields=lesson_fields("Linked"), links={"risks": [other_risk]}
        )
    assert foreign.value.message_dict["risks"] == [
        LINK_NOT_OF_PROJECT.format(item=other_risk.reference, project=cast.project.code)
    ]
    assert not Lesson.objects.filter(title__in=["Long", "Linked"]).exists()


def test_only_those_running_a_project_log_lessons_on_it(library: Library) -> None:
    with pytest.raises(PermissionDenied):
        lesson_create(
            actor=library.cast.other_pm, project=library.cast.project, fields=lesson_fields("Not mine")
        )


def test_a_stale_edit_is_a_conflict_and_saves_nothing(library: Library) -> None:
    lesson = library.web_lesson
    lesson_update(
        actor=library.cast.head,
        lesson=lesson,
        fields={"cause": "No penalties"},
        expected_version=lesson.version,
    )

    with pytest.raises(ConflictError):
        lesson_update(
            actor=library.cast.head,
            lesson=lesson,
            fields={"cause": "Other"},
            expected_version=lesson.version - 1,
        )
    lesson.refresh_from_db()
    assert lesson.cause == "No penalties"


def test_a_project_manager_edits_their_draft_but_only_the_pmo_a_published_lesson(library: Library) -> None:
    cast = library.cast
    draft = lesson_create(actor=cast.pm, project=cast.project, fields=lesson_fields("Draft"))
    published = library.web_lesson

    corrected = lesson_update(
        actor=cast.pm, lesson=draft, fields={"cause": "Late order"}, expected_version=draft.version
    )
    with pytest.raises(PermissionDenied) as refused:
        lesson_update(
            actor=cast.pm, lesson=published, fields={"cause": "Mine"}, expected_version=published.version
        )
    by_pmo = lesson_update(
        actor=cast.head, lesson=published, fields={"cause": "PMO's"}, expected_version=published.version
    )

    assert corrected.cause == "Late order"
    assert str(refused.value) == PUBLISHED_EDITED_BY_PMO.format(record=published)
    assert by_pmo.cause == "PMO's"
    assert LESSON.allowed_actions(draft, cast.pm) == ["edit"]
    assert "edit" not in LESSON.allowed_actions(by_pmo, cast.pm)


def test_only_the_pmo_publishes_and_retires(library: Library) -> None:
    draft = lesson_create(actor=library.cast.pm, project=library.cast.project, fields=lesson_fields("Draft"))
    with pytest.raises(PermissionDenied):
        lesson_publish(actor=library.cast.pm, lesson=draft, expected_version=draft.version)
    with pytest.raises(PermissionDenied):
        lesson_retire(
            actor=library.cast.pm, lesson=library.web_lesson, expected_version=library.web_lesson.version
        )

    retired = lesson_retire(
        actor=library.cast.head, lesson=library.web_lesson, expected_version=library.web_lesson.version
    )

    assert retired.status == LessonStatus.RETIRED
    draft.refresh_from_db()
    assert draft.status == LessonStatus.DRAFT


def test_a_lesson_is_applied_once_by_a_project_its_manager_runs(library: Library) -> None:
    cast = library.cast
    applied = lesson_apply(
        actor=cast.other_pm,
        lesson=library.web_lesson,
        project=cast.other_project,
        note="Penalty clause added",
    )

    assert applied.lesson.applications.count() == 1
    with pytest.raises(ValidationError) as twice:
        lesson_apply(actor=cast.other_pm, lesson=library.web_lesson, project=cast.other_project, note="Again")
    assert twice.value.messages == [ALREADY_APPLIED.format(project="HR", lesson=library.web_lesson.reference)]
    with pytest.raises(PermissionDenied):
        lesson_apply(
            actor=cast.pm, lesson=library.org_lesson, project=cast.other_project, note="Not my project"
        )
    with pytest.raises(ValidationError) as no_note:
        lesson_apply(actor=cast.pm, lesson=library.org_lesson, project=cast.project, note=" ")
    assert no_note.value.message_dict["note"] == [NOTE_REQUIRED]


def test_a_project_withdraws_a_lesson_it_applied_and_the_history_says_who(library: Library) -> None:
    cast = library.cast
    applied = lesson_apply(
        actor=cast.other_pm, lesson=library.web_lesson, project=cast.other_project, note="Penalty clause"
    )
    with pytest.raises(PermissionDenied):
        lesson_application_withdraw(actor=cast.pm, application=applied)

    lesson_application_withdraw(actor=cast.other_pm, application=applied)

    assert not LessonApplication.objects.exists()
    last = LessonApplication.history.filter(id=applied.pk).latest()
    assert (last.history_type, last.history_user, last.history_change_reason) == (
        "-",
        cast.other_pm,
        "Withdrawn from HR",
    )
    again = lesson_apply(
        actor=cast.other_pm, lesson=library.web_lesson, project=cast.other_project, note="Re"
    )
    assert again.note == "Re"


def test_a_confidential_projects_lessons_are_seen_only_by_those_who_see_it_list_and_object_agree(
    library: Library,
) -> None:
    cast = library.cast
    draft = lesson_create(actor=cast.pm, project=cast.project, fields=lesson_fields("PM's draft"))
    for user, expected in [
        (cast.head, {library.web_lesson, library.secret_lesson, library.org_lesson, draft}),
        (cast.other_pm, {library.web_lesson, library.secret_lesson, library.org_lesson}),
        (cast.pm, {library.web_lesson, library.org_lesson, draft}),
        (cast.executive, {library.web_lesson, library.org_lesson}),
    ]:
        seen = set(selectors.lesson_list(user=user))
        assert seen == expected, user
        for lesson in Lesson.objects.all():
            assert user.has_perm("lessons.view_lesson", lesson) == (lesson in expected)


def test_suggestions_say_why_and_skip_hidden_own_and_applied_lessons(library: Library) -> None:
    cast = library.cast
    cast.other_project.name = "Data migration to a new supplier"
    suggested = selectors.suggestions(user=cast.executive, project=cast.other_project)

    assert [s.lesson for s in suggested] == [library.web_lesson]
    assert "supplier" in suggested[0].why and "migration" in suggested[0].why

    lesson_apply(actor=cast.other_pm, lesson=library.web_lesson, project=cast.other_project, note="Done")
    assert (
        selectors.suggestions(user=cast.head, project=cast.other_project)[0].lesson == library.secret_lesson
    )
    assert library.secret_lesson not in [
        s.lesson for s in selectors.suggestions(user=cast.executive, project=cast.other_project)
    ]


def test_why_names_the_category_and_methodology_as_users_read_them_not_their_codes(library: Library) -> None:
    cast = library.cast
    project = cast.other_project
    project.name = "Data migration"
    project.methodology = library.web_lesson.methodology = "agile"
    library.web_lesson.save()
    project.save()
    RiskFactory(project=project, category="commercial", title="Contract terms")

    suggested = selectors.suggestions(user=cast.executive, project=project)

    assert suggested[0].lesson == library.web_lesson
    assert "same category (Supplier and commercial)" in suggested[0].why
    assert "same methodology (Agile)" in suggested[0].why
    assert "(supplier)" not in suggested[0].why and "(agile)" not in suggested[0].why


def test_suggestions_look_ahead_to_the_gate_the_project_is_heading_for(library: Library) -> None:
    cast = library.cast
    stage = selectors.next_stage(cast.other_project) or LifecycleStage.objects.create(
        name="Handover", order=cast.other_project.stage.order + 1
    )
    stage.gate_name = "Operational acceptance"
    stage.save()
    lesson = lesson_create(
        actor=cast.analyst,
        project=None,
        fields=lesson_fields("Operational acceptance agreed late", category="quality"),
    )
    publish(lesson, cast.head)

    found = {s.lesson: s.why for s in selectors.suggestions(user=cast.head, project=cast.other_project)}

    assert "acceptance" in found[lesson]


def test_a_lesson_edited_in_the_library_is_suggested_by_its_new_words_at_once(
    library: Library, django_capture_on_commit_callbacks
) -> None:
    cast = library.cast
    cast.other_project.description = "Payroll archive retention"
    cast.other_project.save()
    lesson = library.org_lesson
    assert library.org_lesson not in [
        s.lesson for s in selectors.suggestions(user=cast.head, project=cast.other_project)
    ]

    with django_capture_on_commit_callbacks(execute=True):
        lesson_update(
            actor=cast.head,
            lesson=lesson,
            fields={"recommendation": "Agree the payroll archive retention early"},
            expected_version=lesson.version,
        )

    suggested = selectors.suggestions(user=cast.head, project=cast.other_project)
    assert lesson in [s.lesson for s in suggested]


def test_linking_a_risk_to_a_lesson_is_kept_in_its_history(library: Library) -> None:
    lesson = library.web_lesson
    risk = RiskFactory(project=library.cast.project)

    lesson_update(
        actor=library.cast.head,
        lesson=lesson,
        fields={},
        links={"risks": [risk]},
        expected_version=lesson.version,
    )

    latest = lesson.history.latest()
    assert [link.risk for link in latest.risks.all()] == [risk]
    assert lesson.history.earliest().risks.count() == 0


def test_only_the_pmo_logs_many_lessons_straight_into_the_library(library: Library) -> None:
    cast = library.cast
    batch = [(cast.project, date(2026, 11, 30), lesson_fields("Workshop lesson"))]

    with pytest.raises(PermissionDenied):
        lessons_create_many(actor=cast.pm, lessons=batch, status=LessonStatus.PUBLISHED)
    drafts = lessons_create_many(actor=cast.pm, lessons=batch, status=LessonStatus.DRAFT)
    published = lessons_create_many(actor=cast.head, lessons=batch, status=LessonStatus.PUBLISHED)

    assert [lesson.status for lesson in (*drafts, *published)] == ["draft", "published"]
    assert Lesson.objects.filter(title="Workshop lesson").count() == 2


def test_a_closure_workshop_logs_its_lessons_all_or_none_saying_what_is_wrong_with_each_row(
    library: Library,
) -> None:
    cast = library.cast
    before = Lesson.objects.count()

    with pytest.raises(LessonRowsRefused) as refused:
        lessons_log_at_closure(
            actor=cast.pm,
            project=cast.project,
            lessons=[lesson_fields("Good"), lesson_fields("Bad", category="luck"), lesson_fields(" ")],
        )
    assert set(refused.value.rows) == {1, 2}
    assert "category" in refused.value.rows[1].message_dict
    assert refused.value.rows[2].message_dict["title"] == [TITLE_REQUIRED]
    assert Lesson.objects.count() == before

    made = lessons_log_at_closure(
        actor=cast.pm, project=cast.project, lessons=[lesson_fields("One"), lesson_fields("Two")]
    )
    assert [(m.title, m.source, m.status) for m in made] == [
        ("One", "closure", LessonStatus.DRAFT),
        ("Two", "closure", LessonStatus.DRAFT),
    ]
    with pytest.raises(PermissionDenied):
        lessons_log_at_closure(actor=cast.pm, project=cast.other_project, lessons=[lesson_fields("X")])
