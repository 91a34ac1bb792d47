"""Queries compiled to SQL once and run again with other ids: a page of fifty projects' evidence
ran eight small queries whose SQL took well under a millisecond, while Django took several to
build and compile them, every time, into the same SQL but for the ids.

``CompiledQuery(build)`` keeps the SQL of ``build(**slots)``, a ``values()`` or
``values_list()`` queryset in which each list of ids that changes from one use to the next is a
slot (``IdList``), compiled the first time it is run on a database. Each slot is one parameter
holding the whole list (``IN (SELECT value FROM json_each(%s))`` on SQLite, ``IN (SELECT
unnest(%s::bigint[]))`` on PostgreSQL), so the SQL is the same whatever the number of ids, and
running it again is the database's work only: the parameters put in their places, the rows
converted as Django converts them (dates, decimals). Nothing read is kept, only the SQL; what
else the SQL holds (a day, a setting) must be part of what the caller keeps it under.

On a database with no such one-parameter list the queryset is built and read each time, as
before."""

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import NotSupportedError, connections
from django.db.models import Expression, IntegerField, Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler

ONE_PARAMETER_LISTS = ("sqlite", "postgresql")


class _Slot:
    """Where a slot's ids go among a compiled query's parameters (never sent to a database)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<slot {self.name}>"


class IdList(Expression):
    """A list of ids as one SQL parameter, to filter with ``__in`` (``project_id__in=IdList(ids)``)."""

    output_field = IntegerField()

    def __init__(self, ids: Iterable[int] | _Slot) -> None:
        super().__init__()
        self.ids = ids if isinstance(ids, _Slot) else [int(each) for each in ids]

    def as_sql(self, compiler: SQLCompiler, connection: Any) -> tuple[str, list[Any]]:
        if connection.vendor == "postgresql":
            return "SELECT unnest(%s::bigint[])", [self.ids]
        if connection.vendor == "sqlite":
            return "SELECT value FROM json_each(%s)", [self.ids]
        raise NotSupportedError(f"Portfolio Office runs on SQLite or PostgreSQL, not {connection.vendor}")


def _parameter(vendor: str, ids: Iterable[int]) -> Any:
    listed = [int(each) for each in ids]
    return json.dumps(listed) if vendor == "sqlite" else listed


class _Compiled:
    """One database's SQL of a ``CompiledQuery``: the SQL, its parameters (slots among them),
    the columns' names and Django's converters of each column."""

    def __init__(self, queryset: QuerySet[Any], using: str) -> None:
        compiler = queryset.query.get_compiler(using)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slots = [(index, p.name) for index, p in enumerate(self.params) if isinstance(p, _Slot)]
        self.width = compiler.col_count
        fields = [selected[0] for selected in compiler.select[: self.width]]
        self.converters = list(compiler.get_converters(fields).items())
        query = queryset.query
        self.names = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )

    def rows(self, using: str, ids: dict[str, Iterable[int]]) -> list[tuple[Any, ...]]:
        connection = connections[using]
        params = list(self.params)
        for index, name in self.slots:
            params[index] = _parameter(connection.vendor, ids[name])
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            found = cursor.fetchall()
        if not self.converters:
            return [tuple(row[: self.width]) for row in found]
        rows = []
        for row in found:
            values = list(row[: self.width])
            for position, (converters, expression) in self.converters:
                value = values[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                values[position] = value
            rows.append(tuple(values))
        return rows


class CompiledQuery:
    """``build(**slots)`` compiled once per database, run with each slot's ids (see the module).
    ``build`` takes each slot by name as an ``IdList`` and returns a ``values_list()`` (read by
    ``rows``) or ``values()`` queryset (read by ``dicts``)."""

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self.build = build
        self._compiled: dict[str, _Compiled] = {}

    def queryset(self, **ids: Any) -> QuerySet[Any]:
        """The queryset itself for these ids (lists, or subqueries), not compiled ahead."""
        return self.build(**ids)

    def _sql(self, using: str, names: Iterable[str]) -> _Compiled:
        compiled = self._compiled.get(using)
        if compiled is None:
            queryset = self.build(**{name: IdList(_Slot(name)) for name in names})
            compiled = self._compiled[using] = _Compiled(queryset, using)
        return compiled

    def rows(self, using: str = "default", **ids: Iterable[int]) -> Sequence[tuple[Any, ...]]:
        """The rows (tuples, in the order of the queryset's columns) for these ids."""
        if connections[using].vendor not in ONE_PARAMETER_LISTS:
            return [tuple(row) for row in self.queryset(**{k: list(v) for k, v in ids.items()})]
        return self._sql(using, ids).rows(using, ids)

    def dicts(self, using: str = "default", **ids: Iterable[int]) -> list[dict[str, Any]]:
        """The rows as ``values()`` gives them, by column name, for these ids."""
        if connections[using].vendor not in ONE_PARAMETER_LISTS:
            return list(self.queryset(**{k: list(v) for k, v in ids.items()}))
        compiled = self._sql(using, ids)
        return [dict(zip(compiled.names, row, strict=True)) for row in compiled.rows(using, ids)]


class CompiledRecords:
    """Records of ``model`` (its own fields: no related record, no annotation) read by
    ``build(**slots)``, compiled once as ``CompiledQuery`` is, and made from each row as Django
    makes them (``Model.from_db``). ``first`` keeps only the first row of ``build``'s order."""

    def __init__(
        self, model: type[Model], build: Callable[..., QuerySet[Any]], *, first: bool = False
    ) -> None:
        self.model = model
        self.names = [field.attname for field in model._meta.concrete_fields]

        def rows(**ids: Any) -> QuerySet[Any]:
            found = build(**ids).values_list(*self.names)
            return found[:1] if first else found

        self.query = CompiledQuery(rows)

    def records(self, using: str = "default", **ids: Iterable[int]) -> list[Any]:
        return [self.model.from_db(using, self.names, row) for row in self.query.rows(using, **ids)]
