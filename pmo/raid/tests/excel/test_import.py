"""Importing a RAID register: all or nothing, every problem by row and column, updates by ID."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from pmo.core.spreadsheets import (
    AMBIGUOUS_PERSON,
    AMOUNT_REFUSED,
    CHECK_SUMMARY,
    FORMULA,
    MISSING_COLUMN,
    NOT_A_CHOICE,
    NOT_A_DATE,
    NOT_AN_AMOUNT,
    NOT_XLSX,
    SUMMARY,
    UNKNOWN_PERSON,
)
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid.imports import (
    DUPLICATE_ID,
    DUPLICATE_TITLE,
    MOVED,
    NO_REGISTER,
    NO_ROWS,
    NO_SUCH_ITEM,
    NOT_A_WHOLE_NUMBER,
    NOT_ALLOWED_TO_ADD,
    NOT_ALLOWED_TO_CHANGE,
    OFF_MATRIX,
    SHARED_TITLE,
    TWO_REGISTERS,
    UNKNOWN_PROJECT,
    WRONG_REGISTER_KIND,
    register_import,
)
from pmo.raid.models import DEPENDS_ON_ITSELF, WRONG_RESPONSE, Dependency, Risk
from pmo.raid.services import DEPENDENCY_LOOP
from pmo.raid.tests.excel.conftest import risk_row
from pmo.raid.tests.factories import DependencyFactory, RiskFactory

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int]:
    """What a refused import must leave alone."""
    return Risk.objects.count(), Risk.history.count()


def messages(result) -> list[str]:
    return [str(issue) for issue in result.errors]


def test_new_rows_are_created_in_the_register_each_names(cast, write_sheet):
    # Given a file with a project's, a programme's and a portfolio's new risks
    path = write_sheet(
        [
            risk_row(title="Project risk"),
            risk_row(title="Programme risk", project=None, programme="DIG"),
            risk_row(title="Portfolio risk", project=None, portfolio="it portfolio"),
        ]
    )

    # When the PMO officer imports it
    result = register_import("risks", actor=cast.officer, file=path)

    # Then each lands in its register, scored and with its history naming the officer
    assert result.summary == SUMMARY.format(created=3, updated=0, unchanged=0)
    by_title = {r.title: r for r in Risk.objects.all()}
    assert by_title["Project risk"].project == cast.project
    assert by_title["Programme risk"].programme == cast.programme
    assert by_title["Portfolio risk"].portfolio == cast.portfolio
    risk = by_title["Project risk"]
    assert risk.owner == cast.project.project_manager
    assert (risk.category, risk.response) == ("commercial", "reduce")
    assert (risk.inherent_score, risk.residual_score) == (16, 6)
    assert risk.cost_impact == Decimal("40000.00")
    assert risk.expected_value == Decimal("8000.00")  # 20 % likelihood at residual probability 2
    assert risk.due == dt.date(2026, 12, 31)
    assert risk.raised_by == cast.officer and risk.version == 1
    entry = risk.history.get()
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
        "+",
        cast.officer,
        "Imported from register.xlsx",
    )


def test_a_pm_imports_new_risks_into_their_own_project(cast, write_sheet):
    result = register_import("risks", actor=cast.pm, file=write_sheet([risk_row(), risk_row(title="Two")]))

    assert result.ok and result.created == 2
    assert set(Risk.objects.values_list("project__code", flat=True)) == {"WEB"}


def test_check_only_reports_what_would_happen_and_writes_nothing(cast, write_sheet):
    result = register_import("risks", actor=cast.pm, file=write_sheet([risk_row()]), dry_run=True)

    assert result.summary == CHECK_SUMMARY.format(created=1, updated=0, unchanged=0)
    assert counts() == (0, 0)


def test_a_pm_importing_into_another_projects_register_is_refused_naming_the_row(cast, write_sheet):
    path = write_sheet([risk_row(), risk_row(title="Not mine", project="HR")])

    result = register_import("risks", actor=cast.pm, file=path)

    assert messages(result) == [
        "Row 3, column 'Project': " + NOT_ALLOWED_TO_ADD.format(items="risks", register="project HR")
    ]
    assert counts() == (0, 0)


def test_a_pm_cannot_update_another_projects_item(cast, write_sheet):
    theirs = RiskFactory(project=cast.other_project)

    result = register_import(
        "risks", actor=cast.pm, file=write_sheet([risk_row(id=theirs.reference, project=None)])
    )

    assert messages(result) == [
        "Row 2, column 'ID': " + NOT_ALLOWED_TO_CHANGE.format(reference=theirs.reference)
    ]
    assert Risk.objects.get().version == 1


def test_someone_who_keeps_no_register_may_not_import(cast, write_sheet):
    with pytest.raises(PermissionDenied) as refused:
        register_import("risks", actor=cast.executive, file=write_sheet([risk_row()]))
    assert str(refused.value) == "You do not have permission to import risks."
    assert counts() == (0, 0)


def test_a_bad_row_between_good_ones_stops_the_whole_file(cast, write_sheet):
    # Given rows 2 and 4 are good and row 3 names nobody
    path = write_sheet(
        [risk_row(title="Good 1"), risk_row(owner="nobody@nowhere.example"), risk_row(title="Good 2")]
    )

    # When it is imported
    result = register_import("risks", actor=cast.pm, file=path)

    # Then the one problem is reported and nothing is written, not even the good rows
    assert messages(result) == [
        "Row 3, column 'Owner': " + UNKNOWN_PERSON.format(value="'nobody@nowhere.example'")
    ]
    assert counts() == (0, 0)


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"owner": "Nobody Known"}, "Owner", UNKNOWN_PERSON.format(value="'Nobody Known'")),
        ({"owner": "Chris Jones"}, "Owner", AMBIGUOUS_PERSON.format(count=2, value="'Chris Jones'")),
        (
            {"inherent_probability": 7},
            "Inherent probability",
            OFF_MATRIX.format(what="Probability", top=5, value=7),
        ),
        ({"residual_impact": 0}, "Residual impact", OFF_MATRIX.format(what="Impact", top=5, value=0)),
        ({"inherent_impact": "high"}, "Inherent impact", NOT_A_WHOLE_NUMBER.format(value="'high'")),
        ({"inherent_impact": "²"}, "Inherent impact", NOT_A_WHOLE_NUMBER.format(value="'²'")),
        (
            {"id": "RSK-99999999999999999999"},
            "ID",
            "RSK-99999999999999999999 is not a RAID reference (such as RSK-12 or ISS-3).",
        ),
        ({"inherent_impact": None}, "Inherent impact", "A value is required."),
        (
            {"category": "Weather"},
            "Category",
            NOT_A_CHOICE.format(
                value="'Weather'",
                allowed="Strategic, Financial, Commercial and supplier, Technical, Information security, "
                "Operational, People and resources, Legal and regulatory, Reputational, Schedule",
            ),
        ),
        ({"next_review": "31/02/2026"}, "Next review", NOT_A_DATE.format(value="'31/02/2026'")),
        ({"cost_impact": "lots"}, "Cost impact", NOT_AN_AMOUNT.format(value="'lots'")),
        (
            {"kind": "Opportunity", "response_category": "Avoid"},
            "Response category",
            WRONG_RESPONSE.format(
                response="Avoid", kind="an opportunity", allowed="enhance, exploit, reject, share"
            ),
        ),
        ({"project": "NOPE"}, "Project", UNKNOWN_PROJECT.format(value="'NOPE'")),
        ({"project": None}, "Project", NO_REGISTER),
        ({"programme": "DIG"}, "Programme", TWO_REGISTERS),
        ({"id": "RSK-0", "project": None}, "ID", NO_SUCH_ITEM.format(reference="RSK-0")),
        (
            {"id": "ISS-3"},
            "ID",
            WRONG_REGISTER_KIND.format(value="'ISS-3'", items="risks", prefix="RSK"),
        ),
        ({"id": "twelve"}, "ID", "twelve is not a RAID reference (such as RSK-12 or ISS-3)."),
        ({"title": "=1+1"}, "Title", FORMULA.format(value="'=1+1'")),
        ({"title": "x" * 201}, "Title", "Ensure this value has at most 200 characters (it has 201)."),
        (
            {"cost_impact": -5},
            "Cost impact",
            AMOUNT_REFUSED.format(value="'-5'", problem="This cannot be negative."),
        ),
    ],
)
def test_each_bad_cell_is_reported_by_row_and_column_and_nothing_is_written(
    cast, write_sheet, changes, column, message
):
    PersonFactory(name="Chris Jones", email="chris.jones@council.example")
    PersonFactory(name="Chris Jones", email="c.jones@council.example")

    result = register_import("risks", actor=cast.officer, file=write_sheet([risk_row(**changes)]))

    assert messages(result) == [f"Row 2, column '{column}': {message}"]
    assert counts() == (0, 0)


def test_a_formula_cell_is_refused(cast, write_sheet):
    # Given a sheet whose Cost impact is a formula, as Excel stores it
    path = write_sheet([risk_row(cost_impact=None)])
    workbook = load_workbook(path)
    row = risk_row()
    workbook.active.cell(row=2, column=list(row).index("Cost impact") + 1, value="=SUM(1,2)")
    workbook.save(path)

    result = register_import("risks", actor=cast.pm, file=path)

    assert messages(result) == ["Row 2, column 'Cost impact': " + FORMULA.format(value="'=SUM(1,2)'")]
    assert counts() == (0, 0)


def test_text_starting_with_an_equals_sign_in_a_text_cell_is_imported_as_text(cast, write_sheet):
    # Given a title typed as text (as the export writes it, and Excel's '= prefix stores it)
    path = write_sheet([risk_row()])
    workbook = load_workbook(path)
    cell = workbook.active.cell(row=2, column=list(risk_row()).index("Title") + 1)
    cell.value, cell.data_type, cell.quotePrefix = "=1+1 is the sum", "s", True
    workbook.save(path)

    result = register_import("risks", actor=cast.pm, file=path)

    assert result.ok, messages(result)
    assert Risk.objects.get().title == "=1+1 is the sum"


def test_the_csv_exports_apostrophe_guard_is_taken_off_once(cast, write_sheet):
    # Given text as a spreadsheet program keeps it after opening a CSV export: with the guard
    path = write_sheet(
        [
            risk_row(title="'+44 helpline upgrade", description="''=stays guarded once"),
            risk_row(title="'quoted, but not a guard"),
        ]
    )

    register_import("risks", actor=cast.pm, file=path)

    assert sorted(Risk.objects.values_list("title", "description")) == [
        ("'quoted, but not a guard", ""),
        ("+44 helpline upgrade", "'=stays guarded once"),
    ]


def test_a_person_named_with_a_decomposed_accent_is_found(cast, write_sheet):
    # Given Zoë in the register, typed with "ë"; and a file naming her with "e" + a diaeresis
    zoe = PersonFactory(name="Zoë Adams", email="zoe@council.example")
    decomposed = "Zoe\u0308 Adams"

    result = register_import(
        "risks", actor=cast.officer, file=write_sheet([risk_row(owner=decomposed.upper())])
    )

    assert result.ok, messages(result)
    assert Risk.objects.get().owner == zoe


def test_the_same_file_of_new_risks_imported_twice_changes_nothing_the_second_time(cast, write_sheet):
    # Given a file of two new risks (no IDs), imported once
    path = write_sheet([risk_row(title="Supplier may go bust"), risk_row(title="Key staff leave")])
    assert register_import("risks", actor=cast.pm, file=path).created == 2

    # When it is imported again
    again = register_import("risks", actor=cast.pm, file=path)

    # Then each row is matched to the risk of that title in that register: nothing is added
    assert again.summary == SUMMARY.format(created=0, updated=0, unchanged=2)
    assert Risk.objects.count() == 2 and Risk.history.count() == 2


def test_a_new_row_titled_as_an_item_of_its_register_updates_that_item(cast, write_sheet):
    # Given a risk in WEB's register, and one of the same title in another project's
    risk = RiskFactory(project=cast.project, owner=cast.project.project_manager, title="Supplier may go bust")
    elsewhere = RiskFactory(project=cast.other_project, title="Supplier may go bust")

    # When a row without an ID, for WEB, with that title (in other case and spacing) is imported
    result = register_import(
        "risks",
        actor=cast.officer,
        file=write_sheet([risk_row(title="  supplier MAY go bust", residual_probability=5)]),
    )

    # Then WEB's risk is updated (its title as the file gives it), the other project's untouched
    assert result.summary == SUMMARY.format(created=0, updated=1, unchanged=0)
    risk.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (risk.residual_probability, risk.version) == (5, 2)
    assert elsewhere.version == 1


def test_new_rows_sharing_a_title_in_one_register_are_refused(cast, write_sheet):
    path = write_sheet([risk_row(title="Same"), risk_row(title="Other"), risk_row(title="same")])

    result = register_import("risks", actor=cast.pm, file=path)

    assert messages(result) == [
        "Row 2, column 'Title': " + DUPLICATE_TITLE.format(title="'Same'", register="project WEB", rows="4"),
        "Row 4, column 'Title': " + DUPLICATE_TITLE.format(title="'Same'", register="project WEB", rows="2"),
    ]
    assert counts() == (0, 0)


def test_a_title_several_items_of_the_register_share_needs_the_id(cast, write_sheet):
    for _ in range(2):
        RiskFactory(project=cast.project, owner=cast.project.project_manager, title="Shared")

    result = register_import("risks", actor=cast.pm, file=write_sheet([risk_row(title="Shared")]))

    assert messages(result) == [
        "Row 2, column 'ID': " + SHARED_TITLE.format(count=2, register="project WEB", title="'Shared'")
    ]
    assert Risk.objects.count() == 2


def test_a_file_that_is_not_xlsx_is_refused(cast, tmp_path):
    path = tmp_path / "register.xlsx"
    path.write_text("ID,Title\n,Risk\n")

    result = register_import("risks", actor=cast.pm, file=path)

    assert messages(result) == [NOT_XLSX]


def test_a_sheet_without_a_required_column_or_rows_is_refused(cast, write_sheet):
    row = risk_row()
    del row["Owner"]
    assert messages(register_import("risks", actor=cast.pm, file=write_sheet([row]))) == [
        MISSING_COLUMN.format(column="Owner")
    ]
    empty = write_sheet([], columns=list(risk_row()), name="empty.xlsx")
    assert messages(register_import("risks", actor=cast.pm, file=empty)) == [NO_ROWS.format(items="risks")]


def test_the_same_item_twice_is_refused(cast, write_sheet):
    risk = RiskFactory(project=cast.project)

    result = register_import(
        "risks",
        actor=cast.pm,
        file=write_sheet([risk_row(id=risk.reference), risk_row(id=risk.reference.lower())]),
    )

    assert messages(result) == [
        "Row 2, column 'ID': " + DUPLICATE_ID.format(reference=risk.reference, rows="3"),
        "Row 3, column 'ID': " + DUPLICATE_ID.format(reference=risk.reference, rows="2"),
    ]


def test_an_import_cannot_move_an_item_to_another_register(cast, write_sheet):
    risk = RiskFactory(project=cast.project)

    result = register_import(
        "risks", actor=cast.officer, file=write_sheet([risk_row(id=risk.reference, project="HR")])
    )

    assert messages(result) == [
        "Row 2, column 'Project': "
        + MOVED.format(reference=risk.reference, home="project WEB", other="project HR")
    ]
    assert Risk.objects.get().version == 1


def test_updating_by_id_changes_only_that_item_and_records_who(cast, write_sheet):
    # Given two risks in the WEB register
    first = RiskFactory(project=cast.project, owner=cast.project.project_manager, title="First")
    second = RiskFactory(project=cast.project, owner=cast.project.project_manager, title="Second")
    rows = [
        risk_row(id=first.reference, project="WEB", title="First, reworded", category="Technical",
                 inherent_probability=4, inherent_impact=4, residual_probability=3, residual_impact=3,
                 response_category=None, cost_impact=None, next_review=None),
        risk_row(id=second.reference, project=None, title="Second", category="Technical",
                 inherent_probability=4, inherent_impact=4, residual_probability=3, residual_impact=3,
                 response_category=None, cost_impact=None, next_review=None),
    ]  # fmt: skip

    # When the PM imports them, with one title changed
    result = register_import("risks", actor=cast.pm, file=write_sheet(rows))

    # Then that risk is updated in the PM's name and the other is left alone
    assert result.summary == SUMMARY.format(created=0, updated=1, unchanged=1), messages(result)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.title, first.version) == ("First, reworded", 2)
    latest = first.history.first()
    assert (latest.history_user, latest.history_change_reason) == (cast.pm, "Imported from register.xlsx")
    assert (second.version, second.history.count()) == (1, 1)


def test_a_dependency_on_its_own_project_is_refused(cast, write_sheet):
    row = {"Project": "WEB", "Title": "Needs itself", "Owner": "Pat Manager", "Depends on project": "WEB"}

    result = register_import("dependencies", actor=cast.pm, file=write_sheet([row]))

    assert messages(result) == [f"Row 2, column 'Depends on project': {DEPENDS_ON_ITSELF}"]
    assert Dependency.objects.count() == 0


def test_a_project_the_importer_may_not_see_is_unknown_to_them(cast, write_sheet):
    ProjectFactory(code="SECRET", confidential=True)
    row = {"Project": "WEB", "Title": "Data feed", "Owner": "Pat Manager", "Depends on project": "SECRET"}

    result = register_import("dependencies", actor=cast.pm, file=write_sheet([row]))

    assert messages(result) == [
        f"Row 2, column 'Depends on project': {UNKNOWN_PROJECT.format(value=repr('SECRET'))}"
    ]
    assert Dependency.objects.count() == 0


def test_a_dependency_is_tied_to_plan_tasks_by_uid_and_a_wrong_uid_is_named_by_row_and_column(
    plans, write_sheet
):
    tied = {"Project": "WEB", "Title": "HR data for the move", "Owner": "Pat Manager",
            "Depends on project": "HR", "Delivering task UID": 10, "Needing task UID": "5"}  # fmt: skip
    not_in_plan = {**tied, "Title": "Payroll feed", "Delivering task UID": 77}
    not_a_uid = {**tied, "Title": "Pension feed", "Needing task UID": "five"}

    # A cell that is not a UID is named first (rows are checked against the plans once every
    # cell reads), then a UID the plan does not have
    assert messages(register_import("dependencies", actor=plans.pm, file=write_sheet([tied, not_a_uid]))) == [
        "Row 3, column 'Needing task UID': 'five' is not a whole number (e.g. 42)."
    ]
    assert messages(
        register_import("dependencies", actor=plans.pm, file=write_sheet([tied, not_in_plan]))
    ) == ["Row 3, column 'Delivering task UID': HR's plan has no task with UID 77: choose one of its tasks."]
    assert Dependency.objects.count() == 0

    result = register_import("dependencies", actor=plans.pm, file=write_sheet([tied]))

    assert not result.errors
    dependency = Dependency.objects.get()
    assert (dependency.giving_task_uid, dependency.needing_task_uid) == (10, 5)
    assert dependency.due == dt.date(2027, 1, 11)  # needed by: Fit out's planned start


def test_a_dependency_loop_is_refused_naming_the_row(cast, write_sheet):
    # Given HR already waits on WEB
    DependencyFactory(project=cast.other_project, depends_on=cast.project, provider="")

    # When the PMO imports WEB waiting on HR
    rows = [
        {"Project": "WEB", "Title": "Fine", "Owner": "Pat Manager", "Provider": "Supplier Ltd"},
        {"Project": "WEB", "Title": "Loop", "Owner": "Pat Manager", "Depends on project": "HR"},
    ]
    result = register_import("dependencies", actor=cast.officer, file=write_sheet(rows))

    # Then the loop is named on the row that closes it, and nothing is written
    loop = result.errors[0].message
    assert loop in (
        DEPENDENCY_LOOP.format(loop="WEB → HR → WEB"),
        DEPENDENCY_LOOP.format(loop="HR → WEB → HR"),
    )
    assert messages(result) == [f"Row 3, column 'Depends on project': {loop}"]
    assert Dependency.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "row"),
    [
        (
            "assumptions",
            {"Validation owner": "Pat Manager", "Consequence": "Delay", "Validate by": "01/03/2027"},
        ),
        ("issues", {"Owner": "Pat Manager", "Type": "off_spec", "Priority": "High", "Severity": "Major"}),
        ("dependencies", {"Owner": "Pat Manager", "Provider": "Supplier Ltd", "Needed by": "2027-01-31"}),
        ("actions", {"Owner": "Pat Manager", "Source": "Meeting", "Due date": "15/01/2027"}),
        ("decisions", {"Decided by": "Sam Sponsor", "Decided on": "01/10/2026", "Why": "Cheaper"}),
    ],
)
def test_every_register_imports_new_items(cast, write_sheet, kind, row):
    from pmo.raid.models import REGISTERS

    path = write_sheet([{"ID": None, "Project": "WEB", "Title": f"A new {kind}", **row}])

    result = register_import(kind, actor=cast.pm, file=path)

    assert result.summary == SUMMARY.format(created=1, updated=0, unchanged=0), messages(result)
    item = REGISTERS[kind].objects.get()
    assert item.project == cast.project and item.title == f"A new {kind}"
    assert item.history.get().history_user == cast.pm


def test_an_update_that_would_close_a_dependency_loop_is_refused(cast, write_sheet):
    # Given HR waits on WEB, and WEB waits on an outside supplier
    DependencyFactory(project=cast.other_project, depends_on=cast.project, provider="")
    mine = DependencyFactory(project=cast.project, owner=cast.project.project_manager, provider="Supplier")

    # When the file makes WEB's dependency one on HR instead
    row = {"ID": mine.reference, "Title": mine.title, "Owner": "Pat Manager", "Depends on project": "HR"}
    result = register_import("dependencies", actor=cast.officer, file=write_sheet([row]))

    # Then the loop is refused on that row and the dependency is unchanged
    assert [i.column for i in result.errors] == ["Depends on project"]
    assert result.errors[0].message.startswith("This would make a loop of dependencies:")
    mine.refresh_from_db()
    assert (mine.depends_on, mine.version) == (None, 1)
