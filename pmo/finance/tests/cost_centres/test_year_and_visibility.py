"""A cost centre's year as its budget holder and finance read it: months before the current one
actual, the rest at budget; staff and non-staff apart, with where the non-staff spend lands
against its limit. Finance partners, the PMO and the executives read every cost centre, its
budget holder theirs; a project manager none, and none of its ledger lines."""

from decimal import Decimal

import pytest
from django.utils import timezone

from pmo.core.choices import Role
from pmo.engine.finance import FinancialYear
from pmo.finance import cost_centres, services
from pmo.finance.models import (
    ActualLine,
    CostCentre,
    CostCentreBudget,
    CostCentreBudgetLine,
    CostCode,
    MonthLock,
)
from pmo.finance.services import LedgerRow
from pmo.finance.tests.conftest import line
from pmo.finance.tests.cost_centres.conftest import DEC, JAN, NOV, OCT

pytestmark = pytest.mark.django_db
YEAR = FinancialYear(2026, 4)


def spend(pmo_centre, *rows):
    services.actuals_load(actor=pmo_centre.books.finance, rows=list(rows), reference="Ledger", year=2026)


def test_the_year_lands_at_actuals_to_date_plus_the_rest_of_the_budget(pmo_centre):
    spend(
        pmo_centre,
        LedgerRow("PMO-STF", OCT, Decimal(10_000)),
        LedgerRow("PMO-TRN", OCT, Decimal(5_500)),
        LedgerRow("PMO-STF", NOV, Decimal(10_200)),
    )

    year = cost_centres.cost_centre_year(cost_centre=pmo_centre.centre, year=YEAR)

    assert year.split == DEC  # today is 4 December 2026
    assert (year.total.budget, year.total.actual_to_date, year.total.forecast_remaining) == (
        Decimal(56_000),
        Decimal(25_700),
        Decimal(28_000),
    )
    assert (year.staff.budget, year.staff.eac) == (Decimal(40_000), Decimal(40_200))
    assert (year.non_staff.budget, year.non_staff.actual_to_date, year.non_staff.eac) == (
        Decimal(16_000),
        Decimal(5_500),
        Decimal(13_500),
    )
    assert (year.limit, year.limit_headroom, year.over_limit) == (Decimal(50_000), Decimal(36_500), False)
    assert [(c.name, c.staff, c.outturn.eac) for c in year.categories] == [
        ("Staff", True, Decimal(40_200)),
        ("Services", False, Decimal(13_500)),
    ]
    assert [(m.month, m.actual, m.forecast) for m in year.months if m.month in (NOV, DEC)] == [
        (NOV, Decimal(10_200), None),
        (DEC, None, Decimal(14_000)),
    ]


def test_non_staff_spend_beyond_the_limit_shows_over_it_and_a_closed_month_moves_the_split(pmo_centre):
    CostCentreBudget.objects.filter(pk=pmo_centre.budget.pk).update(non_staff_limit=Decimal(10_000))
    MonthLock.objects.create(month=DEC, locked_at=timezone.now())
    spend(pmo_centre, LedgerRow("PMO-TRN", OCT, Decimal(9_000)))

    year = cost_centres.cost_centre_year(cost_centre=pmo_centre.centre, year=YEAR)

    assert year.split == JAN
    assert year.non_staff.eac == Decimal(9_000 + 4_000)  # October's actual, January's budget
    assert (year.limit_headroom, year.over_limit) == (Decimal(-3_000), True)


def test_landing_at_the_limit_is_over_it_but_a_limit_of_nothing_is_passed_only_by_spending(pmo_centre):
    budget = CostCentreBudget.objects.filter(pk=pmo_centre.budget.pk)
    # Nothing spent yet: the non-staff year lands at December's and January's training budget
    budget.update(non_staff_limit=Decimal(8_000))
    year = cost_centres.cost_centre_year(cost_centre=pmo_centre.centre, year=YEAR)
    assert (year.non_staff.eac, year.limit_headroom, year.over_limit) == (Decimal(8_000), Decimal(0), True)

    # A limit of nothing, with no spend outside staff costs budgeted or loaded: not over it
    CostCentreBudgetLine.objects.filter(budget=pmo_centre.budget, category=pmo_centre.services).delete()
    budget.update(non_staff_limit=Decimal(0))
    year = cost_centres.cost_centre_year(cost_centre=pmo_centre.centre, year=YEAR)
    assert (year.non_staff.eac, year.over_limit) == (Decimal(0), False)

    # ... until a pound is spent
    spend(pmo_centre, LedgerRow("PMO-TRN", OCT, Decimal(1)))
    assert cost_centres.cost_centre_year(cost_centre=pmo_centre.centre, year=YEAR).over_limit


def test_who_reads_a_cost_centre_and_its_lines(pmo_centre, make_user):
    books = pmo_centre.books
    spend(pmo_centre, LedgerRow("PMO-STF", OCT, Decimal(10_000)), LedgerRow("C1001", OCT, Decimal(7)))
    other_centre = CostCentre.objects.create(code="HR-OPS", name="HR operations")
    readers = {
        "finance": books.finance,
        "officer": books.cast.officer,
        "executive": books.cast.executive,
        "head (its budget holder)": books.cast.head,
        "pm": books.cast.pm,
        "sponsor": books.cast.sponsor,
    }
    seen = {
        name: (
            sorted(CostCentre.objects.restrict(user).values_list("code", flat=True)),
            sorted(
                CostCode.objects.restrict(user)
                .filter(cost_centre__isnull=False)
                .values_list("code", flat=True)
            ),
            ActualLine.objects.restrict(user).filter(cost_centre__isnull=False).count(),
            CostCentreBudget.objects.restrict(user).count(),
        )
        for name, user in readers.items()
    }

    everything = (["HR-OPS", "PMO"], ["PMO-STF", "PMO-TRN"], 1, 1)
    assert seen == {
        "finance": everything,
        "officer": everything,
        "executive": everything,
        "head (its budget holder)": everything,  # the PMO head keeps the books anyway
        "pm": ([], [], 0, 0),
        "sponsor": ([], [], 0, 0),
    }
    holder = make_user(Role.RESOURCE_MANAGER, username="holder", email="holder@council.example")
    CostCentre.objects.filter(pk=other_centre.pk).update(holder=holder)
    assert list(CostCentre.objects.restrict(holder).values_list("code", flat=True)) == ["HR-OPS"]
    assert books.cast.pm.has_perm("finance.view_actualline", ActualLine.objects.get(cost_code__code="C1001"))
    assert not books.cast.pm.has_perm(
        "finance.view_actualline", ActualLine.objects.get(cost_code__code="PMO-STF")
    )
    assert not books.cast.executive.has_perm("finance.add_costcentrebudget")


def test_a_budget_set_through_the_service_for_another_year_does_not_touch_this_one(pmo_centre):
    cost_centres.cost_centre_budget_set(
        actor=pmo_centre.books.finance,
        cost_centre=pmo_centre.centre,
        year=2027,
        lines=[line(OCT.replace(year=2027), pmo_centre.books.staff, 11_000)],
    )
    this_year = cost_centres.cost_centre_year(cost_centre=pmo_centre.centre, year=YEAR)
    assert this_year.total.budget == Decimal(56_000)
    assert [y.label for y in cost_centres.cost_centre_years(pmo_centre.centre, 4)] == ["2026/27", "2027/28"]
