"""Who may see (or act on) which records, declared once per model as a queryset filter.

Each app's ``rules.py`` declares, for a model and an action, one function building a ``Q`` for
a user (ADR 0023)::

    @restricts(Project)
    def project_restriction(user, action):
        if is_pmo(user):
            return EVERYTHING
        return any_of(Q(confidential=False), Q(sponsor_id=person_id_of(user)))

Everything else is derived from that function, so it can never disagree with itself:

- the list: ``Project.objects.restrict(user, "view")`` (every domain model's manager has it);
- the object check: the ``rules`` permission ``portfolio.view_project`` is registered by the
  declaration; ``user.has_perm("portfolio.view_project", project)`` evaluates the same ``Q`` on
  the record in memory (``matches``), so it costs no query beyond reading relations that the
  selector has usually loaded already;
- the model-level check (``user.has_perm("portfolio.view_project")``): whether the user may see
  any such record at all (the filter is not ``NOTHING``).

A user who is not signed in, or whose login is deactivated, gets ``NOTHING`` whatever the model.

Filters are written with what ``matches`` can evaluate: ``AND``/``OR`` of lookups ``exact``,
``in`` (a list) and ``isnull`` along forward relations (``project__confidential``), no
negation, subqueries or expressions; ``matches`` refuses anything else rather than guess. Build
them with ``any_of``/``all_of`` (an empty ``Q`` means everything there, as it does in a filter;
Django's own ``|`` drops it) and ``through`` (a related record's rule seen from this model).
"""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

import rules
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import Q

ModelT = TypeVar("ModelT", bound=models.Model)
Restriction = Callable[[Any, str], Q]

EVERYTHING = Q()
NOTHING = Q(pk__in=[])

NOT_DECLARED = (
    "No restriction is declared for {action} on {model} (declare one with @restricts in a rules.py)."
)
DECLARED_TWICE = "The restriction for {action} on {model} is declared twice ({first} and {second})."
NOT_EVALUABLE = "The restriction {q!r} cannot be evaluated on a record: {why}."
WRONG_RECORD = "{perm} is about {model} records, not {record!r}."

_LOOKUPS = {"exact", "in", "isnull"}
_declared: dict[tuple[type[models.Model], str], Restriction] = {}


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "is_active", False))


def _is_everything(q: Q) -> bool:
    return not q.children and not q.negated


def any_of(*filters: Q) -> Q:
    """Records matching any of ``filters`` (``EVERYTHING`` if one of them is; ``NOTHING`` if
    none is given)."""
    if any(_is_everything(q) for q in filters):
        return EVERYTHING
    kept = [q for q in filters if q != NOTHING]
    if not kept:
        return NOTHING
    result = kept[0]
    for q in kept[1:]:
        result = result | q
    return result


def all_of(*filters: Q) -> Q:
    """Records matching every one of ``filters``."""
    kept = [q for q in filters if not _is_everything(q)]
    if any(q == NOTHING for q in kept):
        return NOTHING
    result = EVERYTHING
    for q in kept:
        result = result & q
    return result


def through(relation: str, q: Q) -> Q:
    """``q``, a filter on a related model, seen from a model that reaches it by ``relation``
    (``through("project", Q(confidential=False))`` is ``Q(project__confidential=False)``)."""
    if _is_everything(q):
        return EVERYTHING
    moved = Q(_connector=q.connector, _negated=q.negated)
    for child in q.children:
        if isinstance(child, Q):
            moved.children.append(through(relation, child))
        else:
            key, value = cast(tuple[str, Any], child)
            moved.children.append((f"{relation}__{key}", value))
    return moved


def none_or_through(relation: str, q: Q) -> Q:
    """Records with no ``relation`` (an organisation's or a register's own, above any project),
    or whose ``relation`` matches ``q``: ``none_or_through("project", restriction(Project, user))``
    is what a user sees of records that may belong to a project."""
    return any_of(Q(**{f"{relation}__isnull": True}), through(relation, q))


def restricts(
    *models_: type[models.Model], actions: Iterable[str] = ("view",)
) -> Callable[[Restriction], Restriction]:
    """Declare the decorated ``function(user, action) -> Q`` as who may ``actions`` which
    records of ``models_``, and register the matching ``rules`` permissions
    (``<app>.<action>_<model>``), derived from it."""

    def declare(function: Restriction) -> Restriction:
        for model in models_:
            for action in actions:
                first = _declared.get((model, action))
                if first is not None:
                    raise ImproperlyConfigured(
                        DECLARED_TWICE.format(
                            action=action,
                            model=model.__name__,
                            first=first.__qualname__,
                            second=function.__qualname__,
                        )
                    )
                _declared[(model, action)] = function
                rules.add_perm(_permission(model, action), _predicate(model, action))
        return function

    return declare


def _permission(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def restriction(model: type[models.Model], user: Any, action: str = "view") -> Q:
    """The filter of the ``model`` records ``user`` may ``action``."""
    function = _declared.get((model, action))
    if function is None:
        raise ImproperlyConfigured(NOT_DECLARED.format(action=action, model=model.__name__))
    if not _signed_in(user):
        return NOTHING
    return function(user, action)


def is_restricted(model: type[models.Model], action: str = "view") -> bool:
    """Whether a restriction is declared for ``action`` on ``model``."""
    return (model, action) in _declared


def allows(user: Any, action: str, record: models.Model) -> bool:
    """Whether ``user`` may ``action`` ``record``: its model's restriction, evaluated on it."""
    return matches(record, restriction(type(record), user, action))


def _predicate(model: type[models.Model], action: str) -> rules.Predicate:
    perm = _permission(model, action)

    def allowed(user: Any, record: Any = None) -> bool:
        if record is None:
            return restriction(model, user, action) != NOTHING
        if not isinstance(record, model):
            raise TypeError(WRONG_RECORD.format(perm=perm, model=model.__name__, record=record))
        return matches(record, restriction(model, user, action))

    return rules.predicate(allowed, name=f"restricted:{perm}")


class RestrictedQuerySet(models.QuerySet[ModelT]):
    """A queryset that can keep to the records a user may see (or act on), like NetBox's."""

    def restrict(self, user: Any, action: str = "view") -> "RestrictedQuerySet[ModelT]":
        return self.filter(restriction(self.model, user, action))


# Evaluating a restriction on one record ---------------------------------------------------------


def matches(record: models.Model, q: Q) -> bool:
    """Whether ``record`` is among those ``q`` selects, answered from the record (and its
    related records) in memory, as the database would answer it."""
    if q.negated:
        raise TypeError(NOT_EVALUABLE.format(q=q, why="negation (~Q) is not supported"))
    answers = (
        matches(record, child)
        if isinstance(child, Q)
        else _lookup(record, *cast(tuple[str, Any], child), q=q)
        for child in q.children
    )
    return any(answers) if q.connector == Q.OR else all(answers)


def _lookup(record: models.Model, key: str, value: Any, *, q: Q) -> bool:
    parts = key.split("__")
    lookup = parts.pop() if len(parts) > 1 and parts[-1] in _LOOKUPS else "exact"
    if lookup == "exact" and value is None:
        lookup, value = "isnull", True
    current: Any = record
    for name in parts[:-1]:
        field = _field(type(current), name, q)
        if not field.is_relation:
            raise TypeError(NOT_EVALUABLE.format(q=q, why=f"the lookup {key} is not supported"))
        if field.many_to_many or field.one_to_many:
            raise TypeError(NOT_EVALUABLE.format(q=q, why=f"{name} is a many-valued relation"))
        current = getattr(current, name)
        if current is None:  # a LEFT JOIN with no row: every column is NULL
            return lookup == "isnull" and bool(value)
    found = _value(current, parts[-1], q)
    if lookup == "isnull":
        return (found is None) == bool(value)
    if found is None:
        return False
    if lookup == "in":
        if not isinstance(value, list | tuple | set | frozenset):
            raise TypeError(NOT_EVALUABLE.format(q=q, why=f"{key} needs a list, not a query"))
        return found in {_plain(v) for v in value}
    return bool(found == _plain(value))


def _field(model: type[models.Model], name: str, q: Q) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        raise TypeError(NOT_EVALUABLE.format(q=q, why=f"{model.__name__} has no field {name}")) from None


def _value(record: models.Model, name: str, q: Q) -> Any:
    if name == "pk":
        return record.pk
    field = _field(type(record), name, q)
    if getattr(field, "many_to_many", False) or getattr(field, "one_to_many", False):
        raise TypeError(NOT_EVALUABLE.format(q=q, why=f"{name} is a many-valued relation"))
    return getattr(record, field.attname)


def _plain(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value
