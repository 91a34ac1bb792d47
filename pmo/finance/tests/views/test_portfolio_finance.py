"""The portfolio finance page: the roll-up by a key, whole-life or in a year, over the money the
reader may see, with its total; the Excel export as shown."""

import io
import re

import pytest
from openpyxl import load_workbook

from pmo.finance.tests.views.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/finance/"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_by_portfolio_whole_life_for_finance(money):
    # WEB: £3,000 budget, £1,200 spent, £2,000 to come; HR: £1,000, £300 spent and nothing to
    # come (with no forecast, its budget from December stands, and it has none after November).
    page = text(client_for(money.finance).get(URL))

    assert "Portfolio Budget Actuals to date Forecast of the rest EAC Variance" in page
    assert "IT Portfolio £4,000 £1,500 £2,000 £3,500 +£500" in page
    assert "Total £4,000 £1,500 £2,000 £3,500 +£500" in page


def test_by_programme_in_the_year(money):
    page = text(client_for(money.finance).get(URL, {"by": "programme", "year": "2026"}))

    assert "within 2026/27" in page
    # DIG (WEB): the year's £3,000, £1,200 spent, December's £1,500 (April 2027 is next year).
    # Its profile to date: October's and November's £2,000 before WEB's December forecast.
    assert "DIG £3,000 £1,200 £1,500 £2,700 +£300 £2,000 \u2212£800" in page
    # HR, without a forecast, is split at the current month: November's £1,000 was planned.
    assert "No programme £1,000 £300 £0 £300 +£700 £1,000 \u2212£700" in page
    assert "Total £4,000 £1,500 £1,500 £3,000 +£1,000 £3,000 \u2212£1,500" in page


def test_a_reader_sums_only_the_money_they_may_see(money):
    # HR is confidential: WEB's project manager sees WEB's money only.
    page = text(client_for(money.cast.pm).get(URL, {"by": "project"}))

    assert "WEB £3,000 £1,200 £2,000 £3,200 \u2212£200" in page
    assert " HR £" not in page
    assert "Total £3,000 £1,200 £2,000 £3,200 \u2212£200" in page


def test_an_unknown_key_or_year_falls_back_to_the_portfolio_whole_life(money):
    response = client_for(money.finance).get(URL, {"by": "nonsense", "year": "x"})

    assert response.status_code == 200
    assert "IT Portfolio £4,000" in text(response)


def test_the_export_has_the_rows_and_total_as_shown(money):
    response = client_for(money.finance).get(URL, {"by": "category", "year": "2026", "export": "xlsx"})

    assert response.status_code == 200
    assert "finance-by-category-2026-27" in response["Content-Disposition"]
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert rows[0][:6] == [
        "Cost category",
        "Budget",
        "Actuals to date",
        "Forecast of the rest",
        "EAC (where we land)",
        "Variance",
    ]
    assert rows[0][-2:] == ["Profile to date", "Spent against profile"]
    assert ["Software", 3000, 1200, 1500, 2700, 300, 2000, -800] in rows
    assert ["Staff", 1000, 300, 0, 300, 700, 1000, -700] in rows
    assert rows[-1] == ["Total", 4000, 1500, 1500, 3000, 1000, 3000, -1500]


def test_signed_out_is_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_a_programme_filter_narrows_the_projects(money):
    client = client_for(money.finance)

    page = text(client.get(URL, {"by": "project", "programme": money.cast.programme.pk}))
    assert "WEB £3,000 £1,200 £2,000 £3,200 \u2212£200" in page
    assert " HR £" not in page
    assert "Total £3,000 £1,200 £2,000 £3,200 \u2212£200" in page
    # by portfolio within the programme, in the year: WEB's figures and profile alone
    page = text(client.get(URL, {"programme": money.cast.programme.pk, "year": "2026"}))
    assert "IT Portfolio £3,000 £1,200 £1,500 £2,700 +£300 £2,000 \u2212£800" in page


def test_a_line_key_cannot_be_filtered_by_project_and_says_so(money):
    client = client_for(money.finance)
    query = {"by": "category", "portfolio": money.cast.portfolio.pk}

    page = text(client.get(URL, query))
    assert "A sum by cost category" in page
    assert client.get(URL, {**query, "export": "xlsx"}).status_code == 400
