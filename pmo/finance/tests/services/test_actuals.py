"""Loading ledger actuals: charged to the cost code's project, all or nothing, a month loaded
again replaced (never counted twice), bad rows named by row and column, closed months refused.
Run on 4 December 2026 (financial year 2026/27)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from pmo.finance import selectors, services
from pmo.finance.choices import SpendType
from pmo.finance.models import ActualImport, ActualLine
from pmo.finance.services import LedgerRow

pytestmark = pytest.mark.django_db

OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)


def load(books, rows, actor=None, reference="Ledger Nov 2026"):
    return services.actuals_load(actor=actor or books.finance, rows=rows, reference=reference, year=2026)


def spent(project):
    return ActualLine.objects.filter(project=project).aggregate(total=Sum("amount"))["total"] or Decimal(0)


def test_a_load_charges_each_line_to_its_cost_code_s_project(books):
    loaded = load(
        books,
        [
            LedgerRow("C1001", NOV, Decimal("1200.50"), reference="INV-1"),
            LedgerRow("C1001", NOV, Decimal("-200.50"), reference="CR-1"),  # a credit
            LedgerRow("R2001", NOV, Decimal(800)),
        ],
    )
    assert (loaded.lines, loaded.replaced, loaded.total) == (3, 0, Decimal(1800))
    assert spent(books.cast.project) == Decimal(1000)
    assert spent(books.cast.other_project) == Decimal(800)
    web = ActualLine.objects.filter(project=books.cast.project).first()
    assert (web.category, web.spend_type, web.funding_source) == (
        books.software,
        SpendType.CAPITAL,
        books.capital,
    )
    assert selectors.project_finance(project=books.cast.project).actuals == {NOV: Decimal(1000)}


def test_loading_a_month_again_replaces_it_and_never_double_counts(books):
    load(books, [LedgerRow("C1001", NOV, Decimal(1000)), LedgerRow("R2001", NOV, Decimal(800))])
    load(books, [LedgerRow("C1001", OCT, Decimal(300))], reference="Ledger Oct 2026")
    again = load(books, [LedgerRow("C1001", NOV, Decimal(1100))], reference="Ledger Nov 2026 corrected")
    assert again.replaced == 1
    assert spent(books.cast.project) == Decimal(1400)  # October stays; November is the new figure
    assert spent(books.cast.other_project) == Decimal(800)  # a code the new load does not name stays
    assert ActualImport.objects.count() == 3


def test_bad_rows_refuse_the_whole_load_naming_each_row_and_column(books):
    load(books, [LedgerRow("C1001", NOV, Decimal(1000))])
    services.month_lock(actor=books.finance, month=OCT)
    books.hr_code.active = False
    books.hr_code.save()
    rows = [
        LedgerRow("C1001", NOV, Decimal(50), reference="INV-9"),
        LedgerRow("X999", NOV, Decimal(1)),
        LedgerRow("R2001", NOV, Decimal(1)),
        LedgerRow("C1001", OCT, Decimal(1)),
        LedgerRow("C1001", date(2026, 3, 1), Decimal(1)),
        LedgerRow("C1001", date(2027, 1, 1), Decimal(1)),
        LedgerRow("C1001", NOV, Decimal(1), currency="EUR"),
        LedgerRow("C1001", NOV, Decimal(50), reference="INV-9"),
        LedgerRow("C1001", date(2026, 11, 30), Decimal(1)),
    ]
    with pytest.raises(services.LineProblems) as refused:
        load(books, rows)
    assert refused.value.messages == [
        "Row 2, column 'cost code': 'X999' is not a cost code (add it under Finance, cost codes, first).",
        "Row 3, column 'cost code': Cost code R2001 is retired: its lines are no longer loaded.",
        "Row 4, column 'month': October 2026 is closed by finance: its actuals can no longer change.",
        "Row 5, column 'month': March 2026 is not in the financial year 2026/27 (April 2026 to March 2027).",
        "Row 6, column 'month': January 2027 has not begun: there can be no actuals for it yet.",
        "Row 7, column 'currency': The amount is in EUR; this PMO counts money in GBP.",
        "Row 8: repeats row 1 (cost code C1001, November 2026, reference INV-9).",
        "Row 9, column 'month': 30 November 2026 is not a month: give the month's first day.",
    ]
    assert spent(books.cast.project) == Decimal(1000)  # nothing written, nothing replaced
    assert ActualImport.objects.count() == 1


def test_amounts_a_ledger_line_cannot_hold_are_refused(books):
    rows = [LedgerRow("C1001", NOV, Decimal("NaN")), LedgerRow("C1001", NOV, Decimal("-1e12"))]
    with pytest.raises(services.LineProblems) as refused:
        load(books, rows)
    assert refused.value.messages == [
        "Row 1, column 'amount': NaN is not an amount of money.",
        "Row 2, column 'amount': -1E+12 is too large: an amount is under £1,000,000,000,000.",
    ]


def test_rows_keep_the_numbers_the_file_gave_them(books):
    with pytest.raises(services.LineProblems) as refused:
        load(books, [LedgerRow("NOPE", NOV, Decimal(1), row=14)])
    assert [(issue.row, issue.column) for issue in refused.value.issues] == [(14, "cost code")]


def test_an_empty_load_is_refused(books):
    with pytest.raises(ValidationError, match="There are no lines"):
        load(books, [])


@pytest.mark.parametrize("who", ["pm", "sponsor", "executive"])
def test_only_finance_and_the_pmo_load_actuals(books, who):
    with pytest.raises(PermissionDenied, match="load actuals"):
        load(books, [LedgerRow("C1001", NOV, Decimal(1))], actor=books.by_name(who))
    load(books, [LedgerRow("C1001", NOV, Decimal(1))], actor=books.cast.officer)
    assert ActualLine.objects.count() == 1
