"""The Moving in page and each reference-data upload page, as the PMO uses them: check, import,
template, export; and who is turned away."""

import io

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from pmo.core.choices import Role
from pmo.core.exports import XLSX_CONTENT_TYPE
from pmo.core.spreadsheets import CHECK_SUMMARY, SUMMARY
from pmo.portfolio.models import OrgUnit
from pmo.portfolio.reference_imports import KINDS, UNKNOWN_PARENT
from pmo.portfolio.tests.factories import OrgUnitFactory, PersonFactory
from pmo.portfolio.views_import import IMPORTED

pytestmark = pytest.mark.django_db

URL = "/import/org-units/"


def signed_in(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def post(client, path, *, check_only=False):
    page = client.get(URL)
    token = lxml.html.fromstring(page.content).xpath("//input[@name='csrfmiddlewaretoken']/@value")[0]
    data = {"csrfmiddlewaretoken": token, "file": SimpleUploadedFile(path.name, path.read_bytes())}
    if check_only:
        data["check_only"] = "on"
    return client.post(URL, data)


def text(response):
    return " ".join(lxml.html.fromstring(response.content).text_content().split())


@pytest.fixture
def units_file(write_xlsx):
    def write(rows, name="units.xlsx"):
        headers = KINDS["org-units"].headers
        return write_xlsx(
            [dict(zip(headers, r, strict=True)) for r in rows],
            headers=headers, name=name, sheet_title="Organisation units",
        )  # fmt: skip

    return write


def test_the_officer_checks_then_imports_units(pmo_officer, units_file):
    client = signed_in(pmo_officer)
    good = units_file([["Place Directorate", "Directorate", ""], ["Housing", "", "Place Directorate"]])

    checked = post(client, good, check_only=True)

    assert CHECK_SUMMARY.format(created=2, updated=0, unchanged=0) in text(checked)
    assert OrgUnit.objects.count() == 0

    done = post(client, good)

    assert done.status_code == 302
    page = client.get(done["Location"])
    assert IMPORTED.format(
        file="units.xlsx", summary=SUMMARY.format(created=2, updated=0, unchanged=0)
    ) in text(page)
    assert OrgUnit.objects.get(name="Housing").parent.name == "Place Directorate"


def test_problems_are_listed_by_row_and_column(pmo_officer, units_file):
    response = post(signed_in(pmo_officer), units_file([["Housing", "", "Nowhere"]]))

    rows = [
        [" ".join(td.text_content().split()) for td in tr.xpath("td")]
        for tr in lxml.html.fromstring(response.content).xpath(
            "//table[@data-testid='import-errors']/tbody/tr"
        )
    ]
    assert rows == [["2", "Parent", UNKNOWN_PARENT.format(value="'Nowhere'")]]
    assert OrgUnit.objects.count() == 0


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_offers_its_template_and_export(kind, pmo_officer):
    OrgUnitFactory(name="Housing")
    PersonFactory(name="Jo Bloggs")
    client = signed_in(pmo_officer)

    page = client.get(f"/import/{kind}/")
    template = client.get(f"/import/{kind}/template.xlsx")
    export = client.get(f"/import/{kind}/export.xlsx")

    assert f"Import {KINDS[kind].items} from Excel" in text(page)
    assert template["Content-Type"] == XLSX_CONTENT_TYPE
    assert template["Content-Disposition"] == f'attachment; filename="{kind}-template.xlsx"'
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[1]] == KINDS[kind].headers


def test_a_project_manager_is_turned_away(make_user, units_file):
    client = signed_in(make_user(Role.PROJECT_MANAGER))

    assert client.get("/import/").status_code == 403
    page = client.get(URL)
    template = client.get("/import/people/template.xlsx")

    assert page.status_code == template.status_code == 403
    assert "You do not have permission to import organisation units." in text(page)


def test_an_unknown_kind_is_not_found(pmo_officer):
    assert signed_in(pmo_officer).get("/import/budgets/").status_code == 404


def test_moving_in_lists_each_list_in_order_in_a_fixed_number_of_queries(pmo_officer):
    client = signed_in(pmo_officer)
    client.get("/import/")

    def counted():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/import/")
        return response, len(captured.captured_queries)

    response, few = counted()
    OrgUnitFactory.create_batch(20)
    PersonFactory.create_batch(20)
    _, many = counted()

    doc = lxml.html.fromstring(response.content)
    labels = [
        " ".join(th.text_content().split())
        for th in doc.xpath("//table[@data-testid='moving-in']//tbody/tr/th")
    ]
    assert labels == [
        "Organisation units", "People", "Strategic objectives", "Portfolios", "Programmes", "Projects",
    ]  # fmt: skip
    assert few == many == 10
