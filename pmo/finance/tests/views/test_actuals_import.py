"""A finance partner imports a month of actuals in the browser: an extract named as the template
(.xlsx) or the finance system's own (.csv, columns mapped once and kept), a check writes nothing,
every problem named by row and column with nothing loaded, a month loaded again replaces its
lines (never counted twice); others are refused. Run on 4 December 2026 (financial year 2026/27)."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from pmo.finance.models import ActualImport, ActualLine, LedgerMapping
from pmo.finance.tests.views.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/finance/actuals/import/"
NOV = date(2026, 11, 1)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace("&#x27;", "'")


def xlsx(*rows, header=("Cost code", "Month", "Amount", "Description", "Reference")):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actuals"
    for row in (header, *rows):
        sheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return SimpleUploadedFile("ledger-nov.xlsx", stream.getvalue())


def csv_file(body: str, name: str = "gl-extract.csv"):
    return SimpleUploadedFile(name, body.encode())


LEDGER_CSV = (
    "Account;Period;Net value;Narrative;Cost centre\n"
    "C1001;2026-11;1250.00;Licences;X9\n"
    "R2001;2026-11;-50;Credit;X9\n"
)


def post(client, file, **data):
    return client.post(URL, {"file": file, **data})


def test_an_extract_of_the_templates_columns_is_loaded_and_reported_by_month(books):
    client = client_for(books.finance)
    response = post(
        client, xlsx(("C1001", "Nov 2026", 1000, "Licences", "INV-1"), ("R2001", "2026-10", 300, "", ""))
    )

    assert response.status_code == 200
    page = text(response)
    assert "ledger-nov.xlsx is loaded" in page
    assert "2 lines loaded, £1,300 in all." in page
    assert "No month of it was loaded before." in page
    assert "October 2026 1 £300 0" in page and "November 2026 1 £1,000 0" in page
    assert ActualLine.objects.count() == 2


def test_loading_a_month_again_replaces_it_and_never_counts_twice(books):
    client = client_for(books.finance)
    post(client, xlsx(("C1001", "Nov 2026", 1000, "", "INV-1"), ("C1001", "Nov 2026", 200, "", "INV-2")))

    response = post(client, xlsx(("C1001", "Nov 2026", 1100, "", "INV-1")))

    assert "Replaced the lines loaded before for November 2026 (2 lines): nothing is counted twice." in text(
        response
    )
    assert ActualLine.objects.aggregate(total=Sum("amount"))["total"] == Decimal("1100.00")
    assert list(ActualImport.objects.order_by("pk").values_list("replaced", flat=True)) == [0, 2]


def test_a_check_reports_what_would_load_and_writes_nothing(books):
    response = post(client_for(books.finance), xlsx(("C1001", "Nov 2026", 10, "", "")), check_only="on")

    assert response.status_code == 200
    assert "ledger-nov.xlsx is ready to load" in text(response)
    assert "1 line to load, £10 in all." in text(response)
    assert not ActualLine.objects.exists() and not ActualImport.objects.exists()


def test_problems_are_listed_by_row_and_column_and_nothing_is_loaded(books):
    response = post(
        client_for(books.finance),
        xlsx(
            ("C1001", "Nov 2026", 10, "", ""),
            ("NOPE", "Nov 2026", 10, "", ""),
            ("C1001", "Nov 2026", "ten", "", ""),
        ),
    )

    assert response.status_code == 400
    page = text(response)
    assert "Nothing was imported: 1 problem in ledger-nov.xlsx" in page
    assert "4 Amount 'ten' is not an amount of money" in page
    response = post(
        client_for(books.finance), xlsx(("C1001", "Nov 2026", 10, "", ""), ("NOPE", "Nov 2026", 10, "", ""))
    )
    assert "3 Cost code 'NOPE' is not a cost code" in text(response)
    assert not ActualLine.objects.exists() and not ActualImport.objects.exists()


def test_a_finance_systems_own_columns_are_mapped_once_then_kept_for_the_next_extract(books):
    client = client_for(books.finance)

    asked = post(client, csv_file(LEDGER_CSV))

    assert asked.status_code == 400
    page = asked.content.decode()
    assert "Which column holds what in gl-extract.csv?" in text(asked)
    assert "Unknown column 'Account'" in text(asked)
    assert 'name="header-0" value="Account"' in page and 'name="header-4" value="Cost centre"' in page
    assert '<option value="cost_code">Cost code</option>' in page  # nothing guessed for "Account"
    assert re.search(r'name="remember"[^>]*checked', page)  # kept for next month unless unticked
    assert not ActualLine.objects.exists()

    mapped = {
        "header-0": "Account", "map-0": "cost_code",
        "header-1": "Period", "map-1": "month",
        "header-2": "Net value", "map-2": "amount",
        "header-3": "Narrative", "map-3": "description",
        "header-4": "Cost centre", "map-4": "",
        "remember": "on",
    }  # fmt: skip
    loaded = post(client, csv_file(LEDGER_CSV), **mapped)

    assert "gl-extract.csv is loaded" in text(loaded)
    assert sorted(ActualLine.objects.values_list("cost_code__code", "amount", "description")) == [
        ("C1001", Decimal("1250.00"), "Licences"),
        ("R2001", Decimal("-50.00"), "Credit"),
    ]
    assert LedgerMapping.objects.get(user=books.finance).columns["account"] == "cost_code"

    again = post(client, csv_file(LEDGER_CSV.replace("1250.00", "1300.00"), "gl-extract-2.csv"))

    assert "gl-extract-2.csv is loaded" in text(again)  # no questions asked the second time
    assert ActualLine.objects.aggregate(total=Sum("amount"))["total"] == Decimal("1250.00")


def test_a_mapping_missing_a_required_column_or_mapping_two_to_one_is_refused(books):
    client = client_for(books.finance)
    mapped = {
        "header-0": "Account", "map-0": "cost_code",
        "header-1": "Period", "map-1": "cost_code",
        "header-2": "Net value", "map-2": "amount",
        "header-3": "Narrative", "map-3": "",
        "header-4": "Cost centre", "map-4": "",
    }  # fmt: skip

    response = post(client, csv_file(LEDGER_CSV), **mapped)

    page = text(response)
    assert "Columns 'Account', 'Period' are all mapped to Cost code: map one column to each." in page
    assert "No column is mapped to Month: it is required." in page
    assert not ActualLine.objects.exists() and not LedgerMapping.objects.exists()


def test_errors_in_a_mapped_extract_name_its_own_columns(books):
    mapped = {
        "header-0": "Account", "map-0": "cost_code",
        "header-1": "Period", "map-1": "month",
        "header-2": "Net value", "map-2": "amount",
        "header-3": "Narrative", "map-3": "",
        "header-4": "Cost centre", "map-4": "",
    }  # fmt: skip

    response = post(client_for(books.finance), csv_file(LEDGER_CSV.replace("R2001", "ZZ99")), **mapped)

    assert response.status_code == 400
    assert "3 Account 'ZZ99' is not a cost code" in text(response)
    assert not ActualLine.objects.exists()


def test_the_template_downloads_with_the_columns(books):
    response = client_for(books.finance).get(URL + "template.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Actuals"]
    assert [cell.value for cell in sheet[1]] == [
        "Cost code",
        "Month",
        "Amount",
        "Description",
        "Reference",
        "Currency",
    ]


def test_only_finance_partners_and_the_pmo_import_actuals(books):
    for user in (books.cast.pm, books.cast.sponsor):
        client = client_for(user)
        assert client.get(URL).status_code == 403
        assert post(client, xlsx(("C1001", "Nov 2026", 10, "", ""))).status_code == 403
        assert client.get(URL + "template.xlsx").status_code == 403
    assert "Import actuals</a>" not in client_for(books.cast.pm).get("/finance/").content.decode()
    assert "Import actuals</a>" in client_for(books.finance).get("/finance/").content.decode()  # the menu
    assert client_for(books.cast.officer).get(URL).status_code == 200
    months = client_for(books.finance).get("/finance/months/").content.decode()
    assert 'href="/finance/actuals/import/"' in months
    assert not ActualLine.objects.exists()


@override_settings(PMO_MAX_UPLOAD_BYTES=1024)
def test_an_extract_over_the_upload_limit_is_refused_before_it_is_read(books):
    big = csv_file("Cost code,Month,Amount\n" + "C1001,2026-11,1.00\n" * 200)

    response = post(client_for(books.finance), big)

    assert response.status_code == 413
    assert "The file is larger than" in text(response)
    assert not ActualLine.objects.exists()


def test_a_csv_saved_by_excel_in_windows_encoding_is_read(books):
    body = 'Cost code,Month,Amount,Description\nC1001,Nov 2026,"£1,250.00",Caf\xe9 licences\n'.encode(
        "cp1252"
    )

    response = post(client_for(books.finance), SimpleUploadedFile("ledger.csv", body))

    assert "ledger.csv is loaded" in text(response)
    assert ActualLine.objects.get().description == "Café licences"
    assert ActualLine.objects.get().amount == Decimal("1250.00")
