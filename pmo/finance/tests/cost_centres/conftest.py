"""The PMO's own cost centre beside the finance books (WEB and HR with a cost code each): its
budget holder is the head of the PMO, its codes charge staff (PMO-STF) and training (PMO-TRN,
Services), and its 2026/27 budget is £10,000 of staff and £4,000 of training a month from
October, with a £50,000 non-staff limit. Run on 4 December 2026 (financial year 2026/27)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from pmo.finance import cost_centres
from pmo.finance.choices import SpendType
from pmo.finance.models import CostCategory, CostCentre, CostCentreBudget, CostCode
from pmo.finance.tests.conftest import Books, line
from pmo.raid.tests.api.conftest import client_for  # noqa: F401 (the API's signed-in clients)

OCT, NOV, DEC, JAN = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)
LIMIT = Decimal(50_000)


@dataclass
class Centre:
    books: Books
    centre: CostCentre
    services: CostCategory
    staff_code: CostCode
    training_code: CostCode
    budget: CostCentreBudget


def year_lines(books: Books, services: CostCategory, months=(OCT, NOV, DEC, JAN)) -> list:
    return [
        *(line(month, books.staff, 10_000) for month in months),
        *(line(month, services, 4_000) for month in months),
    ]


@pytest.fixture
def pmo_centre(books: Books) -> Centre:
    finance = books.finance
    centre = cost_centres.cost_centre_create(
        actor=finance,
        fields={"code": "PMO", "name": "IT Portfolio Management Office", "holder": books.cast.head},
    )
    services = CostCategory.objects.get(name="Services")
    staff_code = CostCode.objects.create(
        code="PMO-STF", cost_centre=centre, category=books.staff, spend_type=SpendType.REVENUE
    )
    training_code = CostCode.objects.create(
        code="PMO-TRN", cost_centre=centre, category=services, spend_type=SpendType.REVENUE
    )
    budget = cost_centres.cost_centre_budget_set(
        actor=finance,
        cost_centre=centre,
        year=2026,
        lines=year_lines(books, services),
        fields={"non_staff_limit": LIMIT, "note": "As the council set it."},
    )
    return Centre(books, centre, services, staff_code, training_code, budget)
