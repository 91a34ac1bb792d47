"""The import page `/projects/import/` and the template download, as the PMO uses them."""

import io

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from pmo.core.exports import XLSX_CONTENT_TYPE
from pmo.portfolio.imports import (
    CHECK_SUMMARY,
    FILE_TOO_LARGE,
    HEADERS,
    NOT_XLSX,
    SUMMARY,
    UNKNOWN_DEPARTMENT,
)
from pmo.portfolio.models import Project
from pmo.portfolio.tests.imports.conftest import sheet_row
from pmo.portfolio.views_import import IMPORTED, NO_FILE

pytestmark = pytest.mark.django_db

URL = "/projects/import/"
TEMPLATE_URL = "/projects/import/template.xlsx"


def signed_in(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def post(client, path=None, *, content=None, name="register.xlsx", check_only=False):
    """Post the form as the browser does, CSRF token included."""
    page = client.get(URL)
    token = lxml.html.fromstring(page.content).xpath("//input[@name='csrfmiddlewaretoken']/@value")[0]
    data = {"csrfmiddlewaretoken": token}
    if path is not None or content is not None:
        data["file"] = SimpleUploadedFile(name, content if content is not None else path.read_bytes())
    if check_only:
        data["check_only"] = "on"
    return client.post(URL, data)


def text(response):
    return " ".join(lxml.html.fromstring(response.content).text_content().split())


def error_rows(response):
    doc = lxml.html.fromstring(response.content)
    return [
        [" ".join(td.text_content().split()) for td in tr.xpath("td")]
        for tr in doc.xpath("//table[@data-testid='import-errors']/tbody/tr")
    ]


def test_urls_are_named():
    assert reverse("portfolio:project_import") == URL
    assert reverse("portfolio:project_import_template") == TEMPLATE_URL


def test_the_page_shows_an_accessible_upload_form(pmo_officer):
    response = signed_in(pmo_officer).get(URL)

    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content)
    file_input = doc.xpath("//input[@type='file']")[0]
    assert doc.xpath(f"//label[@for='{file_input.get('id')}']")[0].text_content() == "Excel file (.xlsx)"
    check = doc.xpath("//input[@name='check_only']")[0]
    assert doc.xpath(f"//label[@for='{check.get('id')}']")
    assert doc.xpath("//a[@data-testid='template-link']/@href") == [TEMPLATE_URL]
    assert "Columns of the register" in text(response)


def test_importing_a_file_adds_the_projects_and_says_so(register, pmo_officer, write_xlsx):
    client = signed_in(pmo_officer)

    response = post(client, write_xlsx([sheet_row("ICT-001"), sheet_row("ICT-002")]))

    assert response.status_code == 302
    summary = SUMMARY.format(created=2, updated=0, unchanged=0)
    assert IMPORTED.format(file="register.xlsx", summary=summary) in text(client.get(response.url))
    assert Project.objects.count() == 2
    assert Project.objects.get(code="ICT-001").history.get().history_user == pmo_officer


def test_check_only_shows_what_would_change_and_writes_nothing(register, pmo_officer, write_xlsx):
    response = post(signed_in(pmo_officer), write_xlsx([sheet_row()]), check_only=True)

    assert response.status_code == 200
    assert CHECK_SUMMARY.format(created=1, updated=0, unchanged=0) in text(response)
    assert Project.objects.count() == 0


def test_problems_are_listed_in_a_table_by_row_and_column_and_nothing_is_written(
    register, pmo_officer, write_xlsx
):
    path = write_xlsx([sheet_row("ICT-001"), sheet_row("ICT-002", department="Ministry of Magic")])

    response = post(signed_in(pmo_officer), path)

    assert response.status_code == 200
    assert "Nothing was imported: 1 problem in register.xlsx" in text(response)
    assert error_rows(response) == [
        ["3", "Department", UNKNOWN_DEPARTMENT.format(value="'Ministry of Magic'")]
    ]
    caption = lxml.html.fromstring(response.content).xpath("//table[@data-testid='import-errors']/caption")[0]
    assert " ".join(caption.text_content().split()) == "Problems found in register.xlsx, by row and column"
    assert Project.objects.count() == 0


def test_a_text_file_renamed_xlsx_is_refused_on_the_page(register, pmo_officer):
    response = post(signed_in(pmo_officer), content=b"Code,Name\nICT-001,Telephony\n")

    assert error_rows(response) == [["—", "—", NOT_XLSX]]
    assert Project.objects.count() == 0


def test_submitting_without_a_file_asks_for_one(pmo_officer):
    response = post(signed_in(pmo_officer))

    assert response.status_code == 200
    assert NO_FILE in text(response)


@override_settings(PMO_MAX_UPLOAD_BYTES=1024)
def test_an_upload_over_the_limit_is_refused_while_it_is_read(register, pmo_officer):
    # Given a file a little over the limit (the request itself is within the form's allowance)
    response = post(signed_in(pmo_officer), content=b"x" * 5000)

    assert response.status_code == 413
    assert error_rows(response) == [["—", "—", FILE_TOO_LARGE.format(limit="1 KB")]]
    assert Project.objects.count() == 0


@override_settings(PMO_MAX_UPLOAD_BYTES=1024)
def test_a_request_far_over_the_limit_is_refused_before_it_is_read(register, pmo_officer):
    response = post(signed_in(pmo_officer), content=b"x" * 200_000)

    assert response.status_code == 413
    assert FILE_TOO_LARGE.format(limit="1 KB") in text(response)


def test_the_form_is_protected_against_cross_site_posts(register, pmo_officer, write_xlsx):
    client = signed_in(pmo_officer)

    response = client.post(
        URL, {"file": SimpleUploadedFile("r.xlsx", write_xlsx([sheet_row()]).read_bytes())}
    )

    assert response.status_code == 403
    assert Project.objects.count() == 0


def test_people_outside_the_pmo_cannot_open_the_page_post_to_it_or_get_the_template(
    register, project_manager, write_xlsx
):
    client = signed_in(project_manager)

    assert client.get(URL).status_code == 403
    assert client.get(TEMPLATE_URL).status_code == 403
    response = client.post(
        URL, {"file": SimpleUploadedFile("r.xlsx", write_xlsx([sheet_row()]).read_bytes())}
    )
    assert response.status_code == 403
    assert "You do not have permission to import projects." in text(response)
    assert Project.objects.count() == 0


def test_signed_out_visitors_are_sent_to_sign_in():
    response = Client().get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_template_downloads_with_its_guidance(register, pmo_officer):
    response = signed_in(pmo_officer).get(TEMPLATE_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "project-register-template.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:2] == ["Projects", "Guidance"]
    assert [c.value for c in workbook["Projects"][1]] == HEADERS
