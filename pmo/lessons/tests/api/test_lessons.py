"""The lessons API: the library with filters, logging and correcting with a version, the
workflow, applying, suggestions with why, history, errors naming the field, pinned queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.core.api import NO_SUCH_PROJECT
from pmo.lessons.api import NOT_APPLIED
from pmo.lessons.models import Lesson, LessonApplication
from pmo.lessons.services import ALREADY_APPLIED, lesson_create
from pmo.lessons.tests.conftest import Library, lesson_fields, publish
from pmo.lessons.workflows import PUBLISHED_EDITED_BY_PMO

pytestmark = pytest.mark.django_db
URL = "/api/v1/lessons/"


def test_the_library_filters_by_category_tag_and_search_and_hides_confidential_lessons(
    library: Library, client_for
) -> None:
    executive = client_for(library.cast.executive)

    everything = executive.get(URL).json()
    by_tag = executive.get(URL, {"tag": "supplier"}).json()
    by_category = executive.get(URL, {"category": "resourcing"}).json()
    searched = executive.get(URL, {"search": "migration"}).json()

    assert {row["title"] for row in everything["results"]} == {
        library.web_lesson.title,
        library.org_lesson.title,
    }
    assert [row["reference"] for row in by_tag["results"]] == [library.web_lesson.reference]
    assert [row["title"] for row in by_category["results"]] == ["Training too late"]
    assert [row["title"] for row in searched["results"]] == [library.web_lesson.title]
    assert executive.get(f"{URL}{library.secret_lesson.pk}/").status_code == 404


def test_a_lesson_is_logged_corrected_with_its_version_published_and_has_history(
    library: Library, client_for
) -> None:
    cast = library.cast
    pm, head = client_for(cast.pm), client_for(cast.head)

    made = pm.post(
        URL, {**lesson_fields("Late licences"), "project": "WEB", "tags": "Licences"}, format="json"
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["status"], body["tags"], body["actions"]) == ("draft", "licences", ["edit"])

    changed = pm.patch(
        f"{URL}{body['id']}/", {"cause": "Ordered late", "version": body["version"]}, format="json"
    )
    assert changed.json()["cause"] == "Ordered late"
    stale = pm.patch(f"{URL}{body['id']}/", {"cause": "x", "version": body["version"]}, format="json")
    assert stale.status_code == 409

    published = head.post(
        f"{URL}{body['id']}/publish/", {"version": changed.json()["version"]}, format="json"
    )
    assert published.json()["status"] == "published"
    history = pm.get(f"{URL}{body['id']}/history/").json()
    assert len(history) == 3


def test_a_project_manager_patching_a_published_lesson_is_refused_saying_why(
    library: Library, client_for
) -> None:
    lesson = library.web_lesson
    pm = client_for(library.cast.pm)

    refused = pm.patch(f"{URL}{lesson.pk}/", {"cause": "Mine", "version": lesson.version}, format="json")
    shown = pm.get(f"{URL}{lesson.pk}/").json()

    assert refused.status_code == 403
    assert refused.json() == {"message": PUBLISHED_EDITED_BY_PMO.format(record=lesson), "fields": {}}
    assert shown["actions"] == [] and shown["cause"] == lesson.cause


def test_bad_input_is_a_json_error_naming_the_field(library: Library, client_for) -> None:
    pm = client_for(library.cast.pm)

    no_title = pm.post(URL, {**lesson_fields(""), "project": "WEB"}, format="json")
    bad_category = pm.post(URL, {**lesson_fields("X", category="luck")}, format="json")
    too_long = pm.post(URL, {**lesson_fields("X", event="x" * 100_000)}, format="json")

    assert no_title.status_code == 400 and "title" in no_title.json()["fields"]
    assert bad_category.status_code == 400 and "category" in bad_category.json()["fields"]
    assert too_long.status_code == 400 and "event" in too_long.json()["fields"]
    assert not Lesson.objects.filter(title="X").exists()


def test_applying_a_lesson_and_applying_it_twice(library: Library, client_for) -> None:
    other_pm = client_for(library.cast.other_pm)
    url = f"{URL}{library.web_lesson.pk}/apply/"

    first = other_pm.post(url, {"project": "HR", "note": "Penalty clause"}, format="json")
    again = other_pm.post(url, {"project": "HR", "note": "Again"}, format="json")
    not_theirs = client_for(library.cast.pm).post(
        f"{URL}{library.org_lesson.pk}/apply/", {"project": "HR", "note": "n"}, format="json"
    )

    assert first.status_code == 201 and first.json()["project"] == "HR"
    assert again.status_code == 400
    assert ALREADY_APPLIED.format(project="HR", lesson=library.web_lesson.reference) in str(again.json())
    assert not_theirs.status_code == 403
    assert LessonApplication.objects.count() == 1
    assert other_pm.get(f"{URL}{library.web_lesson.pk}/").json()["applied_count"] == 1


def test_withdrawing_an_application(library: Library, client_for) -> None:
    other_pm = client_for(library.cast.other_pm)
    url = f"{URL}{library.web_lesson.pk}/"
    other_pm.post(f"{url}apply/", {"project": "HR", "note": "Penalty clause"}, format="json")

    refused = client_for(library.cast.pm).post(f"{url}withdraw/", {"project": "HR"}, format="json")
    assert refused.status_code == 403 and LessonApplication.objects.count() == 1
    withdrawn = other_pm.post(f"{url}withdraw/", {"project": "HR"}, format="json")
    again = other_pm.post(f"{url}withdraw/", {"project": "HR"}, format="json")

    assert withdrawn.status_code == 204
    assert again.status_code == 404 and again.json()["message"] == NOT_APPLIED.format(
        project="HR", lesson=library.web_lesson.reference
    )
    assert other_pm.get(url).json()["applied_count"] == 0


def test_suggestions_for_a_project_say_why(library: Library, client_for) -> None:
    cast = library.cast
    cast.other_project.description = "Moving the payroll data migration to a new supplier"
    cast.other_project.save()
    client = client_for(cast.executive)

    found = client.get(f"{URL}suggestions/", {"project": "HR"})
    missing = client.get(f"{URL}suggestions/")
    hidden = client.get(f"{URL}suggestions/", {"project": "SEC"})

    assert [row["lesson"]["reference"] for row in found.json()] == [library.web_lesson.reference]
    assert "supplier" in found.json()[0]["why"]
    assert missing.status_code == 400 and "project" in missing.json()["fields"]
    assert hidden.status_code == 404
    assert hidden.json() == {"message": NO_SUCH_PROJECT.format(code="SEC"), "fields": {}}
    assert client.get(f"{URL}suggestions/", {"project": "UNKNOWN"}).status_code == 404
    assert client.get(f"{URL}suggestions/", {"project": "hr"}).json() == found.json()


def test_the_project_filter_matches_its_code_in_any_case(library: Library, client_for) -> None:
    client = client_for(library.cast.executive)

    found = client.get(URL, {"project": "web"}).json()

    assert [row["reference"] for row in found["results"]] == [library.web_lesson.reference]


def _count(client) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, {"ordering": "-applied_count"})
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_list_costs_the_same_queries_for_2_and_10_more_lessons(library: Library, client_for) -> None:
    cast = library.cast
    head, executive = client_for(cast.head), client_for(cast.executive)
    for n in range(2):
        publish(
            lesson_create(actor=library.cast.analyst, project=None, fields=lesson_fields(f"Few {n}")),
            cast.head,
        )
    few = (_count(head), _count(executive))
    for n in range(8):
        publish(
            lesson_create(actor=cast.pm, project=cast.project, fields=lesson_fields(f"Many {n}")), cast.head
        )
    many = (_count(head), _count(executive))

    assert executive.get(URL).json()["count"] == 12  # the published lessons it may see, grown by 10
    # session, user, roles, count, page, the four kinds of linked RAID items; an executive's
    # also reads their person record, for the projects they run
    assert few == many == (9, 10)
