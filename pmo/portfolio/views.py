"""Web pages of the portfolio register.

The list, detail, history, edit and delete pages are written once (``RecordListView`` …) and set
up per kind of record by a ``RecordKind``; the project register adds filters, column choice and
"as of" to the list. Reads go through the selectors, writes through the services (via the forms).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Model, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.views.decorators.http import require_POST

from pmo.core import clock
from pmo.core.cells import escaped
from pmo.core.choosers import search_page
from pmo.core.exports import csv_response, xlsx_response
from pmo.core.first_run import first_run_checklist
from pmo.core.generic import (
    ObjectDeleteView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ObjectPage,
    ObjectView,
    found_or_404,
    table_context,
)
from pmo.core.history import parse_point_in_time
from pmo.core.permissions import permission_name
from pmo.core.project_status import health_panels
from pmo.core.register_figures import figure_of, load_register_figures
from pmo.core.register_figures import figures as register_figures
from pmo.core.work import work_page
from pmo.portfolio import selectors, services
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.forms import (
    LOGIN_CHOOSER,
    PERSON_CHOOSER,
    PROJECT_CHOOSER,
    LifecycleStageForm,
    OrgUnitForm,
    PersonForm,
    PortfolioForm,
    ProgrammeForm,
    ProjectForm,
    RecordForm,
    RegisterFilter,
    StrategicObjectiveForm,
    TickList,
    logins_to_choose,
    people_to_choose,
    tick_list,
)
from pmo.portfolio.imports import HEADERS as IMPORT_HEADERS
from pmo.portfolio.imports import SHEET_TITLE as IMPORT_SHEET
from pmo.portfolio.imports import project_export_rows
from pmo.portfolio.models import (
    LifecycleStage,
    OrgUnit,
    Person,
    Portfolio,
    Programme,
    Project,
    SavedView,
    StrategicObjective,
)
from pmo.portfolio.register import (
    LIFECYCLE_COLUMNS,
    OBJECTIVE_COLUMNS,
    ORG_UNIT_COLUMNS,
    PERSON_COLUMNS,
    PORTFOLIO_COLUMNS,
    PROGRAMME_COLUMNS,
    PROJECT_COLUMNS,
    Column,
    columns_by_key,
    declared,
    default_project_columns,
    evidence,
    load_evidence,
    load_figures,
    project_columns,
    projects_involving,
    unit_projects,
    with_programme_count,
    with_project_totals,
    with_unit_totals,
)

RELATED_PROJECTS_SHOWN = 50
RESULTS_TARGET = "record-results"
FORM_TARGET = "record-form"

RELATED_COLUMNS = (
    "code",
    "name",
    "stage",
    "status",
    "project_manager",
    "approved_finish",
    "approved_budget",
    "baseline_version",
)


@dataclass(frozen=True)
class RecordKind:
    """One kind of record and how its pages show it."""

    model: type[Model]
    select: Callable[..., QuerySet[Any]]
    form: type[RecordForm]
    columns: tuple[Column, ...]
    intro: str
    search: tuple[str, ...] = ("name",)
    annotate: Callable[[QuerySet[Any], Any], QuerySet[Any]] | None = None
    lookup: str = "pk"
    title: str = ""
    sections: tuple[tuple[str, tuple[str, ...]], ...] = ()
    projects: Callable[[Any], Q] | None = None
    register_filter: str = ""
    more_context: Callable[[Any, Any], dict[str, Any]] | None = None
    row_actions: bool = False

    @property
    def name(self) -> str:
        return self.model._meta.model_name  # type: ignore[return-value]

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def url_list(self) -> str:
        return self.url("list")

    @property
    def heading(self) -> str:
        return self.title or capfirst(str(self.model._meta.verbose_name_plural))

    def url(self, action: str, record: Any = None) -> str:
        args = [getattr(record, self.lookup)] if record is not None else []
        return reverse(f"portfolio:{self.name}_{action}", args=args)

    def urls(self, record: Any) -> dict[str, str]:
        urls = {a: self.url(a, record) for a in ("update", "history", "delete")}
        return {**urls, "list": self.url("list"), "detail": record.get_absolute_url()}

    def detail_sections(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        names = tuple(n for n in self.form._meta.fields if n != "description")  # type: ignore[union-attr]
        return self.sections or (("Details", names),)


def project_plan(project: Project, user: Any) -> dict[str, Any]:
    """What a project's page opens on, above its fields: its health (the status its latest
    report declares and the one the evidence gives, with why, and the other apps' panels: early
    warning, tolerance use, next milestones, open exceptions, top risks, the latest report) and
    its approved plan, with the figures other apps give it beside the approved budget (finance's
    forecast cost: ADR 0055), all annotated by the selector or read in a fixed number of queries."""
    load_evidence([project])
    load_register_figures([project])
    health = {
        "declared": declared(project),
        "evidence": evidence(project),
        "panels": health_panels(project, user, clock.today()),
    }
    given = [(figure, figure_of(project, figure.key)) for figure in register_figures()]
    return {"approved_plan": project, "plan_figures": given, "health": health}


PROJECTS = RecordKind(
    Project,
    selectors.project_list,
    ProjectForm,
    PROJECT_COLUMNS,
    "Every project in the portfolio you may see. Filter, sort, choose columns and export.",
    lookup="code",
    title="Project register",
    sections=(
        (
            "Governance",
            ("portfolio", "programme", "department", "sponsor", "project_manager", "business_owner"),
        ),
        ("Delivery", ("stage", "status", "methodology", "planned_start", "planned_finish")),
        ("Size and priority", ("budget", "size_tier", "category", "priority", "confidential")),
        ("Strategy", ("strategic_objectives",)),
    ),
    more_context=project_plan,
)
PROGRAMMES = RecordKind(
    Programme,
    selectors.programme_list,
    ProgrammeForm,
    PROGRAMME_COLUMNS,
    "Groups of related projects delivering a shared outcome, each within one portfolio.",
    search=("code", "name"),
    annotate=with_project_totals("programme"),
    projects=lambda record: Q(programme=record),
    register_filter="programme",
)


def portfolio_programmes(portfolio: Portfolio, user: Any) -> dict[str, Any]:
    programmes = PROGRAMMES.annotate(selectors.programme_list(user=user).filter(portfolio=portfolio), user)  # type: ignore[misc]
    return {"programme_table": table_context(list(programmes), PROGRAMME_COLUMNS, "")}


PORTFOLIOS = RecordKind(
    Portfolio,
    selectors.portfolio_list,
    PortfolioForm,
    PORTFOLIO_COLUMNS,
    "Collections of programmes and projects managed together.",
    annotate=with_programme_count,
    projects=lambda record: Q(portfolio=record),
    register_filter="portfolio",
    more_context=portfolio_programmes,
)
ORG_UNITS = RecordKind(
    OrgUnit,
    selectors.org_unit_list,
    OrgUnitForm,
    ORG_UNIT_COLUMNS,
    "Directorates, departments and business service areas that own projects.",
    annotate=with_unit_totals,
    projects=unit_projects,
    register_filter="department",
)
OBJECTIVES = RecordKind(
    StrategicObjective,
    selectors.strategic_objective_list,
    StrategicObjectiveForm,
    OBJECTIVE_COLUMNS,
    "The organisation's strategic objectives that projects contribute to.",
    search=("code", "title"),
    annotate=with_project_totals("strategic_objectives"),
    projects=lambda record: Q(strategic_objectives=record),
)
PEOPLE = RecordKind(
    Person,
    selectors.person_list,
    PersonForm,
    PERSON_COLUMNS,
    "Sponsors, project managers, business owners and everyone else named in the register.",
    search=("name", "email", "job_title"),
    projects=projects_involving,
)
LIFECYCLE = RecordKind(
    LifecycleStage,
    selectors.lifecycle_stage_list,
    LifecycleStageForm,
    LIFECYCLE_COLUMNS,
    "The stages every project passes through, in order, and the gate that opens each one.",
    annotate=with_project_totals("stage"),
    title="Lifecycle",
    row_actions=True,
)


def project_or_404(request: HttpRequest, code: str) -> Project:
    """The project with ``code`` if the user may see it, else a 404."""
    return found_or_404(selectors.project_list(user=request.user), "project", code, code=code)


class RecordPage:
    """What the register's pages of one kind of record share: the ``RecordKind`` (given by
    ``as_view(kind=…)``) says which model, selector and form the core view works with."""

    kind: RecordKind = None  # type: ignore[assignment]

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)  # type: ignore[misc]
        self.model = self.kind.model
        self.lookup = self.kind.lookup

    def get_queryset(self) -> QuerySet[Any]:
        return self.kind.select(user=self.request.user)  # type: ignore[attr-defined]

    def kind_label(self) -> str:
        return self.kind.label

    def object_context(self, record: Any) -> dict[str, Any]:
        """What every page about one record shows in its header: links and allowed actions."""
        user = self.request.user  # type: ignore[attr-defined]
        return {
            **super().object_context(record),  # type: ignore[misc]
            "urls": self.kind.urls(record),
            "can_change": user.has_perm(permission_name(record, "change"), record),
            "can_delete": user.has_perm(permission_name(record, "delete"), record),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "kind": self.kind}  # type: ignore[misc]


class RecordListView(RecordPage, ObjectListView):
    """A sortable, searchable, paginated table of records, exportable to Excel and CSV."""

    def get_template_names(self) -> list[str]:
        if self.htmx_target() == RESULTS_TARGET:
            return ["portfolio/partials/record_results.html"]
        return [f"portfolio/{self.kind.name}_list.html", "portfolio/record_list.html"]

    def columns(self) -> Sequence[Column]:
        return list(self.kind.columns)

    def get_queryset(self) -> QuerySet[Any]:
        records = super().get_queryset()
        if self.kind.annotate:
            records = self.kind.annotate(records, self.request.user)
        return records

    @property
    def search(self) -> tuple[str, ...]:  # type: ignore[override]
        return self.kind.search

    @property
    def heading(self) -> str:  # type: ignore[override]
        return self.kind.heading

    def list_context(self, shown: Sequence[Any], columns: Sequence[Any], sort: str) -> dict[str, Any]:
        user = self.request.user
        return {
            "create_url": self.kind.url("create"),
            "can_add": user.has_perm(permission_name(self.model, "add")),
            "can_change": user.has_perm(permission_name(self.model, "change")),
            **table_context(shown, columns, sort, self.kind.urls if self.kind.row_actions else None),
        }


# What an address may hold besides the filters: how the register is shown, not what it holds.
VIEW_KEYS = frozenset({"sort", "page", "cols", "export", "layout"})
IMPORT_LAYOUT = "import"
IMPORT_LAYOUT_AS_OF = (
    "The import layout holds the register as it is now, to edit and import back: clear the "
    "“as of” date to export it."
)


def chosen_column_keys(request: HttpRequest) -> list[str]:
    """``?cols=code&cols=name`` or ``?cols=code,name``; unknown keys are passed over."""
    known = {c.key for c in project_columns()}
    keys = [k for value in request.GET.getlist("cols") for k in value.split(",") if k in known]
    return keys or list(default_project_columns())


# The register's filter panel, written in Python as its rows are (ADR 0046): a template loop over
# eleven tick lists and twenty-five columns took longer than the rest of the panel. The markup
# is the one the template's loops wrote (each group's ticks as ``partials/ticks.html`` shows them).
FILTER_GROUP = (
    '\n      <details class="filter-group"{open}>\n        <summary>{label}{chosen}</summary>\n'
    '        <fieldset>\n          <legend class="visually-hidden">{label}</legend>\n'
    '          <div class="tick-list">\n{ticks}</div>\n\n        </fieldset>\n      </details>\n      '
)
CHOSEN = (
    ' <span class="badge rounded-pill text-bg-primary">{count}'
    '<span class="visually-hidden"> chosen</span></span>'
)
COLUMN_TICK = (
    '\n            <div class="form-check">\n'
    '              <input class="form-check-input" type="checkbox" name="cols" value="{key}" '
    'id="col-{key}"{checked}>\n'
    '              <label class="form-check-label" for="col-{key}">{label}</label>\n'
    "            </div>\n          "
)


def filter_groups(fields: Iterable[TickList]) -> SafeString:
    """Each filter's tick list in its folding group, open (with how many are ticked) when
    something in it is."""
    return mark_safe(
        "".join(
            FILTER_GROUP.format(
                open=" open" if field.value else "",
                label=escaped(field.label),
                chosen=CHOSEN.format(count=len(field.value)) if field.value else "",
                ticks=field.html,
            )
            for field in fields
        )
    )


def column_ticks(columns: Iterable[Column], chosen: set[str]) -> SafeString:
    """A tick for each column the register can show, ticked for those it shows."""
    return mark_safe(
        "".join(
            COLUMN_TICK.format(
                key=escaped(column.key),
                label=escaped(column.label),
                checked=" checked" if column.key in chosen else "",
            )
            for column in columns
        )
    )


class ProjectListView(RecordListView):
    """The project register: the record list plus filters, column choice and "as of" a date."""

    kind = PROJECTS

    @cached_property
    def point_in_time(self) -> tuple[datetime | None, str]:
        """The moment ``?as_of=`` asks for, or the reason it cannot be used."""
        raw = self.request.GET.get("as_of", "").strip()
        try:
            return (parse_point_in_time(raw) if raw else None), ""
        except ValueError as error:
            return None, str(error)

    @property
    def as_of(self) -> datetime | None:
        return self.point_in_time[0]

    @property
    def default_filter(self) -> bool:
        """Whether the register shows its default choice, the active projects: when the address
        chooses no filter (sorting, paging or choosing columns keeps it; any search or filter,
        even an empty one, as the filter form sends, replaces it)."""
        return not set(self.request.GET) - VIEW_KEYS

    @cached_property
    def filter(self) -> RegisterFilter:
        user = self.request.user
        visible = None  # the projects the sponsor and manager choices come from
        if self.as_of:
            records = selectors.project_list_as_of(user=user, when=self.as_of)
        else:
            records = selectors.project_list(user=user)
            visible = Project.objects.restrict(user, "view")  # the same projects, plainly
        data = self.request.GET.copy()
        if self.default_filter:
            data.setlist("status", [ProjectStatus.ACTIVE])
        return RegisterFilter(data, queryset=records, request=self.request, visible=visible)

    def columns(self) -> list[Column]:
        return columns_by_key(project_columns(), chosen_column_keys(self.request))

    def records(self) -> QuerySet[Any]:
        records = self.filter.qs
        shows_objectives = "strategic_objectives" in chosen_column_keys(self.request)
        if self.request.GET.get("layout") == IMPORT_LAYOUT:
            return records  # every column of the import template, people's e-mails included
        if not shows_objectives:
            records = records.prefetch_related(None)  # a query for a column not shown
        return records if self.as_of else selectors.as_rows(records)

    def prepare(self, records: Sequence[Any]) -> Sequence[Any]:
        if self.as_of:
            # the evidence and the other apps' figures are today's: not shown as of a date
            selectors.project_as_of_load(records)
            return records
        if "evidence_status" in chosen_column_keys(self.request):
            load_evidence(records)
        return load_figures(records, self.columns())

    def filter_errors(self) -> dict[str, list[str]]:
        errors = {name: list(why) for name, why in self.filter.errors.items()}
        if self.point_in_time[1]:
            errors["as_of"] = [self.point_in_time[1]]
        elif self.as_of and self.request.GET.get("layout") == IMPORT_LAYOUT:
            errors["as_of"] = [IMPORT_LAYOUT_AS_OF]
        return errors

    def view_query(self) -> str:
        """The filters, columns and sort shown, as a saved view keeps them."""
        shown = self.request.GET.copy()
        for name in services.NOT_SAVED:
            shown.pop(name, None)
        if self.default_filter:
            shown.setlist("status", [ProjectStatus.ACTIVE])
        return shown.urlencode()

    def export_name(self) -> str:
        when = timezone.localdate(self.as_of) if self.as_of else clock.today()
        return f"projects-{'as-of-' if self.as_of else ''}{when.isoformat()}"

    def export(self, fmt: str, records: Sequence[Any], columns: Sequence[Any]) -> HttpResponse:
        """The register as shown, or with ``?layout=import`` the projects shown in the columns
        of the import template (every column, whatever the table shows), so that the file can
        be edited and imported back."""
        if self.request.GET.get("layout") != IMPORT_LAYOUT:
            return super().export(fmt, records, columns)
        name = f"{self.export_name()}-import-layout"
        rows = project_export_rows(records)
        if fmt == "csv":
            return csv_response(f"{name}.csv", headers=IMPORT_HEADERS, rows=rows)
        return xlsx_response(f"{name}.xlsx", headers=IMPORT_HEADERS, rows=rows, sheet_title=IMPORT_SHEET)

    def list_context(self, shown: Sequence[Any], columns: Sequence[Any], sort: str) -> dict[str, Any]:
        context = super().list_context(shown, columns, sort)
        chosen = {c.key for c in columns}
        filter_form = self.filter.form
        return {
            **context,
            "filter_form": filter_form,
            "filter_groups": filter_groups(
                tick_list(f) for f in filter_form if f.name not in ("q", "confidential")
            ),
            "column_ticks": column_ticks(project_columns(), chosen),
            "default_filter": self.default_filter,
            "saved_views": list(SavedView.objects.restrict(self.request.user, "view")),
            "view_query": self.view_query(),
            "as_of": self.as_of,
            "as_of_raw": self.request.GET.get("as_of", ""),
            "as_of_error": self.point_in_time[1],
            "today": clock.today().isoformat(),
            "can_add": context["can_add"] and not self.as_of,
        }


@login_required
@require_POST
def saved_view_save(request: HttpRequest) -> HttpResponse:
    """Save the register's filters, columns and sort as one of the user's views, then show it."""
    query = request.POST.get("query", "")
    try:
        view = services.saved_view_create(actor=request.user, name=request.POST.get("name", ""), query=query)  # type: ignore[arg-type]
    except ValidationError as refused:
        messages.error(request, "The view was not saved: " + " ".join(refused.messages))
        return redirect(f"{reverse('portfolio:project_list')}?{query}")
    messages.success(request, f"Saved the view “{view.name}”. Its link shows the same choice to anyone.")
    return redirect(view.link)


@login_required
@require_POST
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of the user's saved views (someone else's is not found)."""
    view = get_object_or_404(SavedView.objects.restrict(request.user, "view"), pk=pk)
    services.saved_view_delete(actor=request.user, view=view, expected_version=None)  # type: ignore[arg-type]
    messages.success(request, f"Deleted the view “{view.name}”.")
    return redirect("portfolio:project_list")


@login_required
def person_search(request: HttpRequest) -> HttpResponse:
    """The people whose name or e-mail has what a person search box holds (see pmo.core.choosers)."""
    return search_page(request, PERSON_CHOOSER, people_to_choose(request.user))


@login_required
def login_search(request: HttpRequest) -> HttpResponse:
    """The active logins matching a login search box, for those who may edit people."""
    return search_page(request, LOGIN_CHOOSER, logins_to_choose(request.user))


@login_required
def project_search(request: HttpRequest) -> HttpResponse:
    """The projects the user may see whose code or name has what a project search box holds."""
    return search_page(request, PROJECT_CHOOSER, Project.objects.restrict(request.user, "view"))


def field_value(record: Any, name: str) -> tuple[str, Any]:
    """(kind, value) of one field of a record, for its detail page."""
    field = record._meta.get_field(name)
    if field.many_to_many:
        return "list", list(getattr(record, name).all())
    value = getattr(record, name)
    if field.choices:
        return "text", getattr(record, f"get_{name}_display")()
    if isinstance(value, bool):
        return "flag", value
    if isinstance(value, Decimal):
        return "money", value
    if isinstance(value, date):
        return "date", value
    return "text", value


class RecordDetailView(RecordPage, ObjectView):
    """A record's overview: its fields, grouped, and the projects it holds or takes part in."""

    def get_template_names(self) -> list[str]:
        return [f"portfolio/{self.kind.name}_detail.html", "portfolio/record_detail.html"]

    def object_context(self, record: Any) -> dict[str, Any]:
        labels = self.kind.form.base_fields
        sections = [
            (title, [(labels[n].label or n, *field_value(record, n)) for n in names])
            for title, names in self.kind.detail_sections()
        ]
        context = {**super().object_context(record), "tab": "overview", "sections": sections}
        if self.kind.projects:
            context.update(self.related_projects(record))
        if self.kind.more_context:
            context.update(self.kind.more_context(record, self.request.user))
        return context

    def related_projects(self, record: Any) -> dict[str, Any]:
        """The first projects the record holds (as many as a page shows) and their totals."""
        projects = selectors.project_list(user=self.request.user).filter(self.kind.projects(record))  # type: ignore[misc]
        totals = projects.order_by().aggregate(
            count=Count("pk"), budget=Coalesce(Sum("approved_budget"), Decimal(0))
        )
        shown = list(projects[:RELATED_PROJECTS_SHOWN])
        register_url = ""
        if self.kind.register_filter:
            register_url = f"{reverse('portfolio:project_list')}?{self.kind.register_filter}={record.pk}"
        return {
            "project_totals": totals,
            "project_table": table_context(shown, columns_by_key(PROJECT_COLUMNS, RELATED_COLUMNS), ""),
            "register_url": register_url,
        }


class RecordHistoryView(RecordPage, ObjectHistoryView):
    """Every change to a record: when, who, and each field before → after."""

    template_name = "portfolio/record_history.html"

    def object_context(self, record: Any) -> dict[str, Any]:
        return {**super().object_context(record), "tab": "history"}


class RecordFormView(RecordPage, ObjectEditView):
    """Create a record (no key in the URL) or edit one, through its form's service."""

    def get_template_names(self) -> list[str]:
        if self.htmx_target() == FORM_TARGET:
            return ["portfolio/partials/record_form.html"]
        return ["portfolio/record_form.html"]

    def get_form(self, record: Any, data: Any = None) -> RecordForm:
        return self.kind.form(data, instance=record, user=self.request.user)

    def save(self, form: Any, record: Any) -> Any:
        return form.save_as(self.request.user)

    def form_context(self, form: Any, record: Any, outcome: Any) -> dict[str, Any]:
        names = [n for n in form.fields if n != "version"]
        grouped = [n for _, group in self.kind.sections for n in group]
        groups = [("", [n for n in names if n not in grouped]), *self.kind.sections]
        return {
            **super().form_context(form, record, outcome),
            "cancel_url": record.get_absolute_url() if record else self.kind.url_list,
            "groups": [(title, [form[n] for n in group]) for title, group in groups],
        }


class RecordDeleteView(RecordPage, ObjectDeleteView):
    """Ask before deleting; delete on POST (refused while other records use it)."""

    template_name = "portfolio/record_confirm_delete.html"

    def delete(self, record: Any, version: int) -> None:
        self.kind.form.delete_as(self.request.user, record, version)  # type: ignore[arg-type]

    def success_url(self, record: Any) -> str:
        return self.kind.url("list")


def portfolio_overview(user: Any) -> dict[str, Any]:
    """The figures of the overview page, in a fixed number of queries whatever the size."""
    projects = selectors.project_list(user=user).order_by()
    year_start = timezone.make_aware(datetime.combine(date(clock.today().year, 1, 1), time.min))
    closed_at_year_start = Project.history.as_of(year_start).filter(status=ProjectStatus.CLOSED).values("id")
    active = Q(status=ProjectStatus.ACTIVE)
    figures = projects.aggregate(
        total=Count("pk"),
        active_budget=Coalesce(Sum("approved_budget", filter=active), Decimal(0)),
        closed_this_year=Count("pk", filter=Q(status=ProjectStatus.CLOSED) & ~Q(pk__in=closed_at_year_start)),
        **{status.value: Count("pk", filter=Q(status=status)) for status in ProjectStatus},
    )
    by_stage = dict(projects.values_list("stage").annotate(n=Count("pk")))
    stages = [(stage, by_stage.get(stage.pk, 0)) for stage in selectors.lifecycle_stage_list(user=user)]
    programmes = (
        projects.values("programme", "programme__code", "programme__name")
        .annotate(count=Count("pk"), active=Count("pk", filter=active), budget=Sum("approved_budget"))
        .order_by(F("programme__name").asc(nulls_last=True))
    )
    return {
        "figures": figures,
        "statuses": [(status, figures[status.value]) for status in ProjectStatus],
        "stages": stages,
        "programmes": list(programmes),
        "widest": max([count for _, count in stages] + [1]),
    }


class HomeView(ObjectPage):
    template_name = "portfolio/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        work = work_page(self.request.user, show_all=self.request.GET.get("work") == "all")
        overview = portfolio_overview(self.request.user)
        first_run = {"first_run": first_run_checklist(self.request.user)}  # the PMO head's setup
        return {**super().get_context_data(**kwargs), **overview, **work, **first_run}
