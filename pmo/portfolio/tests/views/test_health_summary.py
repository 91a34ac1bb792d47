"""A project's page opens on its health summary: early warning, tolerance use, the next
milestones, the open exceptions with their age, the top threats and the latest report, each
panel given by the app that knows it (``pmo.core.project_status``), in a fixed number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo.core.choices import Role
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.portfolio.tests.views.conftest import page
from pmo.raid.choices import RiskKind
from pmo.raid.tests.factories import RiskFactory
from pmo.reporting.choices import ExceptionStatus, Rating, ReportStatus, ToleranceState
from pmo.reporting.models import BaselineMilestone, ProjectException, ReportMilestone
from pmo.reporting.tests.factories import BaselineFactory, PeriodFactory, ReportFactory, ToleranceCheckFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]


@pytest.fixture
def analyst(make_user):
    return make_user(Role.PMO_ANALYST, username="ann")


def panel(response, key):
    found = page(response).xpath(f"//*[@data-testid='health-panel-{key}']")
    assert found, f"no {key} panel"
    return " ".join(found[0].text_content().split())


def a_project_with_news(code="IT-1", *, many=1):
    """An active project with a November report (red, two open milestones), a baseline, a
    breached cost tolerance, an open exception (and ``many`` less one decided), ``many`` threats and
    an opportunity."""
    project = ProjectFactory(code=code)
    baseline = BaselineFactory(project=project)
    BaselineMilestone.objects.create(baseline=baseline, name="Go live", due=dt.date(2027, 1, 20))
    report = ReportFactory(
        project=project,
        period=PeriodFactory(start=dt.date(2026, 11, 1)),
        status=ReportStatus.SUBMITTED,
        overall_status=Rating.RED,
        submitted_at=timezone.now() - dt.timedelta(days=1),
    )
    ReportMilestone.objects.create(report=report, name="Go live", forecast=dt.date(2027, 2, 3))
    ReportMilestone.objects.create(report=report, name="Pilot", forecast=dt.date(2026, 12, 15))
    ReportMilestone.objects.create(
        report=report,
        name="Design signed off",
        forecast=dt.date(2026, 10, 1),
        achieved_on=dt.date(2026, 10, 1),
    )
    ToleranceCheckFactory(
        project=project, dimension="cost", status=ToleranceState.BREACHED, used=Decimal("1.25")
    )
    for n in range(many):  # one open at a time; the older ones decided
        ProjectException.objects.create(
            project=project,
            dimensions="cost",
            raised_at=timezone.now() - dt.timedelta(days=12 + n),
            status=ExceptionStatus.REPORT_REQUESTED if n == 0 else ExceptionStatus.DECIDED,
        )
        RiskFactory(project=project, title=f"Supplier fails {n}", residual_probability=5, residual_impact=4)
    RiskFactory(
        project=project,
        title="Cheaper licences",
        kind=RiskKind.OPPORTUNITY,
        residual_probability=5,
        residual_impact=5,
    )
    return project


def test_the_page_shows_each_panel_of_the_projects_health(browser_for, analyst):
    project = a_project_with_news()

    response = browser_for(analyst).get(f"/projects/{project.code}/")

    assert panel(response, "tolerances") == "Tolerance use Cost Breached — 125% used All tolerances"
    milestones = panel(response, "milestones")
    assert milestones.startswith("Next milestones Pilot — forecast 15 Dec 2026")
    assert "Go live — forecast 3 Feb 2027 (+14 days on the baseline)" in milestones
    assert "Design signed off" not in milestones  # achieved
    assert panel(response, "exceptions") == (
        "Open exceptions cost exception — Exception report requested, open 12 days"
    )
    risks = panel(response, "risks")
    assert "Supplier fails 0 High — score 20" in risks
    assert "Cheaper licences" not in risks  # an opportunity is not a top risk
    assert panel(response, "report").startswith("Latest report November 2026 Red — Submitted 3 Dec 2026")


def test_a_new_project_says_what_each_panel_lacks(browser_for, analyst):
    project = ProjectFactory(code="IT-2")

    response = browser_for(analyst).get(f"/projects/{project.code}/")

    assert panel(response, "tolerances").endswith("None judged yet (no baseline or report). All tolerances")
    assert panel(response, "exceptions") == "Open exceptions No open exception."
    assert panel(response, "risks").startswith("Top risks No open threat in the risk register.")
    assert panel(response, "report").startswith("Latest report No report handed in yet.")
    assert panel(response, "early-warning") == "Early warning No early-warning signal."


def test_no_panel_is_shown_to_someone_who_may_not_see_the_project(browser_for, make_user):
    """The panels read through each app's restrictions: someone who may not see the project's
    page is refused before any panel is read."""
    project = a_project_with_news()
    outsider = make_user(Role.PROJECT_MANAGER, username="olly")
    project.confidential = True
    project.save(update_fields=["confidential"])

    response = browser_for(outsider).get(f"/projects/{project.code}/")

    assert response.status_code == 404


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_health_summary_costs_the_same_queries_however_much_there_is(browser_for, analyst):
    client = browser_for(analyst)
    few = a_project_with_news("IT-1", many=1)
    more = a_project_with_news("IT-2", many=6)
    client.get(f"/projects/{few.code}/")  # the settings rows are made on the first read

    assert queries(client, f"/projects/{few.code}/") == queries(client, f"/projects/{more.code}/")
