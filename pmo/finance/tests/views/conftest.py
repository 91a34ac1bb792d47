"""The finance pages' world: the finance books (WEB and HR with a cost code each) with money in
them, and clients signed in as anyone. Run on 4 December 2026 (financial year 2026/27)."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from pmo.core.models import User
from pmo.finance import services
from pmo.finance.services import LedgerRow
from pmo.finance.tests.conftest import Books, line
from pmo.reporting.tests.factories import PeriodFactory

OCT, NOV, DEC, APR = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1), date(2027, 4, 1)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def money(books: Books) -> Books:
    """WEB (programme DIG): budget £3,000 (£1,000 a month, October to December, software),
    October's £1,200 spent, a December forecast of £1,500 for December and £500 next April.
    HR (no programme, confidential): budget £1,000 in November (staff), £300 spent in October,
    no forecast."""
    books.cast.other_project.confidential = True
    books.cast.other_project.save()
    for project, lines in (
        (books.cast.project, [line(m, books.software, 1_000) for m in (OCT, NOV, DEC)]),
        (books.cast.other_project, [line(NOV, books.staff, 1_000)]),
    ):
        draft = services.budget_draft(actor=books.finance, project=project, reason="v1", lines=lines)
        services.budget_approve(actor=books.finance, version=draft, expected_version=1)
    services.actuals_load(
        actor=books.finance,
        rows=[LedgerRow("C1001", OCT, Decimal(1_200)), LedgerRow("R2001", OCT, Decimal(300))],
        reference="Ledger",
        year=2026,
    )
    services.forecast_make(
        actor=books.cast.pm,
        project=books.cast.project,
        period=PeriodFactory(start=DEC),
        lines=[line(DEC, books.software, 1_500), line(APR, books.software, 500)],
    )
    return books
