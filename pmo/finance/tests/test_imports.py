"""Loading actuals from a ledger extract (.xlsx): a posting date counts in its month, problems
named by row and the sheet's column, nothing written; a check writes nothing; ``pmo import
actuals`` knows the kind. Run on 4 December 2026 (financial year 2026/27)."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from pmo.core.imports import IMPORT_KINDS
from pmo.finance.imports import actuals_import
from pmo.finance.models import ActualImport, ActualLine

pytestmark = pytest.mark.django_db
HEADER = ["Cost code", "Month", "Amount", "Description", "Reference"]


def extract(*rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actuals"
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def test_a_ledger_extract_is_loaded_by_cost_code_and_month(books):
    result = actuals_import(
        actor=books.finance,
        file=extract(
            ("C1001", datetime(2026, 11, 30), 1250.5, "Licences", "INV-1"),
            ("C1001", "Oct 2026", "£2,000.00", "", ""),
            ("R2001", "2026-11", -50, "Credit", "CR-9"),
        ),
        filename="ledger-nov.xlsx",
    )
    assert result.ok and result.created == 3
    assert sorted((line.cost_code.code, line.month, line.amount) for line in ActualLine.objects.all()) == [
        ("C1001", date(2026, 10, 1), Decimal("2000.00")),
        ("C1001", date(2026, 11, 1), Decimal("1250.50")),
        ("R2001", date(2026, 11, 1), Decimal("-50.00")),
    ]
    assert ActualImport.objects.get().reference == "ledger-nov.xlsx"


def test_problems_are_named_by_row_and_column_and_nothing_is_written(books):
    result = actuals_import(
        actor=books.finance,
        file=extract(
            ("C1001", "Nov 2026", 10, "", ""),
            ("NOPE", "Nov 2026", 10, "", ""),
            ("C1001", "sometime", 10, "", ""),
            ("C1001", "Nov 2026", "ten", "", ""),
            ("C1001", "Apr 2027", 10, "", ""),
        ),
    )
    assert [str(issue) for issue in result.errors] == [
        "Row 4, column 'Month': 'sometime' is not a month (give a date, 2026-11 or Nov 2026).",
        "Row 5, column 'Amount': 'ten' is not an amount of money (e.g. 250000 or £250,000.00).",
    ]
    result = actuals_import(
        actor=books.finance,
        file=extract(
            ("C1001", "Nov 2026", 10, "", ""),
            ("NOPE", "Nov 2026", 10, "", ""),
            ("C1001", "Apr 2027", 1, "", ""),
        ),
    )
    assert [str(issue) for issue in result.errors] == [
        "Row 3, column 'Cost code': 'NOPE' is not a cost code (add it under Finance, cost codes, first).",
        "Row 4, column 'Month': April 2027 is not in the financial year 2026/27 (April 2026 to March 2027).",
    ]
    assert not ActualLine.objects.exists() and not ActualImport.objects.exists()


def test_a_check_writes_nothing(books):
    result = actuals_import(
        actor=books.finance, file=extract(("C1001", "Nov 2026", 10, "", "")), dry_run=True
    )
    assert result.ok and result.created == 1 and result.dry_run
    assert not ActualLine.objects.exists()


def test_a_missing_column_and_an_empty_extract(books):
    result = actuals_import(actor=books.finance, file=extract(header=["Cost code", "Amount"]))
    assert [str(issue) for issue in result.errors] == ["Missing required column 'Month'."]
    result = actuals_import(actor=books.finance, file=extract())
    assert [str(issue) for issue in result.errors] == ["The extract has no ledger lines under its header."]


def test_only_finance_and_the_pmo_load_actuals(books):
    with pytest.raises(PermissionDenied):
        actuals_import(actor=books.cast.pm, file=extract(("C1001", "Nov 2026", 10, "", "")))
    assert IMPORT_KINDS["actuals"] is actuals_import


def test_pmo_import_actuals_loads_an_extract_as_a_user(books, tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(extract(("C1001", "Nov 2026", 10, "", "")).getvalue())
    out = io.StringIO()
    call_command("import", "actuals", str(path), "--user", "finance", stdout=out)
    assert out.getvalue().strip() == "1 created, 0 updated, 0 unchanged."
    assert ActualLine.objects.get().loaded_by.imported_by == books.finance
    with pytest.raises(CommandError, match="permission"):
        call_command("import", "actuals", str(path), "--user", "pm", stdout=io.StringIO())
