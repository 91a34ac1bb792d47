"""The forecast in Excel: the open period's forecast downloads as the template (filled in as the
forecast page is), and an uploaded template is saved as that forecast through the forecast
service, every problem named by row and column and nothing saved. Run on 4 December 2026."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from pmo.finance.models import ForecastVersion
from pmo.finance.tests.views.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/finance/projects/WEB/forecast/template.xlsx"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace("&#x27;", "'")


def upload(*rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Forecast"
    for row in (("Month", "Category", "Capital or revenue", "Funding source", "Amount"), *rows):
        sheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return SimpleUploadedFile("forecast.xlsx", stream.getvalue())


def test_the_periods_forecast_downloads_and_an_upload_makes_it_again(money):
    client = client_for(money.cast.pm)
    sheet = load_workbook(io.BytesIO(client.get(URL).content))["Forecast"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()][1:] == [
        ["Dec 2026", "Software", "Revenue (opex)", None, 1500],
        ["Apr 2027", "Software", "Revenue (opex)", None, 500],
    ]
    assert (
        'href="/finance/projects/WEB/forecast/template.xlsx"'
        in client.get("/finance/projects/WEB/forecast/").content.decode()
    )

    response = client.post(
        URL,
        {
            "file": upload(
                ("Dec 2026", "Software", "Revenue", "", 1200), ("Jan 2027", "Staff", "Revenue", "", "300")
            )
        },
    )

    assert response.status_code == 302
    made = ForecastVersion.objects.get()
    assert sorted((each.month, each.category.name, each.amount) for each in made.lines.all()) == [
        (date(2026, 12, 1), "Software", Decimal("1200.00")),
        (date(2027, 1, 1), "Staff", Decimal("300.00")),
    ]


def test_an_uploaded_forecasts_problems_are_named_and_nothing_is_saved(money):
    client = client_for(money.cast.pm)
    before = sorted(ForecastVersion.objects.get().lines.values_list("month", "amount"))

    response = client.post(
        URL,
        {"file": upload(("Nov 2026", "Software", "Revenue", "", 10), ("Dec 2026", "Nope", "Revenue", "", 1))},
    )
    assert response.status_code == 400
    assert "Row 3, column 'Category': 'Nope' is not a cost category" in text(response)

    response = client.post(URL, {"file": upload(("Nov 2026", "Software", "Revenue", "", 10))})
    assert response.status_code == 400
    assert "Row 2, column 'Month': November 2026 is before the period" in text(response)
    assert sorted(ForecastVersion.objects.get().lines.values_list("month", "amount")) == before


def test_others_may_not_forecast_from_a_template(money):
    client = client_for(money.cast.sponsor)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": upload(("Dec 2026", "Software", "Revenue", "", 1))}).status_code == 403
