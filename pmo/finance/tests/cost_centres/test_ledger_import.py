"""The month's ledger extract carries the PMO's own lines beside the projects': a line of a cost
centre's code lands on the cost centre (not on a project, nor in the portfolio's roll-up); a
code that charges nothing known is refused by row and column and nothing is written; loading
the month again replaces the cost centre's lines, never adds to them."""

import io
from decimal import Decimal

import pytest

from pmo.finance import selectors
from pmo.finance.imports import actuals_import
from pmo.finance.models import ActualImport, ActualLine
from pmo.finance.tests.cost_centres.conftest import NOV, OCT

pytestmark = pytest.mark.django_db


def csv_extract(*rows: str) -> io.BytesIO:
    return io.BytesIO("\n".join(["Cost code,Month,Amount,Description,Reference", *rows]).encode())


def load(actor, *rows):
    return actuals_import(actor=actor, file=csv_extract(*rows), filename="ledger-2026-11.csv")


def test_a_cost_centres_lines_land_on_it_beside_the_projects(pmo_centre):
    finance = pmo_centre.books.finance
    result = load(
        finance,
        "PMO-STF,30/11/2026,10250.00,PMO team pay,PAY-11",
        "PMO-TRN,2026-11,1800.50,APM course,INV-77",
        "C1001,Nov 2026,900,Licences,INV-78",
    )

    assert result.errors == [] and result.created == 3
    centre_lines = ActualLine.objects.filter(cost_centre=pmo_centre.centre).order_by("cost_code__code")
    assert [(a.cost_code.code, a.project_id, a.category.name, a.amount) for a in centre_lines] == [
        ("PMO-STF", None, "Staff", Decimal("10250.00")),
        ("PMO-TRN", None, "Services", Decimal("1800.50")),
    ]
    assert ActualLine.objects.get(cost_code__code="C1001").project == pmo_centre.books.cast.project
    rolled = selectors.portfolio_roll_up(user=finance, by="category")
    assert "Services" not in rolled  # the PMO's own spend is not a project's
    assert rolled["Software"].actual_to_date == Decimal(900)
    by_project = selectors.portfolio_roll_up(user=finance, by="project")
    assert set(by_project) == {pmo_centre.books.cast.project.code}


def test_a_code_for_neither_a_project_nor_a_cost_centre_is_refused_by_row_and_nothing_is_written(pmo_centre):
    result = load(
        pmo_centre.books.finance,
        "PMO-STF,2026-11,10250,PMO team pay,PAY-11",
        "PMO-XYZ,2026-11,99,Unknown code,INV-1",
    )

    assert [str(issue) for issue in result.errors] == [
        "Row 3, column 'Cost code': 'PMO-XYZ' is not a cost code (add it under Finance, cost codes, first)."
    ]
    assert not ActualLine.objects.exists() and not ActualImport.objects.exists()


def test_loading_the_month_again_replaces_the_cost_centres_lines(pmo_centre):
    finance = pmo_centre.books.finance
    load(finance, "PMO-STF,2026-10,10000,Pay,PAY-10", "PMO-TRN,2026-10,500,Course,INV-1")
    again = load(finance, "PMO-STF,2026-10,10100,Pay corrected,PAY-10")

    assert again.errors == [] and again.months[0].replaces == 1
    lines = ActualLine.objects.filter(cost_centre=pmo_centre.centre, month=OCT)
    assert sorted(lines.values_list("cost_code__code", "amount")) == [
        ("PMO-STF", Decimal(10_100)),
        ("PMO-TRN", Decimal(500)),  # a code the second extract does not name keeps its line
    ]
    assert not ActualLine.objects.filter(month=NOV).exists()
