"""The portfolio roadmap shows every project with a plan the user may see as a lane of its phases
and milestones over their baseline, with today marked and a table of each project's next
milestone and slip; filtered like the register, a page of projects at a time, downloaded as SVG
or PDF (as is a plan's Gantt chart); the same queries whatever the number of projects and tasks."""

import datetime as dt

import lxml.etree
import lxml.html
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.schedule import services, views_roadmap
from pmo.schedule.demo import plan_file
from pmo.schedule.tests.plans import chain_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2027-03-01")]

START, FINISH = dt.date(2027, 1, 4), dt.date(2027, 6, 30)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def import_plan(actor, project, *, slip: float = 0.0) -> None:
    data = plan_file(project.name, START, FINISH, slip=slip, today=dt.date(2027, 2, 22))
    services.plan_import(actor=actor, project=project, data=data, filename="plan.xml")


def test_each_project_shows_its_phases_and_milestones_over_their_baseline(pm, project):
    import_plan(pm, project, slip=0.4)  # WEB's build overran
    on_hold = ProjectFactory(
        code="OPS", status=ProjectStatus.ON_HOLD, project_manager=project.project_manager
    )
    import_plan(pm, on_hold)
    hidden = ProjectFactory(code="SEC", project_manager=project.project_manager)
    import_plan(pm, hidden)
    hidden.confidential, hidden.project_manager = True, PersonFactory(name="Someone else")
    hidden.save()
    plan = project.plan
    go_live = plan.tasks.get(name="Go live")
    services.key_milestones_set(actor=pm, plan=plan, keys={go_live.uid: True})
    client = signed_in(pm)

    response = client.get("/plans/roadmap/")

    assert response.status_code == 200
    page = lxml.html.fromstring(response.content.decode())
    rows = page.xpath("//*[@data-testid='roadmap-projects']/tbody/tr")
    cells = [[" ".join(c.text_content().split()) for c in row] for row in rows]
    assert [c[0] for c in cells] == ["OPS", "WEB"]  # SEC is confidential
    assert cells[0][1] == "Ready for service 9 Jun 2027" and cells[0][2] == cells[0][3]  # finish = baseline
    assert cells[0][4] == "on time"
    assert cells[1][1].startswith("Ready for service") and cells[1][4].endswith("days late")
    assert rows[1].xpath("th/a/@href") == ["/plans/projects/WEB/"]
    svg = page.xpath("//*[@data-testid='roadmap']//svg")[0]
    assert len(svg.xpath(".//rect[contains(@class, 'roadmap-phase')]")) == 10  # five phases each
    assert len(svg.xpath(".//path[contains(@class, 'gantt-milestone')]")) == 8  # four milestones each
    assert len(svg.xpath(".//rect[@class='gantt-baseline']")) == 10
    assert len(svg.xpath(".//path[@class='roadmap-baseline-milestone']")) == 8
    key = svg.xpath(".//path[contains(concat(' ', @class, ' '), ' key ')]/title/text()")
    assert len(key) == 1 and key[0].startswith("WEB Go live (key milestone): ")  # outlined
    assert svg.xpath(".//line[@class='gantt-today']/title")[0].text == "Today"
    assert page.xpath("//nav//a[@href='/plans/roadmap/']")

    held = lxml.html.fromstring(client.get("/plans/roadmap/?status=on_hold&zoom=quarter").content.decode())
    assert held.xpath("//*[@data-testid='roadmap-projects']/tbody/tr/th/a/text()") == ["OPS"]
    assert "Q2 2027" in held.xpath("//svg//text/text()")

    drawing = client.get("/plans/roadmap/?format=svg")
    document = client.get("/plans/roadmap/?format=pdf")
    assert drawing["Content-Type"] == "image/svg+xml"
    assert lxml.etree.fromstring(drawing.content).find("{http://www.w3.org/2000/svg}style") is not None
    assert document["Content-Type"] == "application/pdf" and document.content.startswith(b"%PDF")
    gantt = lxml.etree.fromstring(client.get("/plans/projects/WEB/gantt/svg/?level=1").content)
    assert (
        len(gantt.findall(".//{http://www.w3.org/2000/svg}path[@class='gantt-summary']")) == 5
    )  # the phases
    assert client.get("/plans/projects/WEB/gantt/pdf/").content.startswith(b"%PDF")
    assert client.get("/plans/projects/WEB/gantt/png/").status_code == 404


def test_the_roadmap_costs_the_same_queries_whatever_the_projects_and_tasks(pm, project, monkeypatch):
    monkeypatch.setattr(views_roadmap, "PROJECTS_PER_PAGE", 2)
    import_plan(pm, project)
    client = signed_in(pm)
    client.get("/plans/roadmap/")  # the roles, read once per client
    small = _count(client)
    for code in ("BIG", "BIGGER"):
        big = ProjectFactory(code=code, project_manager=project.project_manager)
        services.plan_import(actor=pm, project=big, data=chain_xml(40), filename="b.xml")

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/plans/roadmap/")
    page = lxml.html.fromstring(response.content.decode())

    assert small == len(captured.captured_queries)
    assert page.xpath("//*[@data-testid='roadmap-projects']/tbody/tr/th/a/text()") == ["BIG", "BIGGER"]
    assert "Showing 1–2 of 3" in " ".join(page.text_content().split())


def _count(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/plans/roadmap/").status_code == 200
    return len(captured.captured_queries)
