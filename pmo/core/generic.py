"""The pages every app builds from, written once (NetBox's ``netbox/views/generic/``).

- ``ObjectListView``: the records the user may see, searched, sorted by its columns, a page at a
  time, and exported to Excel or CSV as shown;
- ``ObjectView``: one record's page; ``ObjectHistoryView``: its history;
- ``ObjectEditView``: a form that calls a service to create or change a record;
  ``WorkflowStepView``: one that takes a step of its workflow, where the workflow's table allows;
- ``ObjectDeleteView``: ask, then delete through a service;
- ``ObjectActionView``: a button taking one step of a record's workflow through a service;
- ``SettingsView``: a versioned settings row that everyone reads and the PMO head changes.

Each takes the model and derives the permission from it (``<app>.<action>_<model>``, through
``rules``: ``pmo.core.restrict`` for ``view``), reads through the app's selector (by default
``Model.objects.restrict(user, "view")``) and writes through the app's service. ``call_service``
is the one place a service's refusal is turned into what the page shows: a ``ValidationError``
beside the fields it names (at the top otherwise), a ``ConflictError`` (someone saved the record
since the form was read) as the conflict message on the form, with nothing saved. The version a
form was read at is read in one place too (``expected_version``, ``posted_version``).

A refusal (``PermissionDenied``) shows the 403 page with its reason. ``page`` gives function
pages (the truly own ones: heat maps, dashboards…) the same sign-in and refusal handling.

The hooks a page must write (the service it calls: ``save``, ``delete``, ``act``…) are abstract
methods: a view class leaving one unwritten is refused when its view is made (``as_view``, as
the URLs are read at start-up), not on the first request that needs it."""

import copy
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, Protocol

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Model, Q, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.views.generic import TemplateView
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from pmo.core import clock
from pmo.core.cells import Addresses, row_html
from pmo.core.exports import csv_response, xlsx_response
from pmo.core.forms import add_service_errors
from pmo.core.history import history_entries
from pmo.core.permissions import ensure_can, permission_name
from pmo.core.services import ConflictError
from pmo.core.workflow import Workflow, refused_page

PAGE_SIZE = 50
EXPORT_FORMATS = ("xlsx", "csv")
EXPORT_REFUSED = "Nothing was exported: a filter cannot be used. Correct it, or clear it, and export again."

NOT_FOUND = "There is no {kind} “{key}”, or you may not see it."
SAVED = "{record} saved."
DELETED = "{record} deleted."
VERSION_NOT_GIVEN = "The form did not say which version you are deleting: reload the page and try again."


# Plumbing for every page ---------------------------------------------------------------------------


def denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    """The 403 page saying why (an HTMX request reloads the page, which then shows it)."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRefresh()
    return render(request, "403.html", {"exception": str(error)}, status=403)


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A function page for signed-in people; an action they may not take shows the 403 page
    with why."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            return denied(request, error)

    return wrapper


def found_or_404(queryset: Any, kind: str, key: Any, *, message: str = NOT_FOUND, **lookup: Any) -> Any:
    """The one record ``lookup`` finds in ``queryset`` (what the user may see), else a 404."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError) as error:
        raise Http404(message.format(kind=kind, key=key)) from error


def finish(request: HttpRequest, message: str, url: str) -> HttpResponse:
    """Done: say so and go to ``url`` (an HTMX form is sent there by its response header)."""
    messages.success(request, message)
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def posted_version(request: HttpRequest) -> int | None:
    """The version a page without a form class posted back (a button), or None."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def expected_version(form: BaseForm) -> int | None:
    """The version of the record the form was read at (its hidden ``version`` field)."""
    return form.cleaned_data.get("version")


@dataclass(frozen=True)
class Outcome:
    """What a service call came to: ``done`` with its ``result``, or a ``conflict`` (a stale
    version: who changed the record meanwhile), or a ``problem`` (its ValidationError in words,
    when there was no form to show it on)."""

    done: bool
    result: Any = None
    conflict: str = ""
    problem: str = ""


def call_service(write: Callable[[], Any], form: BaseForm | None = None) -> Outcome:
    """Call ``write`` (a service). Its ValidationError is shown on ``form`` beside the fields it
    names (at the top otherwise), or, with no form, kept as the outcome's ``problem``; its
    ConflictError is kept as the ``conflict``. Nothing is saved unless it is ``done``."""
    try:
        result = write()
    except ConflictError as error:
        return Outcome(False, conflict=error.message)
    except ValidationError as error:
        if form is None:
            return Outcome(False, problem=" ".join(error.messages))
        add_service_errors(form, error)
        return Outcome(False)
    return Outcome(True, result)


def form_status(request: HttpRequest, form: BaseForm | None, outcome: Outcome | None = None) -> int:
    """200 for a form shown to fill in; 409 after a conflict; 400 after refused input. An HTMX
    request always gets 200: htmx swaps the form in only from a successful response."""
    if getattr(request, "htmx", False):
        return 200
    if outcome is not None and outcome.conflict:
        return 409
    return 400 if form is not None and form.is_bound and form.errors else 200


# Generic pages ---------------------------------------------------------------------------------------


class ObjectPage(LoginRequiredMixin, TemplateView, ABC):
    """A page for signed-in people; an action they may not take shows the 403 page with why."""

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Callable[..., HttpResponseBase]:
        """The view; refused (TypeError) while the class leaves an abstract hook unwritten."""
        if cls.__abstractmethods__:
            unwritten = ", ".join(sorted(cls.__abstractmethods__))
            raise TypeError(f"{cls.__name__} cannot serve pages: it does not write {unwritten}")
        return super().as_view(**initkwargs)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied as error:
            return denied(request, error)

    def htmx_target(self) -> str | None:
        return self.request.htmx.target if self.request.htmx else None  # type: ignore[attr-defined]

    def render_page(self, status: int = 200, **context: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(**context), status=status)


class ObjectView(ObjectPage):
    """One record's page. The record is looked up (by ``lookup``, from the URL's ``key``) in
    what the user may see, else a 404 naming what was asked for."""

    model: type[Model] = None  # type: ignore[assignment]
    lookup = "pk"
    key = "key"
    not_found = NOT_FOUND
    action = "view"  # what the page does to the record (its permission: <app>.<action>_<model>)
    context_object_name = ""  # the record's name in the app's templates too ("change", "report")
    context_related: tuple[str, ...] = ()  # records it belongs to that the page shows ("project",)

    def get_queryset(self) -> QuerySet[Any]:
        """What the user may see (an app gives its selector, shaped for the page)."""
        return self.model.objects.restrict(self.request.user, "view")  # type: ignore[attr-defined]

    def kind_label(self) -> str:
        return str(self.model._meta.verbose_name)

    def get_object(self) -> Any:
        key = self.kwargs[self.key]
        return found_or_404(
            self.get_queryset(), self.kind_label(), key, message=self.not_found, **{self.lookup: key}
        )

    def permission(self, action: str, record: Any = None) -> str:
        """``<app>.<action>_<model>`` of the record's model (the view's model without one)."""
        return permission_name(record if record is not None else self.model, action)

    def may(self, action: str, record: Any = None) -> bool:
        return bool(self.request.user.has_perm(self.permission(action, record), record))

    def doing(self, record: Any) -> str:
        """The action in words, for the refusal ("You do not have permission to …")."""
        return f"{self.action} {record}"

    def ensure_allowed(self, record: Any) -> None:
        """Refuse (403, saying what) unless the user may take the page's action on ``record``."""
        ensure_can(self.request.user, self.permission(self.action, record), record, action=self.doing(record))

    def object_context(self, record: Any) -> dict[str, Any]:
        """What the page shows of the record (and every page about it in its header): the record
        as ``record`` and by its ``context_object_name``, and its ``context_related`` records."""
        context = {"record": record, **{name: getattr(record, name) for name in self.context_related}}
        if self.context_object_name:
            context[self.context_object_name] = record
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_page(**self.object_context(self.get_object()))


class ObjectHistoryView(ObjectView):
    """Every change to a record: when, who, and each field before → after (names of records the
    reader may not see are hidden)."""

    def object_context(self, record: Any) -> dict[str, Any]:
        return {
            **super().object_context(record),
            "entries": history_entries(record, user=self.request.user),
        }


class ObjectEditView(ObjectView):
    """A form that calls a service: create a record (no key in the URL), change one, or take a
    step of its workflow. Problems show beside their fields; a stale version shows who changed
    the record meanwhile and saves nothing."""

    form_class: type[BaseForm] = None  # type: ignore[assignment]
    action = "change"
    saved = SAVED

    def get_object(self) -> Any:
        return super().get_object() if self.key in self.kwargs else None

    def doing(self, record: Any) -> str:
        if record is None:
            return f"add {self.model._meta.verbose_name_plural}"
        return super().doing(record)

    def ensure_allowed(self, record: Any) -> None:
        """Without a record, whether the user may add one."""
        if record is not None:
            super().ensure_allowed(record)
            return
        ensure_can(self.request.user, self.permission("add"), action=self.doing(None))

    def get_form(self, record: Any, data: Any = None) -> BaseForm:
        return self.form_class(data, **self.form_kwargs(record))

    def form_kwargs(self, record: Any) -> dict[str, Any]:
        return {}

    @abstractmethod
    def save(self, form: BaseForm, record: Any) -> Any:
        """Call the service with the form's values and ``expected_version(form)``; return what
        it saved."""

    def check(self, form: BaseForm, record: Any) -> None:
        """With problems in the form, the service's own checks of what is valid in it (its
        ``cleaned_data``), raising their ValidationError: every problem shows in one submit, not
        the form's first and the service's on the next. A field already in error keeps its own."""

    def success_message(self, saved: Any) -> str:
        return self.saved.format(record=saved)

    def success_url(self, saved: Any) -> str:
        return str(saved.get_absolute_url())

    def form_context(self, form: BaseForm, record: Any, outcome: Outcome | None) -> dict[str, Any]:
        context = self.object_context(record) if record is not None else {}
        return {**context, "form": form, "conflict": outcome.conflict if outcome else ""}

    def form_page(self, form: BaseForm, record: Any, outcome: Outcome | None = None) -> HttpResponse:
        context = self.form_context(form, record, outcome)
        return self.render_page(form_status(self.request, form, outcome), **context)

    def refusal(self, record: Any) -> HttpResponse | None:
        """Refuse (403) unless the user may use the form; or the page to show instead of it (a
        workflow's refusal for the record's state: ``pmo.core.workflow.refused_page``)."""
        self.ensure_allowed(record)
        return None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        record = self.get_object()
        refused = self.refusal(record)
        if refused is not None:
            return refused
        return self.form_page(self.get_form(record), record)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        record = self.get_object()
        refused = self.refusal(record)
        if refused is not None:
            return refused
        form = self.get_form(record, request.POST)
        outcome = None
        if form.is_valid():
            outcome = call_service(lambda: self.save(form, record), form)
            if outcome.done:
                return finish(request, self.success_message(outcome.result), self.success_url(outcome.result))
        else:
            call_service(lambda: self.check(form, record), form)
        if record is not None:
            record.refresh_from_db()  # the page around the form shows the record as it is stored
        return self.form_page(form, record, outcome)


class WorkflowStepView(ObjectEditView):
    """A step of a record's workflow taken with a form (a change request's assessment, an
    exception's decision…): offered only where the workflow's table allows the reader that
    ``step`` (else the table's refusal: ``pmo.core.workflow.refused_page``), taken by the step's
    service (``save``). The form's page says which step it is: ``heading``, formatted with the
    page's context ("Assess {change}"), and ``submit_label``."""

    workflow: Workflow = None  # type: ignore[assignment]
    step = ""  # the table's action
    heading = ""
    submit_label = ""

    def refusal(self, record: Any) -> HttpResponse | None:
        return refused_page(self.request, self.workflow, record, self.step)

    def form_context(self, form: BaseForm, record: Any, outcome: Outcome | None) -> dict[str, Any]:
        context = super().form_context(form, record, outcome)
        return {**context, "heading": self.heading.format(**context), "submit_label": self.submit_label}


class ObjectDeleteView(ObjectView):
    """Ask before deleting; delete through the service on POST (a refusal, a stale version or a
    record still in use is said on the page, with nothing deleted)."""

    action = "delete"
    deleted = DELETED
    http_method_names = ["get", "head", "post"]  # not DELETE: ``delete`` here calls the service

    @abstractmethod
    def delete(self, record: Any, version: int) -> None:
        """Call the service deleting ``record`` read at ``version``."""

    def success_message(self, record: Any) -> str:
        return self.deleted.format(record=record)

    @abstractmethod
    def success_url(self, record: Any) -> str:
        """Where to go once ``record`` is deleted (its page is gone)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        record = self.get_object()
        self.ensure_allowed(record)
        return self.render_page(**self.object_context(record))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        record = self.get_object()
        self.ensure_allowed(record)
        version = posted_version(request)
        if version is None:
            outcome = Outcome(False, problem=VERSION_NOT_GIVEN)
        else:
            outcome = call_service(lambda: self.delete(record, version))
        if outcome.done:
            return finish(request, self.success_message(record), self.success_url(record))
        problem = outcome.conflict or outcome.problem
        return self.render_page(409, **self.object_context(record), problem=problem)


class ObjectActionView(ObjectView):
    """A button on a record's page that takes one step through a service (POST only, with the
    version the page showed). Done: the record's page says so; refused or stale: it says why."""

    http_method_names = ["post"]
    action = "change"

    @abstractmethod
    def act(self, record: Any, version: int | None) -> Any:
        """Call the service taking the step on ``record`` read at ``version``."""

    @abstractmethod
    def success_message(self, record: Any) -> str:
        """What the page says once the step is taken."""

    def success_url(self, record: Any) -> str:
        """The page shown after the step, taken or refused (the record's, unless said)."""
        return str(record.get_absolute_url())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        record = self.get_object()
        self.ensure_allowed(record)
        outcome = call_service(lambda: self.act(record, posted_version(request)))
        if outcome.done:
            return finish(request, self.success_message(record), self.success_url(record))
        messages.error(request, outcome.conflict or outcome.problem)
        return redirect(self.success_url(record))


class TableColumn(Protocol):
    """What a list needs of a column (``pmo.portfolio.register.Column`` is one)."""

    @property
    def key(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def sort(self) -> Any: ...
    @property
    def kind(self) -> str: ...
    @property
    def numeric(self) -> bool: ...
    def read(self, record: Any) -> Any: ...
    def value(self, record: Any) -> Any: ...


def sort_order(sort: str, columns: Sequence[TableColumn]) -> tuple[str, list[Any]]:
    """The sort the query string asks for (``name`` or ``-name``) as order_by terms; an unknown
    or unsortable column gives the model's own order."""
    key = sort.removeprefix("-")
    column = next((c for c in columns if c.key == key and c.sort is not None), None)
    if column is None:
        return "", []
    expression: Any = F(column.sort) if isinstance(column.sort, str) else column.sort
    descending = sort.startswith("-")
    return sort, [expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)]


def table_context(
    records: Sequence[Any],
    columns: Sequence[TableColumn],
    sort: str,
    row_urls: Callable[[Any], dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Headers (with their sort state) and rows for a table; a row is the record, its cells and,
    where ``row_urls`` is given, the record's links (for actions on each row)."""
    headers = []
    for column in columns:
        state = "ascending" if sort == column.key else "descending" if sort == f"-{column.key}" else None
        headers.append({
            "column": column,
            "aria_sort": state,
            "next_sort": f"-{column.key}" if state == "ascending" else column.key,
        })
    url = Addresses()
    rows = [
        TableRow(record, [(c, c.read(record)) for c in columns], row_urls(record) if row_urls else None, url)
        for record in records
    ]
    return {"headers": headers, "rows": rows, "columns": columns, "row_actions": row_urls is not None}


class TableRow(tuple[Any, list[tuple[Any, Any]], dict[str, str] | None]):
    """A table's row: ``(record, cells, links)``, the cells ``(column, value)`` pairs, and
    ``html``, its cells written at once (``pmo.core.cells.row_html``; the template engine took
    longer over a register's cells than the rest of the page)."""

    url: Addresses

    def __new__(
        cls, record: Any, cells: list[tuple[Any, Any]], links: dict[str, str] | None, url: Addresses
    ) -> "TableRow":
        row = super().__new__(cls, (record, cells, links))
        row.url = url
        return row

    @property
    def record(self) -> Any:
        return self[0]

    @property
    def links(self) -> dict[str, str] | None:
        return self[2]

    @property
    def html(self) -> SafeString:
        return row_html(self[0], self[1], self.url)


def table_rows(records: Iterable[Any], columns: Sequence[TableColumn]) -> tuple[list[str], list[list[Any]]]:
    """Headers and plain cell values of ``records``, for an export."""
    return [c.label for c in columns], [[c.value(r) for c in columns] for r in records]


def export_refused(request: HttpRequest, errors: dict[str, list[str]]) -> HttpResponse:
    """The answer to an export asked with filters that cannot be used (``errors`` by the name
    each has in the address): 400, naming each and why, and a link back to the page with them;
    never the whole register instead."""
    shown = request.GET.copy()
    shown.pop("export", None)
    back = f"{request.path}?{shown.urlencode()}" if shown else request.path
    problems = [(name, " ".join(str(reason) for reason in why)) for name, why in errors.items()]
    context = {"message": EXPORT_REFUSED, "problems": problems, "back": back}
    return render(request, "core/export_refused.html", context, status=400)


class ObjectListView(ObjectPage):
    """The records the user may see, a page at a time: searched (``?q=``, every word in one of
    the ``search`` fields), sorted by a column (``?sort=name``, ``-name``) and, where the list
    has columns, exported as shown (``?export=xlsx`` or ``csv``)."""

    model: type[Model] = None  # type: ignore[assignment]
    search: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ()  # the list's order without ?sort= (else the model's)
    page_size = PAGE_SIZE
    heading = ""

    def get_queryset(self) -> QuerySet[Any]:
        return self.model.objects.restrict(self.request.user, "view")  # type: ignore[attr-defined]

    def columns(self) -> Sequence[TableColumn]:
        return ()

    def records(self) -> QuerySet[Any]:
        records = self.get_queryset()
        for term in self.request.GET.get("q", "").split():
            condition = Q()
            for name in self.search:
                condition |= Q(**{f"{name}__icontains": term})
            records = records.filter(condition)
        return records

    def prepare(self, records: Sequence[Any]) -> Sequence[Any]:
        """Load what the rows show beyond the queryset (nothing, unless a list needs it)."""
        return records

    def filter_errors(self) -> dict[str, list[str]]:
        """The filters in the address that cannot be used, by name, with why: the page says so
        and lists what it can; an export refuses (``export_refused``)."""
        return {}

    def list_context(self, shown: Sequence[Any], columns: Sequence[TableColumn], sort: str) -> dict[str, Any]:
        """What the page shows beside its rows."""
        return table_context(shown, columns, sort) if columns else {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        columns = self.columns()
        records = self.records()
        sort, order = sort_order(request.GET.get("sort", ""), columns)
        records = records.order_by(*order, *(self.ordering or self.model._meta.ordering or ()), "pk")
        export = request.GET.get("export")
        if columns and export in EXPORT_FORMATS:
            if errors := self.filter_errors():
                return export_refused(request, errors)
            return self.export(export, self.prepare(list(records)), columns)
        found = Paginator(records, self.page_size).get_page(request.GET.get("page"))
        found.object_list = list(found.object_list)  # read once, by the rows and the template
        shown = self.prepare(found.object_list)
        return self.render_page(
            page=found,
            page_numbers=found.paginator.get_elided_page_range(found.number),
            sort=sort,
            **self.list_context(shown, columns, sort),
        )

    def export_name(self) -> str:
        plural = str(self.model._meta.verbose_name_plural)
        return f"{plural.replace(' ', '-')}-{clock.today().isoformat()}"

    def export(self, fmt: str, records: Sequence[Any], columns: Sequence[TableColumn]) -> HttpResponse:
        headers, rows = table_rows(records, columns)
        if fmt == "csv":
            return csv_response(f"{self.export_name()}.csv", headers=headers, rows=rows)
        title = self.heading or str(self.model._meta.verbose_name_plural).capitalize()
        return xlsx_response(f"{self.export_name()}.xlsx", headers=headers, rows=rows, sheet_title=title)


class SettingsView(ObjectPage):
    """A versioned settings row (one per installation): everyone signed in reads it, the PMO
    head changes it through the app's service (``update(actor=, settings_row=, fields=,
    expected_version=)``). The page shows the form to whoever may change the row, the values to
    everyone else."""

    model: type[Model] = None  # type: ignore[assignment]
    read: Callable[[], Model] = None  # type: ignore[assignment]  # the selector of the row
    update: Callable[..., Any] = None  # type: ignore[assignment]  # the service
    form_class: type[BaseForm] = None  # type: ignore[assignment]
    what = "settings"  # as the refusals name them: "the RAID settings"
    saved = "Settings saved."
    form_row = "instance"  # the form's keyword for the row
    shows: Callable[[Any], dict[str, Any]] | None = None  # what else the page shows of the row

    def get_form(self, row: Any, data: Any = None) -> BaseForm:
        return self.form_class(data, **{self.form_row: row})

    def settings_page(self, row: Any, form: BaseForm | None, outcome: Outcome | None = None) -> HttpResponse:
        return self.render_page(
            form_status(self.request, form, outcome),
            row=row,
            form=form,
            conflict=outcome.conflict if outcome else "",
            can_change=self.request.user.has_perm(permission_name(self.model, "change"), row),
            **(self.shows(row) if self.shows else {}),
        )

    def the_row(self) -> Any:
        ensure_can(self.request.user, permission_name(self.model, "view"), action=f"see {self.what}")
        return self.read()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        row = self.the_row()
        may_change = request.user.has_perm(permission_name(self.model, "change"), row)
        return self.settings_page(row, self.get_form(row) if may_change else None)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        row = self.the_row()
        ensure_can(request.user, permission_name(self.model, "change"), row, action=f"change {self.what}")
        form = self.get_form(row, request.POST)
        outcome = None
        if form.is_valid():
            fields, version = form.values(), expected_version(form)  # type: ignore[attr-defined]
            outcome = call_service(
                lambda: self.update(
                    actor=request.user, settings_row=row, fields=fields, expected_version=version
                ),
                form,
            )
            if outcome.done:
                return finish(request, self.saved, request.path)
        else:
            call_service(lambda: self.check(row, form), form)
        row.refresh_from_db()
        return self.settings_page(row, form, outcome)

    def check(self, row: Any, form: BaseForm) -> None:
        """With problems in the form, the row's own rules on what is valid in it (every problem
        in one submit): a copy of the row with those values, validated, nothing saved."""
        checked = copy.copy(row)
        for name, value in form.cleaned_data.items():
            if name != "version":
                setattr(checked, name, value)
        checked.full_clean(exclude=list(form.errors), validate_unique=False, validate_constraints=False)
