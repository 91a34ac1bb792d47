"""A project's plan on its reporting pages: the milestone trend draws the plan's key milestones as
the handed-in reports forecast them (a table beside it), and approving a new baseline starts from
the plan's baseline: its finish and its key milestones' baseline dates."""

import datetime as dt
from decimal import Decimal

import lxml.html
import pytest
from django.test import Client

from pmo.core.choices import Role
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.reporting import services
from pmo.reporting.services import MilestoneForecast
from pmo.reporting.tests.factories import PeriodFactory
from pmo.reporting.tests.services.steps import GREEN
from pmo.schedule import services as schedule
from pmo.schedule.tests.plans import milestones_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]


@pytest.fixture
def people(make_user):
    pm = make_user(Role.PROJECT_MANAGER, username="pm")
    head = make_user(Role.PMO_HEAD, username="head")
    project = ProjectFactory(code="WEB", project_manager=PersonFactory(user=pm))
    return pm, head, project


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_reporting_page_draws_the_key_milestones_trend(people):
    pm, head, project = people
    plan = schedule.plan_import(actor=pm, project=project, data=milestones_xml(), filename="p.xml")
    schedule.key_milestones_set(actor=pm, plan=plan, keys={4: True})
    for start, forecast in (
        (dt.date(2026, 9, 1), dt.date(2026, 10, 16)),
        (dt.date(2026, 10, 1), dt.date(2026, 11, 6)),
    ):
        report = services.highlight_report_start(actor=pm, project=project, period=PeriodFactory(start=start))
        report = services.highlight_report_update(
            actor=pm,
            report=report,
            fields={**GREEN, "summary": "Build late.", "forecast_cost": Decimal(1000)},
            expected_version=report.version,
            milestones=[MilestoneForecast("Go live", forecast)],
        )
        services.highlight_report_submit(actor=pm, report=report, expected_version=report.version)

    page = lxml.html.fromstring(signed_in(head).get("/reporting/projects/WEB/").content)

    [chart] = page.xpath("//*[@data-testid='milestone-trend']")
    assert chart.xpath(".//*[contains(@class, 'chart-point')]/@aria-label") == [
        "Go live: forecast 16 Oct 2026 in the September 2026 report",
        "Go live: forecast 6 Nov 2026 in the October 2026 report",
    ]
    rows = chart.xpath(".//table//tbody/tr")
    assert [[cell.text_content() for cell in row] for row in rows] == [
        ["Go live", "16 Oct 2026", "6 Nov 2026", "+21 days"]
    ]
    assert page.xpath("//a[contains(., 'Key milestones are chosen on the Plan tab')]/@href") == [
        "/plans/projects/WEB/"
    ]


def test_a_new_baseline_starts_from_the_plans_baseline(people):
    pm, head, project = people
    plan = schedule.plan_import(
        actor=pm, project=project, data=milestones_xml(build_days=30), filename="p.xml"
    )
    schedule.key_milestones_set(actor=pm, plan=plan, keys={2: True, 4: True})

    page = lxml.html.fromstring(signed_in(head).get("/reporting/projects/WEB/baselines/new/").content)

    assert page.xpath("//input[@name='finish']/@value") == [
        "2026-10-16"
    ]  # the plan's baseline, not its forecast
    names = page.xpath("//input[starts-with(@name, 'milestones-') and contains(@name, '-name')]/@value")
    dates = page.xpath("//input[starts-with(@name, 'milestones-') and contains(@name, '-date')]/@value")
    assert list(zip(names, dates, strict=False))[:2] == [
        ("Design signed off", "2026-09-18"),
        ("Go live", "2026-10-16"),
    ]
    assert "pre-filled from the baseline of the project's plan" in page.xpath(
        "string(//*[@data-testid='from-plan'])"
    )


def test_the_latest_schedule_risk_run_informs_the_delivery_confidence(people):
    pm, head, project = people
    plan = schedule.plan_import(actor=pm, project=project, data=milestones_xml(), filename="p.xml")
    client = signed_in(head)
    assert not lxml.html.fromstring(client.get("/reporting/projects/WEB/").content).xpath(
        "//*[@data-testid='schedule-risk']"
    )  # no run yet: nothing said
    schedule.schedule_run_create(actor=pm, plan=plan, iterations=100, seed=1)
    run = schedule.schedule_run_create(actor=pm, plan=plan, iterations=200, seed=2)

    page = lxml.html.fromstring(client.get("/reporting/projects/WEB/").content)

    # The latest run, as planned (no estimates): every iteration meets the baseline finish
    [line] = page.xpath("//*[@data-testid='schedule-risk']")
    assert " ".join(line.text_content().split()) == (
        f"To inform the delivery confidence: Schedule risk: P80 finish {run.p80_day:%-d %b %Y}, 100% chance "
        f"of the baseline finish (run 4 Dec 2026 10:00 by {pm})."
    )
    assert line.xpath(".//a/@href") == ["/plans/projects/WEB/risk/"]
    # And the report's form says it under the status ratings it asks for
    report = services.highlight_report_start(
        actor=pm, project=project, period=PeriodFactory(start=dt.date(2026, 11, 1))
    )
    form = lxml.html.fromstring(signed_in(pm).get(f"/reporting/reports/{report.pk}/edit/").content)
    [said] = form.xpath("//*[@data-testid='schedule-risk']")
    assert f"Schedule risk: P80 finish {run.p80_day:%-d %b %Y}" in " ".join(said.text_content().split())
