"""Figures worked out once for the whole portfolio and kept until what they read changes (ADR 0032,
"The portfolio's signals, kept"; ADR 0036 for the dashboard).

A reading that costs a second at 5,000 projects (every project's evidence, every project's
early-warning signals) is kept in the cache under a **stamp** of the tables it reads, taken in one
query: a row added, changed or removed in any of them gives a new stamp, so a new key, and nothing
stale is ever shown. Each table is stamped by its kind:

- ``DOMAIN``: a domain record (``pmo.core.models.DomainModel``): counted, its highest id, its
  versions summed and its latest change;
- ``ROWS``: rows rewritten with their record (new ids when changed): counted and its highest id;
- ``CHECKS``: tolerance verdicts re-evaluated in bulk without a version: counted, highest id, the
  latest assessment and the allowances summed, weighed by id.
"""

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import Model
from django.utils import timezone

DOMAIN, ROWS, CHECKS = "domain", "rows", "checks"
KEPT_SECONDS = 26 * 60 * 60  # a day's key, kept a little over the day

Stamped = Iterable[tuple[type[Model], str]]
T = TypeVar("T")


def _stamp_sql(stamped: Stamped) -> str:
    quote = connection.ops.quote_name
    parts = []
    for model, kind in stamped:
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        columns = ["COUNT(*)", f"MAX({pk})"]
        if kind == DOMAIN:
            columns += [f"SUM({quote('version')})", f"MAX({quote('updated_at')})"]
        elif kind == CHECKS:
            columns += [f"MAX({quote('assessed_at')})", f"SUM({quote('allowance')} * {pk})"]
        # Quoted table and column names from the models, no input: nothing to inject.
        parts += [f"(SELECT {column} FROM {table})" for column in columns]  # noqa: S608
    return "SELECT " + ", ".join(parts)


def data_stamp(stamped: Stamped) -> str:
    """A stamp of the tables ``stamped`` names, in one query: any row of them added, changed or
    removed changes it."""
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql(stamped))
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()


def kept(name: str, stamped: Stamped, compute: Callable[[], T], *key: Any) -> T:
    """``compute()``, kept under ``name``, the ``key`` parts (the day, the filters…), the time
    zone and the stamp of ``stamped``: worked out again only once what it reads has changed."""
    parts = repr((*key, timezone.get_current_timezone_name(), data_stamp(stamped)))
    full = f"pmo:{name}:{hashlib.sha256(parts.encode()).hexdigest()}"  # safe in any cache
    found = cache.get(full)
    if found is None:
        found = compute()
        cache.set(full, found, KEPT_SECONDS)
    return found
