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
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

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


# Reads and writes, once for both lists ----------------------------------------------------


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


def _allowed(actor: User | None, action: str, record: Model | type[Model]) -> None:
    """Who may, judged before anything about the list is said (a name taken, what uses one):
    ``record`` the one acted on, or its model to add one."""
    if actor is not None:
        what = record._meta.verbose_name_plural if isinstance(record, type) else record
        ensure_can(actor, permission_name(record, action), action=f"{action} {what}")


R = TypeVar("R", CostCategory, FundingSource)


@dataclass(frozen=True)
class FinanceList(Generic[R]):
    """One of finance's lists (``CATEGORIES``, ``SOURCES``): its selector and its services, which
    the pages and the API call. ``fields``: those a write may set."""

    model: type[R]
    fields: frozenset[str]

    def select(self, *, user: Any) -> QuerySet[R]:
        """The list (everyone signed in reads it), in its order."""
        return self.model.objects.restrict(user, "view")

    @transaction.atomic
    def create(self, *, actor: User | None, fields: Mapping[str, Any]) -> R:
        """Add one (finance partners and the PMO)."""
        _allowed(actor, "add", self.model)
        fields = self._cleaned(fields, None)
        return record_create(model=self.model, actor=actor, fields=fields)

    @transaction.atomic
    def update(
        self, *, actor: User | None, record: R, fields: Mapping[str, Any], expected_version: int | None
    ) -> R:
        """Change one: rename it, move it in the list, retire it or put it back in use (and what
        else ``fields`` allows); the history entry gives ``change_reason``'s reason."""
        _allowed(actor, "change", record)
        fields = self._cleaned(fields, record.pk)
        return record_update(
            instance=record,
            actor=actor,
            fields=fields,
            expected_version=expected_version,
            reason=self.change_reason(record, fields),
        )

    @transaction.atomic
    def delete(self, *, actor: User | None, record: R, expected_version: int | None) -> None:
        """Delete one nothing uses; one in use is refused, naming what uses it."""
        _allowed(actor, "delete", record)
        uses = uses_of(record)
        if uses:
            what = f"{str(self.model._meta.verbose_name).capitalize()} {record}"
            raise ValidationError(IN_USE.format(record=what, uses=uses_in_words(uses)))
        record_delete(instance=record, actor=actor, expected_version=expected_version)

    def change_reason(self, record: R, fields: Mapping[str, Any]) -> str:
        """What a change's history entry says of it besides its fields (nothing)."""
        return ""

    def _cleaned(self, fields: Mapping[str, Any], pk: int | None) -> dict[str, Any]:
        """``fields`` limited to the list's, the name's spaces tidied, and the name one per list
        whatever its capitals: the spreadsheets and the ledger mapping match names that way, so
        "Staff" and "staff" would be one. ``pk``: the record changed, None for a new one."""
        only_fields(fields, self.fields)
        cleaned = dict(fields)
        if isinstance(cleaned.get("name"), str):
            cleaned["name"] = " ".join(cleaned["name"].split())
        if isinstance(cleaned.get("name"), str) and cleaned["name"]:
            found = self.model.objects.filter(name__iexact=cleaned["name"])
            same = (found.exclude(pk=pk) if pk is not None else found).first()
            if same is not None:
                kind = self.model._meta.verbose_name
                raise ValidationError({"name": NAME_TAKEN.format(kind=kind, name=same.name)})
        return cleaned


class CostCategoryList(FinanceList[CostCategory]):
    """The cost categories: a change of the staff flag says which way the money moved."""

    def change_reason(self, record: CostCategory, fields: Mapping[str, Any]) -> str:
        """Whether the category's money moves between the cost centres' staff and non-staff
        figures (as they are next read), judged against the flag as stored: a form may have set
        the instance's already."""
        if "staff" not in fields:
            return ""
        stored = CostCategory.objects.filter(pk=record.pk).values_list("staff", flat=True).first()
        if stored is None or bool(fields["staff"]) == stored:
            return ""
        return STAFF_NOW if fields["staff"] else STAFF_NO_LONGER


CATEGORIES = CostCategoryList(CostCategory, CATEGORY_FIELDS)
SOURCES: FinanceList[FundingSource] = FinanceList(FundingSource, SOURCE_FIELDS)
