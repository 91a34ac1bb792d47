"""Closed months: everyone signed in sees them; finance partners and the PMO head close a month
and open one again with a reason, through the services; others are refused."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from pmo.finance import services
from pmo.finance.models import MonthLock
from pmo.finance.tests.views.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/finance/months/"


def test_finance_closes_a_month(books):
    client = client_for(books.finance)
    response = client.post(URL, {"month": "2026-11"})

    assert response.status_code == 302
    lock = MonthLock.objects.get()
    assert (lock.month, lock.locked_by) == (date(2026, 11, 1), books.finance)
    assert "November 2026" in client.get(URL).content.decode()


def test_a_month_not_yet_begun_or_closed_twice_is_refused(books):
    client = client_for(books.finance)

    assert client.post(URL, {"month": "2027-01"}).status_code == 400
    client.post(URL, {"month": "2026-11"})
    refused = client.post(URL, {"month": "2026-11"})
    assert refused.status_code == 400
    assert "Nothing was saved" in refused.content.decode()
    assert client.post(URL, {"month": "soon"}).status_code == 400
    assert MonthLock.objects.count() == 1


def test_finance_opens_a_month_again_with_a_reason(books):
    services.month_lock(actor=books.finance, month=date(2026, 10, 1))
    client = client_for(books.finance)

    assert client.post("/finance/months/2026/10/open/", {"reason": ""}).status_code == 400
    response = client.post("/finance/months/2026/10/open/", {"reason": "Late invoice"})
    assert response.status_code == 302
    assert not MonthLock.objects.exists()
    assert client.post("/finance/months/2026/10/open/", {"reason": "Again"}).status_code == 404
    assert client.post("/finance/months/2026/13/open/", {"reason": "Again"}).status_code == 404


def test_others_see_the_months_but_may_not_close_or_open_them(books):
    services.month_lock(actor=books.finance, month=date(2026, 10, 1))
    pm = client_for(books.cast.pm)

    page = pm.get(URL)
    assert page.status_code == 200
    assert "October 2026" in page.content.decode() and "Close the month" not in page.content.decode()
    assert pm.post(URL, {"month": "2026-11"}).status_code == 403
    assert pm.post("/finance/months/2026/10/open/", {"reason": "No"}).status_code == 403
    assert MonthLock.objects.count() == 1


def test_the_export_lists_the_closed_months(books):
    services.month_lock(actor=books.finance, month=date(2026, 10, 1))
    response = client_for(books.cast.pm).get(URL, {"export": "xlsx"})

    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert rows[0] == ["Month", "Closed by", "Closed at"]
    assert rows[1][:2] == ["October 2026", str(books.finance)]
