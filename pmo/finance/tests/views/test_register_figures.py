"""The register, its exports, the projects API and a project's overview show finance's forecast
cost (EAC) and spend to date, the same figures the project's Finance tab shows (one truth: issue
12 item 2, issue 9 item 2); a project without an approved budget shows none, never £0 (ADR 0055).
Run on 4 December 2026: WEB's budget £3,000, £1,200 spent in October, a December forecast of
£1,500 and £500 next April (EAC £3,200)."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from pmo.core.choices import Role
from pmo.finance import selectors, services
from pmo.finance.tests.conftest import DEC, line
from pmo.finance.tests.views.conftest import client_for
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.portfolio.tests.views.conftest import page, table_headers
from pmo.reporting.tests.factories import BaselineFactory

pytestmark = pytest.mark.django_db
REGISTER = "/projects/"
COLUMNS = {"cols": ["code", "approved_budget", "forecast_cost", "spent_to_date", "finance_as_of"]}


@pytest.fixture
def world(money, make_user):
    """``money``'s books, a project with no money at all (BARE), and the PMO head reading."""
    ProjectFactory(code="BARE", name="No money yet", status=ProjectStatus.ACTIVE)
    money.head = make_user(Role.PMO_HEAD, username="pmohead")
    return money


def rows_by_code(response):
    """Each register row's cells by its code."""
    found = {}
    for row in page(response).xpath("//div[@id='record-results']//table/tbody/tr"):
        cells = [" ".join(cell.text_content().split()) for cell in row.xpath("th|td")]
        found[cells[0]] = cells[1:]
    return found


def finance_tab_eac(world, code):
    """The whole-life EAC the project's Finance tab shows, in its own words."""
    tab = page(client_for(world.head).get(f"/finance/projects/{code}/"))
    found = tab.xpath("//dt[normalize-space()='Estimate at completion (EAC)']/following-sibling::dd[1]")
    return " ".join(found[0].text_content().split())


def test_the_register_shows_finance_s_eac_beside_the_approved_budget(world):
    response = client_for(world.head).get(REGISTER, COLUMNS)

    assert table_headers(response) == [
        "Code",
        "Approved budget (£)",
        "Forecast cost (£, EAC)",
        "Spent to date (£)",
        "Actuals counted to",
    ]
    rows = rows_by_code(response)
    # WEB's forecast cost is the Finance tab's EAC, its spend October's actuals, to November's end
    assert rows["WEB"][1:] == ["£3,200", "£1,200", "30 Nov 2026"]
    assert rows["WEB"][1] == finance_tab_eac(world, "WEB")
    # a project finance knows nothing of shows none, not £0
    assert rows["BARE"][1:] == ["—", "—", "—"]


def test_the_register_shows_the_forecast_cost_unless_other_columns_are_chosen(world):
    response = client_for(world.head).get(REGISTER)

    headers = table_headers(response)
    assert headers[-2:] == ["Approved budget (£)", "Forecast cost (£, EAC)"]
    assert rows_by_code(response)["WEB"][-1] == "£3,200"
    ticks = page(response).xpath("//input[@name='cols']/@value")
    assert ticks.index("forecast_cost") == ticks.index("baseline_version") + 1


def test_the_exports_hold_the_figures_and_nothing_where_there_are_none(world):
    client = client_for(world.head)
    figures = selectors.project_finance(project=world.cast.project).whole_life

    sheet = load_workbook(io.BytesIO(client.get(REGISTER, {**COLUMNS, "export": "xlsx"}).content)).active
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["WEB"][1:3] == (3200, 1200)
    assert Decimal(rows["WEB"][1]) == figures.eac
    assert rows["WEB"][3].date().isoformat() == "2026-11-30"
    assert rows["BARE"][1:] == (None, None, None)

    text = client.get(REGISTER, {**COLUMNS, "export": "csv"}).content.decode("utf-8-sig")
    found = {row[0]: row[1:] for row in csv.reader(io.StringIO(text))}
    assert found["Code"][1] == "Forecast cost (£, EAC)"
    assert found["WEB"][1:] == ["3200.00", "1200.00", "2026-11-30"]
    assert found["BARE"][1:] == ["", "", ""]


def test_the_api_gives_the_figures_on_the_list_and_a_project(world):
    client = client_for(world.head)

    listed = {row["code"]: row for row in client.get("/api/v1/projects/?page_size=100").json()["results"]}
    one = client.get("/api/v1/projects/WEB/").json()

    for web in (listed["WEB"], one):
        assert (web["forecast_cost"], web["spent_to_date"], web["finance_as_of"]) == (
            "3200.00",
            "1200.00",
            "2026-11-30",
        )
    assert (listed["BARE"]["forecast_cost"], listed["BARE"]["spent_to_date"]) == (None, None)
    keys = list(one)
    assert keys.index("forecast_cost") == keys.index("baseline_version") + 1


def test_the_api_as_of_a_date_gives_no_figures(world):
    response = client_for(world.head).get("/api/v1/projects/?as_of=2026-12-04&page_size=100")

    rows = {row["code"]: row for row in response.json()["results"]}
    assert rows["WEB"]["forecast_cost"] is None  # the ledger keeps no history: today's only


def test_the_schema_describes_the_figures(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    project = response.json()["components"]["schemas"]["Project"]["properties"]
    assert project["forecast_cost"]["readOnly"] and project["forecast_cost"]["nullable"]
    assert project["forecast_cost"]["format"] == "decimal"
    assert "Finance tab" in project["forecast_cost"]["description"]
    assert project["finance_as_of"]["format"] == "date"


def plan_of(response):
    """A project's approved plan panel: each term and what it says, white space folded."""
    panel = page(response).xpath("//*[@data-testid='approved-plan']")[0]
    fold = lambda element: " ".join(element.text_content().split())  # noqa: E731
    return {fold(dt): fold(dt.getnext()) for dt in panel.xpath("dt")}


def test_the_overview_shows_the_forecast_cost_beside_the_approved_budget(world):
    client = client_for(world.head)

    plan = plan_of(client.get("/projects/WEB/"))
    assert plan["Forecast cost (£, EAC)"] == "£3,200 approved (proposed, no baseline yet) £250,000"
    BaselineFactory(project=world.cast.project, number=2, budget_at_completion=Decimal(3_000))
    plan = plan_of(client.get("/projects/WEB/"))
    assert plan["Approved budget"] == "£3,000"
    assert plan["Forecast cost (£, EAC)"] == "£3,200 approved (baseline v2) £3,000"
    assert plan["Spent to date (£)"] == "£1,200"
    assert plan["Actuals counted to"] == "30 Nov 2026"

    bare = plan_of(client.get("/projects/BARE/"))
    assert bare["Forecast cost (£, EAC)"] == "None from finance yet (no approved budget)"
    assert bare["Spent to date (£)"] == "None from finance yet"


def test_the_register_reads_the_figures_in_one_query_whatever_the_number_of_projects(world):
    client = client_for(world.head)
    client.get(REGISTER)  # the settings rows a first read makes

    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(REGISTER).status_code == 200
        return len(context.captured_queries)

    few = count()
    for n in range(5):  # five more projects with an approved budget
        project = ProjectFactory(code=f"MORE-{n}", status=ProjectStatus.ACTIVE)
        draft = services.budget_draft(
            actor=world.finance, project=project, reason="v1", lines=[line(DEC, world.staff, 100)]
        )
        services.budget_approve(actor=world.finance, version=draft, expected_version=1)
    assert count() == few
    assert rows_by_code(client.get(REGISTER))["MORE-4"][-1] == "£100"
