"""Reading registers from Excel (.xlsx) and writing their templates: what every import shares.

An import opens the workbook within size limits, reads one sheet fast (lxml over openpyxl's
read-only reader, see ``WorkbookReader``), maps the header row to the register's columns, parses
each cell (text, date, money, yes/no, choice, person; formulas refused) and reports each problem
as an ``ImportIssue`` by row and column. The register's own module decides what the parsed rows
mean and writes them, all or nothing, giving an ``ImportResult``.

This module knows no domain model: a person column is parsed with a lookup the caller builds
(``people_finder``) from whatever records it holds."""

import re
import unicodedata
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO, Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from lxml import etree
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601

from pmo.core.exports import looks_like_formula, unguard

# File-level problems.
NOT_XLSX = "This is not an Excel .xlsx file. Save it from Excel as “Excel Workbook (.xlsx)” and try again."
FILE_TOO_LARGE = "The file is larger than {limit}."
FILE_TOO_LARGE_UNPACKED = "The file unpacks to more than {limit}: too large to be what it says it is."
NO_SHEET = "The workbook has no worksheet."
DAMAGED = (
    "The workbook is damaged after row {row} and cannot be read. Open it in Excel, save it again and retry."
)
NO_HEADER = "The sheet is empty: its first row must name the columns (see the template)."
MISSING_COLUMN = "Missing required column '{column}'."
UNKNOWN_COLUMN = "Unknown column '{column}' (the template's Guidance sheet lists the columns)."
REPEATED_COLUMN = "Column '{column}' appears more than once."

# Cell problems.
REQUIRED = "A value is required."
FORMULA = "{value} is a formula; formulas are never imported. Type the value itself."
NOT_A_DATE = "{value} is not a date (use dd/mm/yyyy or yyyy-mm-dd)."
NOT_AN_AMOUNT = "{value} is not an amount of money (e.g. 250000 or £250,000.00)."
AMBIGUOUS_AMOUNT = (
    "{value} is not clear as an amount: a comma may only separate thousands (250,000 or "
    "1,234.56). Write pence after a point (12.34)."
)
AMOUNT_REFUSED = "The amount {value} cannot be used: {problem}"
NOT_A_CHOICE = "{value} is not one of: {allowed}."
NOT_YES_NO = "{value} is not Yes or No."
NOT_A_WHOLE_NUMBER = "{value} is not a whole number (e.g. 42)."
UNKNOWN_PERSON = "No person has the e-mail address or name {value}."
AMBIGUOUS_PERSON = "{count} people are called {value}; give their e-mail address instead."

SUMMARY = "{created} created, {updated} updated, {unchanged} unchanged."
CHECK_SUMMARY = (
    "No problems found. Importing this file would give: {created} created, {updated} updated, "
    "{unchanged} unchanged. Nothing was written (check only)."
)

UNPACKED_LIMIT_FACTOR = 10
HEADER_FILL = "14284B"
OPTIONAL_FILL = "4A6A9B"
_MONEY_STEP = Decimal("0.01")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_BOOLEAN_FORMULAS = {"TRUE()": True, "FALSE()": False}
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}

T = TypeVar("T")


def size_label(limit: int) -> str:
    """A byte limit as people say it: 10 MB, 500 KB, 1000 bytes."""
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if limit >= size and limit % size == 0:
            return f"{limit // size} {unit}"
    return f"{limit} bytes"


def key(value: Any) -> str:
    """How names are compared: case, spacing and Unicode composition ignored (a "Zoë" typed
    with a combining diaeresis is the same name as one typed with "ë")."""
    folded = unicodedata.normalize("NFC", " ".join(str(value).split())).casefold()
    return unicodedata.normalize("NFC", folded)


def shown(value: Any) -> str:
    """A cell's value quoted for a message (shortened when long)."""
    text = value.isoformat() if isinstance(value, date) else str(value)
    text = " ".join(text.split())
    return "'" + (text if len(text) <= 60 else text[:57] + "...") + "'"


@dataclass(frozen=True)
class ImportIssue:
    """One problem: in a cell (row and column), a row (row only) or the file (neither)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return f"Row {self.row}, column '{self.column}': {self.message}"
        if self.row is not None:
            return f"Row {self.row}: {self.message}"
        if self.column:
            return f"Column '{self.column}': {self.message}"
        return self.message


@dataclass
class ImportResult:
    """What an import did (or, for a check, would do), or why it wrote nothing."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        counts = {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}
        return (CHECK_SUMMARY if self.dry_run else SUMMARY).format(**counts)


class WriteFailed(Exception):
    """Writing an import's checked rows was refused (a record changed since the check, or the
    database said no): nothing was written, and the message is the import's one error."""


def import_written(
    result: ImportResult,
    *,
    created: int,
    updated: int,
    rows: int,
    dry_run: bool,
    filename: str | None,
    write: Callable[[str], None],
) -> ImportResult:
    """The end every import shares once its rows are checked and free of errors: the counts
    (``rows`` less the created and updated are unchanged), then, unless a check only, ``write``
    with the history's reason ("Imported from <file>"), all or nothing."""
    result.created, result.updated = created, updated
    result.unchanged = rows - created - updated
    if dry_run:
        return result
    reason = (f"Imported from {filename}" if filename else "Imported from Excel")[:100]
    try:
        write(reason)
    except WriteFailed as exc:
        return ImportResult(errors=[ImportIssue(None, None, str(exc))])
    return result


def refused_message(exc: Exception) -> str:
    """What a refused write says: a ValidationError's messages, else the error's text."""
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


class Formula(str):
    """A cell that holds a formula (its text, starting with =), as opposed to a text cell whose
    value happens to start with =: the formula is refused, the text imported as it is."""


class CellError(Exception):
    """A cell's value cannot be used; the message says why."""


class FileError(Exception):
    """The file as a whole cannot be read."""


class HeaderErrors(Exception):
    def __init__(self, issues: list[ImportIssue]) -> None:
        super().__init__("; ".join(str(i) for i in issues))
        self.issues = issues


@dataclass(frozen=True)
class Column:
    """A column of a register's sheet: its header, the field it fills, and its guidance."""

    header: str
    field: str
    required: bool
    guidance: str
    example: str = ""
    aliases: tuple[str, ...] = ()


Progress = Callable[[Iterable[Any], int | None], Iterable[Any]]


# --- Cells ---------------------------------------------------------------------------------


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def refuse_formula(raw: Any) -> None:
    """A formula is never imported (Excel stores the formula, not a value to trust). Text that
    merely starts with = (written as text by the exports) is not a formula."""
    if isinstance(raw, Formula):
        raise CellError(FORMULA.format(value=shown(raw.strip())))


def text(raw: Any) -> str:
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"  # as the spreadsheet showed it
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat(" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


def parse_date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        value = raw.strip()
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a date, no time zone)
            except ValueError:
                continue
    raise CellError(NOT_A_DATE.format(value=shown(raw)))


def parse_money(raw: Any, field: Any = None) -> Decimal:
    """An amount in pounds: a number cell, or text such as 250000, £250,000 or 1,234.56. A comma
    that does not separate thousands (12,34 or 1.234,56) is refused rather than guessed at.
    ``field`` (a DecimalField) adds its own rules (digits, minimum), reported with the value."""
    if isinstance(raw, bool):
        raise CellError(NOT_AN_AMOUNT.format(value=shown(raw)))
    if isinstance(raw, int):
        amount = Decimal(raw)
    elif isinstance(raw, float):
        amount = Decimal(repr(raw)).quantize(_MONEY_STEP, rounding=ROUND_HALF_UP)
    else:
        cleaned = re.sub(r"[£\s]", "", str(raw))
        if "," in cleaned and not _THOUSANDS.fullmatch(cleaned):
            raise CellError(AMBIGUOUS_AMOUNT.format(value=shown(raw)))
        try:
            amount = Decimal(cleaned.replace(",", ""))
        except InvalidOperation:
            raise CellError(NOT_AN_AMOUNT.format(value=shown(raw))) from None
        if not amount.is_finite():
            raise CellError(NOT_AN_AMOUNT.format(value=shown(raw)))
    if field is not None:
        try:
            field.run_validators(amount)
        except ValidationError as exc:
            raise CellError(AMOUNT_REFUSED.format(value=shown(raw), problem=" ".join(exc.messages))) from exc
    return amount


def parse_whole_number(raw: Any) -> int:
    """A whole number: a number cell with nothing after the point, or digits as text."""
    if isinstance(raw, bool):
        raise CellError(NOT_A_WHOLE_NUMBER.format(value=shown(raw)))
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, int):
        return raw
    value = text(raw)
    if not value.isascii() or not value.lstrip("-").isdigit():
        raise CellError(NOT_A_WHOLE_NUMBER.format(value=shown(raw)))
    return int(value)


def parse_yes_no(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    value = key(text(raw))
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise CellError(NOT_YES_NO.format(value=shown(raw)))


def choice_lookup(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Choices' stored values and labels, by ``key``, to the stored value."""
    pairs = list(choices)
    return {**{key(v): v for v, _ in pairs}, **{key(label): v for v, label in pairs}}


def parse_choice(raw: Any, choices: Sequence[tuple[str, Any]], lookup: dict[str, str] | None = None) -> str:
    """A choice given by its label or its stored value (``lookup`` from ``choice_lookup``)."""
    value = (lookup if lookup is not None else choice_lookup(choices)).get(key(text(raw)))
    if value is None:
        allowed = ", ".join(str(label) for _, label in choices)
        raise CellError(NOT_A_CHOICE.format(value=shown(raw), allowed=allowed))
    return value


PersonFinder = Callable[[str], Sequence[Any]]
"""Given a ``key``-ed e-mail address or name, the records it may name."""


def people_finder(people: Iterable[T]) -> Callable[[str], Sequence[T]]:
    """A finder over records with ``email`` and ``name`` attributes, read into memory once."""
    by_email: dict[str, list[T]] = {}
    by_name: dict[str, list[T]] = defaultdict(list)
    for person in people:
        by_email[key(person.email)] = [person]  # type: ignore[attr-defined]
        by_name[key(person.name)].append(person)  # type: ignore[attr-defined]

    def find(value: str) -> Sequence[T]:
        return by_email.get(value, []) if "@" in value else by_name.get(value, [])

    return find


def parse_person(raw: Any, find: PersonFinder) -> Any:
    """The one person a cell names by e-mail address or unique full name."""
    matches = find(key(text(raw)))
    if not matches:
        raise CellError(UNKNOWN_PERSON.format(value=shown(raw)))
    if len(matches) > 1:
        raise CellError(AMBIGUOUS_PERSON.format(count=len(matches), value=shown(raw)))
    return matches[0]


# --- The file ------------------------------------------------------------------------------


def _file_size(source: IO[bytes]) -> int:
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    position = source.tell()
    source.seek(0, 2)
    end = source.tell()
    source.seek(position)
    return end


class WorkbookReader(ExcelReader):
    """openpyxl's reader of a workbook (content types, shared strings, workbook, styles), which
    notes where each worksheet is instead of loading it: ``sheet_rows`` reads the sheet.

    openpyxl's read-only worksheet parses with Python's own XML parser, about 5 s of CPU for
    10,000 rows of 20 columns on our 2-core machine (a third of the time allowed for a whole
    import), and it parses a sheet that has no <dimension> element (openpyxl's own write-only
    files) twice, once just to size it. lxml reads the same XML in about 1 s."""

    sheet_paths: dict[str, str]

    def read(self) -> None:
        self.read_manifest()
        self.read_strings()
        self.read_workbook()
        apply_stylesheet(self.archive, self.wb)
        self.sheet_paths = {
            sheet.name: rel.target
            for sheet, rel in self.parser.find_sheets()
            if rel.target in self.valid_files and "chartsheet" not in rel.Type
        }


def checked_zip(source: IO[bytes], not_this_kind: str) -> IO[bytes]:
    """``source`` (an uploaded Office file: a zip) rewound, once it is known to be a zip within
    the size limits (``PMO_MAX_UPLOAD_BYTES``, packed and unpacked: no zip bomb); FileError says
    what is wrong with it (``not_this_kind`` when it is no zip at all)."""
    limit = settings.PMO_MAX_UPLOAD_BYTES
    if _file_size(source) > limit:
        raise FileError(FILE_TOO_LARGE.format(limit=size_label(limit)))
    source.seek(0)
    if not zipfile.is_zipfile(source):
        raise FileError(not_this_kind)
    source.seek(0)
    try:
        with zipfile.ZipFile(source) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileError(not_this_kind) from exc
    if unpacked > limit * UNPACKED_LIMIT_FACTOR:
        raise FileError(FILE_TOO_LARGE_UNPACKED.format(limit=size_label(limit * UNPACKED_LIMIT_FACTOR)))
    source.seek(0)
    return source


def open_workbook(source: IO[bytes]) -> WorkbookReader:
    """Open an uploaded workbook within the size limits (``checked_zip``); FileError says what
    is wrong with it."""
    checked_zip(source, NOT_XLSX)
    try:
        reader = WorkbookReader(source, read_only=True, data_only=False, keep_links=False)
        reader.read()
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        raise FileError(NOT_XLSX) from exc
    return reader


_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _VALUE, _FORMULA = f"{_SHEET_NS}row", f"{_SHEET_NS}v", f"{_SHEET_NS}f"
_INLINE, _TEXT, _RUN = f"{_SHEET_NS}is", f"{_SHEET_NS}t", f"{_SHEET_NS}r"
_DIMENSION, _SHEET_DATA = f"{_SHEET_NS}dimension", f"{_SHEET_NS}sheetData"
_DIGITS = "0123456789"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ$"


def _inline_text(inline: Any) -> str:
    parts = []
    for child in inline:
        if child.tag == _TEXT:
            parts.append(child.text or "")
        elif child.tag == _RUN:
            parts.append(child.findtext(_TEXT) or "")
    return "".join(parts)


def _xml_events(source: IO[bytes], events: tuple[str, ...], tag: Any) -> Any:
    """lxml's incremental parser, safe on untrusted input: no DTD, no entities, no network."""
    return etree.iterparse(
        source, events=events, tag=tag, resolve_entities=False, no_network=True, load_dtd=False
    )


def sheet_length(reader: WorkbookReader, path: str) -> int | None:
    """The last row number the sheet declares (its <dimension>), read without reading the rows;
    a sheet that declares a DTD is refused (Excel never writes one: it can only be an attack)."""
    try:
        with reader.archive.open(path) as source:
            for _event, element in _xml_events(source, ("start",), (_DIMENSION, _SHEET_DATA)):
                if element.getroottree().docinfo.doctype:
                    raise FileError(NOT_XLSX)
                if element.tag == _DIMENSION:
                    last = (element.get("ref") or "").split(":")[-1].lstrip(_LETTERS)
                    return int(last) if last.isdigit() else None
                return None
    except (etree.XMLSyntaxError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise FileError(NOT_XLSX) from exc
    return None


def sheet_rows(reader: WorkbookReader, path: str) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cell values) for every row stored in the sheet, as openpyxl's
    ``iter_rows(values_only=True)`` gives them, except that a formula is a ``Formula`` (its text,
    starting with =) and =TRUE() / =FALSE() are the booleans they stand for. Read with lxml
    using what openpyxl has read: the shared strings, which styles are dates, the date system."""
    strings = reader.shared_strings
    workbook = reader.wb
    date_styles, timedelta_styles, epoch = workbook._date_formats, workbook._timedelta_formats, workbook.epoch
    number = 0
    try:
        with reader.archive.open(path) as source:
            for _event, row in _xml_events(source, ("end",), _ROW):
                number = int(float(row.get("r"))) if row.get("r") else number + 1
                values: dict[int, Any] = {}
                position = 0
                for cell in row:
                    ref = cell.get("r")
                    position = column_index_from_string(ref.rstrip(_DIGITS)) if ref else position + 1
                    raw = formula = inline = None
                    for child in cell:
                        if child.tag == _VALUE:
                            raw = child.text
                        elif child.tag == _FORMULA:
                            formula = child.text or ""
                        elif child.tag == _INLINE:
                            inline = child
                    values[position] = _cell_value(
                        cell, raw, formula, inline, strings, date_styles, timedelta_styles, epoch
                    )
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]
                yield number, [values.get(i) for i in range(1, max(values, default=0) + 1)]
    except (etree.XMLSyntaxError, zipfile.BadZipFile, EOFError, zlib.error, ValueError, IndexError) as exc:
        raise FileError(DAMAGED.format(row=number)) from exc


def _cell_value(
    cell: Any,
    raw: str | None,
    formula: str | None,
    inline: Any,
    strings: Sequence[str],
    date_styles: Any,
    timedelta_styles: Any,
    epoch: datetime,
) -> Any:
    kind = cell.get("t", "n")
    if formula is not None:
        # LibreOffice's "Office Open XML" stores a typed TRUE or FALSE as =TRUE() / =FALSE().
        if formula.strip().upper() in _BOOLEAN_FORMULAS:
            return _BOOLEAN_FORMULAS[formula.strip().upper()]
        return Formula("=" + formula)
    if inline is not None:
        return _inline_text(inline)
    if raw is None:
        return None
    if kind == "s":
        return strings[int(raw)]
    if kind == "b":
        return raw.strip() in ("1", "true")
    if kind == "d":
        return from_ISO8601(raw)
    if kind in ("str", "e", "inlineStr"):
        return raw
    number = float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw)
    style = int(cell.get("s", 0))
    if style in date_styles:
        try:
            return from_excel(number, epoch, timedelta=style in timedelta_styles)
        except (OverflowError, ValueError):
            return raw
    return number


def header_map(
    header: Sequence[Any], columns: Sequence[Column]
) -> tuple[dict[int, Column], list[ImportIssue]]:
    """Which column of the sheet holds which register column (by header or alias, case and
    spacing ignored), and the problems: unknown, repeated or missing required columns."""
    by_key = {key(name): c for c in columns for name in (c.header, *c.aliases)}
    found: dict[int, Column] = {}
    issues: list[ImportIssue] = []
    seen: set[str] = set()
    for index, raw in enumerate(header):
        if is_blank(raw):
            continue
        column = by_key.get(key(raw))
        if column is None:
            issues.append(ImportIssue(None, None, UNKNOWN_COLUMN.format(column=text(raw))))
        elif column.field in seen:
            issues.append(ImportIssue(None, None, REPEATED_COLUMN.format(column=column.header)))
        else:
            seen.add(column.field)
            found[index] = column
    issues += [
        ImportIssue(None, None, MISSING_COLUMN.format(column=c.header))
        for c in columns
        if c.required and c.field not in seen
    ]
    return found, issues


@dataclass
class SheetRow:
    """A row of the sheet: its number, its parsed values by field, and its cells' problems."""

    number: int
    values: dict[str, Any]
    errors: list[ImportIssue]


L = TypeVar("L")


def read_sheet(
    source: IO[bytes],
    *,
    sheet_title: str,
    columns: Sequence[Column],
    parse: Callable[[Column, Any, L], Any],
    load_lookups: Callable[[], L],
    progress: Progress | None = None,
) -> tuple[list[SheetRow], L]:
    """Every non-empty row under the header of the sheet called ``sheet_title`` (or the first
    sheet), each cell parsed by ``parse(column, raw, lookups)``; a CellError it raises becomes
    that cell's problem. ``load_lookups`` is called once the header is known to be good.
    Raises FileError or HeaderErrors when the file or its header cannot be used."""
    reader = open_workbook(source)
    try:
        paths = reader.sheet_paths
        if not paths:
            raise FileError(NO_SHEET)
        path = paths.get(sheet_title) or next(iter(paths.values()))
        length = sheet_length(reader, path)
        rows = (r for r in sheet_rows(reader, path) if not all(is_blank(v) for v in r[1]))
        first = next(rows, None)
        if first is None:
            raise FileError(NO_HEADER)
        found, issues = header_map(first[1], columns)
        if issues:
            raise HeaderErrors(issues)
        lookups = load_lookups()
        total = length - first[0] if length else None
        numbered: Iterable[tuple[int, list[Any]]] = rows
        if progress is not None:
            numbered = progress(rows, total)
        result: list[SheetRow] = []
        for number, values in numbered:
            row = SheetRow(number=number, values={}, errors=[])
            for index, column in found.items():
                raw = unguard(values[index]) if index < len(values) else None
                try:
                    row.values[column.field] = parse(column, raw, lookups)
                except CellError as exc:
                    row.errors.append(ImportIssue(number, column.header, str(exc)))
            result.append(row)
        return result, lookups
    finally:
        reader.archive.close()


def chunks(items: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    """``items`` in slices of ``size`` (to keep each ``IN (...)`` list short)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- Templates -----------------------------------------------------------------------------


def put_cell(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Write a cell; text that looks like a formula stays text (names come from users)."""
    cell = sheet.cell(row=row, column=column, value=None)
    cell.value = value
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def write_header_row(sheet: Any, columns: Sequence[Column]) -> None:
    """The header row: required columns dark blue, optional ones lighter; frozen below it."""
    required_fill = PatternFill("solid", fgColor=HEADER_FILL)
    optional_fill = PatternFill("solid", fgColor=OPTIONAL_FILL)
    for index, column in enumerate(columns, start=1):
        cell = put_cell(sheet, 1, index, column.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = required_fill if column.required else optional_fill
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.header) + 4)
    sheet.freeze_panes = "A2"


GUIDANCE_TITLES = ("Column", "Required", "What to enter", "Allowed values", "Example")


def write_guidance(
    workbook: Any, *, intro: Sequence[str], columns: Sequence[Column], allowed: Callable[[Column], str]
) -> Any:
    """The Guidance sheet (second in the workbook): the intro lines, then one row per column
    saying whether it is required, what to enter, the values allowed (``allowed(column)``) and
    an example."""
    guidance = workbook.create_sheet("Guidance", 1)
    for row, line in enumerate(intro, start=1):
        cell = put_cell(guidance, row, 1, line)
        cell.font = Font(bold=row == 1, size=14 if row == 1 else 11)
    top = len(intro) + 2
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    for index, title in enumerate(GUIDANCE_TITLES, start=1):
        cell = put_cell(guidance, top, index, title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, column in enumerate(columns, start=top + 1):
        values = [
            column.header,
            "Yes" if column.required else "No",
            column.guidance,
            allowed(column),
            column.example,
        ]
        for index, value in enumerate(values, start=1):
            put_cell(guidance, row, index, value).alignment = wrap
    for letter, width in zip("ABCDE", (22, 10, 60, 60, 30), strict=True):
        guidance.column_dimensions[letter].width = width
    return guidance
