"""Everyone around one project (the RAID and change-control cast) plus a finance partner, the
seeded categories and funding sources, and a cost code on each project. The tests run on
4 December 2026, in the financial year 2026/27 (April to March)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from pmo.core.choices import Role
from pmo.core.models import User
from pmo.finance.choices import SpendType
from pmo.finance.models import CostCategory, CostCode, FundingSource
from pmo.finance.services import MonthAmount
from pmo.raid.tests.cast import Cast, make_cast


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


@pytest.fixture
def books(make_user: Callable[..., User]) -> Books:
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
