"""`pmo import` / `pmo export` for the RAID registers, and the upload page."""

from io import StringIO

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from pmo.core.spreadsheets import CHECK_SUMMARY, FILE_TOO_LARGE, SUMMARY, UNKNOWN_PERSON
from pmo.portfolio.views_import import IMPORTED
from pmo.raid.imports import headers
from pmo.raid.models import Risk
from pmo.raid.tests.excel.conftest import read_back, risk_row
from pmo.raid.tests.factories import RiskFactory

pytestmark = pytest.mark.django_db


# --- The command line ------------------------------------------------------------------------


def test_pmo_import_risks_as_a_user(cast, write_sheet):
    out = StringIO()

    call_command("import", "risks", str(write_sheet([risk_row()])), "--user", "pm", stdout=out)

    assert out.getvalue().strip() == SUMMARY.format(created=1, updated=0, unchanged=0)
    assert Risk.objects.get().history.get().history_user == cast.pm


def test_pmo_import_dry_run_writes_nothing(cast, write_sheet):
    out = StringIO()

    call_command("import", "risks", str(write_sheet([risk_row()])), "--user", "pm", "--dry-run", stdout=out)

    assert out.getvalue().strip() == CHECK_SUMMARY.format(created=1, updated=0, unchanged=0)
    assert Risk.objects.count() == 0


def test_pmo_import_prints_each_problem_and_fails(cast, write_sheet):
    err = StringIO()

    with pytest.raises(CommandError) as failed:
        call_command(
            "import", "risks", str(write_sheet([risk_row(owner="Nobody")])), "--user", "pm", stderr=err
        )

    assert str(failed.value) == "1 problem(s) found in register.xlsx; nothing was imported."
    assert err.getvalue().strip() == "Row 2, column 'Owner': " + UNKNOWN_PERSON.format(value="'Nobody'")
    assert Risk.objects.count() == 0


@pytest.mark.parametrize("kind", ["risks", "assumptions", "issues", "dependencies", "actions", "decisions"])
def test_pmo_export_writes_each_register_in_the_import_layout(cast, tmp_path, kind):
    out = StringIO()
    path = tmp_path / f"{kind}.xlsx"

    call_command("export", kind, str(path), "--all", stdout=out)

    assert out.getvalue().strip() == f"Wrote 0 {kind} to {path}."
    assert read_back(path)[0] == headers(kind)


def test_pmo_export_then_import_round_trips_an_edit(cast, tmp_path):
    # Given a risk, exported as the PM sees it
    risk = RiskFactory(project=cast.project, owner=cast.project.project_manager, title="Before")
    path = tmp_path / "risks.xlsx"
    call_command("export", "risks", str(path), "--user", "pm", stdout=StringIO())

    # When its title is edited in Excel and the file imported back
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook.active.cell(row=2, column=headers("risks").index("Title") + 1, value="After")
    workbook.save(path)
    out = StringIO()
    call_command("import", "risks", str(path), "--user", "pm", stdout=out)

    # Then only the title changed, in the PM's name
    assert out.getvalue().strip() == SUMMARY.format(created=0, updated=1, unchanged=0)
    risk.refresh_from_db()
    assert (risk.title, risk.version) == ("After", 2)
    assert risk.history.first().history_user == cast.pm
    changes = risk.history.first().diff_against(risk.history.last()).changed_fields
    assert set(changes) == {"title", "last_reviewed_on"}  # an update counts as a review


# --- The upload page -------------------------------------------------------------------------

URL = "/raid/risks/import/"


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def post(client: Client, path, *, check_only: bool = False):
    page = client.get(URL)
    token = lxml.html.fromstring(page.content).xpath("//input[@name='csrfmiddlewaretoken']/@value")[0]
    data = {"csrfmiddlewaretoken": token, "file": SimpleUploadedFile(path.name, path.read_bytes())}
    if check_only:
        data["check_only"] = "on"
    return client.post(URL, data)


def words(response) -> str:
    return " ".join(lxml.html.fromstring(response.content).text_content().split())


def test_a_pm_checks_then_imports_a_file_on_the_page(cast, write_sheet):
    client = signed_in(cast.pm)
    path = write_sheet([risk_row(), risk_row(title="Second")])

    page = client.get(URL)
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.content)
    file_input = doc.xpath("//input[@type='file']")[0]
    assert doc.xpath(f"//label[@for='{file_input.get('id')}']")[0].text_content() == "Excel file (.xlsx)"
    assert doc.xpath("//a[@data-testid='template-link']/@href") == ["/raid/risks/template.xlsx"]

    checked = post(client, path, check_only=True)
    assert CHECK_SUMMARY.format(created=2, updated=0, unchanged=0) in words(checked)
    assert Risk.objects.count() == 0

    imported = post(client, path)
    assert imported.status_code == 302
    shown = words(client.get(imported["Location"]))
    summary = SUMMARY.format(created=2, updated=0, unchanged=0)
    assert IMPORTED.format(file="register.xlsx", summary=summary) in shown
    assert Risk.objects.filter(project=cast.project).count() == 2


def test_the_page_lists_each_problem_by_row_and_column(cast, write_sheet):
    response = post(signed_in(cast.pm), write_sheet([risk_row(), risk_row(title="Another", owner="Nobody")]))

    rows = [
        [" ".join(td.text_content().split()) for td in tr.xpath("td")]
        for tr in lxml.html.fromstring(response.content).xpath(
            "//table[@data-testid='import-errors']/tbody/tr"
        )
    ]
    assert rows == [["3", "Owner", UNKNOWN_PERSON.format(value="'Nobody'")]]
    assert "Nothing was imported: 1 problem in register.xlsx" in words(response)
    assert Risk.objects.count() == 0


def test_an_executive_is_refused_the_page_and_the_upload(cast, write_sheet):
    client = signed_in(cast.executive)

    page = client.get(URL)
    assert page.status_code == 403
    assert "You do not have permission to import risks." in words(page)

    client = Client()
    client.force_login(cast.executive)
    refused = client.post(URL, {"file": SimpleUploadedFile("r.xlsx", write_sheet([risk_row()]).read_bytes())})
    assert refused.status_code == 403
    assert Risk.objects.count() == 0


def test_the_page_needs_a_sign_in(db):
    response = Client().get(URL)

    assert response.status_code == 302 and "/login" in response["Location"]


@override_settings(PMO_MAX_UPLOAD_BYTES=1024)
def test_a_file_over_the_limit_is_refused_and_nothing_is_written(cast, write_sheet):
    response = post(signed_in(cast.pm), write_sheet([risk_row()] * 20))

    assert response.status_code == 413
    assert FILE_TOO_LARGE.format(limit="1 KB") in words(response)
    assert Risk.objects.count() == 0
