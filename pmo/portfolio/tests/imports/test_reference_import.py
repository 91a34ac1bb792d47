"""Moving in: organisation units, people, strategic objectives, portfolios and programmes from
Excel, in that order, each all or nothing and updated by its natural key on re-import."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from pmo.core.choices import Role
from pmo.core.exports import write_xlsx
from pmo.core.services import record_update
from pmo.core.spreadsheets import (
    CHECK_SUMMARY,
    MISSING_COLUMN,
    NOT_A_CHOICE,
    NOT_YES_NO,
    REQUIRED,
    SUMMARY,
    UNKNOWN_PERSON,
    ImportIssue,
)
from pmo.portfolio import reference_imports
from pmo.portfolio.choices import OrgUnitKind
from pmo.portfolio.models import PARENT_LOOP, OrgUnit, Person, Portfolio, Programme, StrategicObjective
from pmo.portfolio.reference_imports import (
    DUPLICATE_KEY,
    KINDS,
    NO_ROWS,
    UNIT_LOOP,
    UNKNOWN_PARENT,
    UNKNOWN_PORTFOLIO,
    UNKNOWN_UNIT,
    VALUE_TAKEN,
    exporter,
    reference_import,
    write_reference_template,
)
from pmo.portfolio.tests.factories import (
    OrgUnitFactory,
    PersonFactory,
    PortfolioFactory,
    ProgrammeFactory,
    ProjectFactory,
    StrategicObjectiveFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def write(write_xlsx):
    """Write rows (lists in the kind's column order) as that kind's sheet."""

    def do(kind: str, rows: list[list], *, name: str = "file.xlsx") -> Path:
        headers = KINDS[kind].headers
        return write_xlsx(
            [dict(zip(headers, row, strict=True)) for row in rows],
            headers=headers,
            name=name,
            sheet_title=KINDS[kind].sheet,
        )

    return do


def run(kind, path, actor=None, **kwargs):
    return reference_import(kind, actor=actor, file=path, **kwargs)


def messages(result):
    return [str(issue) for issue in result.errors]


def units():
    return {u.name: (u.kind, u.parent.name if u.parent else None) for u in OrgUnit.objects.all()}


# --- Organisation units: a directorate and its departments in one file -------------------------


def test_a_directorate_and_its_departments_come_in_one_file_in_any_order(write, pmo_officer):
    path = write(
        "org-units",
        [
            ["Housing", "Department", "Place Directorate"],
            ["Place Directorate", "directorate", ""],
            ["Housing Options", "Business service area", "Housing"],
        ],
        name="units.xlsx",
    )

    result = run("org-units", path, pmo_officer)

    assert result.summary == SUMMARY.format(created=3, updated=0, unchanged=0)
    assert units() == {
        "Place Directorate": (OrgUnitKind.DIRECTORATE, None),
        "Housing": (OrgUnitKind.DEPARTMENT, "Place Directorate"),
        "Housing Options": (OrgUnitKind.SERVICE_AREA, "Housing"),
    }
    entry = OrgUnit.objects.get(name="Housing").history.get()
    assert (entry.history_user, entry.history_change_reason) == (pmo_officer, "Imported from units.xlsx")


def test_reimporting_changes_only_what_changed_and_keeps_what_a_blank_cannot_clear(write, pmo_officer):
    directorate = OrgUnitFactory(name="Place Directorate", kind=OrgUnitKind.DIRECTORATE)
    housing = OrgUnitFactory(name="Housing", kind=OrgUnitKind.DEPARTMENT, parent=directorate)
    OrgUnitFactory(name="Finance", kind=OrgUnitKind.DEPARTMENT)
    path = write(
        "org-units",
        [
            ["Place Directorate", "Directorate", ""],  # the same
            ["housing", "", ""],  # kind kept, parent cleared, name's case taken from the file
            ["Finance", "Department", ""],  # the same
        ],
    )

    result = run("org-units", path, pmo_officer)

    assert result.summary == SUMMARY.format(created=0, updated=1, unchanged=2)
    housing.refresh_from_db()
    assert (housing.name, housing.kind, housing.parent, housing.version) == (
        "housing", OrgUnitKind.DEPARTMENT, None, 2,
    )  # fmt: skip
    assert directorate.history.count() == 1  # left alone


def test_a_parent_neither_in_the_register_nor_in_the_file_is_named_with_its_row_and_column(write):
    path = write("org-units", [["Housing", "Department", "Place Directorat"]])

    result = run("org-units", path)

    assert messages(result) == [
        "Row 2, column 'Parent': " + UNKNOWN_PARENT.format(value="'Place Directorat'")
    ]
    assert OrgUnit.objects.count() == 0


def test_units_under_each_other_in_a_loop_are_refused(write):
    OrgUnitFactory(name="Housing")
    path = write("org-units", [["Place", "", "Housing"], ["Housing", "", "Place"], ["Self", "", "Self"]])

    result = run("org-units", path)

    assert messages(result) == [
        "Row 2, column 'Parent': " + UNIT_LOOP.format(units="'Place' → 'Housing' → 'Place'"),
        "Row 3, column 'Parent': " + UNIT_LOOP.format(units="'Housing' → 'Place' → 'Housing'"),
        "Row 4, column 'Parent': " + PARENT_LOOP,
    ]
    assert list(OrgUnit.objects.values_list("name", flat=True)) == ["Housing"]


# --- People --------------------------------------------------------------------------------


def test_people_are_matched_by_email_and_name_their_department(write, pmo_officer):
    housing = OrgUnitFactory(name="Housing")
    jo = PersonFactory(name="Jo Bloggs", email="jo.bloggs@council.example", job_title="")
    path = write(
        "people",
        [
            ["JO.BLOGGS@council.example", "Jo Bloggs", "Director of Housing", "housing"],
            ["sam.smith@council.example", "Sam Smith", "", ""],
        ],
    )

    result = run("people", path, pmo_officer)

    assert result.summary == SUMMARY.format(created=1, updated=1, unchanged=0)
    jo.refresh_from_db()
    assert (jo.email, jo.job_title, jo.org_unit) == (
        "JO.BLOGGS@council.example",
        "Director of Housing",
        housing,
    )
    assert Person.objects.get(email="sam.smith@council.example").org_unit is None


def test_bad_cells_are_each_reported_and_nothing_is_written(write):
    PersonFactory(email="jo@council.example")
    path = write(
        "people",
        [
            ["not-an-address", "Pat", "", "Housing"],
            ["", "", "", ""],  # blank rows are skipped
            ["sam@council.example", "", "=A1", ""],
            ["jo@council.example", "Jo", "", ""],
            ["Jo@Council.example", "Jo", "", ""],
        ],
    )

    result = run("people", path)

    assert messages(result) == [
        "Row 2, column 'E-mail': Enter a valid email address.",
        "Row 2, column 'Department': " + UNKNOWN_UNIT.format(value="'Housing'"),
        "Row 4, column 'Name': " + REQUIRED,
        "Row 4, column 'Job title': '=A1' is a formula; formulas are never imported. Type the value itself.",
        "Row 5, column 'E-mail': "
        + DUPLICATE_KEY.format(value="'jo@council.example'", rows="6", items="people"),
        "Row 6, column 'E-mail': "
        + DUPLICATE_KEY.format(value="'Jo@Council.example'", rows="5", items="people"),
    ]
    assert Person.objects.count() == 1


# --- Strategic objectives, portfolios, programmes -------------------------------------------


def test_objectives_take_yes_or_no_for_active(write):
    path = write("strategic-objectives", [["SO1", "Good homes", "", ""], ["SO2", "Net zero", "", "maybe"]])

    result = run("strategic-objectives", path)

    assert messages(result) == ["Row 3, column 'Active': " + NOT_YES_NO.format(value="'maybe'")]

    path = write("strategic-objectives", [["SO1", "Good homes", "", ""], ["SO2", "Net zero", "", "No"]])
    assert run("strategic-objectives", path).ok
    assert dict(StrategicObjective.objects.values_list("code", "is_active")) == {"SO1": True, "SO2": False}


def test_portfolios_and_programmes_name_people_and_portfolios_imported_before(write, pmo_officer):
    PersonFactory(name="Richard Cole", email="richard.cole@council.example")
    PersonFactory(name="Jan Lee", email="jan.lee@council.example")
    portfolios = write("portfolios", [["IT Portfolio", "Every IT project", "Richard Cole"]])
    assert run("portfolios", portfolios, pmo_officer).ok
    programmes = write(
        "programmes",
        [
            ["PRG-DIG", "Digital", "it portfolio", "", "jan.lee@council.example", "Nobody Here"],
            ["PRG-EST", "Estates", "Estates Portfolio", "", "", ""],
        ],
    )

    result = run("programmes", programmes, pmo_officer)

    assert messages(result) == [
        "Row 2, column 'Manager': " + UNKNOWN_PERSON.format(value="'Nobody Here'"),
        "Row 3, column 'Portfolio': " + UNKNOWN_PORTFOLIO.format(value="'Estates Portfolio'"),
    ]
    programmes = write(
        "programmes", [["PRG-DIG", "Digital", "IT Portfolio", "", "jan.lee@council.example", ""]]
    )
    assert run("programmes", programmes, pmo_officer).ok
    programme = Programme.objects.get()
    assert (programme.portfolio.name, programme.sponsor.name, programme.manager) == (
        "IT Portfolio",
        "Jan Lee",
        None,
    )
    assert Portfolio.objects.get().owner.name == "Richard Cole"


def test_a_programme_name_another_programme_has_is_refused(write):
    ProgrammeFactory(code="PRG-1", name="Digital", portfolio=PortfolioFactory(name="IT"))
    path = write("programmes", [["PRG-2", "digital", "IT", "", "", ""]])

    result = run("programmes", path)

    assert messages(result) == [
        "Row 2, column 'Name': " + VALUE_TAKEN.format(value="'digital'", column="name", other="Digital")
    ]


def test_a_choice_header_and_empty_sheet_problems_are_clear(write, write_xlsx):
    assert messages(run("org-units", write("org-units", [["Housing", "Team", ""]]))) == [
        "Row 2, column 'Kind': "
        + NOT_A_CHOICE.format(value="'Team'", allowed="Directorate, Department, Business service area")
    ]
    no_name = write_xlsx([{"Kind": "Department"}], headers=["Kind"], sheet_title="Organisation units")
    assert run("org-units", no_name).errors == [ImportIssue(None, None, MISSING_COLUMN.format(column="Name"))]
    empty = write("people", [])
    assert messages(run("people", empty)) == [NO_ROWS.format(items="people")]


# --- Permissions, checks, round trips ------------------------------------------------------


def test_only_the_pmo_imports_reference_data(write, make_user):
    pm = make_user(Role.PROJECT_MANAGER, username="pm")
    path = write("portfolios", [["IT Portfolio", "", ""]])

    with pytest.raises(PermissionDenied, match=r"You do not have permission to import portfolios\."):
        run("portfolios", path, pm)
    assert Portfolio.objects.count() == 0


def test_a_check_writes_nothing(write, pmo_officer):
    path = write("strategic-objectives", [["SO1", "Good homes", "", ""]])

    result = run("strategic-objectives", path, pmo_officer, dry_run=True)

    assert result.summary == CHECK_SUMMARY.format(created=1, updated=0, unchanged=0)
    assert StrategicObjective.objects.count() == 0


@pytest.mark.parametrize("kind", list(KINDS))
def test_an_export_imports_back_unchanged(kind, tmp_path):
    programme = ProgrammeFactory()
    ProjectFactory(programme=programme, portfolio=programme.portfolio)
    OrgUnitFactory(name="Child", parent=OrgUnit.objects.first())
    StrategicObjectiveFactory(description="Cut emissions", is_active=False)
    headers, rows = exporter(kind)(user=None)
    rows = list(rows)
    assert rows
    path = tmp_path / "export.xlsx"
    with path.open("wb") as stream:
        write_xlsx(stream, headers=headers, rows=rows, sheet_title=KINDS[kind].sheet)
    before = {r.pk: r.version for r in KINDS[kind].model._default_manager.all()}

    result = run(kind, path)

    assert result.summary == SUMMARY.format(created=0, updated=0, unchanged=len(rows))
    assert {r.pk: r.version for r in KINDS[kind].model._default_manager.all()} == before


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_template_opens_with_its_columns_dropdowns_and_guidance(kind):
    OrgUnitFactory(name="Housing")
    PortfolioFactory(name="IT Portfolio")
    stream = io.BytesIO()

    write_reference_template(kind, stream)

    workbook = load_workbook(io.BytesIO(stream.getvalue()))
    spec = KINDS[kind]
    assert workbook.sheetnames == [spec.sheet, "Guidance", "Lists"]
    assert [c.value for c in workbook[spec.sheet][1]] == spec.headers
    guidance = [[c.value for c in row] for row in workbook["Guidance"].iter_rows()]
    described = [row[0] for row in guidance if row[0] in spec.headers]
    assert described == spec.headers
    dropdowns = {str(v.sqref): v.formula1 for v in workbook[spec.sheet].data_validations.dataValidation}
    expected = {
        "org-units": {"B2:B10001", "C2:C10001"},
        "people": {"D2:D10001"},
        "strategic-objectives": {"D2:D10001"},
        "portfolios": set(),
        "programmes": {"C2:C10001"},
    }[kind]
    assert set(dropdowns) == expected


# --- The command line ----------------------------------------------------------------------


def test_the_commands_import_and_export_each_kind_in_order(write, tmp_path, pmo_head):
    files = {
        "org-units": write("org-units", [["Housing", "", ""]], name="units.xlsx"),
        "people": write("people", [["jo@council.example", "Jo", "", "Housing"]], name="people.xlsx"),
        "portfolios": write("portfolios", [["IT Portfolio", "", "Jo"]], name="portfolios.xlsx"),
        "programmes": write(
            "programmes", [["PRG-1", "Digital", "IT Portfolio", "", "Jo", ""]], name="p.xlsx"
        ),
    }
    for kind, path in files.items():
        out = io.StringIO()
        call_command("import", kind, str(path), "--user", pmo_head.username, stdout=out, stderr=io.StringIO())
        assert out.getvalue().strip() == SUMMARY.format(created=1, updated=0, unchanged=0)

    out = io.StringIO()
    call_command("export", "programmes", str(tmp_path / "out.xlsx"), "--all", stdout=out)
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        KINDS["programmes"].headers,
        ["PRG-1", "Digital", "IT Portfolio", None, "jo@council.example", None],
    ]


def test_the_command_prints_each_problem_and_fails(write):
    path = write("people", [["jo@council.example", "Jo", "", "Nowhere"]], name="people.xlsx")
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"1 problem\(s\) found in people.xlsx; nothing was imported."):
        call_command("import", "people", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "Row 2, column 'Department': " + UNKNOWN_UNIT.format(value="'Nowhere'")
    ]


def test_an_edit_made_while_the_file_is_imported_is_a_conflict_and_nothing_is_written(
    write, pmo_officer, monkeypatch
):
    # Given a unit someone renames after the file was checked but before it is written
    housing = OrgUnitFactory(name="Housing", kind=OrgUnitKind.DEPARTMENT)
    plan_row = reference_imports._plan_row

    def plan_then_someone_edits(kind, row, *args):
        plan = plan_row(kind, row, *args)
        if row.number == 3:  # the last row: every row is checked by now
            unit = OrgUnit.objects.get(pk=housing.pk)
            record_update(instance=unit, actor=None, fields={"name": "Housing Services"}, expected_version=1)
        return plan

    monkeypatch.setattr(reference_imports, "_plan_row", plan_then_someone_edits)
    path = write("org-units", [["Housing", "Directorate", ""], ["Finance", "Department", ""]])

    # When the import writes
    result = run("org-units", path, pmo_officer)

    # Then their edit stands, the import says so and wrote nothing (not even the new unit)
    assert len(messages(result)) == 1
    assert messages(result)[0].startswith("Nothing was imported:")
    assert messages(result)[0].endswith("Import the file again.")
    assert units() == {"Housing Services": (OrgUnitKind.DEPARTMENT, None)}
