"""Forecast accuracy: each forecast the reader may see against the actuals of its months since
closed, summed by project, project manager or maker, worst first; the Excel export."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from pmo.finance import services
from pmo.finance.services import LedgerRow
from pmo.finance.tests.views.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/finance/accuracy/"
DEC = date(2026, 12, 1)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def closed(money):
    """WEB forecast £1,500 for December and spent £1,200; finance closes December."""
    services.actuals_load(
        actor=money.finance, rows=[LedgerRow("C1001", DEC, Decimal(1_200))], reference="Dec", year=2026
    )
    services.month_lock(actor=money.finance, month=DEC)
    return money


def test_by_project_and_by_project_manager(closed):
    client = client_for(closed.finance)

    assert "WEB £1,500 £1,200 +£300 25% 1" in text(client.get(URL))
    assert "Pat Manager £1,500 £1,200 +£300 25% 1" in text(client.get(URL, {"by": "project_manager"}))


def test_nothing_to_measure_before_a_month_closes(money):
    assert "No forecast can be measured yet" in text(client_for(money.finance).get(URL))


def test_a_reader_measures_only_the_forecasts_they_may_see(closed):
    # HR's manager sees HR (no forecast) and WEB (not confidential).
    assert "WEB £1,500" in text(client_for(closed.cast.other_pm).get(URL))


def test_the_export_has_the_figures(closed):
    response = client_for(closed.finance).get(URL, {"by": "project", "export": "xlsx"})

    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert rows[0][:3] == ["Project", "Forecast", "Actual"]
    assert rows[1] == ["WEB", 1500, 1200, 300, 300, 25, 1]
