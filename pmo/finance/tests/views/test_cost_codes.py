"""Cost codes: listed by the projects the reader may see (every code for finance and the PMO),
filtered and exported; added and changed by finance and the PMO only, through the service."""

import io
import re

import pytest
from openpyxl import load_workbook

from pmo.finance.models import CostCode
from pmo.finance.tests.views.conftest import client_for

pytestmark = pytest.mark.django_db
LIST = "/finance/cost-codes/"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_finance_sees_every_code_a_pm_those_of_projects_they_see(books):
    books.cast.other_project.confidential = True
    books.cast.other_project.save()

    finance = text(client_for(books.finance).get(LIST))
    pm = text(client_for(books.cast.pm).get(LIST))

    assert "2 cost codes found" in finance
    assert "C1001" in finance and "R2001" in finance
    assert "1 cost code found" in pm
    assert "R2001" not in pm
    assert "Add a cost code" in finance and "Add a cost code" not in pm


def test_the_list_filters_and_exports(books):
    client = client_for(books.finance)

    assert "1 cost code found" in text(client.get(LIST, {"project": "hr"}))
    response = client.get(LIST, {"project": "WEB", "export": "xlsx"})
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert rows == [
        [
            "Code",
            "Description",
            "Project",
            "Cost centre",
            "Category",
            "Capital or revenue",
            "Funding source",
            "In use",
        ],
        ["C1001", None, "WEB", None, "Software", "Capital (capex)", "Capital programme", "Yes"],
    ]


def test_finance_adds_a_code_and_sees_it(books):
    client = client_for(books.finance)
    response = client.post(
        "/finance/cost-codes/new/",
        {
            "code": " C1002 ",
            "description": "Licences",
            "project": books.cast.project.pk,
            "category": books.software.pk,
            "spend_type": "revenue",
            "funding_source": "",
            "active": "on",
        },
    )

    assert response.status_code == 302, response.content
    code = CostCode.objects.get(code="C1002")
    assert (code.project, code.spend_type, code.funding_source) == (books.cast.project, "revenue", None)
    assert response["Location"] == "/finance/cost-codes/C1002/"
    page = text(client.get(response["Location"]))
    assert "Cost code C1002" in page and "Revenue (opex)" in page and "WEB Website" in page


def test_a_repeated_code_is_refused_beside_its_field(books):
    response = client_for(books.finance).post(
        "/finance/cost-codes/new/",
        {
            "code": "C1001",
            "project": books.cast.project.pk,
            "category": books.staff.pk,
            "spend_type": "capital",
        },
    )

    assert response.status_code == 400
    assert "Nothing was saved" in text(response)
    assert CostCode.objects.filter(code="C1001").count() == 1


def test_finance_changes_a_code_with_its_version(books):
    code = books.web_code
    response = client_for(books.finance).post(
        f"/finance/cost-codes/{code.code}/edit/",
        {
            "code": "C1001",
            "description": "Web build",
            "project": books.cast.other_project.pk,
            "category": books.software.pk,
            "spend_type": "capital",
            "funding_source": books.capital.pk,
            "active": "on",
            "version": code.version,
        },
    )

    assert response.status_code == 302
    code.refresh_from_db()
    assert (code.description, code.project) == ("Web build", books.cast.other_project)


def test_others_may_not_add_or_change_codes(books):
    pm = client_for(books.cast.pm)

    assert pm.get("/finance/cost-codes/new/").status_code == 403
    assert pm.get(f"/finance/cost-codes/{books.web_code.code}/edit/").status_code == 403
    assert pm.get(f"/finance/cost-codes/{books.web_code.code}/").status_code == 200


def test_a_code_of_a_project_the_reader_may_not_see_is_not_found(books):
    books.cast.other_project.confidential = True
    books.cast.other_project.save()

    assert client_for(books.cast.pm).get("/finance/cost-codes/R2001/").status_code == 404
    assert client_for(books.cast.pm).get("/finance/cost-codes/NOPE/").status_code == 404
