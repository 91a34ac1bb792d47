"""The export → edit → import loop through files LibreOffice really saved (``libreoffice/``):
every value comes back exactly, whichever of LibreOffice's .xlsx formats it was saved in and
whether the export it opened was our .xlsx or our CSV."""

import csv
import io
import zipfile

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from pmo.core.history import history_entries
from pmo.portfolio.imports import SUMMARY, project_import
from pmo.portfolio.models import Project
from pmo.portfolio.tests.imports.libreoffice import HERE, ZOE, build_register

pytestmark = pytest.mark.django_db

SAVED_BY_LIBREOFFICE = [
    "export-lo-ooxml.xlsx",  # our .xlsx, saved as "Office Open XML Spreadsheet"
    "export-lo-excel2007.xlsx",  # our .xlsx, saved as "Excel 2007-365"
    "csv-lo-ooxml.xlsx",  # our CSV opened in LibreOffice, saved as "Office Open XML Spreadsheet"
    "csv-lo-excel2007.xlsx",  # our CSV, saved as "Excel 2007-365"
]


def snapshot() -> list[tuple]:
    """Every imported field of every project, as stored."""
    return [
        (
            p.code, p.name, p.description, p.portfolio_id, p.programme_id, p.department_id, p.sponsor_id,
            p.project_manager_id, p.business_owner_id, p.category, p.methodology, p.size_tier, p.stage_id,
            p.status, p.planned_start, p.planned_finish, p.budget, p.priority, p.confidential,
            sorted(o.code for o in p.strategic_objectives.all()), p.version,
        )
        for p in Project.objects.order_by("code").prefetch_related("strategic_objectives")
    ]  # fmt: skip


def test_the_committed_exports_are_what_pmo_export_writes_today(tmp_path):
    # Given the register the fixtures were made from
    build_register()

    # When it is exported now
    xlsx, csv_path = tmp_path / "export.xlsx", tmp_path / "export.csv"
    call_command("export", "projects", str(xlsx), "--all", stdout=io.StringIO())
    call_command("export", "projects", str(csv_path), "--all", stdout=io.StringIO())

    # Then the files LibreOffice was given are those exports (else run libreoffice/make.sh)
    assert csv_path.read_bytes() == (HERE / "export.csv").read_bytes()

    def cells(path):
        sheet = load_workbook(path).active
        return [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]

    assert cells(xlsx) == cells(HERE / "export.xlsx")


def test_the_csv_export_guards_text_that_looks_like_a_formula_and_text_already_guarded():
    rows = list(csv.reader((HERE / "export.csv").open(encoding="utf-8-sig")))
    by_code = {row[0]: row for row in rows[1:]}
    names = {code: row[1] for code, row in by_code.items()}
    descriptions = {code: row[2] for code, row in by_code.items()}

    assert names == {
        "ICT-001": "'=1+1 is not a formula",
        "ICT-002": "'-- to be confirmed",
        "ICT-003": "Zoë's £ project",
    }
    assert descriptions == {
        "ICT-001": "'+44 helpline upgrade",
        "ICT-002": "'@channel\nline two",
        "ICT-003": "''=guarded already",  # one apostrophe more, which the import takes away
    }


@pytest.mark.parametrize("name", SAVED_BY_LIBREOFFICE)
def test_a_file_libreoffice_saved_imports_back_with_every_value_unchanged(name, pmo_officer):
    # Given the register, and its export as LibreOffice saved it
    build_register()
    before = snapshot()

    # When the file is imported
    result = project_import(actor=pmo_officer, file=HERE / name)

    # Then nothing was refused and nothing changed: not the text starting with = + - @ or an
    # apostrophe, not the pence, the dates, the objectives or the confidential flag
    assert [str(e) for e in result.errors] == []
    assert result.summary == SUMMARY.format(created=0, updated=0, unchanged=3)
    assert snapshot() == before


@pytest.mark.parametrize("name", SAVED_BY_LIBREOFFICE)
def test_a_file_libreoffice_saved_creates_the_same_projects_in_an_empty_register(name, pmo_officer):
    # Given the register, exported; and the same reference data with no projects
    build_register()
    expected = [row[:-1] for row in snapshot()]
    Project.objects.all().delete()

    # When LibreOffice's file is imported
    result = project_import(actor=pmo_officer, file=HERE / name)

    # Then the projects are created exactly as they were
    assert result.summary == SUMMARY.format(created=3, updated=0, unchanged=0)
    assert [row[:-1] for row in snapshot()] == expected


def test_an_edit_made_in_libreoffice_changes_only_what_was_edited(pmo_officer):
    # Given the export, in which a person typed TRUE in ICT-002's Confidential cell (LibreOffice
    # stores it as the formula =TRUE()) and named ICT-003's sponsor as "Zoë Adams" typed with a
    # combining diaeresis, then saved it as "Office Open XML Spreadsheet"
    projects = build_register()
    sheet_xml = _sheet_xml(HERE / "edited-lo-ooxml.xlsx")
    assert '<f aca="false">TRUE()</f>' in sheet_xml

    # When it is imported
    result = project_import(actor=pmo_officer, file=HERE / "edited-lo-ooxml.xlsx", filename="edited.xlsx")

    # Then ICT-002 alone changed, to confidential; Zoë is the same person, so ICT-003 is unchanged
    assert [str(e) for e in result.errors] == []
    assert result.summary == SUMMARY.format(created=0, updated=1, unchanged=2)
    changed = Project.objects.get(code="ICT-002")
    assert (changed.confidential, changed.version) == (True, 2)
    entry = history_entries(changed, user=pmo_officer)[0]
    assert (entry.who, entry.reason) == (str(pmo_officer), "Imported from edited.xlsx")
    assert [change["field"] for change in entry.changes] == ["confidential"]
    assert Project.objects.get(code="ICT-003").sponsor.name == ZOE == projects[2].sponsor.name


def _sheet_xml(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()
