"""The plan page shows a project's Gantt chart beside its tasks (the critical path marked), a
page at a time, collapsed to an outline level and zoomed; a plan imports from MS Project XML on
its upload page (checked first if asked, refused whole with the reason) and exports back."""

import io

import lxml.html
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from pmo.core.choices import Role
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.schedule import services
from pmo.schedule.models import Plan
from pmo.schedule.tests.plans import chain_xml, office_move_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2027-01-06")]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def doc(response):
    return lxml.html.fromstring(response.content.decode())


def text_of(response) -> str:
    return " ".join(" ".join(doc(response).itertext()).split())


@pytest.fixture
def plan(pm, project):
    return services.plan_import(actor=pm, project=project, data=office_move_xml(), filename="move.xml")


def test_the_plan_page_shows_the_gantt_with_the_critical_path_and_the_tasks(pm, plan):
    response = signed_in(pm).get("/plans/projects/WEB/")

    assert response.status_code == 200
    page = doc(response)
    summary = " ".join(page.xpath("//*[@data-testid='plan-summary']")[0].text_content().split())
    assert summary.startswith("6 tasks, 5 critical · 4 Jan 2027 to 14 Jan 2027 · imported from move.xml")
    rows = page.xpath("//*[@data-testid='plan-tasks']/tbody/tr")
    assert [r.xpath("string(th)").removesuffix(" (critical)").strip() for r in rows] == [
        "Office move",
        "Survey",
        "Design",
        "Order furniture",
        "Fit out",
        "Move in milestone",
    ]
    assert [r.get("class").strip() for r in rows].count("critical") == 4  # Survey, Design, Fit out, Move in
    svg = page.xpath("//*[@data-testid='gantt']//svg")[0]
    assert len(svg.xpath(".//rect[contains(@class, 'gantt-bar')]")) == 4
    assert len(svg.xpath(".//rect[@class='gantt-bar critical']")) == 3
    assert len(svg.xpath(".//path[contains(@class, 'gantt-milestone')]")) == 1
    assert len(svg.xpath(".//path[@class='gantt-link']")) == 5
    assert svg.xpath(".//line[@class='gantt-today']/title")[0].text == "Today"
    assert "Export to MS Project" in text_of(response)


def test_the_plan_collapses_to_an_outline_level_and_finds_a_task(pm, plan):
    client = signed_in(pm)

    top = doc(client.get("/plans/projects/WEB/?level=1&zoom=day"))
    found = doc(client.get("/plans/projects/WEB/?q=furniture"))

    assert [
        r.xpath("string(th)").removesuffix(" (critical)")
        for r in top.xpath("//*[@data-testid='plan-tasks']/tbody/tr")
    ] == ["Office move"]
    assert top.xpath("//select[@name='zoom']/option[@selected]")[0].get("value") == "day"
    assert len(found.xpath("//*[@data-testid='plan-tasks']/tbody/tr")) == 1


def test_the_tasks_export_to_excel_as_shown(pm, plan):
    response = signed_in(pm).get("/plans/projects/WEB/?export=xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("ID", "WBS", "Task", "Duration")
    assert rows[3][2:4] == ("Design", "3 days") and rows[3][7] == "Yes"


def test_without_a_plan_the_project_manager_is_offered_the_import_and_others_are_told(pm, project, make_user):
    reader = make_user(Role.EXECUTIVE, username="director")

    mine = text_of(signed_in(pm).get("/plans/projects/WEB/"))
    theirs = text_of(signed_in(reader).get("/plans/projects/WEB/"))

    assert "No plan yet" in mine and "Import from MS Project" in mine
    assert "No plan yet" in theirs and "Import from MS Project" not in theirs
    assert signed_in(reader).get("/plans/projects/WEB/import/").status_code == 403


def test_the_project_manager_checks_then_imports_a_plan_in_the_browser_form(pm, project):
    client = signed_in(pm)

    checked = client.post(
        "/plans/projects/WEB/import/",
        {"file": io.BytesIO(office_move_xml()), "check_only": "on"},
        format="multipart",
    )
    assert not Plan.objects.exists()
    assert "6 tasks, finishing 14 Jan 2027; nothing imported yet." in text_of(checked)

    upload = io.BytesIO(office_move_xml())
    upload.name = "move.xml"
    done = client.post("/plans/projects/WEB/import/", {"file": upload}, follow=True)

    assert "Import of move.xml complete: 6 tasks, finishing 14 Jan 2027." in text_of(done)
    assert Plan.objects.get().tasks_count == 6


def test_a_broken_file_is_refused_on_the_page_and_nothing_changes(pm, plan):
    upload = io.BytesIO(b"<Project><Tasks>")
    upload.name = "broken.xml"

    response = signed_in(pm).post("/plans/projects/WEB/import/", {"file": upload})

    assert response.status_code == 200
    shown = " ".join(doc(response).xpath("//*[@data-testid='import-failed']")[0].text_content().split())
    assert shown.startswith(
        "Nothing was imported from broken.xml broken.xml: The file is not well-formed XML"
    )
    assert Plan.objects.get().source_name == "move.xml"


def test_the_export_is_ms_project_xml_that_reimports_to_the_same_plan(pm, plan):
    response = signed_in(pm).get("/plans/projects/WEB/export/")

    assert response["Content-Disposition"] == 'attachment; filename="WEB-plan.xml"'
    again = services.plan_import(actor=pm, project=plan.project, data=response.content, filename="back.xml")
    assert (again.start, again.finish, again.critical_count) == (plan.start, plan.finish, plan.critical_count)


def test_the_plan_page_costs_the_same_queries_whatever_the_plan(pm, project):
    client = signed_in(pm)
    services.plan_import(actor=pm, project=project, data=office_move_xml(), filename="a.xml")
    small = _count(client, "/plans/projects/WEB/")
    big = ProjectFactory(code="BIG", project_manager=project.project_manager)
    services.plan_import(actor=pm, project=big, data=chain_xml(60), filename="b.xml")

    assert _count(client, "/plans/projects/BIG/") == small == 13


def test_the_plan_page_does_not_read_the_plans_ms_project_document(pm, plan):
    """The document (megabytes for a plan of thousands of tasks) is read only to change or export
    the plan: the page's tasks, milestones and Gantt come from the plan's rows."""
    with CaptureQueriesContext(connection) as captured:
        assert signed_in(pm).get("/plans/projects/WEB/").status_code == 200

    assert not [q["sql"] for q in captured.captured_queries if '"schedule_plan"."document"' in q["sql"]]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)
