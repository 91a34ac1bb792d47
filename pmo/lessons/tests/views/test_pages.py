"""The lessons pages as a reader sees them: the library filtered and exported, a lesson's page,
logging one, the project's Lessons tab with suggestions and applying one, themes; pinned queries."""

import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.core.text_limits import text_limit
from pmo.lessons.models import Lesson
from pmo.lessons.services import lesson_apply, lesson_create
from pmo.lessons.tests.conftest import Library, lesson_fields
from pmo.lessons.workflows import PUBLISHED_EDITED_BY_PMO

pytestmark = pytest.mark.django_db


def test_the_library_filters_by_tag_and_hides_a_confidential_projects_lessons(
    library: Library, client
) -> None:
    client.force_login(library.cast.executive)

    page = client.get("/lessons/").content.decode()
    tagged = client.get("/lessons/", {"tag": "data"}).content.decode()

    assert library.web_lesson.title in page and library.org_lesson.title in page
    assert library.secret_lesson.title not in page
    assert library.web_lesson.title in tagged and library.org_lesson.title not in tagged
    assert client.get(f"/lessons/{library.secret_lesson.pk}/").status_code == 404


def test_the_excel_export_opens_with_the_lessons_shown(library: Library, client) -> None:
    client.force_login(library.cast.executive)

    response = client.get("/lessons/", {"export": "xlsx", "category": "supplier"})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Reference", "Title", "Category")
    assert [row[1] for row in rows[1:]] == [library.web_lesson.title]
    assert "Recommendation" in rows[0]


def test_a_bad_filter_refuses_the_export_naming_it(library: Library, client) -> None:
    client.force_login(library.cast.head)

    response = client.get("/lessons/", {"export": "xlsx", "category": "luck"})

    assert response.status_code == 400
    assert "category" in response.content.decode()


def test_a_project_manager_logs_a_lesson_and_bad_input_is_shown_beside_the_field(
    library: Library, client
) -> None:
    client.force_login(library.cast.pm)
    url = "/lessons/new/?project=WEB"

    refused = client.post(url, {**lesson_fields(""), "source": "closure"})
    logged = client.post(url, {**lesson_fields("Book the test lab early"), "source": "closure"})

    assert refused.status_code == 400 and "This field is required" in refused.content.decode()
    lesson = Lesson.objects.get(title="Book the test lab early")
    assert logged.status_code == 302 and logged.url == lesson.get_absolute_url()
    assert (lesson.project, lesson.status, lesson.source) == (library.cast.project, "draft", "closure")
    assert client.get("/lessons/new/?project=HR").status_code == 403


def test_the_project_tab_suggests_lessons_with_why_and_one_is_applied(library: Library, client) -> None:
    cast = library.cast
    cast.other_project.description = "Payroll data migration by a new supplier"
    cast.other_project.save()
    client.force_login(cast.other_pm)

    tab = client.get("/lessons/projects/HR/").content.decode()
    applied = client.post(
        f"/lessons/{library.web_lesson.pk}/apply/HR/", {"note": "Penalty clause in the contract"}, follow=True
    )

    assert library.web_lesson.title in tab and "Similar words:" in tab
    assert "recorded as applied on HR" in applied.content.decode()
    assert library.web_lesson.applications.get().note == "Penalty clause in the contract"
    lesson_page = client.get(library.web_lesson.get_absolute_url()).content.decode()
    assert "Applied by 1 project" in lesson_page and "Penalty clause" in lesson_page


def test_a_project_manager_withdraws_an_applied_lesson_from_the_projects_tab(
    library: Library, client
) -> None:
    cast = library.cast
    lesson_apply(actor=cast.other_pm, lesson=library.web_lesson, project=cast.other_project, note="Penalty")
    url = f"/lessons/{library.web_lesson.pk}/withdraw/HR/"
    client.force_login(cast.pm)
    assert client.post(url).status_code == 403  # WEB's manager does not run HR
    client.force_login(cast.other_pm)

    tab = client.get("/lessons/projects/HR/").content.decode()
    withdrawn = client.post(url, follow=True).content.decode()

    assert f'action="{url}"' in tab
    assert f"{library.web_lesson.reference} is no longer recorded as applied on HR." in withdrawn
    assert not library.web_lesson.applications.exists()
    assert client.post(url).status_code == 404


def test_publishing_from_the_lesson_page(library: Library, client) -> None:
    draft = lesson_create(
        actor=library.cast.pm, project=library.cast.project, fields=lesson_fields("Draft one")
    )
    client.force_login(library.cast.head)

    done = client.post(f"/lessons/{draft.pk}/publish/", {"version": draft.version}, follow=True)

    assert "published" in done.content.decode()
    draft.refresh_from_db()
    assert draft.status == "published"


def _by_category(page: str) -> dict[str, int]:
    table = page.split('data-testid="by-category"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="text-end">(\d+)</td>', table)
    return {name: int(n) for name, n in rows}


def test_themes_count_the_published_lessons_per_theme_for_those_who_may_see_them(
    library: Library, client
) -> None:
    client.force_login(library.cast.head)
    seen_by_pmo = client.get("/lessons/themes/").content.decode()
    client.force_login(library.cast.executive)
    seen_by_executive = client.get("/lessons/themes/").content.decode()

    # The PMO counts the confidential project's supplier lesson; an executive who may not see
    # that project does not.
    assert _by_category(seen_by_pmo) == {"Supplier and commercial": 2, "Resourcing": 1}
    assert _by_category(seen_by_executive) == {"Supplier and commercial": 1, "Resourcing": 1}
    assert "supplier</a> (1)" in seen_by_executive and "data</a> (1)" in seen_by_executive


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "url", ["/lessons/", "/lessons/?tag=data&sort=-applied", "/lessons/projects/WEB/", "/lessons/themes/"]
)
def test_pages_cost_the_same_queries_for_2_and_10_lessons(library: Library, client, url: str) -> None:
    cast = library.cast
    client.force_login(cast.pm)
    for n in range(2):
        lesson_create(actor=cast.pm, project=cast.project, fields=lesson_fields(f"Few data {n}", tags="data"))
    _queries(client, url)  # the suggestions' index is fitted once, then kept until a lesson changes
    few = _queries(client, url)
    for n in range(8):
        lesson_create(
            actor=cast.pm, project=cast.project, fields=lesson_fields(f"Many data {n}", tags="data")
        )
    many = _queries(client, url)

    assert few == many


@pytest.mark.today("2026-12-04")  # the library's lessons are logged today: 2026 Q4
def test_the_themes_chart_names_each_quarters_count(library: Library, client) -> None:
    client.force_login(library.cast.head)

    page = client.get("/lessons/themes/").content.decode()

    assert 'data-testid="quarter-chart"' in page
    assert 'aria-label="2026 Q4: 3 lessons"' in page


def test_editing_a_lesson_keeps_its_history_and_a_stale_form_saves_nothing(library: Library, client) -> None:
    lesson = library.web_lesson
    client.force_login(library.cast.head)
    url = f"/lessons/{lesson.pk}/edit/"
    form = {
        **lesson_fields(lesson.title),
        "source": "any_time",
        "tags": "supplier",
        "version": lesson.version,
    }

    assert client.get(url).status_code == 200
    saved = client.post(url, {**form, "cause": "No penalty clause"})
    stale = client.post(url, {**form, "cause": "Something else"})
    history = client.get(f"/lessons/{lesson.pk}/history/").content.decode()

    assert saved.status_code == 302
    assert stale.status_code == 409
    lesson.refresh_from_db()
    assert lesson.cause == "No penalty clause"
    assert "Published to the library" in history and "No penalty clause" in history


def test_a_project_manager_may_not_edit_a_published_lesson_and_the_page_says_why(
    library: Library, client
) -> None:
    lesson = library.web_lesson
    client.force_login(library.cast.pm)
    url = f"/lessons/{lesson.pk}/edit/"

    shown = client.get(url)
    posted = client.post(
        url, {**lesson_fields(lesson.title), "source": "any_time", "version": lesson.version}
    )
    page = client.get(lesson.get_absolute_url()).content.decode()

    assert shown.status_code == posted.status_code == 403
    assert PUBLISHED_EDITED_BY_PMO.format(record=lesson) in shown.content.decode()
    assert f"/lessons/{lesson.pk}/edit/" not in page
    lesson.refresh_from_db()
    assert lesson.event == library.web_lesson.event


def test_a_confidential_projects_lesson_applied_elsewhere_is_not_named_on_that_projects_tab(
    library: Library, client
) -> None:
    cast = library.cast
    lesson_apply(
        actor=cast.other_pm, lesson=library.secret_lesson, project=cast.other_project, note="Used it"
    )
    client.force_login(cast.executive)

    tab = client.get("/lessons/projects/HR/")

    assert tab.status_code == 200
    assert library.secret_lesson.title not in tab.content.decode()


def test_a_lesson_counts_only_the_applications_its_reader_may_see(library: Library, client) -> None:
    cast = library.cast
    lesson_apply(actor=cast.other_pm, lesson=library.web_lesson, project=library.secret, note="Secretly")
    client.force_login(cast.executive)

    page = client.get(library.web_lesson.get_absolute_url()).content.decode()
    themes = client.get("/lessons/themes/").content.decode()
    client.force_login(cast.head)
    seen_by_pmo = client.get(library.web_lesson.get_absolute_url()).content.decode()

    assert "Applied by 0 projects" in page and "Secretly" not in page
    assert library.web_lesson.title not in themes
    assert "Applied by 1 project" in seen_by_pmo


def test_a_too_long_note_on_applying_is_refused_saying_so(library: Library, client) -> None:
    client.force_login(library.cast.other_pm)

    refused = client.post(
        f"/lessons/{library.web_lesson.pk}/apply/HR/", {"note": "x" * (text_limit("note") + 1)}, follow=True
    )

    page = refused.content.decode()
    assert f"How your project applies it is {text_limit('note') + 1:,} characters long" in page
    assert "Say how the lesson was applied" not in page
    assert not library.web_lesson.applications.exists()


def _workshop(rows: list[dict[str, str]]) -> dict[str, str]:
    data = {"lesson-TOTAL_FORMS": str(len(rows)), "lesson-INITIAL_FORMS": "0"}
    for n, row in enumerate(rows):
        data.update({f"lesson-{n}-{name}": value for name, value in row.items()})
    return data


def test_a_closure_workshop_logs_several_lessons_at_once_all_or_none(library: Library, client) -> None:
    cast = library.cast
    client.force_login(cast.pm)
    url = "/lessons/projects/WEB/workshop/"
    before = Lesson.objects.count()

    shown = client.get(url)
    refused = client.post(
        url, _workshop([lesson_fields("Good"), {**lesson_fields("Bad"), "recommendation": ""}, {}])
    )
    logged = client.post(url, _workshop([lesson_fields("One"), lesson_fields("Two"), {}]), follow=True)

    assert shown.status_code == 200 and shown.content.decode().count('data-testid="workshop-row"') == 3
    assert refused.status_code == 400
    rows = refused.content.decode().split('data-testid="workshop-row"')[1:]
    assert "error-summary" not in rows[0] and "error-summary" in rows[1]
    assert Lesson.objects.count() == before + 2
    assert "2 lesson(s) of WEB" in logged.content.decode()
    assert set(Lesson.objects.filter(source="closure").values_list("title", flat=True)) == {"One", "Two"}
    client.force_login(cast.other_pm)
    assert client.get(url).status_code == 403
