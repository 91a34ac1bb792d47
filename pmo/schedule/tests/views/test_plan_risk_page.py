"""The schedule risk page: the project manager gives tasks three-point estimates in days (refused
naming the task when out of order), runs the simulation and reads its forecast, chance of the
baseline finish, charts with their tables, criticality and earlier runs; others only read it."""

import datetime as dt

import lxml.html
import pytest
from django.test import Client

from pmo.core.choices import Role
from pmo.core.formatting import percent
from pmo.schedule import services
from pmo.schedule.models import ScheduleRun, TaskEstimate
from pmo.schedule.tests.services.test_schedule_risk import baselined_office_move_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2027-01-06")]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response) -> str:
    return " ".join(" ".join(lxml.html.fromstring(response.content.decode()).itertext()).split())


def test_the_manager_estimates_runs_and_reads_the_forecast(pm, project, make_user):
    plan = services.plan_import(actor=pm, project=project, data=baselined_office_move_xml(), filename="m.xml")
    services.key_milestones_set(actor=pm, plan=plan, keys={6: True})
    client = signed_in(pm)
    url = "/plans/projects/WEB/risk/"
    assert 'href="/plans/projects/WEB/risk/"' in client.get("/plans/projects/WEB/").content.decode()

    # Design's most likely above its maximum: refused, naming it, and nothing saved
    bad = client.post(url, {"action": "estimates", "min-3": "2", "likely-3": "5", "max-3": "4"})
    assert bad.status_code == 400
    assert "Design (ID 3): the minimum cannot exceed the most likely" in text_of(bad)
    assert not TaskEstimate.objects.exists()

    saved = client.post(
        url,
        {"action": "estimates", "min-5": "3", "likely-5": "4", "max-5": "10", "dist-5": "pert"},
        follow=True,
    )
    assert "Saved 1 estimate on this page." in text_of(saved)
    grid = lxml.html.fromstring(saved.content.decode())
    assert grid.get_element_by_id("task-5").text == "Fit out"
    assert [grid.xpath(f'//input[@name="{f}-5"]/@value')[0] for f in ("min", "likely", "max")] == [
        "3",
        "4",
        "10",
    ]
    assert "Office move" not in grid.xpath('//*[@data-testid="risk-estimates"]//th[@scope="row"]/text()')

    client.post(url, {"action": "run", "iterations": "500"})
    shown = client.post(url, {"action": "run", "iterations": "1000"}, follow=True)

    text = text_of(shown)
    run = ScheduleRun.objects.first()
    assert f"Simulated 1,000 times: P80 finish {run.p80_day.day} Jan 2027." in text  # a day, no time
    assert f"P80 finish {run.p80_day.day} Jan 2027" in text
    assert "Chance of the baseline finish" in text and " by 14 Jan 2027" in text
    page = lxml.html.fromstring(shown.content.decode())
    slip = (run.p80_day - dt.date(2027, 1, 14)).days  # calendar days after the baseline finish
    said = {1: "1 day late", 0: "on time", -1: "1 day early"}.get(slip)
    said = said or (f"{slip} days late" if slip > 0 else f"{-slip} days early")
    assert page.xpath('//*[@data-testid="risk-p80-baseline"]/text()') == [said]
    figure = page.xpath('//*[@data-testid="risk-histogram"]')[0]
    assert figure.xpath(".//svg/title/text()") == ["Finish dates of 1,000 iterations, and the S-curve"]
    assert figure.xpath('.//*[@data-testid="risk-histogram-table"]//tbody/tr')
    assert b"style=" not in lxml.html.tostring(figure)  # colours are classes
    assert page.xpath('//*[@data-testid="tornado-table"]//tbody/tr[1]/th/text()') == ["Fit out"]
    assert page.xpath('//*[@data-testid="risk-earlier"]//tbody/tr/td[3]/text()') == ["500"]
    milestone = page.xpath('//*[@data-testid="risk-milestones"]//tbody/tr')[0]
    cells = [" ".join(cell.itertext()) for cell in milestone]
    assert (cells[0], cells[3]) == ("Move in", f"{run.p80_day.day} Jan 2027")  # its P80: the finish's
    assert cells[-1] == percent(run.target_percent)  # its chance of its baseline: the finish's, shown alike

    # An executive sees the page but may not run it
    viewer = signed_in(make_user(Role.EXECUTIVE, username="exec"))
    assert "Run" not in lxml.html.fromstring(viewer.get(url).content.decode()).xpath("//button/text()")
    assert viewer.post(url, {"action": "run"}).status_code == 403
    assert ScheduleRun.objects.count() == 2


def test_the_manager_ties_an_open_raid_risk_to_a_task(pm, project):
    from pmo.raid.tests.factories import RiskFactory

    services.plan_import(actor=pm, project=project, data=baselined_office_move_xml(), filename="m.xml")
    risk = RiskFactory(project=project, title="Contractor late")
    client = signed_in(pm)
    url = "/plans/projects/WEB/risk/"

    refused = client.post(url, {"action": "risk", "risk": risk.pk, "task": "1", "impact-likely": "2"})
    assert refused.status_code == 400
    assert "Office move (ID 1): a summary task takes no risk" in text_of(refused)

    tied = client.post(
        url,
        {
            "action": "risk",
            "risk": risk.pk,
            "task": "5",
            "impact-min": "1",
            "impact-likely": "2.5",
            "impact-max": "6",
        },
        follow=True,
    )
    assert f"{risk.reference} now delays Fit out (ID 5) when it occurs." in text_of(tied)
    row = lxml.html.fromstring(tied.content.decode()).xpath('//*[@data-testid="risk-raid"]//tbody/tr')[0]
    assert [" ".join(" ".join(cell.itertext()).split()) for cell in row][:3] == [
        f"{risk.reference} Contractor late",
        "Fit out (ID 5)",
        "1 / 2.5 / 6",
    ]
    shown = client.post(url, {"action": "run", "iterations": "500"}, follow=True)
    assert "1 RAID risk ·" in text_of(shown)
