"""Importing the project register from Excel: all or nothing, every problem by row and column,
re-import updates by code, history by the importing user."""

import datetime as dt
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from openpyxl import Workbook

from pmo.core.history import history_entries
from pmo.core.services import record_update
from pmo.core.spreadsheets import AMBIGUOUS_AMOUNT, AMOUNT_REFUSED
from pmo.portfolio import imports
from pmo.portfolio import services as portfolio_services
from pmo.portfolio.imports import (
    AMBIGUOUS_PERSON,
    CHANGED_DURING_IMPORT,
    CHECK_SUMMARY,
    DUPLICATE_CODE,
    FILE_TOO_LARGE,
    FORMULA,
    HEADERS,
    MISSING_COLUMN,
    NO_HEADER,
    NO_ROWS,
    NOT_A_CHOICE,
    NOT_A_DATE,
    NOT_AN_AMOUNT,
    NOT_XLSX,
    NOT_YES_NO,
    REPEATED_COLUMN,
    REQUIRED,
    SUMMARY,
    UNKNOWN_COLUMN,
    UNKNOWN_DEPARTMENT,
    UNKNOWN_OBJECTIVES,
    UNKNOWN_PERSON,
    UNKNOWN_PORTFOLIO,
    UNKNOWN_PROGRAMME,
    UNKNOWN_STAGE,
    project_import,
)
from pmo.portfolio.models import (
    FINISH_BEFORE_START,
    PROGRAMME_IN_OTHER_PORTFOLIO,
    LifecycleStage,
    Project,
    code_validator,
)
from pmo.portfolio.services import project_create, project_update
from pmo.portfolio.tests.imports.conftest import sheet_row, with_shared_strings

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int]:
    """What an all-or-nothing import must leave alone when it fails."""
    return Project.objects.count(), Project.history.count()


def messages(result: imports.ImportResult) -> list[str]:
    return [str(issue) for issue in result.errors]


# --- Happy path ----------------------------------------------------------------------------


def test_a_new_register_creates_each_project_with_a_history_entry_by_the_importer(
    register, pmo_officer, write_xlsx
):
    # Given a register file of two projects, one with every optional column filled in
    path = write_xlsx(
        [
            sheet_row("ICT-001", business_owner="Ali Khan", confidential="Yes", budget="£1,250,000.50"),
            sheet_row(
                "ICT-002",
                programme="",
                methodology="",
                status="",
                priority="",
                strategic_objectives="",
                planned_start="2026-03-01",
                planned_finish=dt.datetime(2026, 9, 30),
                budget=99000,
            ),
        ]
    )

    # When the PMO officer imports it
    result = project_import(actor=pmo_officer, file=path)

    # Then both projects are in the register, read as the cells say
    assert messages(result) == []
    assert result.summary == SUMMARY.format(created=2, updated=0, unchanged=0)
    first = Project.objects.get(code="ICT-001")
    assert first.name == "Project ICT-001"
    assert (first.portfolio, first.programme, first.department) == (
        register.portfolio,
        register.programme,
        register.department,
    )
    assert (first.sponsor, first.project_manager, first.business_owner) == (
        register.sponsor,
        register.manager,
        register.owner,
    )
    assert (first.category, first.methodology, first.status, first.priority) == (
        "technical",
        "agile",
        "active",
        "high",
    )
    assert first.stage.name == "Delivery"
    assert (first.planned_start, first.planned_finish) == (dt.date(2026, 1, 5), dt.date(2026, 12, 18))
    assert first.budget == Decimal("1250000.50")
    assert first.size_tier == "large"  # worked out from the budget, as the service does
    assert first.confidential is True
    assert sorted(o.code for o in first.strategic_objectives.all()) == ["SO1", "SO2"]
    second = Project.objects.get(code="ICT-002")
    assert second.programme is None
    assert (second.methodology, second.status, second.priority) == ("waterfall", "proposed", "medium")
    assert (second.planned_start, second.planned_finish) == (dt.date(2026, 3, 1), dt.date(2026, 9, 30))
    assert (second.budget, second.size_tier) == (Decimal("99000"), "small")
    assert list(second.strategic_objectives.all()) == []
    assert second.version == 1

    # And each has one history entry: created, by the officer, saying where it came from,
    # with the objectives it was created with
    entry = first.history.get()
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
        "+",
        pmo_officer,
        "Imported from register.xlsx",
    )
    assert entry.version == 1 and entry.name == "Project ICT-001"
    assert sorted(o.strategicobjective.code for o in entry.strategic_objectives.all()) == ["SO1", "SO2"]
    assert second.history.get().history_type == "+"


def test_reimporting_updates_projects_by_code_and_leaves_identical_rows_alone(
    register, pmo_officer, write_xlsx
):
    # Given a register imported once
    project_import(actor=pmo_officer, file=write_xlsx([sheet_row("ICT-001"), sheet_row("ICT-002")]))
    untouched = Project.objects.get(code="ICT-002")

    # When the file comes back with one project renamed and its objectives changed
    changed = sheet_row("ICT-001", name="Cloud telephony", strategic_objectives="SO3")
    result = project_import(
        actor=pmo_officer, file=write_xlsx([changed, sheet_row("ICT-002")], name="v2.xlsx")
    )

    # Then that project is updated in place (no duplicate), its version goes up and its history
    # records the change by the officer
    assert messages(result) == []
    assert result.summary == SUMMARY.format(created=0, updated=1, unchanged=1)
    assert Project.objects.count() == 2
    project = Project.objects.get(code="ICT-001")
    assert (project.name, project.version) == ("Cloud telephony", 2)
    assert [o.code for o in project.strategic_objectives.all()] == ["SO3"]
    latest = project.history.order_by("-history_id").first()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "~",
        pmo_officer,
        "Imported from v2.xlsx",
    )
    assert [o.strategicobjective.code for o in latest.strategic_objectives.all()] == ["SO3"]
    assert project.history.count() == 2

    # And the identical project is untouched: same version, no new history, same timestamp
    again = Project.objects.get(code="ICT-002")
    assert (again.version, again.updated_at, again.history.count()) == (1, untouched.updated_at, 1)


def test_the_same_file_imported_twice_changes_nothing_the_second_time(register, pmo_officer, write_xlsx):
    path = write_xlsx([sheet_row("ICT-001"), sheet_row("ICT-002", budget=1234.5)])
    project_import(actor=pmo_officer, file=path)
    before = counts()

    result = project_import(actor=pmo_officer, file=path)

    assert result.summary == SUMMARY.format(created=0, updated=0, unchanged=2)
    assert counts() == before


def test_blank_cells_keep_what_must_have_a_value_and_clear_what_may_be_empty(
    register, pmo_officer, write_xlsx
):
    # Given a project with a programme, a business owner and a high priority
    project_import(actor=pmo_officer, file=write_xlsx([sheet_row("ICT-001", business_owner="Ali Khan")]))

    # When it is re-imported with those cells (and the budget, status…) blank
    blank = sheet_row(
        "ICT-001", programme="", business_owner="", priority="", status="", budget="", methodology=""
    )
    result = project_import(actor=pmo_officer, file=write_xlsx([blank], name="v2.xlsx"))

    # Then the optional links are cleared but the fields that always hold a value keep theirs
    assert result.summary == SUMMARY.format(created=0, updated=1, unchanged=0)
    project = Project.objects.get(code="ICT-001")
    assert (project.programme, project.business_owner) == (None, None)
    assert (project.priority, project.status, project.budget, project.methodology) == (
        "high",
        "active",
        Decimal("250000"),
        "agile",
    )


def test_columns_left_out_of_the_file_are_not_changed(register, pmo_officer, write_xlsx):
    project_import(actor=pmo_officer, file=write_xlsx([sheet_row("ICT-001")]))
    required = ["Code", "Name", "Portfolio", "Department", "Sponsor", "Project manager", "Category", "Stage"]

    result = project_import(
        actor=pmo_officer, file=write_xlsx([sheet_row("ICT-001")], headers=required, name="v2.xlsx")
    )

    assert result.summary == SUMMARY.format(created=0, updated=0, unchanged=1)
    project = Project.objects.get(code="ICT-001")
    assert (project.programme, project.priority) == (register.programme, "high")
    assert sorted(o.code for o in project.strategic_objectives.all()) == ["SO1", "SO2"]


def test_headers_are_matched_by_name_in_any_order_case_and_spacing(register, pmo_officer, write_xlsx):
    headers = list(
        reversed([f"  {h.upper()} " if n % 2 else h.replace(" ", "   ") for n, h in enumerate(HEADERS)])
    )
    path = write_xlsx([sheet_row("ICT-001")], headers=headers)

    result = project_import(actor=pmo_officer, file=path)

    assert messages(result) == []
    assert Project.objects.get(code="ICT-001").project_manager == register.manager


def test_a_file_saved_by_excel_with_shared_strings_and_date_cells_imports(register, pmo_officer, write_xlsx):
    # Given a register whose text is in Excel's shared-strings table and whose dates are date cells
    path = with_shared_strings(
        write_xlsx([sheet_row("ICT-001", planned_finish=dt.date(2026, 12, 18), confidential=True)])
    )

    result = project_import(actor=pmo_officer, file=path)

    assert messages(result) == []
    project = Project.objects.get(code="ICT-001")
    assert (project.name, project.planned_finish, project.confidential) == (
        "Project ICT-001",
        dt.date(2026, 12, 18),
        True,
    )


def test_a_file_written_in_openpyxl_write_only_mode_imports(register, pmo_officer, tmp_path):
    # Given a file without the sheet size Excel writes (openpyxl's streaming writer leaves it out)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Projects")
    sheet.append(HEADERS)
    sheet.append([sheet_row("ICT-001")[h] for h in HEADERS])
    workbook.save(tmp_path / "streamed.xlsx")

    result = project_import(actor=pmo_officer, file=tmp_path / "streamed.xlsx")

    assert result.summary == SUMMARY.format(created=1, updated=0, unchanged=0)


def test_rows_that_are_entirely_blank_are_skipped_and_rows_keep_their_sheet_numbers(
    register, pmo_officer, write_xlsx
):
    blank = dict.fromkeys(HEADERS)
    path = write_xlsx([sheet_row("ICT-001"), blank, sheet_row("ICT-002", sponsor="nobody@council.example")])

    result = project_import(actor=pmo_officer, file=path)

    assert messages(result) == [
        "Row 4, column 'Sponsor': " + UNKNOWN_PERSON.format(value="'nobody@council.example'")
    ]


def test_a_check_only_run_reports_what_would_change_and_writes_nothing(register, pmo_officer, write_xlsx):
    project_import(actor=pmo_officer, file=write_xlsx([sheet_row("ICT-001")]))
    before = counts()
    path = write_xlsx([sheet_row("ICT-001", name="Renamed"), sheet_row("ICT-002")], name="v2.xlsx")

    result = project_import(actor=pmo_officer, file=path, dry_run=True)

    assert result.ok
    assert result.summary == CHECK_SUMMARY.format(created=1, updated=1, unchanged=0)
    assert counts() == before
    assert Project.objects.get(code="ICT-001").name == "Project ICT-001"


# --- Bad cells: named by row and column, nothing written ------------------------------------


BAD_CELLS = [
    ("bad date", {"planned_finish": "31/02/2026"}, "Planned finish", NOT_A_DATE.format(value="'31/02/2026'")),
    ("number as date", {"planned_start": 2026}, "Planned start", NOT_A_DATE.format(value="'2026'")),
    (
        "unknown person",
        {"sponsor": "nobody@council.example"},
        "Sponsor",
        UNKNOWN_PERSON.format(value="'nobody@council.example'"),
    ),
    (
        "unknown name",
        {"project_manager": "Pat Nobody"},
        "Project manager",
        UNKNOWN_PERSON.format(value="'Pat Nobody'"),
    ),
    (
        "ambiguous name",
        {"business_owner": "Chris Jones"},
        "Business owner",
        AMBIGUOUS_PERSON.format(count=2, value="'Chris Jones'"),
    ),
    (
        "unknown department",
        {"department": "Ministry of Magic"},
        "Department",
        UNKNOWN_DEPARTMENT.format(value="'Ministry of Magic'"),
    ),
    ("unknown portfolio", {"portfolio": "Nope"}, "Portfolio", UNKNOWN_PORTFOLIO.format(value="'Nope'")),
    ("unknown programme", {"programme": "PRG-X"}, "Programme", UNKNOWN_PROGRAMME.format(value="'PRG-X'")),
    ("unknown stage", {"stage": "Limbo"}, "Stage", UNKNOWN_STAGE.format(value="'Limbo'")),
    (
        "unknown objective",
        {"strategic_objectives": "SO1, SO9"},
        "Strategic objectives",
        UNKNOWN_OBJECTIVES.format(codes="'SO9'"),
    ),
    (
        "bad choice",
        {"category": "Misc"},
        "Category",
        NOT_A_CHOICE.format(
            value="'Misc'",
            allowed="Mandatory / regulatory, Service improvement, Technical / infrastructure, "
            "Business transformation",
        ),
    ),
    ("bad amount", {"budget": "lots"}, "Budget", NOT_AN_AMOUNT.format(value="'lots'")),
    (
        "negative budget",
        {"budget": -5},
        "Budget",
        AMOUNT_REFUSED.format(value="'-5'", problem="Ensure this value is greater than or equal to 0."),
    ),
    (
        "pence after a comma",
        {"budget": "12,34"},
        "Budget",
        AMBIGUOUS_AMOUNT.format(value="'12,34'"),
    ),
    (
        "a European amount",
        {"budget": "£1.234,56"},
        "Budget",
        AMBIGUOUS_AMOUNT.format(value="'£1.234,56'"),
    ),
    (
        "too many pence",
        {"budget": "12.345"},
        "Budget",
        AMOUNT_REFUSED.format(
            value="'12.345'", problem="Ensure that there are no more than 2 decimal places."
        ),
    ),
    ("bad yes/no", {"confidential": "Maybe"}, "Confidential", NOT_YES_NO.format(value="'Maybe'")),
    ("required blank", {"sponsor": "  "}, "Sponsor", REQUIRED),
    ("bad code", {"code": "ICT 2"}, "Code", str(code_validator.message)),
    (
        "name too long",
        {"name": "x" * 201},
        "Name",
        "Ensure this value has at most 200 characters (it has 201).",
    ),
    (
        "formula",
        {"name": '=HYPERLINK("http://evil.example","Click me")'},
        "Name",
        FORMULA.format(value='\'=HYPERLINK("http://evil.example","Click me")\''),
    ),
    (
        "finish before start",
        {"planned_start": "01/06/2026", "planned_finish": "2026-05-31"},
        "Planned finish",
        FINISH_BEFORE_START,
    ),
    (
        "programme of another portfolio",
        {"programme": "Estates"},
        "Programme",
        PROGRAMME_IN_OTHER_PORTFOLIO.format(
            programme="Estates", portfolio="Estates Portfolio", chosen="IT Portfolio"
        ),
    ),
]


@pytest.mark.parametrize(
    ("changes", "column", "message"), [c[1:] for c in BAD_CELLS], ids=[c[0] for c in BAD_CELLS]
)
def test_a_bad_cell_is_reported_by_row_and_column_and_nothing_is_written(
    register, pmo_officer, write_xlsx, changes, column, message
):
    # Given a register with an existing project, and a file whose second row has one bad cell
    project_import(actor=pmo_officer, file=write_xlsx([sheet_row("ICT-001")], name="first.xlsx"))
    before = counts()
    path = write_xlsx([sheet_row("ICT-001", name="Renamed"), sheet_row(**{"code": "ICT-002", **changes})])

    # When it is imported
    result = project_import(actor=pmo_officer, file=path)

    # Then the one problem is reported where it is, and nothing at all was written
    assert messages(result) == [f"Row 3, column '{column}': {message}"]
    assert counts() == before
    assert Project.objects.get(code="ICT-001").name == "Project ICT-001"


def test_every_problem_in_the_file_is_reported_at_once(register, pmo_officer, write_xlsx):
    path = write_xlsx(
        [
            sheet_row("ICT-001", sponsor="nobody@council.example", planned_finish="someday"),
            sheet_row("ICT-002", stage="Limbo"),
        ]
    )

    result = project_import(actor=pmo_officer, file=path)

    assert messages(result) == [
        "Row 2, column 'Sponsor': " + UNKNOWN_PERSON.format(value="'nobody@council.example'"),
        "Row 2, column 'Planned finish': " + NOT_A_DATE.format(value="'someday'"),
        "Row 3, column 'Stage': " + UNKNOWN_STAGE.format(value="'Limbo'"),
    ]
    assert counts() == (0, 0)


def test_a_code_twice_in_the_file_is_an_error_on_both_rows(register, pmo_officer, write_xlsx):
    path = write_xlsx([sheet_row("ICT-001"), sheet_row("ICT-002"), sheet_row("ICT-001", name="Again")])

    result = project_import(actor=pmo_officer, file=path)

    assert messages(result) == [
        "Row 2, column 'Code': " + DUPLICATE_CODE.format(value="'ICT-001'", rows="4"),
        "Row 4, column 'Code': " + DUPLICATE_CODE.format(value="'ICT-001'", rows="2"),
    ]
    assert counts() == (0, 0)


def test_a_real_formula_cell_is_refused(register, pmo_officer, write_xlsx):
    # openpyxl stores a string starting with = as a formula, as Excel would
    path = write_xlsx([sheet_row("ICT-001", description="=1+1")])

    result = project_import(actor=pmo_officer, file=path)

    assert messages(result) == ["Row 2, column 'Description': " + FORMULA.format(value="'=1+1'")]
    assert counts() == (0, 0)


# --- Bad files -----------------------------------------------------------------------------


def test_a_text_file_renamed_xlsx_is_refused(register, pmo_officer, tmp_path):
    path = tmp_path / "register.xlsx"
    path.write_text("Code,Name\nICT-001,Telephony\n")

    result = project_import(actor=pmo_officer, file=path)

    assert messages(result) == [NOT_XLSX]
    assert counts() == (0, 0)


def test_a_zip_that_is_not_a_workbook_is_refused(register, pmo_officer, tmp_path):
    path = tmp_path / "register.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")

    assert messages(project_import(actor=pmo_officer, file=path)) == [NOT_XLSX]


def test_a_damaged_workbook_is_refused(register, pmo_officer, tmp_path, write_xlsx):
    good = write_xlsx([sheet_row()])
    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            target.writestr(name, b"<broken" if name == "xl/workbook.xml" else source.read(name))

    assert messages(project_import(actor=pmo_officer, file=path)) == [NOT_XLSX]


def rewrite_sheet(path, change):
    """Rewrite the first worksheet's XML of an .xlsx file with ``change(xml) -> xml``."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = change(parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_a_workbook_damaged_part_way_through_is_refused(register, pmo_officer, write_xlsx):
    path = rewrite_sheet(
        write_xlsx([sheet_row(f"ICT-{n:03d}") for n in range(50)]), lambda xml: xml[: len(xml) // 2]
    )

    result = project_import(actor=pmo_officer, file=path)

    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith("The workbook is damaged after row ")
    assert counts() == (0, 0)


def test_a_sheet_that_declares_entities_is_refused_and_nothing_is_fetched(register, pmo_officer, write_xlsx):
    def add_entity(xml):
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        doctype = b'<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/hostname">]>'
        return doctype + body.replace(b"Project ICT-001", b"&secret;")

    path = rewrite_sheet(write_xlsx([sheet_row("ICT-001")]), add_entity)

    result = project_import(actor=pmo_officer, file=path)

    assert messages(result) == [NOT_XLSX]
    assert counts() == (0, 0)


@override_settings(PMO_MAX_UPLOAD_BYTES=1024)
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(register, pmo_officer, write_xlsx):
    path = write_xlsx([sheet_row(f"ICT-{n:03d}") for n in range(20)])

    result = project_import(actor=pmo_officer, file=path)

    assert messages(result) == [FILE_TOO_LARGE.format(limit="1 KB")]
    assert counts() == (0, 0)


def test_a_missing_required_column_is_named(register, pmo_officer, write_xlsx):
    path = write_xlsx([sheet_row()], headers=[h for h in HEADERS if h not in ("Sponsor", "Stage")])

    result = project_import(actor=pmo_officer, file=path)

    assert messages(result) == [
        MISSING_COLUMN.format(column="Sponsor"),
        MISSING_COLUMN.format(column="Stage"),
    ]
    assert str(result.errors[0]) == "Missing required column 'Sponsor'."


def test_unknown_and_repeated_columns_are_named(register, pmo_officer, write_xlsx):
    path = write_xlsx([sheet_row()], headers=[*HEADERS, "RAG", "name"])

    result = project_import(actor=pmo_officer, file=path)

    assert messages(result) == [UNKNOWN_COLUMN.format(column="RAG"), REPEATED_COLUMN.format(column="Name")]


def test_an_empty_sheet_and_a_header_without_rows_are_refused(register, pmo_officer, write_xlsx):
    assert messages(project_import(actor=pmo_officer, file=write_xlsx([], headers=[]))) == [NO_HEADER]
    assert messages(project_import(actor=pmo_officer, file=write_xlsx([], name="h.xlsx"))) == [NO_ROWS]


def test_the_projects_sheet_is_read_even_when_it_is_not_the_first(register, pmo_officer, tmp_path):
    workbook = Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["Anything at all"])
    sheet = workbook.create_sheet("Projects")
    sheet.append(HEADERS)
    sheet.append([sheet_row("ICT-001")[h] for h in HEADERS])
    workbook.save(tmp_path / "two-sheets.xlsx")

    result = project_import(actor=pmo_officer, file=tmp_path / "two-sheets.xlsx")

    assert result.summary == SUMMARY.format(created=1, updated=0, unchanged=0)


# --- Permissions, concurrency, failure while writing ----------------------------------------


def test_someone_who_may_not_add_projects_cannot_import(register, project_manager, write_xlsx):
    with pytest.raises(PermissionDenied, match=r"You do not have permission to import projects\."):
        project_import(actor=project_manager, file=write_xlsx([sheet_row()]))
    assert counts() == (0, 0)


def test_without_an_actor_the_system_imports_and_history_names_no_user(register, write_xlsx):
    result = project_import(actor=None, file=write_xlsx([sheet_row()]))

    assert result.ok
    assert Project.objects.get().history.get().history_user is None


def test_an_edit_made_while_the_file_is_imported_is_a_conflict_and_nothing_is_written(
    register, pmo_officer, write_xlsx, monkeypatch
):
    # Given a project that someone edits after the file was checked but before it is written
    project_import(actor=pmo_officer, file=write_xlsx([sheet_row("ICT-001")], name="first.xlsx"))
    plan = imports._plan

    def plan_then_someone_edits(*args, **kwargs):
        plans = plan(*args, **kwargs)
        record_update(
            instance=Project.objects.get(code="ICT-001"),
            actor=None,
            fields={"name": "Theirs"},
            expected_version=None,
        )
        return plans

    monkeypatch.setattr(imports, "_plan", plan_then_someone_edits)
    before_new = Project.objects.filter(code="ICT-002").count()

    # When the import writes
    path = write_xlsx([sheet_row("ICT-001", name="Mine"), sheet_row("ICT-002")])
    result = project_import(actor=pmo_officer, file=path)

    # Then their edit stands and the import wrote nothing
    assert messages(result) == [CHANGED_DURING_IMPORT.format(code="ICT-001")]
    assert Project.objects.get(code="ICT-001").name == "Theirs"
    assert Project.objects.filter(code="ICT-002").count() == before_new == 0


def test_a_failure_in_the_middle_of_writing_rolls_everything_back(
    register, pmo_officer, write_xlsx, monkeypatch
):
    # Given the history cannot be written (after the projects were inserted)
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(portfolio_services, "_history", broken)

    # When a file is imported, the error surfaces…
    with pytest.raises(RuntimeError, match="disk full"):
        project_import(actor=pmo_officer, file=write_xlsx([sheet_row("ICT-001"), sheet_row("ICT-002")]))

    # …and no project is left half-written
    assert counts() == (0, 0)
    assert Project.strategic_objectives.through.objects.count() == 0


# --- The batch services write what a single write writes ------------------------------------

_NOT_COMPARED = {"id", "code", "created_at", "updated_at"}


def _comparable(project: Project) -> dict:
    values = {
        f.attname: getattr(project, f.attname)
        for f in Project._meta.concrete_fields
        if f.attname not in _NOT_COMPARED
    }
    values["strategic_objectives"] = sorted(project.strategic_objectives.values_list("code", flat=True))
    return values


def _history(project: Project, reader: object) -> list[tuple]:
    return [
        (e.kind, e.who, e.version, [c for c in e.changes if c["field"] not in {"code"}])
        for e in history_entries(project, user=reader)
    ]


def test_an_imported_project_and_its_history_match_what_the_services_write(register, pmo_officer, write_xlsx):
    # Given the same project typed in through the services and imported from a file
    typed = project_create(
        actor=pmo_officer,
        fields={
            "code": "ICT-TYPED",
            "name": "Project ICT-001",
            "description": "Replace the telephony platform.",
            "portfolio": register.portfolio,
            "programme": register.programme,
            "department": register.department,
            "sponsor": register.sponsor,
            "project_manager": register.manager,
            "business_owner": register.owner,
            "category": "technical",
            "methodology": "agile",
            "stage": LifecycleStage.objects.get(name="Delivery"),
            "status": "active",
            "planned_start": dt.date(2026, 1, 5),
            "planned_finish": dt.date(2026, 12, 18),
            "budget": Decimal("1250000.50"),
            "priority": "high",
            "confidential": True,
        },
        strategic_objectives=register.objectives[:2],
    )
    project_import(
        actor=pmo_officer,
        file=write_xlsx(
            [sheet_row("ICT-001", business_owner="Ali Khan", confidential="Yes", budget="£1,250,000.50")]
        ),
    )
    imported = Project.objects.get(code="ICT-001")

    # Then both hold the same values and the same creation history
    assert _comparable(imported) == _comparable(typed)
    assert _history(imported, pmo_officer) == _history(typed, pmo_officer)

    # And a change made by re-import is recorded as the service records it
    project_update(
        actor=pmo_officer, project=typed, fields={"name": "Telephony replacement"}, expected_version=1
    )
    project_import(
        actor=pmo_officer,
        file=write_xlsx(
            [
                sheet_row(
                    "ICT-001",
                    name="Telephony replacement",
                    business_owner="Ali Khan",
                    confidential="Yes",
                    budget="£1,250,000.50",
                )
            ]
        ),
    )
    imported.refresh_from_db()
    typed.refresh_from_db()
    assert _comparable(imported) == _comparable(typed)
    imported_history, typed_history = _history(imported, pmo_officer), _history(typed, pmo_officer)
    assert [entry[:3] for entry in imported_history] == [entry[:3] for entry in typed_history]
    assert imported_history[0][3] == typed_history[0][3]
