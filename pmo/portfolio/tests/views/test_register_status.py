"""The register's status columns (declared by the latest handed-in report, and judged on the
evidence), in words and colour, and its default choice of the active projects."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from pmo.core.choices import Role
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.portfolio.tests.views.conftest import page, row_keys, table_headers, text_of
from pmo.reporting.choices import Rating, ReportStatus, ToleranceState
from pmo.reporting.tests.factories import PeriodFactory, ReportFactory, ToleranceCheckFactory

pytestmark = pytest.mark.django_db

REGISTER = "/projects/"


@pytest.fixture
def analyst(make_user):
    return make_user(Role.PMO_ANALYST, username="ann")


def cells(response, code):
    """The texts of the row of ``code``, by column heading."""
    row = page(response).xpath(f"//div[@id='record-results']//tbody/tr[th[normalize-space()='{code}']]")[0]
    texts = [" ".join(cell.text_content().split()) for cell in row.xpath("th|td")]
    return dict(zip(table_headers(response), texts, strict=True))


def submitted(project, rating, period_start, status=ReportStatus.SUBMITTED):
    return ReportFactory(
        project=project, period=PeriodFactory(start=period_start), overall_status=rating, status=status,
        submitted_at=timezone.now(),
    )


def test_the_default_columns_show_both_statuses_in_words(browser_for, analyst):
    project = ProjectFactory(code="IT-1")
    submitted(project, Rating.GREEN, dt.date(2026, 9, 1))
    submitted(project, Rating.AMBER_RED, dt.date(2026, 10, 1))
    draft = PeriodFactory(start=dt.date(2026, 11, 1))
    ReportFactory(project=project, period=draft, overall_status=Rating.RED)
    ProjectFactory(code="IT-2")

    response = browser_for(analyst).get(REGISTER)

    assert "Declared" in table_headers(response) and "Evidence" in table_headers(response)
    assert cells(response, "IT-1")["Declared"] == "Amber/red"  # the latest handed in, not the draft
    assert cells(response, "IT-2")["Declared"] == "Not reported"
    row = "//tbody/tr[th[normalize-space()='IT-1']]"
    badge = page(response).xpath(f"{row}//span[contains(@class,'rating-amber_red')]")
    assert badge and badge[0].text_content() == "Amber/red"
    assert cells(response, "IT-1")["Evidence"] == "Green"
    # IT-2 owes the September and October reports: the evidence says so, and why on hover.
    judged = page(response).xpath("//tbody/tr[th[normalize-space()='IT-2']]//span[text()='Red']")
    assert judged and "2 report(s) missing" in judged[0].get("title")


def test_sorting_by_declared_status_puts_the_worst_last_or_first(browser_for, analyst):
    for code, rating in [("A", Rating.RED), ("B", Rating.GREEN), ("C", Rating.AMBER)]:
        submitted(ProjectFactory(code=code), rating, dt.date(2026, 10, 1))

    client = browser_for(analyst)

    assert row_keys(client.get(REGISTER, {"sort": "-declared_status"})) == ["A", "C", "B"]
    assert row_keys(client.get(REGISTER, {"sort": "declared_status"})) == ["B", "C", "A"]


def test_the_register_opens_on_the_active_projects_and_can_show_them_all(browser_for, analyst):
    ProjectFactory(code="RUN-1", status=ProjectStatus.ACTIVE)
    ProjectFactory(code="DONE-1", status=ProjectStatus.CLOSED)
    client = browser_for(analyst)

    opened = client.get(REGISTER)
    sorted_ = client.get(REGISTER, {"sort": "-code"})
    everything = client.get(REGISTER, {"q": ""})

    assert row_keys(opened) == ["RUN-1"]
    assert "Showing active projects" in text_of(opened)
    assert page(opened).xpath("//input[@name='status'][@value='active']/@checked")
    assert row_keys(sorted_) == ["RUN-1"]  # sorting keeps the default choice
    assert row_keys(everything) == ["DONE-1", "RUN-1"]
    assert "Showing active projects" not in text_of(everything)


def test_the_register_as_of_a_date_shows_the_status_declared_by_then(browser_for, analyst):
    with time_machine.travel(timezone.now() - dt.timedelta(days=30)):
        project = ProjectFactory(code="IT-1")
        submitted(project, Rating.GREEN, dt.date(2026, 9, 1))
    submitted(project, Rating.RED, dt.date(2026, 10, 1))
    last_week = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    client = browser_for(analyst)

    then = client.get(REGISTER, {"as_of": last_week, "cols": "code,declared_status"})
    now = client.get(REGISTER, {"cols": "code,declared_status"})

    assert cells(then, "IT-1")["Declared"] == "Green"  # the red report came after that day
    assert cells(now, "IT-1")["Declared"] == "Red"


def test_a_project_page_opens_on_its_health_with_the_reasons(browser_for, analyst):
    project = ProjectFactory(code="IT-1")
    submitted(project, Rating.AMBER, dt.date(2026, 9, 1))
    PeriodFactory(start=dt.date(2026, 10, 1))  # due 5 November, not handed in
    ToleranceCheckFactory(project=project, dimension="cost", status=ToleranceState.FORECAST_TO_BREACH)

    response = browser_for(analyst).get(f"/projects/{project.code}/")

    health = page(response).xpath("//*[@data-testid='health-summary']")[0]
    said = " ".join(health.text_content().split())
    assert said.startswith("Declared Amber in the latest report handed in")
    assert "Evidence Green" not in said and "1 report(s) missing" in said
    tolerances = page(response).xpath("//*[@data-testid='health-panel-tolerances']")[0]
    assert "Cost Forecast to breach — 15% used" in " ".join(tolerances.text_content().split())
