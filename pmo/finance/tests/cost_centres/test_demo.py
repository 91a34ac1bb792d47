"""The demo's PMO cost centre: held by the head of the PMO, charged by its own cost codes, with
last year's and this year's budgets (this year's revised in October, both in its history), its
ledger lines in the months' extracts beside the projects', staff costs and a non-staff spend
that lands under the £50k limit, as seed 000 describes the IT PMO's budget."""

from decimal import Decimal

import pytest

from pmo.core.models import User
from pmo.engine.finance import financial_year, month_of
from pmo.finance import cost_centres, selectors
from pmo.finance.demo_cost_centres import NON_STAFF_LIMIT
from pmo.finance.models import ActualImport, ActualLine, CostCentre, CostCentreBudget, CostCentreForecast
from pmo.finance.tests.demo.conftest import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_the_pmo_cost_centre_has_a_realistic_year_under_its_non_staff_limit():
    centre = CostCentre.objects.get(code="PMO")
    assert centre.holder == User.objects.get(username="head")
    assert sorted(centre.cost_codes.values_list("code", "category__name")) == [
        ("PMO-CON", "Contractors"),
        ("PMO-OTH", "Other"),
        ("PMO-STF", "Staff"),
        ("PMO-SW", "Software"),
        ("PMO-TRN", "Services"),
    ]
    this_year = financial_year(TODAY, selectors.finance_settings().first_month)
    last = cost_centres.cost_centre_year(cost_centre=centre, year=this_year.previous(), day=TODAY)
    now = cost_centres.cost_centre_year(cost_centre=centre, year=this_year, day=TODAY)

    for year in (last, now):
        assert year.limit == NON_STAFF_LIMIT
        assert Decimal(200_000) < year.staff.budget < Decimal(260_000)  # four posts' pay
        assert Decimal(40_000) < year.non_staff.budget < NON_STAFF_LIMIT
        assert not year.over_limit and year.non_staff.eac < NON_STAFF_LIMIT
    assert last.total.actual_to_date > 0 and last.total.forecast_remaining == 0  # a year gone by
    assert 0 < now.non_staff.actual_to_date < now.non_staff.eac  # spent so far, the rest to come
    assert {c.name for c in now.categories} == {"Staff", "Software", "Services", "Contractors", "Other"}


def test_its_lines_ride_in_the_months_extracts_and_its_budgets_are_in_history():
    centre = CostCentre.objects.get(code="PMO")
    lines = ActualLine.objects.filter(cost_centre=centre)
    assert lines.exists() and not lines.filter(project__isnull=False).exists()
    loads = set(lines.values_list("loaded_by", flat=True))
    assert loads <= set(ActualImport.objects.values_list("pk", flat=True))
    assert all(ActualLine.objects.filter(loaded_by=load, project__isnull=False).exists() for load in loads)
    this_year = CostCentreBudget.objects.get(cost_centre=centre, year=financial_year(TODAY).start_year)
    reasons = list(
        CostCentreBudget.history.filter(id=this_year.pk)
        .order_by("history_date")
        .values_list("history_change_reason", flat=True)
    )
    assert len(reasons) == 2 and this_year.note.startswith("Revised in October")
    finance = User.objects.get(username="finance")
    by_project = selectors.portfolio_roll_up(user=finance, by="project", day=TODAY)
    assert None not in by_project  # the PMO's own spend is not a project's


def test_the_head_of_the_pmo_forecasts_the_rest_of_the_year_each_month_and_it_lands_under_the_limit():
    centre = CostCentre.objects.get(code="PMO")
    this_year = financial_year(TODAY, selectors.finance_settings().first_month)
    made = list(
        CostCentreForecast.objects.filter(cost_centre=centre, year=this_year.start_year).order_by("month")
    )
    assert [forecast.made_by for forecast in made] == [User.objects.get(username="head")] * 2
    assert made[1].month == month_of(TODAY) and made[0].month < made[1].month  # last month's kept
    now = cost_centres.cost_centre_year(cost_centre=centre, year=this_year, day=TODAY)
    assert now.forecast == made[1]
    # the renewal dearer, a course cheaper: the year lands £800 above where the budget would
    assert now.non_staff.eac - now.non_staff_at_budget.eac == Decimal(800)
    assert not now.over_limit and now.non_staff.eac < NON_STAFF_LIMIT
