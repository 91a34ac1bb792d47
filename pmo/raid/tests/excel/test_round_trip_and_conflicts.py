"""An exported register edited in Excel and imported back; edits made meanwhile by others."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from openpyxl import load_workbook

from pmo.core.services import record_update
from pmo.core.spreadsheets import SUMMARY
from pmo.raid import imports, services
from pmo.raid.imports import headers, register_import
from pmo.raid.models import Risk
from pmo.raid.tests.factories import RiskFactory

pytestmark = pytest.mark.django_db


def exported(user, tmp_path, query: str = ""):
    client = Client()
    client.force_login(user)
    response = client.get(f"/raid/risks/export.xlsx{query}")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    path = tmp_path / "risks.xlsx"
    return workbook, path


def test_export_edit_one_cell_and_import_updates_that_item_only(cast, tmp_path):
    # Given two risks in the WEB register, exported by the PM
    edited = RiskFactory(project=cast.project, owner=cast.project.project_manager, title="Edited")
    untouched = RiskFactory(project=cast.project, owner=cast.project.project_manager, title="Untouched")
    workbook, path = exported(cast.pm, tmp_path, "?project=WEB")
    sheet = workbook.active
    ids = [sheet.cell(row=r, column=1).value for r in (2, 3)]
    row = 2 + ids.index(edited.reference)

    # When the PM raises one residual probability in Excel and imports the file
    sheet.cell(row=row, column=headers("risks").index("Residual probability") + 1, value=5)
    workbook.save(path)
    result = register_import("risks", actor=cast.pm, file=path, filename="risks.xlsx")

    # Then that risk alone changed: rescored, version 2, history naming the PM
    assert result.summary == SUMMARY.format(created=0, updated=1, unchanged=1)
    edited.refresh_from_db()
    untouched.refresh_from_db()
    assert (edited.residual_probability, edited.residual_score, edited.version) == (5, 15, 2)
    latest = edited.history.first()
    assert (latest.history_user, latest.history_change_reason) == (cast.pm, "Imported from risks.xlsx")
    # (an update counts as a review)
    assert set(latest.diff_against(edited.history.last()).changed_fields) == {
        "residual_probability",
        "last_reviewed_on",
    }
    assert (untouched.version, untouched.history.count()) == (1, 1)

    # and importing the same file again changes nothing
    again = register_import("risks", actor=cast.pm, file=path)
    assert again.summary == SUMMARY.format(created=0, updated=0, unchanged=2)
    edited.refresh_from_db()
    assert edited.version == 2


def test_an_edit_made_while_the_file_is_imported_is_a_conflict_and_nothing_is_written(
    cast, tmp_path, monkeypatch
):
    # Given a risk someone else edits after the file was checked but before it is written
    risk = RiskFactory(project=cast.project, owner=cast.project.project_manager, title="Mine")
    workbook, path = exported(cast.pm, tmp_path)
    workbook.active.cell(row=2, column=headers("risks").index("Title") + 1, value="Changed by the file")
    workbook.active.append(
        [None, "WEB", None, None, "A new one", *workbook.active[2][5:]][: len(headers("risks"))]
    )
    workbook.save(path)
    real_write = imports._write

    def someone_edits_first(*args, **kwargs):
        record_update(
            instance=Risk.objects.get(pk=risk.pk),
            actor=None,
            fields={"title": "Theirs"},
            expected_version=None,
        )
        return real_write(*args, **kwargs)

    monkeypatch.setattr(imports, "_write", someone_edits_first)

    # When the file is imported
    result = register_import("risks", actor=cast.pm, file=path)

    # Then their edit stands and the file's new risk was not added either
    [error] = [str(e) for e in result.errors]
    assert error.startswith(f"Nothing was imported: {risk.reference} Theirs was changed by someone else at ")
    assert "(you had version 1, it is now version 2)" in error and error.endswith("Import the file again.")
    assert Risk.objects.get().title == "Theirs"


def test_the_batch_service_judges_the_actor_on_each_register(cast):
    fields = {
        "title": "Not mine",
        "owner": cast.project.project_manager,
        "category": "technical",
        "inherent_probability": 2,
        "inherent_impact": 2,
        "residual_probability": 1,
        "residual_impact": 1,
    }

    with pytest.raises(PermissionDenied):
        services.raid_items_create(
            actor=cast.pm, model=Risk, items=[(cast.project, fields), (cast.other_project, fields)]
        )

    assert Risk.objects.count() == 0


def test_a_pm_edits_their_rows_of_the_whole_register_and_imports_it_back(cast, tmp_path):
    # Given the whole risk register as the PM sees it: their project's risk and another's
    mine = RiskFactory(project=cast.project, owner=cast.project.project_manager, title="Mine")
    theirs = RiskFactory(project=cast.other_project, title="Theirs")
    workbook, path = exported(cast.pm, tmp_path)
    sheet = workbook.active
    title = headers("risks").index("Title") + 1
    rows = {sheet.cell(row=r, column=1).value: r for r in (2, 3)}

    # When they edit their own row only, the file imports back
    sheet.cell(row=rows[mine.reference], column=title, value="Mine, reworded")
    workbook.save(path)
    result = register_import("risks", actor=cast.pm, file=path)
    assert result.summary == SUMMARY.format(created=0, updated=1, unchanged=1)

    # but an edit to the other project's row is refused, naming it, and nothing is written
    sheet.cell(row=rows[theirs.reference], column=title, value="Not mine to change")
    sheet.cell(row=rows[mine.reference], column=title, value="Mine, again")
    workbook.save(path)
    refused = register_import("risks", actor=cast.pm, file=path)
    assert [str(e) for e in refused.errors] == [
        f"Row {rows[theirs.reference]}, column 'ID': "
        + imports.NOT_ALLOWED_TO_CHANGE.format(reference=theirs.reference)
    ]
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.title, theirs.title) == ("Mine, reworded", "Theirs")


def test_a_programme_manager_imports_into_the_programme_register(cast, write_sheet):
    from pmo.raid.tests.excel.conftest import risk_row

    path = write_sheet([risk_row(project=None, programme="Digital", owner="Greta Programme")])

    result = register_import("risks", actor=cast.programme_manager, file=path)

    assert result.ok, [str(e) for e in result.errors]
    assert Risk.objects.get().programme == cast.programme


def test_the_batch_update_judges_the_actor_on_each_item_and_writes_nothing_when_refused(cast):
    mine = RiskFactory(project=cast.project, title="Mine")
    theirs = RiskFactory(project=cast.other_project, title="Theirs")

    with pytest.raises(PermissionDenied):
        services.raid_items_update(
            actor=cast.pm,
            model=Risk,
            changes=[(mine, {"title": "Mine, changed"}, 1), (theirs, {"title": "Not mine"}, 1)],
        )

    assert sorted(Risk.objects.values_list("title", "version")) == [("Mine", 1), ("Theirs", 1)]
