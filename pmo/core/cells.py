"""Table cells written as HTML in Python: a register row of nine cells rendered through the
template engine (a ``{% cell %}`` tag, loops and ``forloop.first`` tests per cell) cost about
as much as the rest of the page put together. ``cell_html`` shows one value the way its column's
``kind`` says; ``row_html`` writes a whole row's cells (the first a row header) at once, each
record's address worked out once per table (``Addresses``)."""

import datetime
import html
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString, mark_safe

from pmo.core.formatting import date as format_day
from pmo.core.formatting import money

EMPTY = "—"


class Addresses:
    """Each record's ``get_absolute_url()``, asked once per record while one table is written
    (the code and the name of a row link to the same page; a stage or a person shows on many
    rows)."""

    def __init__(self) -> None:
        self._found: dict[tuple[type, Any], str] = {}

    def __call__(self, record: Any) -> str:
        key = (type(record), record.pk)
        url = self._found.get(key)
        if url is None:
            url = self._found[key] = str(record.get_absolute_url())
        return url


def _plain_url(record: Any) -> str:
    return str(record.get_absolute_url())


def escaped(value: Any) -> str:
    """``value`` as HTML text (Django's ``conditional_escape``, without making a SafeString of
    every piece of a row)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


_text = escaped


def cell_html(
    kind: str, value: Any, record: Any = None, url: Callable[[Any], str] = _plain_url
) -> SafeString:
    """One value of a register table or record page, shown the way its column ``kind`` says:
    link (to ``record``), money, date, status badge, flag, list of records; a record links to
    its own page (``url`` gives a record's address)."""
    if kind == "link":  # a long name is cut short in a table, whole on hover
        shown = _text(value)
        return mark_safe(f'<a class="cell-clip" href="{_text(url(record))}" title="{shown}">{shown}</a>')
    if kind == "status":
        return mark_safe(f'<span class="badge badge-status-{_text(record.status)}">{_text(value)}</span>')
    if kind == "rating":  # colour and words, and why where the status was judged
        reasons = "; ".join(getattr(value, "reasons", ()))
        title = f' title="{_text(reasons)}"' if reasons else ""
        return mark_safe(
            f'<span class="rating rating-{_text(value.rating or "none")}"{title}>{_text(value.label)}</span>'
        )
    if kind == "list":
        badges = "".join(
            f'<span class="badge text-bg-light border me-1" title="{_text(item)}">'
            f"{_text(getattr(item, 'code', item))}</span>"
            for item in value
        )
        return mark_safe(badges or EMPTY)
    if kind == "flag":
        return mark_safe("Yes" if value else "No")
    if value is None or value == "":
        return mark_safe(EMPTY)
    if kind == "money":
        return mark_safe(_text(money(value)))
    if kind == "date" and isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return mark_safe(format_day(value))
    if kind == "date":
        return mark_safe(_text(format_date(value, "j M Y")))
    if hasattr(value, "get_absolute_url"):
        return mark_safe(f'<a href="{_text(url(value))}">{_text(value)}</a>')
    return mark_safe(_text(value))


def row_html(
    record: Any, cells: Sequence[tuple[Any, Any]], url: Callable[[Any], str] = _plain_url
) -> SafeString:
    """A table row's cells (``(column, value)`` pairs; a column has ``label``, ``kind`` and
    ``numeric``): the first a row header, figures aligned right, each labelled for the narrow
    layout (``data-label``)."""
    parts = []
    for index, (column, value) in enumerate(cells):
        tag = "th" if index == 0 else "td"
        scope = ' scope="row"' if index == 0 else ""
        align = ' class="text-end"' if column.numeric else ""
        parts.append(
            f'<{tag}{scope} data-label="{_text(column.label)}"{align}>'
            f"{cell_html(column.kind, value, record, url)}</{tag}>"
        )
    return mark_safe("\n".join(parts))


def rows_html(rows: Iterable[tuple[Any, Sequence[tuple[Any, Any]]]]) -> list[SafeString]:
    """Each row's cells (``row_html``), the records' addresses asked once for the whole table."""
    url = Addresses()
    return [row_html(record, cells, url) for record, cells in rows]
