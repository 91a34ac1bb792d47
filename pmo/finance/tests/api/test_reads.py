"""Finance's API lists: what each reader sees, the lines and totals of budget and forecast
versions, the ledger lines by financial year, the financial years; nothing deleted. Run on
4 December 2026 (financial year 2026/27)."""

from datetime import date
from decimal import Decimal

import pytest

from pmo.finance import services
from pmo.finance.services import LedgerRow
from pmo.finance.tests.conftest import line
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db
OCT, NOV, DEC = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)


@pytest.fixture
def money(books):
    """WEB: an approved budget, November's actuals and a December forecast; HR (confidential):
    a draft budget and October's actuals."""
    books.cast.other_project.confidential = True
    books.cast.other_project.save()
    web = services.budget_draft(
        actor=books.finance,
        project=books.cast.project,
        reason="Business case",
        lines=[line(NOV, books.software, 1_000), line(DEC, books.staff, 2_000)],
    )
    services.budget_approve(actor=books.finance, version=web, expected_version=1)
    services.budget_draft(actor=books.finance, project=books.cast.other_project, reason="HR", lines=[])
    services.actuals_load(
        actor=books.finance,
        rows=[
            LedgerRow("C1001", NOV, Decimal("950.25"), reference="INV-1"),
            LedgerRow("R2001", OCT, Decimal(40)),
        ],
        reference="Ledger",
        year=2026,
    )
    services.forecast_make(
        actor=books.cast.pm,
        project=books.cast.project,
        period=PeriodFactory(start=DEC),
        lines=[line(DEC, books.staff, 2_100)],
    )
    return books


def rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_budget_lists_with_its_total_and_sums_and_reads_with_its_lines(client_for, money):
    client = client_for(money.cast.pm)
    [budget] = rows(client, "/api/v1/budgets/")
    assert (budget["project"], budget["number"], budget["status"], budget["total"]) == (
        "WEB",
        1,
        "approved",
        "3000.00",
    )
    assert budget["approved_by_name"] == "finance"
    # a list gives the sums, not the monthly lines
    assert "lines" not in budget
    assert budget["by_year"] == [{"start_year": 2026, "name": "2026/27", "amount": "3000.00"}]
    assert budget["by_category"] == [
        {"category": "Staff", "amount": "2000.00"},
        {"category": "Software", "amount": "1000.00"},
    ]
    # the version itself gives its monthly lines
    one = client.get(budget["url"])
    assert one.status_code == 200
    assert one.json()["lines"] == [
        {
            "month": "2026-11-01",
            "category": "Software",
            "spend_type": "revenue",
            "funding_source": None,
            "amount": "1000.00",
        },
        {
            "month": "2026-12-01",
            "category": "Staff",
            "spend_type": "revenue",
            "funding_source": None,
            "amount": "2000.00",
        },
    ]
    assert "by_year" not in one.json()


def test_a_budget_over_two_financial_years_is_summed_in_each(client_for, money):
    services.budget_draft(
        actor=money.finance,
        project=money.cast.project,
        reason="Re-planned",
        lines=[
            line(date(2027, 3, 1), money.staff, 500),
            line(date(2027, 4, 1), money.staff, 250),
            line(date(2027, 4, 1), money.software, "100.50"),
        ],
    )
    draft, approved = rows(client_for(money.finance), "/api/v1/budgets/?project=WEB")
    assert (draft["number"], draft["status"], draft["total"]) == (2, "draft", "850.50")
    assert draft["by_year"] == [
        {"start_year": 2026, "name": "2026/27", "amount": "500.00"},
        {"start_year": 2027, "name": "2027/28", "amount": "350.50"},
    ]
    assert draft["by_category"] == [
        {"category": "Staff", "amount": "750.00"},
        {"category": "Software", "amount": "100.50"},
    ]
    # a draft without lines has no sums
    [empty] = rows(client_for(money.finance), "/api/v1/budgets/?project=HR")
    assert (empty["total"], empty["by_year"], empty["by_category"]) == (None, [], [])
    assert approved["number"] == 1


def test_a_confidential_project_s_money_is_seen_by_finance_and_the_pmo_not_by_others(client_for, money):
    for reader, projects in (
        (money.finance, {"WEB", "HR"}),
        (money.cast.analyst, {"WEB", "HR"}),
        (money.cast.executive, {"WEB"}),
        (money.cast.pm, {"WEB"}),
    ):
        client = client_for(reader)
        for url in ("/api/v1/budgets/", "/api/v1/actuals/", "/api/v1/cost-codes/"):
            assert {row["project"] for row in rows(client, url)} == projects, (reader, url)


def test_actuals_by_financial_year_and_month(client_for, money):
    client = client_for(money.finance)
    assert [
        (r["cost_code"], r["amount"]) for r in rows(client, "/api/v1/actuals/?year=2026&ordering=month")
    ] == [
        ("R2001", "40.00"),
        ("C1001", "950.25"),
    ]
    assert rows(client, "/api/v1/actuals/?year=2025") == []
    assert [r["source_reference"] for r in rows(client, "/api/v1/actuals/?month=2026-11-01")] == ["INV-1"]


def test_forecasts_and_their_history(client_for, money):
    client = client_for(money.cast.sponsor)
    [forecast] = rows(client, "/api/v1/forecasts/?project=WEB")
    assert (forecast["period_start"], forecast["total"], forecast["made_by_name"]) == (
        "2026-12-01",
        "2100.00",
        "pm",
    )
    history = client.get(f"/api/v1/forecasts/{forecast['id']}/history/").json()
    assert len(history) == 1


def test_the_financial_years(client_for, money):
    response = client_for(money.cast.executive).get("/api/v1/financial-years/")
    assert response.json() == [
        {"start_year": 2026, "name": "2026/27", "start": "2026-04-01", "end": "2027-03-31", "current": True}
    ]


def test_the_records_are_not_replaced_or_deleted_and_nobody_signed_out_reads_them(client_for, money):
    client = client_for(money.finance)
    for url in ("/api/v1/budgets/", "/api/v1/actuals/", "/api/v1/forecasts/", "/api/v1/cost-codes/"):
        [first] = rows(client, url)[:1]
        assert client.delete(first["url"]).status_code == 405
        assert client_for(None).get(url).status_code in (401, 403)
    assert client.put(rows(client, "/api/v1/cost-codes/")[0]["url"], {}, format="json").status_code == 405
