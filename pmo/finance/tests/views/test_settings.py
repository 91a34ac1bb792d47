"""Finance settings: everyone signed in reads them; finance partners and the PMO head change them
through the service, with the version they read; others are refused."""

import re
from decimal import Decimal

import pytest

from pmo.finance.selectors import finance_settings
from pmo.finance.tests.views.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/finance/settings/"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def fields(**changed):
    row = finance_settings()
    return {
        "first_month": row.first_month,
        "currency": row.currency,
        "cpi_threshold": row.cpi_threshold,
        "spi_t_threshold": row.spi_t_threshold,
        "version": row.version,
        **changed,
    }


def test_finance_changes_the_settings(books):
    response = client_for(books.finance).post(URL, fields(first_month=1, cpi_threshold="0.9"))

    assert response.status_code == 302
    row = finance_settings()
    assert (row.first_month, row.cpi_threshold) == (1, Decimal("0.90"))


def test_a_bad_currency_is_refused_beside_its_field(books):
    response = client_for(books.cast.head).post(URL, fields(currency="pounds"))

    assert response.status_code == 400
    assert "Currency" in text(response) and "Nothing was saved" in text(response)
    assert finance_settings().currency == "GBP"


def test_a_stale_form_is_a_conflict(books):
    client = client_for(books.finance)
    stale = fields()
    client.post(URL, fields(currency="EUR"))

    assert client.post(URL, {**stale, "currency": "USD"}).status_code == 409
    assert finance_settings().currency == "EUR"


def test_others_read_them_but_may_not_change_them(books):
    pm = client_for(books.cast.pm)

    page = text(pm.get(URL))
    assert "Financial year starts in April Currency GBP" in page
    assert pm.post(URL, fields(currency="EUR")).status_code == 403
    assert finance_settings().currency == "GBP"
