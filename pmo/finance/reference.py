"""Finance's own lists (issue 12 item 1): the cost categories (staff, contractors, software…)
and the funding sources money is counted under. Read by everyone signed in; kept by finance
partners and the PMO (``pmo.finance.rules``), with history.

A category or source that budget lines, ledger lines, forecast lines, cost centre budgets or
cost codes use cannot be deleted (the refusal names what uses it, and how many): it is retired
instead (``active`` off): kept on the lines that have it, no longer offered for new ones (the
forms, the spreadsheets and the API take only those in use).

A category's ``staff`` flag says whether its money counts as the organisation's own staff costs,
which a cost centre's non-staff limit leaves out (ADR 0053). Changing it moves the category's
money between a cost centre's staff and non-staff figures, every year's, as the next page or
work queue reads them: those figures are worked out on reading, never kept, and a project's
cost tolerance judges its whole EAC whatever the categories, so nothing needs judging again
(no ``pmo.core.reactions`` change to tell, ADR 0052). The change's history entry says so."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet

from pmo.core.models import User
from pmo.core.permissions import ensure_can, permission_name
from pmo.core.services import only_fields, record_create, record_delete, record_update
from pmo.finance.models import (
    ActualLine,
    BudgetLine,
    CostCategory,
    CostCentreBudgetLine,
    CostCentreForecastLine,
    CostCode,
    ForecastLine,
    FundingSource,
)

CATEGORY_FIELDS = frozenset({"name", "position", "staff", "active"})
SOURCE_FIELDS = frozenset({"name", "active"})

NAME_TAKEN = "There is already a {kind} “{name}” (names are matched whatever their capitals)."
IN_USE = (
    "{record} cannot be deleted: {uses} use it. Retire it instead (untick “In use”): it stays on "
    "those lines and codes, and is no longer offered for new ones."
)
STAFF_NOW = "Now counted as staff costs: its spend leaves the cost centres' non-staff figures."
STAFF_NO_LONGER = "No longer counted as staff costs: its spend joins the cost centres' non-staff figures."

# What may use a category or a funding source, and its name in the refusal (plural, singular).
USERS: tuple[tuple[type[Model], str, str], ...] = (
    (CostCode, "cost codes", "cost code"),
    (BudgetLine, "project budget lines", "project budget line"),
    (ActualLine, "ledger lines", "ledger line"),
    (ForecastLine, "forecast lines", "forecast line"),
    (CostCentreBudgetLine, "cost centre budget lines", "cost centre budget line"),
    (CostCentreForecastLine, "cost centre forecast lines", "cost centre forecast line"),
)


# Reads -------------------------------------------------------------------------------------


def cost_category_list(*, user: Any) -> QuerySet[CostCategory]:
    """The cost categories (everyone signed in reads them), in their order."""
    return CostCategory.objects.restrict(user, "view")


def funding_source_list(*, user: Any) -> QuerySet[FundingSource]:
    """The funding sources (everyone signed in reads them), by name."""
    return FundingSource.objects.restrict(user, "view")


def uses_of(record: CostCategory | FundingSource) -> list[tuple[str, int]]:
    """What uses ``record``: (what, how many) for each kind of record that does (a query each)."""
    field = "category" if isinstance(record, CostCategory) else "funding_source"
    found = []
    for model, plural, singular in USERS:
        count = model._default_manager.filter(**{field: record.pk}).count()
        if count:
            found.append((plural if count != 1 else singular, count))
    return found


def uses_in_words(uses: list[tuple[str, int]]) -> str:
    """ "3 cost codes, 1 ledger line and 12 forecast lines"."""
    parts = [f"{count:,} {what}" for what, count in uses]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


# Writes ------------------------------------------------------------------------------------


def _named(fields: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(fields)
    if isinstance(cleaned.get("name"), str):
        cleaned["name"] = " ".join(cleaned["name"].split())
    return cleaned


def _check_name(model: type[CostCategory] | type[FundingSource], name: Any, pk: int | None) -> None:
    """One name per list, whatever its capitals: the spreadsheets and the ledger mapping match
    names that way, so "Staff" and "staff" would be one."""
    if not isinstance(name, str) or not name:
        return
    found = model.objects.filter(name__iexact=name)
    same = (found.exclude(pk=pk) if pk is not None else found).first()
    if same is not None:
        raise ValidationError({"name": NAME_TAKEN.format(kind=model._meta.verbose_name, name=same.name)})


def _allowed(actor: User | None, action: str, record: Model | type[Model]) -> None:
    """Who may, judged before anything about the list is said (a name taken, what uses one):
    ``record`` the one acted on, or its model to add one."""
    if actor is not None:
        what = record._meta.verbose_name_plural if isinstance(record, type) else record
        ensure_can(actor, permission_name(record, action), action=f"{action} {what}")


def _refuse_in_use(record: CostCategory | FundingSource) -> None:
    uses = uses_of(record)
    if uses:
        what = f"{str(record._meta.verbose_name).capitalize()} {record}"
        raise ValidationError(IN_USE.format(record=what, uses=uses_in_words(uses)))


@transaction.atomic
def cost_category_create(*, actor: User | None, fields: Mapping[str, Any]) -> CostCategory:
    """Add a cost category (finance partners and the PMO)."""
    _allowed(actor, "add", CostCategory)
    only_fields(fields, CATEGORY_FIELDS)
    fields = _named(fields)
    _check_name(CostCategory, fields.get("name"), None)
    return record_create(model=CostCategory, actor=actor, fields=fields)


@transaction.atomic
def cost_category_update(
    *, actor: User | None, category: CostCategory, fields: Mapping[str, Any], expected_version: int | None
) -> CostCategory:
    """Change a cost category: rename it, move it in the lists, retire it or put it back in use,
    or say whether it is staff costs (its money moves between the cost centres' staff and
    non-staff figures as they are next read; the history entry says so)."""
    _allowed(actor, "change", category)
    only_fields(fields, CATEGORY_FIELDS)
    fields = _named(fields)
    _check_name(CostCategory, fields.get("name"), category.pk)
    reason = ""
    if "staff" in fields:  # as stored: a form may have set the instance's already
        stored = CostCategory.objects.filter(pk=category.pk).values_list("staff", flat=True).first()
        if stored is not None and bool(fields["staff"]) != stored:
            reason = STAFF_NOW if fields["staff"] else STAFF_NO_LONGER
    return record_update(
        instance=category, actor=actor, fields=fields, expected_version=expected_version, reason=reason
    )


@transaction.atomic
def cost_category_delete(*, actor: User | None, category: CostCategory, expected_version: int | None) -> None:
    """Delete a cost category nothing uses; one in use is refused, naming what uses it."""
    _allowed(actor, "delete", category)
    _refuse_in_use(category)
    record_delete(instance=category, actor=actor, expected_version=expected_version)


@transaction.atomic
def funding_source_create(*, actor: User | None, fields: Mapping[str, Any]) -> FundingSource:
    """Add a funding source (finance partners and the PMO)."""
    _allowed(actor, "add", FundingSource)
    only_fields(fields, SOURCE_FIELDS)
    fields = _named(fields)
    _check_name(FundingSource, fields.get("name"), None)
    return record_create(model=FundingSource, actor=actor, fields=fields)


@transaction.atomic
def funding_source_update(
    *, actor: User | None, source: FundingSource, fields: Mapping[str, Any], expected_version: int | None
) -> FundingSource:
    """Rename a funding source, retire it or put it back in use."""
    _allowed(actor, "change", source)
    only_fields(fields, SOURCE_FIELDS)
    fields = _named(fields)
    _check_name(FundingSource, fields.get("name"), source.pk)
    return record_update(instance=source, actor=actor, fields=fields, expected_version=expected_version)


@transaction.atomic
def funding_source_delete(*, actor: User | None, source: FundingSource, expected_version: int | None) -> None:
    """Delete a funding source nothing uses; one in use is refused, naming what uses it."""
    _allowed(actor, "delete", source)
    _refuse_in_use(source)
    record_delete(instance=source, actor=actor, expected_version=expected_version)
