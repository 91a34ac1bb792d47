"""Pages of finance's own lists (issue 12 item 1): the cost categories and the funding sources.
Each has a list (searched, sorted, exported), a page, a form to add or change one, its history,
a button to retire it or put it back in use, and a delete page that refuses one in use, naming
what uses it. Everyone signed in reads them; finance partners and the PMO keep them. Built on
the core generic views; reads through ``pmo.finance.reference``'s selectors, writes through its
services."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import URLPattern, path, reverse

from pmo.core.generic import (
    ObjectActionView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ObjectView,
    table_context,
)
from pmo.finance import reference
from pmo.finance.models import CostCategory, FundingSource
from pmo.portfolio.forms import VersionedModelForm
from pmo.portfolio.register import Column, attr

NOT_FOUND = "There is no {kind} {key}, or you may not see it."
SAVED = "{what} {record} saved."
RETIRED = "{what} {record} retired: kept on the lines that have it, no longer offered for new ones."
RESTORED = "{what} {record} is in use again."
DELETED = "{what} {record} deleted."
STAFF_HELP = (
    "The pay of the organisation's own staff: a cost centre's non-staff limit leaves it out. "
    "Changing it moves this category's spend between every cost centre's staff and non-staff "
    "figures, past years' too."
)


class ReferenceForm(VersionedModelForm):
    """One of finance's lists' records as its form shows it: the version is asked for only of one
    already saved."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["version"].required = False


class CostCategoryForm(ReferenceForm):
    """A cost category's name, place in the lists, whether it is staff costs and in use."""

    class Meta:
        model = CostCategory
        fields = ("name", "position", "staff", "active")
        labels = {"active": "In use"}
        help_texts = {"staff": STAFF_HELP}


class FundingSourceForm(ReferenceForm):
    """A funding source's name and whether it is in use."""

    class Meta:
        model = FundingSource
        fields = ("name", "active")
        labels = {"active": "In use"}


@dataclass(frozen=True)
class ListKind:
    """One of finance's lists and how its pages show and keep it."""

    records: reference.FinanceList[Any]  # the list's model, selector and services
    what: str  # as messages name one: "Cost category"
    about: str  # what the list is, under its heading
    form: type[VersionedModelForm]
    columns: tuple[Column, ...]

    @property
    def model(self) -> type[Model]:
        return self.records.model

    @property
    def name(self) -> str:
        """The model's name in URLs and templates: costcategory."""
        return str(self.model._meta.model_name)

    @property
    def plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def url(self, action: str, record: Any = None) -> str:
        return reverse(f"finance:{self.name}_{action}", args=[record.pk] if record is not None else [])

    def urls(self, record: Any) -> dict[str, str]:
        return {
            action: self.url(action, record) for action in ("detail", "update", "history", "delete", "retire")
        }


CATEGORIES = ListKind(
    records=reference.CATEGORIES,
    what="Cost category",
    about="What money is spent on. Budgets, forecasts, ledger lines and cost codes count under one; "
    "a cost centre's non-staff limit leaves out the staff categories.",
    form=CostCategoryForm,
    columns=(
        Column("name", "Name", attr("name"), "name", "link"),
        Column("position", "Order", attr("position"), "position", "number"),
        Column("staff", "Staff costs", attr("staff"), "staff", "flag"),
        Column("active", "In use", attr("active"), "active", "flag"),
    ),
)
SOURCES = ListKind(
    records=reference.SOURCES,
    what="Funding source",
    about="Where money comes from (a capital programme, a revenue budget, a grant): budgets, "
    "forecasts, ledger lines and cost codes may name one.",
    form=FundingSourceForm,
    columns=(
        Column("name", "Name", attr("name"), "name", "link"),
        Column("active", "In use", attr("active"), "active", "flag"),
    ),
)


class ListPage:
    """What the pages of one list share: the ``ListKind`` (``as_view(kind=…)``) says which
    model, selector, form and services the core view works with."""

    kind: ListKind = None  # type: ignore[assignment]
    key = "pk"
    not_found = NOT_FOUND
    view_name = ""  # detail, form, history, delete

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)  # type: ignore[misc]
        self.model = self.kind.model

    def get_queryset(self) -> QuerySet[Any]:
        return self.kind.records.select(user=self.request.user)  # type: ignore[attr-defined]

    def kind_label(self) -> str:
        return str(self.kind.model._meta.verbose_name)

    def get_template_names(self) -> list[str]:
        return [f"finance/{self.kind.name}_{self.view_name}.html", f"finance/reference_{self.view_name}.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        return {
            **context,
            "kind": self.kind,
            "list_url": self.kind.url("list"),
            "create_url": self.kind.url("create"),
        }

    def object_context(self, record: Any) -> dict[str, Any]:
        return {**super().object_context(record), "urls": self.kind.urls(record)}  # type: ignore[misc]


class ReferenceListView(ListPage, ObjectListView):
    """A list: searched by name, sorted by its columns, exported; its add button for those who
    may add one."""

    view_name = "list"
    search = ("name",)

    def columns(self) -> Sequence[Column]:
        return self.kind.columns

    @property
    def heading(self) -> str:  # type: ignore[override]
        return self.kind.plural.capitalize()

    def list_context(self, shown: Any, columns: Any, sort: str) -> dict[str, Any]:
        return {
            **table_context(shown, columns, sort, self.kind.urls),
            "can_add": self.request.user.has_perm(f"finance.add_{self.kind.name}"),
            "can_change": self.request.user.has_perm(f"finance.change_{self.kind.name}"),
        }


class ReferenceView(ListPage, ObjectView):
    """One category's or source's page: its fields, what uses it, and the buttons to change,
    retire or delete it for those who may."""

    view_name = "detail"

    def object_context(self, record: Any) -> dict[str, Any]:
        return {
            **super().object_context(record),
            "uses": reference.uses_of(record),
            "can_change": self.may("change", record),
            "can_delete": self.may("delete", record),
        }


class ReferenceEditView(ListPage, ObjectEditView):
    """Add one, or change one (finance partners and the PMO)."""

    view_name = "form"

    def get_form(self, record: Any, data: Any = None) -> Any:
        return self.kind.form(data, instance=record)

    def save(self, form: Any, record: Any) -> Any:
        user = self.request.user
        if record is None:
            return self.kind.records.create(actor=user, fields=form.values())
        return self.kind.records.update(
            actor=user, record=record, fields=form.values(), expected_version=form.cleaned_data["version"]
        )

    def success_message(self, saved: Any) -> str:
        return SAVED.format(what=self.kind.what, record=saved)

    def success_url(self, saved: Any) -> str:
        return self.kind.url("detail", saved)

    def form_context(self, form: Any, record: Any, outcome: Any) -> dict[str, Any]:
        kind = self.kind
        return {
            **super().form_context(form, record, outcome),
            "heading": f"Edit {kind.what.lower()} {record}" if record else f"Add a {kind.what.lower()}",
            "cancel_url": kind.url("detail", record) if record else kind.url("list"),
        }


class ReferenceHistoryView(ListPage, ObjectHistoryView):
    """Every change to one: who, when, each field before and after."""

    view_name = "history"


class ReferenceDeleteView(ListPage, ObjectDeleteView):
    """Ask before deleting one; one in use is refused, naming what uses it, with the button to
    retire it instead."""

    view_name = "delete"

    def object_context(self, record: Any) -> dict[str, Any]:
        uses = reference.uses_of(record)
        return {
            **super().object_context(record),
            "uses": reference.uses_in_words(uses) if uses else "",
            "can_change": self.may("change", record),
        }

    def delete(self, record: Any, version: int) -> None:
        self.kind.records.delete(actor=self.request.user, record=record, expected_version=version)

    def success_message(self, record: Any) -> str:
        return DELETED.format(what=self.kind.what, record=record)

    def success_url(self, record: Any) -> str:
        return self.kind.url("list")


class ReferenceRetireView(ListPage, ObjectActionView):
    """The button that retires one in use, or puts a retired one back in use (POST, with the
    version its page showed)."""

    def act(self, record: Any, version: int | None) -> Any:
        return self.kind.records.update(
            actor=self.request.user,
            record=record,
            fields={"active": not record.active},
            expected_version=version,
        )

    def success_message(self, record: Any) -> str:
        return (RESTORED if record.active else RETIRED).format(what=self.kind.what, record=record)

    def success_url(self, record: Any) -> str:
        return self.kind.url("detail", record)


def list_paths(prefix: str, kind: ListKind) -> list[URLPattern]:
    """``kind``'s pages under ``prefix``, named ``finance:<model>_<action>``."""
    where = {
        "list": ("", ReferenceListView),
        "create": ("new/", ReferenceEditView),
        "detail": ("<int:pk>/", ReferenceView),
        "update": ("<int:pk>/edit/", ReferenceEditView),
        "history": ("<int:pk>/history/", ReferenceHistoryView),
        "delete": ("<int:pk>/delete/", ReferenceDeleteView),
        "retire": ("<int:pk>/retire/", ReferenceRetireView),
    }
    return [
        path(f"{prefix}/{tail}", view.as_view(kind=kind), name=f"{kind.name}_{action}")
        for action, (tail, view) in where.items()
    ]
