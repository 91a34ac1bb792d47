"""A cost centre's forecasts over the API (``cost-centres/{code}/forecasts/``), on 4 December
2026: its budget holder (or finance, or the PMO) makes this month's forecast of the rest of the
year with every line, makes it again with its version, and reads the versions back; the year
(``…/year/``) lands at the actuals to date plus the latest forecast, against the limit.
Refusals by position and field, a stale or missing version, a role that may not."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.finance import cost_centres, services
from pmo.finance.models import CostCentreForecast
from pmo.finance.services import LedgerRow
from pmo.finance.tests.conftest import line
from pmo.finance.tests.cost_centres.conftest import JAN, OCT
from pmo.finance.tests.cost_centres.test_api import post

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04 10:00", tick=True)]
URL = "/api/v1/cost-centres/PMO/forecasts/"
LINES = [
    {"month": "2026-12-01", "category": "Services", "spend_type": "revenue", "amount": "20000"},
    {"month": "2027-01-01", "category": "Services", "spend_type": "revenue", "amount": "25000"},
    {"month": "2027-01-01", "category": "Staff", "spend_type": "revenue", "amount": "10000"},
]


def test_the_budget_holder_makes_this_months_forecast_and_the_year_lands_with_it(client_for, pmo_centre):
    services.actuals_load(
        actor=pmo_centre.books.finance,
        rows=[LedgerRow("PMO-TRN", OCT, Decimal(5_500))],
        reference="Ledger",
        year=2026,
    )
    head = client_for(pmo_centre.books.cast.head)

    made = post(head, URL, {"year": 2026, "note": "Whole-team training", "lines": LINES}, 201)

    assert (made["cost_centre"], made["year"], made["month"], made["total"], made["non_staff_total"]) == (
        "PMO",
        2026,
        "2026-12-01",
        "55000.00",
        "45000.00",
    )
    assert (made["made_by_name"], made["note"], len(made["lines"]), made["version"]) == (
        str(pmo_centre.books.cast.head),
        "Whole-team training",
        3,
        1,
    )
    year = head.get("/api/v1/cost-centres/PMO/year/", {"year": 2026}).json()
    assert (year["forecast"], year["forecast_version"], year["forecast_source"]) == (
        "2026-12-01",
        1,
        "the forecast made for December 2026",
    )
    # non-staff: £5,500 spent + £45,000 forecast = £50,500, over the £50,000 limit; at budget
    # it would land at £5,500 + £8,000
    assert (year["non_staff"]["eac"], year["limit_headroom"], year["over_limit"]) == (
        "50500.00",
        "-500.00",
        True,
    )
    assert year["non_staff_at_budget"] == "13500.00"

    # made again this month: the version is needed, and replaces it
    missing = post(head, URL, {"lines": LINES[:1]}, 400)
    assert missing["fields"]["version"] == [
        "PMO already has a forecast of 2026/27 made for December 2026 (version 1): send that version "
        "to make it again."
    ]
    post(head, URL, {"lines": LINES[:1], "version": 5}, 409)
    again = post(head, URL, {"lines": LINES[:1], "version": 1}, 200)
    assert (again["id"], again["version"], again["total"]) == (made["id"], 2, "20000.00")
    listed = head.get(URL, {"year": 2026}).json()
    assert [(f["month"], f["version"], f["total"]) for f in listed] == [("2026-12-01", 2, "20000.00")]
    assert head.get(URL, {"year": 2025}).json() == []


def test_lines_are_refused_by_position_and_field_and_a_reader_may_not_forecast(client_for, pmo_centre):
    finance = client_for(pmo_centre.books.finance)
    refused = post(
        finance,
        URL,
        {
            "lines": [
                {"month": "2026-11-01", "category": "Services", "spend_type": "revenue", "amount": "1"},
                {"month": "2027-01-01", "category": "Services", "spend_type": "revenue", "amount": "-1"},
                {"month": "2027-01-01", "category": "Nonsense", "spend_type": "revenue", "amount": "1"},
            ]
        },
        400,
    )
    assert refused["fields"]["lines"] == {  # the categories are looked up first
        "2": {"category": ["There is no cost category named 'Nonsense' in use (see the cost categories)."]}
    }
    refused = post(
        finance,
        URL,
        {
            "lines": [
                {"month": "2026-11-01", "category": "Services", "spend_type": "revenue", "amount": "1"},
                {"month": "2027-01-01", "category": "Services", "spend_type": "revenue", "amount": "-1"},
            ]
        },
        400,
    )
    assert refused["fields"]["lines"]["0"] == {
        "month": [
            "November 2026 is before the forecast's first month (December 2026): that month is actual, "
            "from the ledger."
        ]
    }
    assert "1" in refused["fields"]["lines"]
    assert post(finance, URL, {"year": "20x6", "lines": []}, 400)["fields"]["year"]
    gone = post(finance, URL, {"year": 2025, "lines": []}, 400)
    assert gone["fields"]["year"][0].startswith("2025/26 is over")
    post(client_for(pmo_centre.books.cast.executive), URL, {"lines": []}, 403)
    assert client_for(pmo_centre.books.cast.pm).get(URL).status_code == 404
    assert not CostCentreForecast.objects.exists()


def test_reading_the_forecasts_costs_the_same_queries_with_more_of_them(client_for, pmo_centre):
    client = client_for(pmo_centre.books.finance)

    def made(day: str) -> None:
        cost_centres.cost_centre_forecast_make(
            actor=pmo_centre.books.finance,
            cost_centre=pmo_centre.centre,
            year=2026,
            lines=[line(JAN, pmo_centre.services, 100), line(JAN, pmo_centre.books.staff, 100)],
            day=date.fromisoformat(day),
        )

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured.captured_queries)

    made("2026-12-04")
    few = count()
    made("2027-01-05")
    many = count()
    assert few == many
