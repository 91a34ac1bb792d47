"""Dependencies tied to plan tasks on the pages: the form offers each plan's tasks (plain selects),
the dependency page, the Plan tab and the portfolio roadmap tell the slip, each in a fixed
number of queries, and never name a task of a project the reader may not see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid.models import Dependency
from pmo.raid.tests.views.helpers import client_for, doc, text_of
from pmo.schedule import services as schedule_services
from pmo.schedule.tests.plans import chain_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2027-01-04")]

MOVES = "WEB's Move in moves 5 days because HR's Step 10 slipped"



def queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_the_pm_ties_a_dependency_through_the_form_and_its_page_tells_the_slip(plans):
    client = client_for(plans.pm)
    form = doc(client.get("/raid/dependencies/new/?project=WEB"))
    needing = form.xpath("//select[@name='needing_task_uid']/option/text()")
    assert needing[:2] == ["Not tied", "2 · Survey"] and "6 · Move in (milestone)" in needing
    assert form.xpath("//select[@name='giving_task_uid']/option/text()") == ["Not tied"]  # name HR first

    response = client.post(
        "/raid/dependencies/new/?project=WEB",
        {
            "title": "HR data",
            "depends_on": plans.other_project.pk,
            "owner": plans.project.project_manager_id,
            "status": "open",
            "needing_task_uid": "5",
        },
    )
    dependency = Dependency.objects.get()
    assert response.status_code == 302 and dependency.needing_task_uid == 5
    edit = doc(client.get(f"/raid/dependencies/{dependency.pk}/edit/"))
    assert "10 · Step 10" in edit.xpath("//select[@name='giving_task_uid']/option/text()")
    dependency.giving_task_uid = 10
    dependency.save()

    count, page = queries(client, dependency.get_absolute_url())
    tie = " ".join(doc(page).xpath("//*[@data-testid='plan-tie']")[0].text_content().split())
    assert "Delivered by HR's Step 10, finishing 15 Jan 2027" in tie
    assert "Needed by WEB's Fit out, starting 11 Jan 2027" in tie
    assert "15 Jan 2027: 5 days after the need" in tie and MOVES in tie
    assert count == queries(client, dependency.get_absolute_url())[0] == 11


def test_the_plan_tab_and_the_roadmap_tell_the_slip_to_those_who_may_see_it(plans):
    client = client_for(plans.pm)
    client.get("/plans/roadmap/")  # the roles, read once per client
    untied = queries(client, "/plans/projects/WEB/")[0], queries(client, "/plans/roadmap/")[0]
    Dependency.objects.create(
        project=plans.project,
        depends_on=plans.other_project,
        title="HR data",
        owner=plans.project.project_manager,
        giving_task_uid=10,
        needing_task_uid=5,
    )
    count, page = queries(client, "/plans/projects/WEB/")
    assert MOVES in text_of(page)
    assert "Fit out moves 5 days" in text_of(page)
    assert count == untied[0] + 5  # the tied network's three more, the ties and causes seen

    count, roadmap = queries(client, "/plans/roadmap/")
    assert count == untied[1] + 4  # the tied network's three more, the ties seen
    assert (
        len(doc(roadmap).xpath("//*[local-name()='path'][contains(@class, 'roadmap-dependency late')]")) == 1
    )
    row = doc(roadmap).xpath("//*[@data-testid='roadmap-dependencies']/tbody/tr")[0]
    assert " ".join(row.text_content().split()).endswith(
        "HR: Step 10 15 Jan 2027 WEB: Fit out 11 Jan 2027 5 days"
    )
    ProjectFactory(code="APP", project_manager=plans.project.project_manager)
    assert queries(client, "/plans/roadmap/")[0] == count


def test_a_confidential_providers_tasks_stay_hidden(plans, make_user):
    secret = ProjectFactory(code="SEC", confidential=True, project_manager=PersonFactory())
    schedule_services.plan_import(actor=None, project=secret, data=chain_xml(12), filename="sec.xml")
    Dependency.objects.create(
        project=plans.project,
        depends_on=secret,
        title="Secret feed",
        owner=plans.project.project_manager,
        giving_task_uid=12,
        needing_task_uid=5,
    )
    client = client_for(plans.pm)
    plan_tab = text_of(client.get("/plans/projects/WEB/"))
    assert "because a project you cannot see slipped" in plan_tab and "Step 12" not in plan_tab
    roadmap = client.get("/plans/roadmap/").content.decode()
    assert "roadmap-dependency" not in roadmap and "Step 12" not in roadmap
