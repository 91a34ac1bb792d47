"""A record's constraints validated as ``Model.validate_constraints`` validates them, with the
check constraints whose condition is simple (comparisons of a field with a number, a date or
another field, ``isnull``, ``range``, joined by AND, OR and NOT) judged in Python rather than by
asking the database.

Django judges a check constraint with a query (``Q.check``: ``SELECT 1 WHERE condition``, inside
a savepoint of its own when in a transaction, as every service's write is): three queries and a
compiled query per check constraint per write, for a sum any reader of the condition can do. The
verdict is the database's: an unknown (a NULL compared) passes, as ``CHECK`` lets it. A condition
or a value this module does not judge (text, an expression, a lookup not listed) is left to
Django's own check, so the verdict never depends on which judged it."""

import datetime as dt
import operator
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, router


class _NotJudged(Exception):
    """A condition (or value) left to the database."""


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def _kind(value: Any) -> type:
    """The kind of a value compared: numbers with numbers, dates with dates, moments with
    moments (anything else is left to the database)."""
    if isinstance(value, bool):
        raise _NotJudged
    if isinstance(value, int | Decimal | float):
        return Decimal
    if isinstance(value, dt.datetime):
        return dt.datetime
    if isinstance(value, dt.date):
        return dt.date
    raise _NotJudged


def _operand(value: Any, values: dict[str, Any], field: models.Field[Any, Any]) -> Any:
    """A lookup's right-hand side: another field's value, or a constant prepared as the
    compared ``field``'s value (as Django prepares it)."""
    if isinstance(value, models.F):
        if value.name not in values:
            raise _NotJudged
        return values[value.name]
    return _prepared(field, value)


def _compare(compare: Callable[[Any, Any], bool], left: Any, right: Any) -> bool | None:
    if left is None or right is None:
        return None  # SQL's unknown
    if _kind(left) is not _kind(right):
        raise _NotJudged
    if isinstance(left, dt.datetime) and (left.tzinfo is None) != (right.tzinfo is None):
        raise _NotJudged
    return compare(left, right)


def _lookup(key: str, rhs: Any, values: dict[str, Any], opts: Any) -> bool | None:
    name, _, lookup = key.partition("__")
    lookup = lookup or "exact"
    if name not in values or "__" in lookup:
        raise _NotJudged
    left, field = values[name], opts.pk if name == "pk" else opts.get_field(name)
    if lookup == "isnull":
        if not isinstance(rhs, bool):
            raise _NotJudged
        return (left is None) is rhs
    if lookup == "range":
        low, high = (_operand(each, values, field) for each in rhs)
        above, below = _compare(operator.ge, left, low), _compare(operator.le, left, high)
        return _all([above, below])
    if lookup not in _COMPARISONS:
        raise _NotJudged
    if lookup == "exact" and rhs is None:
        raise _NotJudged  # ``exact=None`` is Django's ``isnull``
    right = _operand(rhs, values, field)
    return _compare(_COMPARISONS[lookup], left, right)


def _all(results: Iterable[bool | None]) -> bool | None:
    found = list(results)
    if False in found:
        return False
    return None if None in found else True


def _any(results: Iterable[bool | None]) -> bool | None:
    found = list(results)
    if True in found:
        return True
    return None if None in found else False


def _judge(condition: models.Q, values: dict[str, Any], opts: Any) -> bool | None:
    """``condition`` on ``values`` as SQL judges it: True, False or None (unknown)."""
    results = []
    for child in condition.children:
        if isinstance(child, models.Q):
            results.append(_judge(child, values, opts))
        elif isinstance(child, tuple) and len(child) == 2 and isinstance(child[0], str):
            results.append(_lookup(child[0], child[1], values, opts))
        else:
            raise _NotJudged
    if condition.connector == models.Q.AND:
        result = _all(results)
    elif condition.connector == models.Q.OR:
        result = _any(results)
    else:
        raise _NotJudged
    if condition.negated and result is not None:
        result = not result
    return result


def _referenced(condition: models.Q) -> set[str]:
    names: set[str] = set()
    for child in condition.children:
        if isinstance(child, models.Q):
            names |= _referenced(child)
        elif isinstance(child, tuple) and len(child) == 2 and isinstance(child[0], str):
            names.add(child[0].split("__", 1)[0])
            rhs = child[1] if isinstance(child[1], list | tuple) else [child[1]]
            names |= {each.name for each in rhs if isinstance(each, models.F)}
        else:
            raise _NotJudged
    return names


def _prepared(field: models.Field[Any, Any], value: Any) -> Any:
    """``value`` as the database compares it: prepared as ``field``'s (an integer field's
    decimal is its whole number, a day field's moment its day)."""
    if hasattr(value, "resolve_expression"):
        raise _NotJudged
    try:
        return field.get_prep_value(value)
    except (TypeError, ValueError, ValidationError) as error:
        raise _NotJudged from error


def _values(record: models.Model, opts: Any, exclude: set[str]) -> dict[str, Any]:
    """The record's values by field name, as ``Model._get_field_expression_map`` maps them, as
    the database compares them."""
    values: dict[str, Any] = {}
    for field in opts.local_concrete_fields:
        if field.name in exclude:
            continue
        if field.generated:
            raise _NotJudged
        values[field.name] = _prepared(field, getattr(record, field.attname))
    if "pk" not in exclude:
        values["pk"] = _prepared(opts.pk, record.pk)
    return values


def _check_holds(
    constraint: models.CheckConstraint, model: type[models.Model], record: models.Model, exclude: set[str]
) -> bool | None:
    """Whether ``record`` meets ``constraint`` (None when it is not judged: a field it reads is
    excluded, as Django skips it then)."""
    condition = models.Q(constraint.condition)
    values = _values(record, model._meta, exclude)
    if not _referenced(condition) <= set(values):
        return None  # Django's check finds a field missing and skips the constraint
    return _judge(condition, values, model._meta) is not False


def validate_constraints(record: models.Model, exclude: set[str]) -> None:
    """``record.validate_constraints(exclude=exclude)``, the simple check constraints judged in
    Python (see the module): the same errors, in the same order."""
    using = router.db_for_write(type(record), instance=record)
    errors: dict[str, Any] = {}
    for model, constraints in record.get_constraints():
        for constraint in constraints:
            try:
                holds: bool | None = None
                if isinstance(constraint, models.CheckConstraint):
                    try:
                        holds = _check_holds(constraint, model, record, exclude)
                        if holds is None:
                            continue
                    except _NotJudged:
                        holds = None
                if holds is None:
                    constraint.validate(model, record, exclude=exclude, using=using)  # type: ignore[attr-defined]
                elif not holds:
                    raise ValidationError(
                        constraint.get_violation_error_message(), code=constraint.violation_error_code
                    )
            except ValidationError as error:
                if getattr(error, "code", None) == "unique" and len(getattr(constraint, "fields", ())) == 1:
                    errors.setdefault(constraint.fields[0], []).append(error)  # type: ignore[attr-defined]
                else:
                    errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
