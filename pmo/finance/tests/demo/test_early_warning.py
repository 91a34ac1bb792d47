"""The demo's early warning shows in the product: "Migrate data centre to Azure" has no plan, so
its earned value is from the key milestones achieved; its SPI(t) is far below the threshold while
its manager's latest report says green, and the API, the Finance tab and the portfolio's earned
value page all say so."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from pmo.core.formatting import number
from pmo.core.models import User
from pmo.finance import selectors
from pmo.finance.demo import EARLY_WARNING
from pmo.finance.evm import EV_FROM_MILESTONES, index_trend, project_evms
from pmo.finance.tests.demo.conftest import TODAY
from pmo.finance.tests.demo.test_finance_demo import figures, milestone_ev, named
from pmo.reporting.choices import HANDED_IN_STATES, Rating
from pmo.reporting.models import HighlightReport
from pmo.schedule.models import Plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo"), pytest.mark.today(TODAY.isoformat())]


@pytest.fixture
def finance() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="finance"))
    return client


def words(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def test_the_azure_project_warns_in_the_api_the_finance_tab_and_the_portfolio(finance):
    project = named(EARLY_WARNING)
    threshold = selectors.finance_settings().spi_t_threshold
    assert not Plan.objects.filter(project=project).exists()
    latest = (
        HighlightReport.objects.filter(project=project, status__in=HANDED_IN_STATES)
        .order_by("-period__start", "-revision")
        .first()
    )
    assert latest is not None and latest.overall_status == Rating.GREEN

    response = finance.get(f"/api/v1/evm/?project={project.code}")
    assert response.status_code == 200, response.content
    row = response.json()["results"][0]
    assert row["ev_method"] == EV_FROM_MILESTONES
    assert 0 < row["milestones_achieved"] < row["milestones"]
    assert Decimal(row["spi_t"]) < threshold
    # the same EV as the demo's own test worked out by the milestones' baseline dates
    assert Decimal(row["ev"]) == round(milestone_ev(project, figures(project)), 2)

    tab = words(finance.get(f"/finance/projects/{project.code}/").content)
    assert "EV from: milestones achieved" in tab
    assert f"Schedule performance in time (SPI(t)) {number(Decimal(row['spi_t']))} " in tab

    measured = project_evms([project], TODAY, trends=True)[0]
    falling = index_trend(measured.trend, "spi_t", "SPI(t)", threshold).values
    assert len(falling) == 4 and list(falling) == sorted(falling, reverse=True)  # falling for 3 months
    assert measured.milestones_overdue

    page = finance.get("/finance/earned-value/").content
    warnings = words(re.search(rb'data-testid="early-warnings".*?</ul>', page, re.S).group(0))
    assert (
        f"{project.code} {project.name} : SPI(t) {Decimal(row['spi_t']):.2f} is below the threshold"
        in warnings
    )
    assert f"while the {latest.period} report says green" in warnings
