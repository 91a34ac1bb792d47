"""`pmo import projects FILE.xlsx` and `pmo export projects FILE`: messages, exit codes, and an
export that imports back unchanged."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from pmo.core.choices import Role
from pmo.core.management.commands.export import BOTH_WHO, UNKNOWN_FORMAT, WHO_REQUIRED, WRITTEN
from pmo.portfolio.imports import CHECK_SUMMARY, HEADERS, NOT_A_DATE, SUMMARY, UNKNOWN_PERSON
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import (
    PersonFactory,
    ProgrammeFactory,
    ProjectFactory,
)
from pmo.portfolio.tests.imports.conftest import sheet_row

pytestmark = pytest.mark.django_db


def run(*args):
    """Run a command; return (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args):
    """Run a command that must fail; return (the CommandError, stderr)."""
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(*args, stdout=io.StringIO(), stderr=err)
    return failure.value, err.getvalue()


# --- pmo import ----------------------------------------------------------------------------


def test_import_prints_the_summary(register, pmo_officer, write_xlsx):
    path = write_xlsx([sheet_row("ICT-001"), sheet_row("ICT-002")])

    out, err = run("import", "projects", str(path), "--user", "officer")

    assert out.strip() == SUMMARY.format(created=2, updated=0, unchanged=0)
    assert err == ""
    assert Project.objects.get(code="ICT-001").history.get().history_user == pmo_officer


def test_import_errors_go_to_stderr_by_row_and_column_and_the_exit_code_is_not_zero(register, write_xlsx):
    path = write_xlsx(
        [sheet_row("ICT-001", planned_finish="31/02/2026"), sheet_row("ICT-002", sponsor="Nobody")]
    )

    error, err = run_failing("import", "projects", str(path))

    assert err.splitlines() == [
        "Row 2, column 'Planned finish': " + NOT_A_DATE.format(value="'31/02/2026'"),
        "Row 3, column 'Sponsor': " + UNKNOWN_PERSON.format(value="'Nobody'"),
    ]
    assert str(error) == "2 problem(s) found in register.xlsx; nothing was imported."
    assert error.returncode == 1
    assert Project.objects.count() == 0


def test_a_dry_run_writes_nothing(register, write_xlsx):
    path = write_xlsx([sheet_row("ICT-001")])

    out, _ = run("import", "projects", str(path), "--dry-run")

    assert out.strip() == CHECK_SUMMARY.format(created=1, updated=0, unchanged=0)
    assert Project.objects.count() == 0


def test_a_dry_run_with_problems_fails_too(register, write_xlsx):
    error, err = run_failing("import", "projects", str(write_xlsx([sheet_row(stage="Limbo")])), "--dry-run")

    assert str(error) == "1 problem(s) found in register.xlsx."
    assert "Row 2, column 'Stage'" in err


def test_a_user_who_is_not_in_the_pmo_is_refused(register, project_manager, write_xlsx):
    error, _ = run_failing("import", "projects", str(write_xlsx([sheet_row()])), "--user", "pm")

    assert str(error) == "You do not have permission to import projects."
    assert Project.objects.count() == 0


def test_an_unknown_user_or_a_missing_file_is_an_error(register, tmp_path, write_xlsx):
    error, _ = run_failing("import", "projects", str(write_xlsx([sheet_row()])), "--user", "ghost")
    assert str(error) == "No user has the username 'ghost'."

    error, _ = run_failing("import", "projects", str(tmp_path / "missing.xlsx"))
    assert str(error) == f"No such file: {tmp_path / 'missing.xlsx'}"


def test_a_text_file_renamed_xlsx_is_refused_by_the_command(register, tmp_path):
    path = tmp_path / "register.xlsx"
    path.write_bytes(b"just some text")

    error, err = run_failing("import", "projects", str(path))

    assert (
        err.strip()
        == "This is not an Excel .xlsx file. Save it from Excel as “Excel Workbook (.xlsx)” and try again."
    )
    assert str(error) == "1 problem(s) found in register.xlsx; nothing was imported."


def test_progress_shows_a_bar_over_the_rows(register, write_xlsx):
    path = write_xlsx([sheet_row(f"ICT-{n:03d}") for n in range(30)])

    out, err = run("import", "projects", str(path), "--progress")

    assert "Checking" in err and "30/30" in err
    assert out.strip() == SUMMARY.format(created=30, updated=0, unchanged=0)


# --- pmo export ----------------------------------------------------------------------------


def test_an_export_imports_back_unchanged(register, tmp_path):
    # Given a register with every kind of value, including a name that looks like a formula
    ProjectFactory(
        code="ICT-001",
        programme=register.programme,
        business_owner=register.owner,
        confidential=True,
        planned_start=None,
        planned_finish=None,
        budget=Decimal("1234567.89"),
    )
    project = ProjectFactory(code="ICT-002", description="Line one\nline two", name="Data + analytics")
    project.strategic_objectives.set(register.objectives[:2])
    ProjectFactory(code="ICT-003", budget=Decimal("0"))
    path = tmp_path / "export.xlsx"

    # When it is exported and the file imported straight back
    out, _ = run("export", "projects", str(path), "--all")
    assert out.strip() == WRITTEN.format(count=3, kind="projects", path=path)
    result_out, _ = run("import", "projects", str(path))

    # Then nothing changes
    assert result_out.strip() == SUMMARY.format(created=0, updated=0, unchanged=3)
    assert all(p.version == 1 for p in Project.objects.all())


def test_an_edited_export_updates_the_register(register, tmp_path):
    ProjectFactory(code="ICT-001", name="Old name")
    path = tmp_path / "export.xlsx"
    run("export", "projects", str(path), "--all")
    workbook = load_workbook(path)
    sheet = workbook.active
    sheet.cell(row=2, column=HEADERS.index("Name") + 1, value="New name")
    sheet.cell(row=2, column=HEADERS.index("Planned finish") + 1, value=dt.date(2027, 3, 31))
    workbook.save(path)

    out, _ = run("import", "projects", str(path))

    assert out.strip() == SUMMARY.format(created=0, updated=1, unchanged=0)
    project = Project.objects.get(code="ICT-001")
    assert (project.name, project.planned_finish, project.version) == ("New name", dt.date(2027, 3, 31), 2)


def test_export_shows_a_user_only_what_they_may_see(register, make_user, tmp_path):
    ProjectFactory(code="OPEN-1")
    ProjectFactory(code="SECRET-1", confidential=True)
    make_user(Role.EXECUTIVE, username="exec")
    path = tmp_path / "mine.xlsx"

    run("export", "projects", str(path), "--user", "exec")

    codes = [row[0] for row in load_workbook(path).active.iter_rows(min_row=2, values_only=True)]
    assert codes == ["OPEN-1"]


def test_export_writes_formula_like_text_as_text(register, tmp_path):
    ProjectFactory(code="ICT-001", name='=HYPERLINK("http://evil.example","Click")')
    xlsx, csv_path = tmp_path / "out.xlsx", tmp_path / "out.csv"

    run("export", "projects", str(xlsx), "--all")
    run("export", "projects", str(csv_path), "--all")

    cell = load_workbook(xlsx).active.cell(row=2, column=2)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil.example","Click")', "s")
    rows = list(csv.reader(csv_path.open(encoding="utf-8-sig")))
    assert rows[0] == HEADERS
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","Click")'


def test_export_needs_to_know_whose_view_and_a_known_format(register, tmp_path):
    assert str(run_failing("export", "projects", str(tmp_path / "a.xlsx"))[0]) == WHO_REQUIRED
    assert (
        str(run_failing("export", "projects", str(tmp_path / "a.xlsx"), "--all", "--user", "x")[0])
        == BOTH_WHO
    )
    assert str(
        run_failing("export", "projects", str(tmp_path / "a.pdf"), "--all")[0]
    ) == UNKNOWN_FORMAT.format(name="a.pdf")


def test_a_person_exported_by_email_round_trips_even_when_names_are_shared(register, tmp_path):
    twin = PersonFactory(name="Jo Bloggs", email="jo.bloggs2@council.example")
    ProjectFactory(code="ICT-001", sponsor=twin, programme=ProgrammeFactory(portfolio=register.portfolio))
    path = tmp_path / "export.xlsx"
    run("export", "projects", str(path), "--all")

    out, _ = run("import", "projects", str(path))

    assert out.strip() == SUMMARY.format(created=0, updated=0, unchanged=1)
