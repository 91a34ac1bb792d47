"""Pages of the RAID registers: the portfolio overview (heat maps, top risks, themes, stale and
past-due counts), each register portfolio-wide, a project's, programme's or portfolio's RAID
tabs, an item's pages (raise, read, edit, escalate, review, history, delete), the dependency map
and the RAID settings.

Reads go through the selectors, writes through the services. A refusal shows the 403 page with
the reason; a service's ValidationError is shown beside the field it names; a stale version shows
who changed the item meanwhile and saves nothing."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from pmo.core import clock
from pmo.core.forms import add_service_errors
from pmo.core.generic import SettingsView, finish, page, paginate
from pmo.core.history import history_entries
from pmo.core.permissions import ensure_can, permission_name
from pmo.core.services import ConflictError
from pmo.engine import network
from pmo.engine.risk import Band, Matrix
from pmo.portfolio.models import Portfolio, Programme, Project
from pmo.portfolio.selectors import portfolio_list, programme_list
from pmo.portfolio.views import project_or_404
from pmo.raid import selectors, services
from pmo.raid.choices import IssueType, Level, RiskCategory
from pmo.raid.forms import (
    ITEM_FIELDS,
    OVERVIEW_FILTERS,
    DeescalateForm,
    EscalateForm,
    ItemForm,
    RegisterFilter,
    SettingsForm,
)
from pmo.raid.imports import may_import
from pmo.raid.models import REGISTERS, Dependency, Issue, RaidItem, RaidSettings, Risk

PAGE_SIZE = 50
TOP_RISKS = 10
BANDS_WORST_FIRST = (Band.HIGH, Band.MEDIUM, Band.LOW)

NOT_FOUND = "There is no {kind} {key}, or you may not see it."
NO_REGISTER = "Say which register the item goes in: ?project=CODE, ?programme=ID or ?portfolio=ID."
RAISED = "{item} raised."
SAVED = "{item} saved."
ESCALATED = "{item} escalated to the {level} register."
DEESCALATED = "{item} handed back to the {level} register."
REVIEWED = "{item} marked reviewed today."
DELETED = "{item} deleted."
SETTINGS_SAVED = "RAID settings saved."
DEPENDENCY_LOOP_SHOWN = (
    "The open dependencies make a loop ({loop}): the map cannot be drawn until it is broken."
)

LABELS = {
    "risks": ("risk", "Risks"),
    "assumptions": ("assumption", "Assumptions"),
    "issues": ("issue", "Issues"),
    "dependencies": ("dependency", "Dependencies"),
    "actions": ("action", "Actions"),
    "decisions": ("decision", "Decisions"),
}


# Plumbing ----------------------------------------------------------------------------------------




def _model(kind: str) -> type[RaidItem]:
    model = REGISTERS.get(kind)
    if model is None:
        raise Http404(f"There is no RAID register “{kind}”.")
    return model


def _item(request: HttpRequest, kind: str, pk: int) -> RaidItem:
    model = _model(kind)
    try:
        return selectors.item_list(model, user=request.user).select_related("raised_by").get(pk=pk)
    except model.DoesNotExist as error:
        raise Http404(NOT_FOUND.format(kind="RAID item", key=f"{model.PREFIX}-{pk}")) from error




def _programme(request: HttpRequest, pk: Any) -> Programme:
    try:
        return programme_list(user=request.user).select_related("portfolio").get(pk=int(pk))
    except (Programme.DoesNotExist, ValueError) as error:
        raise Http404(NOT_FOUND.format(kind="programme", key=pk)) from error


def _portfolio(request: HttpRequest, pk: Any) -> Portfolio:
    try:
        return portfolio_list(user=request.user).get(pk=int(pk))
    except (Portfolio.DoesNotExist, ValueError) as error:
        raise Http404(NOT_FOUND.format(kind="portfolio", key=pk)) from error


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None






def _where(kind: str) -> dict[str, Any]:
    label, plural = LABELS[kind]
    return {"kind": kind, "label": label, "plural": plural}


@dataclass
class Row:
    """An item as a register row shows it, with its flags in words."""

    item: Any
    stale: bool
    past_due: bool
    escalated_from: str = ""
    inherent_band: str = ""
    residual_band: str = ""


def _rows(items: Any, *, matrix: Matrix, today: date, stale_before: date, register: Any = None) -> list[Row]:
    rows = []
    for item in items:
        row = Row(item, item.is_stale(stale_before), item.is_past_due(today))
        if register is not None and item.home != register:
            row.escalated_from = str(item.home)
        if isinstance(item, Risk):
            row.inherent_band = matrix.band(item.inherent_score).value
            row.residual_band = matrix.band(item.residual_score).value
        rows.append(row)
    return rows


def _today_and_stale(row: RaidSettings) -> tuple[date, date]:
    today = clock.today()
    return today, row.stale_before(today)


# The portfolio overview -----------------------------------------------------------------------------


def _heat_rows(grid: list[dict[str, Any]], which: str, query: str) -> list[dict[str, Any]]:
    """The heat map's rows with each cell's link to the risk register filtered to that cell."""
    base = reverse("raid:register", args=["risks"])
    for row in grid:
        for cell in row["cells"]:
            cell["url"] = f"{base}?{which}={cell['probability']}-{cell['impact']}{query}"
    return grid


@page
def overview(request: HttpRequest) -> HttpResponse:
    """The portfolio's RAID picture: where the risks sit before and after response, the worst
    ten, the themes by category, and what is stale or past due in each register."""
    settings_row = selectors.raid_settings()
    matrix = settings_row.matrix
    today, stale_before = _today_and_stale(settings_row)
    filters = RegisterFilter(request.GET, model=Risk, keep=OVERVIEW_FILTERS)
    chosen = filters.chosen()
    risks = filters.filter(
        selectors.item_list(Risk, user=request.user),
        matrix=matrix,
        today=today,
        stale_before=stale_before,
        status=False,
    )
    heat = selectors.heat_map(risks, matrix)
    passed_on = request.GET.copy()
    for name in ("inherent", "residual", "page"):
        passed_on.pop(name, None)
    query = f"&{passed_on.urlencode()}" if passed_on else ""
    passed_on.pop("category", None)
    themes_query = f"&{passed_on.urlencode()}" if passed_on else ""
    top = list(selectors.top_risks(risks)[:TOP_RISKS])
    by_category = selectors.themes(risks, matrix)
    themes = [
        {
            "category": value,
            "label": label,
            "counts": [
                (band.value, by_category.get(value, {}).get(band.value, 0)) for band in BANDS_WORST_FIRST
            ],
            "total": sum(by_category.get(value, {}).values()),
        }
        for value, label in RiskCategory.choices
    ]
    where = ("portfolio", "programme", "project", "owner")
    passed = urlencode({k: getattr(v, "pk", v) for k, v in chosen.items() if k in where})
    stale_q = Q(last_reviewed_on__lt=stale_before) | Q(
        last_reviewed_on__isnull=True, raised_on__lt=stale_before
    )
    counts = []
    for kind, model in REGISTERS.items():
        items = filters.filter(
            selectors.item_list(model, user=request.user).order_by(),
            matrix=matrix,
            today=today,
            stale_before=stale_before,
            status=False,
            only=where,
        )
        figures = selectors.open_items(items).aggregate(
            open=Count("pk"), stale=Count("pk", filter=stale_q), past_due=Count("pk", filter=Q(due__lt=today))
        )
        url = reverse("raid:register", args=[kind])
        counts.append({**_where(kind), **figures, "url": url, "query": f"&{passed}" if passed else ""})
    return render(
        request,
        "raid/overview.html",
        {
            "filters": filters,
            "matrix": matrix,
            "inherent": _heat_rows(heat.grid("inherent"), "inherent", query),
            "residual": _heat_rows(heat.grid("residual"), "residual", query),
            "impacts": range(1, matrix.impact_levels + 1),
            "total": heat.total,
            "top": _rows(top, matrix=matrix, today=today, stale_before=stale_before),
            "top_limit": TOP_RISKS,
            "themes": themes,
            "counts": counts,
            "stale_days": settings_row.stale_days,
            "themes_query": themes_query,
        },
    )


# Registers ---------------------------------------------------------------------------------------


def _register_context(
    request: HttpRequest,
    kind: str,
    items: QuerySet[Any],
    *,
    register: Any = None,
    filters: RegisterFilter | None = None,
) -> dict[str, Any]:
    settings_row = selectors.raid_settings()
    matrix = settings_row.matrix
    today, stale_before = _today_and_stale(settings_row)
    if filters is not None:
        items = filters.filter(items, matrix=matrix, today=today, stale_before=stale_before)
    model = _model(kind)
    if model is Risk:
        items = items.order_by("-residual_score", "-expected_value", "pk")
    context = paginate(request, items)
    context["rows"] = _rows(
        context["page"].object_list, matrix=matrix, today=today, stale_before=stale_before, register=register
    )
    return {**context, **_where(kind), "matrix": matrix, "stale_days": settings_row.stale_days}


@page
def register(request: HttpRequest, kind: str) -> HttpResponse:
    """One register across the portfolio, filtered; open items unless asked otherwise."""
    model = _model(kind)
    filters = RegisterFilter(request.GET, model=model)
    context = _register_context(request, kind, selectors.item_list(model, user=request.user), filters=filters)
    return render(
        request,
        "raid/register.html",
        {
            **context,
            "filters": filters,
            "kinds": [_where(k) for k in REGISTERS],
            "can_import": may_import(request.user),
        },
    )


def _home_register(
    request: HttpRequest, home: Project | Programme | Portfolio, template: str, **extra: Any
) -> HttpResponse:
    """A project's, programme's or portfolio's RAID tabs: one register shown, each with its count
    of open items; the higher registers mark the items escalated to them."""
    kind = request.GET.get("kind", "risks")
    model = _model(kind)
    tabs = []
    for name, each in REGISTERS.items():
        shown = selectors.item_list(each, user=request.user, register=home).order_by()
        tabs.append({**_where(name), "open": selectors.open_items(shown).count()})
    shown_status = request.GET.get("status", "open")
    items = selectors.item_list(model, user=request.user, register=home)
    if shown_status == "open":
        items = selectors.open_items(items)
    elif shown_status == "closed":
        items = items.exclude(status__in=model.OPEN_STATUSES)
    context = _register_context(request, kind, items, register=home)
    can_add = request.user.has_perm(permission_name(model, "add"), home)
    key = home.code if isinstance(home, Project) else home.pk
    return render(
        request,
        template,
        {
            **context,
            "home": home,
            "tabs": tabs,
            "can_add": can_add,
            "shown_status": shown_status,
            "export_query": urlencode(
                {"register": f"{type(home).__name__.lower()}:{key}", "status": shown_status}
            ),
            "statuses": [("open", "Open"), ("closed", "Closed"), ("all", "All")],
            **extra,
        },
    )


@page
def project_raid(request: HttpRequest, code: str) -> HttpResponse:
    project = project_or_404(request, code)
    return _home_register(
        request, project, "raid/project_raid.html", project=project, add_query=f"project={project.code}"
    )


@page
def programme_raid(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    return _home_register(
        request, programme, "raid/home_raid.html", level="programme", add_query=f"programme={programme.pk}"
    )


@page
def portfolio_raid(request: HttpRequest, pk: int) -> HttpResponse:
    portfolio = _portfolio(request, pk)
    return _home_register(
        request, portfolio, "raid/home_raid.html", level="portfolio", add_query=f"portfolio={portfolio.pk}"
    )


# An item's pages ----------------------------------------------------------------------------------


def _chosen_register(request: HttpRequest) -> Project | Programme | Portfolio:
    source = request.GET
    if source.get("project"):
        return project_or_404(request, source["project"])
    if source.get("programme"):
        return _programme(request, source["programme"])
    if source.get("portfolio"):
        return _portfolio(request, source["portfolio"])
    raise Http404(NO_REGISTER)


def _form_page(
    request: HttpRequest,
    kind: str,
    form: ItemForm,
    *,
    item: RaidItem | None,
    home: Any,
    conflict: str = "",
) -> HttpResponse:
    model = _model(kind)
    groups = _form_groups(model, form)
    return render(
        request,
        "raid/item_form.html",
        {
            **_where(kind),
            "form": form,
            "groups": groups,
            "item": item,
            "home": home,
            "project": home if isinstance(home, Project) else None,
            "conflict": conflict,
            "matrix": selectors.raid_settings().matrix if model is Risk else None,
            "cancel_url": item.get_absolute_url() if item else _home_url(home, kind),
        },
        status=409 if conflict else (400 if form.is_bound and form.errors else 200),
    )


RISK_GROUPS = (
    ("The risk", ("title", "kind", "category", "cause", "event", "effect")),
    ("Who", ("owner", "actionee")),
    ("Scores", ("inherent_probability", "inherent_impact", "residual_probability", "residual_impact")),
    ("Response", ("proximity", "response", "response_plan", "response_cost", "cost_impact")),
    ("Review and status", ("due", "status", "closure_note")),
)


def _form_groups(model: type[RaidItem], form: ItemForm) -> list[tuple[str, list[Any]]]:
    if model is not Risk:
        return [("Details", [form[name] for name in ITEM_FIELDS[model.KIND]])]
    return [(title, [form[name] for name in names]) for title, names in RISK_GROUPS]


def _home_url(home: Any, kind: str) -> str:
    if isinstance(home, Project):
        return f"{reverse('raid:project', args=[home.code])}?kind={kind}"
    name = "raid:programme" if isinstance(home, Programme) else "raid:portfolio"
    return f"{reverse(name, args=[home.pk])}?kind={kind}"


@page
def item_create(request: HttpRequest, kind: str) -> HttpResponse:
    """Raise an item in a project's, programme's or portfolio's register."""
    model = _model(kind)
    home = _chosen_register(request)
    ensure_can(
        request.user,
        permission_name(model, "add"),
        home,
        action=f"add {model._meta.verbose_name_plural} to {home}",
    )
    matrix = selectors.raid_settings().matrix if model is Risk else None
    if request.method == "POST":
        form = ItemForm(request.POST, model=model, user=request.user, matrix=matrix)
        if form.is_valid():
            try:
                item = services.raid_item_create(
                    actor=request.user, model=model, register=home, fields=form.values()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return finish(request, RAISED.format(item=item), item.get_absolute_url())
    else:
        initial = {"owner": home.project_manager_id} if isinstance(home, Project) else {}
        form = ItemForm(model=model, user=request.user, matrix=matrix, initial=initial)
    return _form_page(request, kind, form, item=None, home=home)


def _shown_fields(item: RaidItem) -> list[tuple[str, Any, str]]:
    """Each of the register's own fields as (label, value shown, field name)."""
    shown = []
    for name in ITEM_FIELDS[item.KIND]:
        if name in ("title", "status"):
            continue
        field = item._meta.get_field(name)
        display = getattr(item, f"get_{name}_display", None)
        value = display() if display and getattr(item, name) else getattr(item, name)
        shown.append((str(field.verbose_name), value, name))
    return shown


@page
def item_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    item = _item(request, kind, pk)
    settings_row = selectors.raid_settings()
    matrix = settings_row.matrix
    today, stale_before = _today_and_stale(settings_row)
    user = request.user
    can_change = user.has_perm(permission_name(item, "change"), item)
    above = item.shown_at != Level.PORTFOLIO
    context = {
        **_where(kind),
        "item": item,
        "home": item.home,
        "project": item.project,
        "fields": _shown_fields(item),
        "stale": item.is_stale(stale_before),
        "past_due": item.is_past_due(today),
        "stale_days": settings_row.stale_days,
        "can_change": can_change,
        "can_escalate": can_change and above,
        "can_deescalate": can_change and bool(item.escalated_to),
        "can_delete": user.has_perm(permission_name(item, "delete"), item),
        "home_url": _home_url(item.home, kind),
        "can_raise_change": (
            isinstance(item, Issue)
            and item.issue_type == IssueType.REQUEST_FOR_CHANGE
            and item.project is not None
            and user.has_perm("change.add_changerequest", item.project)
        ),
    }
    if isinstance(item, Risk):
        context["scores"] = [
            (
                "Inherent (before response)",
                item.inherent_probability,
                item.inherent_impact,
                item.inherent_score,
            ),
            (
                "Residual (after response)",
                item.residual_probability,
                item.residual_impact,
                item.residual_score,
            ),
        ]
        context["bands"] = [matrix.band(item.inherent_score).value, matrix.band(item.residual_score).value]
        context["matrix"] = matrix
    return render(request, "raid/item_detail.html", context)


@page
def item_update(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    item = _item(request, kind, pk)
    ensure_can(request.user, permission_name(item, "change"), item, action=f"change {item.reference}")
    model = type(item)
    matrix = selectors.raid_settings().matrix if model is Risk else None
    conflict = ""
    if request.method == "POST":
        form = ItemForm(request.POST, model=model, user=request.user, item=item, matrix=matrix)
        if form.is_valid():
            try:
                saved = services.raid_item_update(
                    actor=request.user,
                    item=item,
                    fields=form.values(),
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except ConflictError as error:
                conflict = error.message
            else:
                return finish(request, SAVED.format(item=saved.reference), saved.get_absolute_url())
        item.refresh_from_db()
    else:
        form = ItemForm(model=model, user=request.user, item=item, matrix=matrix)
    return _form_page(request, kind, form, item=item, home=item.home, conflict=conflict)


def _escalation_page(
    request: HttpRequest, kind: str, item: RaidItem, form: Any, conflict: str, *, escalate: bool
) -> HttpResponse:
    return render(
        request,
        "raid/item_escalate.html",
        {
            **_where(kind),
            "item": item,
            "home": item.home,
            "project": item.project,
            "form": form,
            "conflict": conflict,
            "escalate": escalate,
        },
        status=409 if conflict else (400 if form.is_bound and form.errors else 200),
    )


@page
def item_escalate(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Escalate an item up a level, with a note saying why (required)."""
    item = _item(request, kind, pk)
    ensure_can(request.user, permission_name(item, "change"), item, action=f"escalate {item.reference}")
    conflict = ""
    if request.method == "POST":
        form = EscalateForm(request.POST, item=item)
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = services.raid_item_escalate(
                    actor=request.user,
                    item=item,
                    to=Level(data["escalated_to"]),
                    note=data["escalation_note"],
                    expected_version=data["version"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except ConflictError as error:
                conflict = error.message
            else:
                level = Level(data["escalated_to"]).label.lower()
                return finish(
                    request, ESCALATED.format(item=done.reference, level=level), done.get_absolute_url()
                )
    else:
        form = EscalateForm(item=item)
    return _escalation_page(request, kind, item, form, conflict, escalate=True)


@page
def item_deescalate(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Hand an escalated item back to the register it was raised in, with a note."""
    item = _item(request, kind, pk)
    ensure_can(request.user, permission_name(item, "change"), item, action=f"de-escalate {item.reference}")
    conflict = ""
    if request.method == "POST":
        form = DeescalateForm(request.POST, item=item)
        if form.is_valid():
            try:
                done = services.raid_item_deescalate(
                    actor=request.user,
                    item=item,
                    note=form.cleaned_data["escalation_note"],
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except ConflictError as error:
                conflict = error.message
            else:
                level = done.level.label.lower()
                message = DEESCALATED.format(item=done.reference, level=level)
                return finish(request, message, done.get_absolute_url())
    else:
        form = DeescalateForm(item=item)
    return _escalation_page(request, kind, item, form, conflict, escalate=False)


@page
@require_POST
def item_review(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Mark the item reviewed today (it still stands as it is)."""
    item = _item(request, kind, pk)
    ensure_can(request.user, permission_name(item, "change"), item, action=f"review {item.reference}")
    try:
        services.raid_item_review(actor=request.user, item=item, expected_version=_version(request))
    except ConflictError as error:
        messages.error(request, error.message)
        return redirect(item.get_absolute_url())
    return finish(request, REVIEWED.format(item=item.reference), item.get_absolute_url())


@page
def item_history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    item = _item(request, kind, pk)
    return render(
        request,
        "raid/item_history.html",
        {
            **_where(kind),
            "item": item,
            "home": item.home,
            "project": item.project,
            "entries": history_entries(item, user=request.user),
        },
    )


@page
def item_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Ask before deleting an item raised in error (the PMO only); delete on POST."""
    item = _item(request, kind, pk)
    ensure_can(
        request.user,
        permission_name(item, "delete"),
        item,
        action=f"delete {item.reference} (only the PMO deletes RAID items)",
    )
    problem = ""
    if request.method == "POST":
        try:
            services.raid_item_delete(actor=request.user, item=item, expected_version=_version(request))
        except ConflictError as error:
            problem = error.message
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            return finish(request, DELETED.format(item=item.reference), _home_url(item.home, kind))
    return render(
        request,
        "raid/item_delete.html",
        {**_where(kind), "item": item, "home": item.home, "project": item.project, "problem": problem},
        status=409 if problem else 200,
    )


# Dependency map -----------------------------------------------------------------------------------

NODE_WIDTH, NODE_HEIGHT, COLUMN_GAP, ROW_GAP, MARGIN = 110, 36, 80, 24, 20


@dataclass
class Node:
    project: Project
    x: int
    y: int
    highlighted: bool
    affected: bool

    @property
    def mid_y(self) -> int:
        return self.y + NODE_HEIGHT // 2


def _layout(edges: list[Dependency], chosen: Project | None, affected: set[int]) -> dict[str, Any]:
    """Columns by layer (a project one column right of everything it depends on), one row per
    project in its column; arrows from the dependent (right) to its provider (left)."""
    projects = {}
    for edge in edges:
        projects[edge.project_id] = edge.project
        projects[edge.depends_on_id] = edge.depends_on
    pairs = sorted({(e.project_id, e.depends_on_id) for e in edges})
    column = network.layers(projects, pairs)
    rows: dict[int, int] = {}
    nodes: dict[int, Node] = {}
    for pk in sorted(projects, key=lambda p: (column[p], projects[p].code)):
        layer = column[pk]
        row = rows.get(layer, 0)
        rows[layer] = row + 1
        nodes[pk] = Node(
            projects[pk],
            MARGIN + layer * (NODE_WIDTH + COLUMN_GAP),
            MARGIN + row * (NODE_HEIGHT + ROW_GAP),
            chosen is not None and pk == chosen.pk,
            pk in affected,
        )
    arrows = [
        {
            "x1": nodes[a].x,
            "y1": nodes[a].mid_y,
            "x2": nodes[b].x + NODE_WIDTH,
            "y2": nodes[b].mid_y,
            "label": f"{nodes[a].project.code} depends on {nodes[b].project.code}",
            "lit": chosen is not None and (b == chosen.pk or b in affected) and a in affected,
        }
        for a, b in pairs
    ]
    columns = max(column.values(), default=-1) + 1
    tallest = max(rows.values(), default=0)
    return {
        "nodes": list(nodes.values()),
        "arrows": arrows,
        "width": 2 * MARGIN + columns * NODE_WIDTH + max(columns - 1, 0) * COLUMN_GAP,
        "height": 2 * MARGIN + tallest * NODE_HEIGHT + max(tallest - 1, 0) * ROW_GAP,
        "node_width": NODE_WIDTH,
        "node_height": NODE_HEIGHT,
    }


@page
def dependency_map(request: HttpRequest) -> HttpResponse:
    """The open project-to-project dependencies as a network picture (with every edge in a
    table as well); ?project=CODE shows who is affected if that project slips."""
    edges = list(
        selectors.dependency_edges(user=request.user).order_by("project__code", "depends_on__code", "pk")
    )
    code = request.GET.get("project", "").strip()
    chosen = project_or_404(request, code) if code else None
    affected = selectors.affected_projects(chosen, user=request.user) if chosen else []
    loop = network.find_loop((e.project_id, e.depends_on_id) for e in edges)
    layout = None
    problem = ""
    if loop:
        codes = {e.project_id: e.project.code for e in edges} | {
            e.depends_on_id: e.depends_on.code for e in edges
        }
        problem = DEPENDENCY_LOOP_SHOWN.format(loop=" → ".join(codes[p] for p in loop))
    elif edges:
        layout = _layout(edges, chosen, {p.pk for p, _ in affected})
    return render(
        request,
        "raid/dependency_map.html",
        {
            "edges": edges,
            "layout": layout,
            "problem": problem,
            "chosen": chosen,
            "affected": [(p, distance) for p, distance in affected],
            "today": clock.today(),
        },
    )


# Settings ----------------------------------------------------------------------------------------


def settings_shown(row: RaidSettings) -> dict[str, Any]:
    """The settings in words (for those who may not change them) and the matrix they make."""
    shown = [
        (row._meta.get_field(name).verbose_name, getattr(row, name))
        for name in (
            "probability_levels",
            "impact_levels",
            "medium_from",
            "high_from",
            "likelihoods",
            "stale_days",
        )
    ]
    matrix = row.matrix
    return {
        "shown": shown,
        "grid": [[{"band": band.value, "score": p * i} for p, i, band in cells] for cells in matrix.cells()],
        "impacts": range(1, matrix.impact_levels + 1),
        "matrix": matrix,
    }


settings_page = SettingsView.as_view(
    model=RaidSettings,
    read=selectors.raid_settings,
    update=services.raid_settings_update,
    form_class=SettingsForm,
    form_row="row",
    what="the RAID settings",
    saved=SETTINGS_SAVED,
    shows=settings_shown,
    template_name="raid/settings.html",
)
