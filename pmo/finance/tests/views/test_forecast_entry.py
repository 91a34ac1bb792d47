"""A project manager enters the project's forecast for the open period in a month grid, through
the forecast service: filled in from the period's forecast (or the budget), every bad cell named
and nothing saved; others are refused."""

import re
from datetime import date
from decimal import Decimal

import pytest

from pmo.finance import services
from pmo.finance.models import ForecastVersion
from pmo.finance.tests.conftest import line
from pmo.finance.tests.views.conftest import client_for
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db
URL = "/finance/projects/{code}/forecast/"
KEY = "Software (revenue)"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_grid_is_filled_from_this_periods_forecast(money):
    response = client_for(money.cast.pm).get(URL.format(code="WEB"))

    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Filled in from this period&#x27;s forecast" in page
        or "Filled in from this period's forecast" in page
    )
    assert 'name="a-0-2026-12" value="1500.00"' in page
    assert 'name="a-0-2027-04" value="500.00"' in page
    assert f"Dec 2026, {KEY}, £" in page  # each cell's label


def test_without_a_forecast_the_grid_starts_from_the_budget(books):
    draft = services.budget_draft(
        actor=books.finance,
        project=books.cast.project,
        reason="v1",
        lines=[line(date(2026, m, 1), books.software, 1_000) for m in (11, 12)],
    )
    services.budget_approve(actor=books.finance, version=draft, expected_version=1)
    PeriodFactory(start=date(2026, 12, 1))

    page = client_for(books.cast.pm).get(URL.format(code="WEB")).content.decode()

    assert "Filled in from the approved budget" in page
    assert 'name="a-0-2026-12" value="1000.00"' in page
    assert "a-0-2026-11" not in page  # November's actuals are the ledger's


def test_the_pm_saves_a_forecast_made_again(money):
    client = client_for(money.cast.pm)
    made = ForecastVersion.objects.get()
    response = client.post(
        URL.format(code="WEB"),
        {
            "a-0-2026-12": "1,750",
            "a-0-2027-01": "£250.50",
            "a-0-2027-04": "",
            "note": "Licences late",
            "version": made.version,
        },
    )

    assert response.status_code == 302, text(response)
    assert response["Location"] == "/finance/projects/WEB/"
    made.refresh_from_db()
    assert made.note == "Licences late"
    assert sorted((ln.month, ln.amount) for ln in made.lines.all()) == [
        (date(2026, 12, 1), Decimal("1750.00")),
        (date(2027, 1, 1), Decimal("250.50")),
    ]
    page = text(client.get(response["Location"]))
    assert "Forecast of the rest (ETC) £2,000.50" in page


def test_bad_cells_are_named_and_nothing_is_saved(money):
    response = client_for(money.cast.pm).post(
        URL.format(code="WEB"), {"a-0-2026-12": "lots", "a-0-2027-01": "-5", "a-0-2027-02": "1.234"}
    )

    assert response.status_code == 400
    page = text(response)
    assert f"Dec 2026, {KEY}: “lots” is not an amount of money" in page
    assert "Nothing was saved" in page
    assert sorted(ln.amount for ln in ForecastVersion.objects.get().lines.all()) == [
        Decimal(500),
        Decimal(1500),
    ]


def test_the_services_refusals_name_the_cell(money):
    response = client_for(money.cast.pm).post(
        URL.format(code="WEB"), {"a-0-2027-01": "-5", "a-0-2027-02": "1.234"}
    )

    assert response.status_code == 400
    page = text(response)
    assert f"Jan 2027, {KEY}" in page and f"Feb 2027, {KEY}" in page
    assert "Row 1" not in page


def test_a_stale_version_is_a_conflict(money):
    response = client_for(money.cast.pm).post(URL.format(code="WEB"), {"a-0-2026-12": "10", "version": "0"})

    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.content.decode()


def test_others_may_not_forecast_and_the_button_shows_only_to_who_may(money):
    other = client_for(money.cast.other_pm)

    assert other.get(URL.format(code="WEB")).status_code == 403
    assert other.post(URL.format(code="WEB"), {"a-0-2026-12": "1"}).status_code == 403
    assert client_for(money.cast.pm).get(URL.format(code="HR")).status_code == 404
    assert ">Forecast</a>" in client_for(money.cast.pm).get("/finance/projects/WEB/").content.decode()
    assert ">Forecast</a>" not in other.get("/finance/projects/WEB/").content.decode()


def test_with_no_open_period_the_page_says_so(books):
    page = text(client_for(books.cast.pm).get(URL.format(code="WEB")))

    assert "No open reporting period" in page
