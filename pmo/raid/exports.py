"""The RAID registers out to Excel: each register's import template (with its Guidance sheet)
and its export in the same layout, so an export can be edited and imported back
(``pmo.raid.imports``). Values are written as values: text that looks like a formula stays text
(``pmo.core.exports``, ``pmo.core.spreadsheets.put_cell``)."""

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from pmo.core.models import User
from pmo.core.spreadsheets import Column, write_guidance, write_header_row
from pmo.engine.risk import Matrix
from pmo.raid import selectors
from pmo.raid.imports import LAYOUTS, REGISTER_FIELDS, SCORE_FIELDS, headers, model_field, sheet_title
from pmo.raid.models import REGISTERS, Dependency, RaidItem, Risk

# --- The template --------------------------------------------------------------------------------

GUIDANCE_INTRO = [
    "How to fill in the {items} register",
    "Put one item per row on the {sheet} sheet, under the header row. Columns may be in any order; "
    "the headers must keep their names (case and spacing do not matter). Required columns are in "
    "dark blue.",
    "Leave ID blank to add an item, and name its register: a project code, a programme or a "
    "portfolio. Give an item's ID (such as {prefix}-12) to update it. A row without an ID whose "
    "register already has an item with the same title (case and spacing ignored) updates that "
    "item, so importing the same file twice changes nothing the second time; give each new item "
    "of a register its own title.",
    "Every row is checked first. If anything is wrong, nothing is imported and each problem is "
    "listed by row and column: fix them and import again.",
    "Optional columns you leave out of the sheet are not changed. A blank cell in an optional "
    "column clears it (or, where a value is always needed, keeps the current value).",
    "Type values, not formulas: a cell holding a formula is refused. Text that starts with = "
    "(typed as text, as the exports write it) is imported as text.",
    "Amounts: 40000, £40,000 or 1,234.56. A comma may only separate thousands: 12,34 is refused, "
    "not guessed at; write pence after a point.",
    "A leading apostrophe before =, +, - or @ (as a CSV export writes such text) is removed once "
    "on import, so '+44 comes back as +44.",
]


def matrix_range(matrix: Matrix) -> str:
    """The scores allowed on the PMO's matrix, as the template's Guidance sheet says it."""
    return (
        f"Probability 1 to {matrix.probability_levels}, impact 1 to {matrix.impact_levels} "
        f"(a {matrix.probability_levels} × {matrix.impact_levels} matrix): a score "
        f"(probability × impact) from {matrix.medium_from} is medium, from {matrix.high_from} high."
    )


def _allowed(kind: str, matrix: Matrix) -> Callable[[Column], str]:
    model = REGISTERS[kind]

    def allowed(column: Column) -> str:
        name = column.field
        if name in SCORE_FIELDS:
            return matrix_range(matrix)
        if name in ("reference", *REGISTER_FIELDS, "depends_on"):
            return ""
        field = model_field(model, name)
        if field.choices and name != "escalated_to":
            values = ", ".join(str(v) for v, _ in field.choices)
            return "; ".join(str(label) for _, label in field.choices) + f" (or their codes: {values})"
        return ""

    return allowed


def write_register_template(kind: str, stream: Any) -> None:
    """The import template of a register: the header row (with dropdowns on the columns that
    have a fixed list), and a Guidance sheet explaining every column, its allowed values and
    the matrix range for scores."""
    model = REGISTERS[kind]
    columns = LAYOUTS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(kind)
    write_header_row(sheet, columns)
    for index, column in enumerate(columns, start=1):
        if column.field in ("reference", *REGISTER_FIELDS, "depends_on") or column.field in SCORE_FIELDS:
            continue
        field = model_field(model, column.field)
        labels = ",".join(str(label) for _, label in field.choices or [])
        if field.choices and len(labels) < 250 and "," not in "".join(str(x) for _, x in field.choices):
            letter = sheet.cell(row=1, column=index).column_letter
            validation = DataValidation(
                type="list", formula1=f'"{labels}"', allow_blank=True, showErrorMessage=True,
                errorStyle="warning", errorTitle=column.header,
                error=f"Choose a {column.header.lower()} from the list (see Guidance).",
            )  # fmt: skip
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}10001")
    names = {"items": model._meta.verbose_name_plural, "sheet": sheet.title, "prefix": model.PREFIX}
    intro = [line.format(**names) for line in GUIDANCE_INTRO]
    write_guidance(
        workbook, intro=intro, columns=columns, allowed=_allowed(kind, selectors.raid_settings().matrix)
    )
    workbook.save(stream)


# --- Export in the same layout ---------------------------------------------------------------


def _cell(item: RaidItem, name: str) -> Any:
    if name == "reference":
        return item.reference
    if name in ("project", "depends_on"):
        project = getattr(item, name)
        return project.code if project is not None else None
    if name == "programme":
        return item.programme.code if item.programme is not None else None
    if name == "portfolio":
        return item.portfolio.name if item.portfolio is not None else None
    field = model_field(type(item), name)
    value = getattr(item, name)
    if field.is_relation:
        return value.email if value is not None else None
    if field.choices:
        return str(dict(field.choices).get(value, value)) if value else None
    if value == "":
        return None
    return value


def register_export_rows(kind: str, items: Iterable[RaidItem]) -> Iterator[list[Any]]:
    """Rows in the import layout (``headers(kind)``), so an export can be edited and imported
    back. ``items`` should come with their relations loaded (``selectors.item_list``)."""
    names = [c.field for c in LAYOUTS[kind]]
    for item in items:
        yield [_cell(item, name) for name in names]


def exporter(kind: str) -> Callable[..., tuple[list[str], Iterator[list[Any]]]]:
    """What ``pmo export KIND`` calls: the register as ``user`` may see it (None: all of it)."""
    model = REGISTERS[kind]

    def table(*, user: User | None) -> tuple[list[str], Iterator[list[Any]]]:
        items: QuerySet[Any]
        if user is None:
            extra = {Risk: ("actionee",), Dependency: ("depends_on",)}.get(model, ())
            items = model._default_manager.select_related(*selectors.ITEM_RELATIONS, *extra)
        else:
            items = selectors.item_list(model, user=user)
        return headers(kind), register_export_rows(kind, items.order_by("pk"))

    return table
