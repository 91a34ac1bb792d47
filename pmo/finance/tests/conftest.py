"""Everyone around one project (the RAID and change-control cast) plus a finance partner, the
seeded categories and funding sources, and a cost code on each project. The tests run on
4 December 2026, in the financial year 2026/27 (April to March)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from pmo.conftest import user_maker
from pmo.core.choices import Role
from pmo.core.models import User
from pmo.core.tests.module_data import shared_records
from pmo.finance import services
from pmo.finance.choices import SpendType
from pmo.finance.models import CostCategory, CostCode, FundingSource
from pmo.finance.services import LedgerRow, MonthAmount
from pmo.raid.tests.cast import Cast, make_cast
from pmo.reporting.tests.factories import PeriodFactory


@dataclass
class Books:
    cast: Cast
    finance: User
    staff: CostCategory
    software: CostCategory
    capital: FundingSource
    web_code: CostCode
    hr_code: CostCode

    def by_name(self, name: str) -> User:
        return self.finance if name == "finance" else self.cast.by_name(name)


@pytest.fixture(scope="module")
def _books_written(module_data: Callable[..., Books]) -> Books:
    return module_data(lambda: _make_books(user_maker()))


@pytest.fixture
def books(_books_written: Books | None, db: None) -> Books:
    """The finance cast, written once per module (pmo/core/tests/module_data.py)."""
    return shared_records(_books_written, lambda: _make_books(user_maker()))


def _make_books(make_user: Callable[..., User]) -> Books:
    cast = make_cast(make_user)
    staff = CostCategory.objects.get(name="Staff")
    software = CostCategory.objects.get(name="Software")
    capital = FundingSource.objects.get(name="Capital programme")
    web = CostCode.objects.create(
        code="C1001",
        project=cast.project,
        category=software,
        spend_type=SpendType.CAPITAL,
        funding_source=capital,
    )
    hr = CostCode.objects.create(
        code="R2001", project=cast.other_project, category=staff, spend_type=SpendType.REVENUE
    )
    return Books(
        cast=cast,
        finance=make_user(Role.FINANCE_PARTNER, username="finance", email="finance@council.example"),
        staff=staff,
        software=software,
        capital=capital,
        web_code=web,
        hr_code=hr,
    )


def line(month: date, category: CostCategory, amount: Any, **extra: Any) -> MonthAmount:
    """A revenue line with no funding source unless told otherwise."""
    return MonthAmount(
        month=month,
        category=category,
        spend_type=extra.pop("spend_type", SpendType.REVENUE),
        amount=Decimal(amount),
        **extra,
    )


OCT, NOV, DEC, APR = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1), date(2027, 4, 1)


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
