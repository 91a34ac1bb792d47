"""Pages of the RAID registers: the portfolio overview (heat maps, top risks, themes, stale and
past-due counts), each register portfolio-wide, a project's, programme's or portfolio's RAID
tabs, an item's pages (raise, read, edit, escalate, review, history, delete), the dependency map
and the RAID settings.

Reads go through the selectors, writes through the services. A refusal shows the 403 page with
the reason; a service's ValidationError is shown beside the field it names; a stale version shows
who changed the item meanwhile and saves nothing."""

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from pmo.core import clock
from pmo.core.generic import (
    ObjectActionView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ObjectView,
    SettingsView,
    expected_version,
    found_or_404,
    page,
)
from pmo.core.permissions import ensure_can, permission_name
from pmo.engine import network
from pmo.engine.risk import Band, Matrix
from pmo.portfolio.models import Portfolio, Programme, Project
from pmo.portfolio.register import Rated, declared
from pmo.portfolio.selectors import declared_status, portfolio_list, programme_list
from pmo.portfolio.views import project_or_404
from pmo.raid import selectors, services
from pmo.raid.choices import IssueType, Level, RiskCategory, RiskKind, RiskStatus
from pmo.raid.forms import (
    ITEM_FIELDS,
    OVERVIEW_FILTERS,
    DeescalateForm,
    DependencyMapForm,
    EscalateForm,
    ItemForm,
    RegisterFilter,
    SettingsForm,
)
from pmo.raid.imports import may_import
from pmo.raid.models import REGISTERS, Dependency, Issue, RaidItem, RaidSettings, Risk
from pmo.schedule import crosslinks

TOP_RISKS = 10
TOP_KINDS = {RiskKind.THREAT: "threats", RiskKind.OPPORTUNITY: "opportunities"}  # ranked apart
BANDS_WORST_FIRST = (Band.HIGH, Band.MEDIUM, Band.LOW)

NOT_FOUND = "There is no {kind} {key}, or you may not see it."
NO_REGISTER = "Say which register the item goes in: ?project=CODE, ?programme=ID or ?portfolio=ID."
RAISED = "{item} raised."
RAISED_FROM_RISK = "Raised from {risk}, which occurred"
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


def _home(request: HttpRequest, level: str, key: Any) -> Project | Programme | Portfolio:
    """The project (by its code), programme or portfolio (by id) whose register is asked for."""
    if level == "project":
        return project_or_404(request, key)
    return _programme(request, key) if level == "programme" else _portfolio(request, key)


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
    # Threats and opportunities ranked apart: a large opportunity is not a top risk to manage.
    top = [(kind, list(selectors.top_risks(risks.filter(kind=kind))[:TOP_RISKS])) for kind in TOP_KINDS]
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
            "top": [
                (TOP_KINDS[kind], _rows(found, matrix=matrix, today=today, stale_before=stale_before))
                for kind, found in top
            ],
            "top_limit": TOP_RISKS,
            "themes": themes,
            "counts": counts,
            "stale_days": settings_row.stale_days,
            "themes_query": themes_query,
        },
    )


# Registers ---------------------------------------------------------------------------------------


class RegisterView(ObjectListView):
    """One register (``kind`` in the URL) across the portfolio, filtered; open items unless asked
    otherwise. Each row says whether the item is stale or past due and, for a risk, its bands on
    the matrix; risks come worst first."""

    template_name = "raid/register.html"
    home: Project | Programme | Portfolio | None = None  # the register shown (None: every one)

    @property
    def kind(self) -> str:
        return str(self.kwargs["kind"])

    @property
    def model(self) -> type[RaidItem]:  # type: ignore[override]
        return _model(self.kind)

    @property
    def ordering(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("-residual_score", "-expected_value") if self.model is Risk else ()

    @cached_property
    def settings_row(self) -> RaidSettings:
        return selectors.raid_settings()

    @cached_property
    def filters(self) -> RegisterFilter:
        return RegisterFilter(self.request.GET, model=self.model)

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.item_list(self.model, user=self.request.user, register=self.home)

    def records(self) -> QuerySet[Any]:
        today, stale_before = _today_and_stale(self.settings_row)
        return self.filters.filter(
            self.get_queryset(), matrix=self.settings_row.matrix, today=today, stale_before=stale_before
        )

    def list_context(self, shown: Any, columns: Any, sort: str) -> dict[str, Any]:
        matrix = self.settings_row.matrix
        today, stale_before = _today_and_stale(self.settings_row)
        return {
            "rows": _rows(shown, matrix=matrix, today=today, stale_before=stale_before, register=self.home),
            **_where(self.kind),
            "matrix": matrix,
            "stale_days": self.settings_row.stale_days,
            **self.around(),
        }

    def around(self) -> dict[str, Any]:
        """What the page shows beside the register: its filters, the other registers."""
        return {
            "filters": self.filters,
            "kinds": [_where(k) for k in REGISTERS],
            "can_import": may_import(self.request.user),
        }


class HomeRegisterView(RegisterView):
    """A project's, programme's or portfolio's RAID tabs (``level``): one register shown
    (``?kind=``, risks unless said), each tab with its count of open items, and ``?status=``
    open (unless said), closed or all; the higher registers mark the items escalated to them."""

    template_name = "raid/home_raid.html"
    level = "project"
    statuses = (("open", "Open"), ("closed", "Closed"), ("all", "All"))

    @property
    def kind(self) -> str:
        return self.request.GET.get("kind", "risks")

    @cached_property
    def home(self) -> Project | Programme | Portfolio:  # type: ignore[override]
        return _home(self.request, self.level, self.kwargs["code" if self.level == "project" else "pk"])

    def shown_status(self) -> str:
        return self.request.GET.get("status", "open")

    def records(self) -> QuerySet[Any]:
        items = self.get_queryset()
        if self.shown_status() == "open":
            return selectors.open_items(items)
        if self.shown_status() == "closed":
            return items.exclude(status__in=self.model.OPEN_STATUSES)
        return items

    def around(self) -> dict[str, Any]:
        home, user = self.home, self.request.user
        tabs = []
        for name, model in REGISTERS.items():
            shown = selectors.item_list(model, user=user, register=home).order_by()
            tabs.append({**_where(name), "open": selectors.open_items(shown).count()})
        key = home.code if isinstance(home, Project) else home.pk
        return {
            "home": home,
            "level": self.level,
            "project": home if isinstance(home, Project) else None,
            "tabs": tabs,
            "can_add": user.has_perm(permission_name(self.model, "add"), home),
            "shown_status": self.shown_status(),
            "export_query": urlencode({"register": f"{self.level}:{key}", "status": self.shown_status()}),
            "statuses": self.statuses,
            "add_query": f"{self.level}={key}",
        }


register = RegisterView.as_view()
project_raid = HomeRegisterView.as_view(level="project", template_name="raid/project_raid.html")
programme_raid = HomeRegisterView.as_view(level="programme")
portfolio_raid = HomeRegisterView.as_view(level="portfolio")


# An item's pages ----------------------------------------------------------------------------------


def _chosen_register(request: HttpRequest) -> Project | Programme | Portfolio:
    """The register named by ``?project=CODE``, ``?programme=ID`` or ``?portfolio=ID``."""
    for level in ("project", "programme", "portfolio"):
        if request.GET.get(level):
            return _home(request, level, request.GET[level])
    raise Http404(NO_REGISTER)


class ItemPage:
    """What an item's pages share: the register in the URL (``kind``) names the model, the item
    is found among those the user may see, and the page's header shows its register."""

    key = "pk"

    @property
    def kind(self) -> str:
        return str(self.kwargs["kind"])  # type: ignore[attr-defined]

    @property
    def model(self) -> type[RaidItem]:  # type: ignore[override]
        return _model(self.kind)

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.item_list(self.model, user=self.request.user).select_related("raised_by")  # type: ignore[attr-defined]

    def get_object(self) -> Any:
        if self.key not in self.kwargs:  # type: ignore[attr-defined]
            return None
        pk = self.kwargs[self.key]  # type: ignore[attr-defined]
        key = f"{self.model.PREFIX}-{pk}"
        return found_or_404(self.get_queryset(), "RAID item", key, message=NOT_FOUND, pk=pk)

    def doing(self, record: Any) -> str:
        return f"{self.action} {record.reference}"  # type: ignore[attr-defined]

    def object_context(self, item: Any) -> dict[str, Any]:
        return {
            **super().object_context(item),  # type: ignore[misc]
            **_where(self.kind),
            "item": item,
            "home": item.home,
            "project": item.project,
        }


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


class ItemFormView(ItemPage, ObjectEditView):
    """Raise an item in a project's, programme's or portfolio's register (``?project=CODE``,
    ``?programme=ID`` or ``?portfolio=ID``), or edit one (which counts as reviewing it)."""

    template_name = "raid/item_form.html"

    @cached_property
    def home(self) -> Project | Programme | Portfolio:
        """The register a new item goes in."""
        return _chosen_register(self.request)

    def doing(self, record: Any) -> str:
        if record is None:
            return f"add {self.model._meta.verbose_name_plural} to {self.home}"
        return super().doing(record)

    def ensure_allowed(self, record: Any) -> None:
        if record is not None:
            super().ensure_allowed(record)
            return
        ensure_can(self.request.user, self.permission("add"), self.home, action=self.doing(None))

    def matrix(self) -> Matrix | None:
        return selectors.raid_settings().matrix if self.model is Risk else None

    @cached_property
    def from_risk(self) -> Risk | None:
        """The risk a new issue is raised from (``?from_risk=ID``: a risk that occurred), if the
        user may see it."""
        raw = self.request.GET.get("from_risk", "")
        if self.model is not Issue or "pk" in self.kwargs or not raw.isdigit():
            return None
        return selectors.item_list(Risk, user=self.request.user).filter(pk=raw).first()

    def get_form(self, record: Any, data: Any = None) -> ItemForm:
        extra: dict[str, Any] = {}
        if record is None and data is None and isinstance(self.home, Project):
            extra["initial"] = {"owner": self.home.project_manager_id}
        if record is None and data is None and self.from_risk is not None:
            risk = self.from_risk
            happened = "\n\n".join(text for text in (risk.event, risk.effect) if text)
            extra["initial"] = {
                "title": risk.title,
                "description": happened or risk.description,
                "owner": risk.owner_id,
            }
        return ItemForm(
            data,
            model=self.model,
            user=self.request.user,
            item=record,
            matrix=self.matrix(),
            home=self.home if record is None else None,
            **extra,
        )

    def save(self, form: Any, record: Any) -> Any:
        if record is None and self.from_risk is not None:
            risk = self.from_risk
            return services.raid_item_create(
                actor=self.request.user,
                model=Issue,
                register=self.home,
                fields={**form.values(), "raised_from": risk},
                reason=RAISED_FROM_RISK.format(risk=risk.reference),
            )
        if record is None:
            return services.raid_item_create(
                actor=self.request.user, model=self.model, register=self.home, fields=form.values()
            )
        return services.raid_item_update(
            actor=self.request.user,
            item=record,
            fields=form.values(),
            expected_version=expected_version(form),
        )

    def check(self, form: Any, record: Any) -> None:
        services.raid_item_check(
            actor=self.request.user,
            model=Issue if record is None and self.from_risk is not None else self.model,
            fields={name: value for name, value in form.cleaned_data.items() if name != "version"},
            register=self.home if record is None else None,
            item=record,
        )

    def success_message(self, saved: Any) -> str:
        if self.key in self.kwargs:
            return SAVED.format(item=saved.reference)
        return RAISED.format(item=saved)

    def form_context(self, form: Any, record: Any, outcome: Any) -> dict[str, Any]:
        home = record.home if record is not None else self.home
        return {
            **super().form_context(form, record, outcome),
            **_where(self.kind),
            "groups": _form_groups(self.model, form),
            "item": record,
            "home": home,
            "project": home if isinstance(home, Project) else None,
            "matrix": self.matrix(),
            "cancel_url": record.get_absolute_url() if record else _home_url(home, self.kind),
            "from_risk": self.from_risk,
        }


def _shown_fields(item: RaidItem) -> list[tuple[str, Any, str]]:
    """Each of the register's own fields as (label, value shown, field name)."""
    shown = []
    for name in ITEM_FIELDS[item.KIND]:
        if name in ("title", "status", "giving_task_uid", "needing_task_uid"):
            continue  # a dependency's ties are shown with the plans' dates (``plan_tie``)
        field = item._meta.get_field(name)
        display = getattr(item, f"get_{name}_display", None)
        value = display() if display and getattr(item, name) else getattr(item, name)
        shown.append((str(field.verbose_name), value, name))
    return shown


def _plan_tie(item: Dependency) -> dict[str, Any]:
    """A tied dependency as the plans date it (both its projects are seen by whoever sees it), and
    what its slip does to its project's plan, in words."""
    found = crosslinks.cross_network()
    move = found.moves.get(item.project_id or 0)
    return {
        "tie": found.ties.get(item.pk),
        "tie_uids": (item.giving_task_uid, item.needing_task_uid),
        "tie_move": move.sentence() if move is not None and move.dependency_id == item.pk else "",
    }


class ItemView(ItemPage, ObjectView):
    """An item: its fields, flags (stale, past due), scores on the matrix and what the reader
    may do with it."""

    template_name = "raid/item_detail.html"

    def object_context(self, item: Any) -> dict[str, Any]:
        settings_row = selectors.raid_settings()
        matrix = settings_row.matrix
        today, stale_before = _today_and_stale(settings_row)
        user = self.request.user
        can_change = self.may("change", item)
        above = item.shown_at != Level.PORTFOLIO
        context = {
            **super().object_context(item),
            "fields": _shown_fields(item),
            "stale": item.is_stale(stale_before),
            "past_due": item.is_past_due(today),
            "stale_days": settings_row.stale_days,
            "can_change": can_change,
            "can_escalate": can_change and above,
            "can_deescalate": can_change and bool(item.escalated_to),
            "can_delete": self.may("delete", item),
            "home_url": _home_url(item.home, self.kind),
            "can_raise_change": (
                isinstance(item, Issue)
                and item.issue_type == IssueType.REQUEST_FOR_CHANGE
                and item.project is not None
                and user.has_perm("change.add_changerequest", item.project)
            ),
        }
        if isinstance(item, Dependency) and (
            item.giving_task_uid is not None or item.needing_task_uid is not None
        ):
            context.update(_plan_tie(item))
        if isinstance(item, Issue) and item.raised_from_id is not None:
            context["raised_from"] = (
                selectors.item_list(Risk, user=user).filter(pk=item.raised_from_id).first()
            )
        if isinstance(item, Risk):
            context["issues_raised"] = list(selectors.item_list(Issue, user=user).filter(raised_from=item))
            context["can_raise_issue"] = item.status == RiskStatus.OCCURRED and user.has_perm(
                permission_name(Issue, "add"), item.home
            )
            home = item.home
            level = type(home).__name__.lower()
            key = home.code if isinstance(home, Project) else home.pk
            query = urlencode({level: key, "from_risk": item.pk})
            context["raise_issue_url"] = f"{reverse('raid:item_create', args=['issues'])}?{query}"
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
            context["bands"] = [
                matrix.band(item.inherent_score).value,
                matrix.band(item.residual_score).value,
            ]
            context["matrix"] = matrix
        return context


class ItemEscalateView(ItemPage, ObjectEditView):
    """Escalate an item up a level (``escalate=True``), or hand an escalated item back to the
    register it was raised in; either with a note saying why (required)."""

    template_name = "raid/item_escalate.html"
    escalate = True

    @property
    def action(self) -> str:  # type: ignore[override]
        return "escalate" if self.escalate else "de-escalate"

    def permission(self, action: str, record: Any = None) -> str:
        return super().permission("change", record)

    def get_form(self, record: Any, data: Any = None) -> Any:
        form = EscalateForm if self.escalate else DeescalateForm
        return form(data, item=record)

    def save(self, form: Any, record: Any) -> Any:
        data = form.cleaned_data
        if self.escalate:
            return services.raid_item_escalate(
                actor=self.request.user,
                item=record,
                to=Level(data["escalated_to"]),
                note=data["escalation_note"],
                expected_version=expected_version(form),
            )
        return services.raid_item_deescalate(
            actor=self.request.user,
            item=record,
            note=data["escalation_note"],
            expected_version=expected_version(form),
        )

    def success_message(self, done: Any) -> str:
        if self.escalate:
            return ESCALATED.format(item=done.reference, level=Level(done.escalated_to).label.lower())
        return DEESCALATED.format(item=done.reference, level=done.level.label.lower())

    def form_context(self, form: Any, record: Any, outcome: Any) -> dict[str, Any]:
        return {**super().form_context(form, record, outcome), "escalate": self.escalate}


class ItemReviewView(ItemPage, ObjectActionView):
    """Mark the item reviewed today (it still stands as it is)."""

    action = "review"

    def permission(self, action: str, record: Any = None) -> str:
        return super().permission("change", record)

    def act(self, record: Any, version: int | None) -> Any:
        return services.raid_item_review(actor=self.request.user, item=record, expected_version=version)

    def success_message(self, record: Any) -> str:
        return REVIEWED.format(item=record.reference)


class ItemHistoryView(ItemPage, ObjectHistoryView):
    template_name = "raid/item_history.html"


class ItemDeleteView(ItemPage, ObjectDeleteView):
    """Ask before deleting an item raised in error (the PMO only); delete on POST."""

    template_name = "raid/item_delete.html"

    def doing(self, record: Any) -> str:
        return f"delete {record.reference} (only the PMO deletes RAID items)"

    def delete(self, record: Any, version: int) -> None:
        services.raid_item_delete(actor=self.request.user, item=record, expected_version=version)

    def success_message(self, record: Any) -> str:
        return DELETED.format(item=record.reference)

    def success_url(self, record: Any) -> str:
        return _home_url(record.home, self.kind)


item_create = ItemFormView.as_view()
item_detail = ItemView.as_view()
item_update = ItemFormView.as_view()
item_escalate = ItemEscalateView.as_view(escalate=True)
item_deescalate = ItemEscalateView.as_view(escalate=False)
item_review = ItemReviewView.as_view()
item_history = ItemHistoryView.as_view()
item_delete = ItemDeleteView.as_view()


# Dependency map -----------------------------------------------------------------------------------

NODE_WIDTH, NODE_HEIGHT, COLUMN_GAP, ROW_GAP, MARGIN = 200, 62, 70, 20, 20
LINE_HEIGHT = 17


@dataclass
class Node:
    project: Project
    x: int
    y: int
    highlighted: bool
    affected: bool
    status: Rated

    @property
    def mid_y(self) -> int:
        return self.y + NODE_HEIGHT // 2

    @property
    def text_x(self) -> int:
        return self.x + 8

    @property
    def first_line_y(self) -> int:
        return self.y + LINE_HEIGHT


def _layout(edges: list[Dependency], chosen: Project | None, affected: set[int]) -> dict[str, Any]:
    """Columns by layer (a project one column right of everything it depends on), one row per
    project in its column; arrows from the dependent (right) to its provider (left). Each
    project shows its code, name and declared status (colour and word)."""
    projects = {}
    for edge in edges:
        projects[edge.project_id] = edge.project
        projects[edge.depends_on_id] = edge.depends_on
        edge.project.declared_status = edge.project_declared  # type: ignore[attr-defined]
        edge.depends_on.declared_status = edge.provider_declared  # type: ignore[attr-defined]
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
            declared(projects[pk]),
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
        "line_height": LINE_HEIGHT,
    }


@page
def dependency_map(request: HttpRequest) -> HttpResponse:
    """The open project-to-project dependencies as a network picture (with every edge in a
    table as well); ?project=CODE shows who is affected if that project slips."""
    edges = list(
        selectors.dependency_edges(user=request.user)
        .annotate(
            project_declared=declared_status(key="project_id"),
            provider_declared=declared_status(key="depends_on_id"),
        )
        .order_by("project__code", "depends_on__code", "pk")
    )
    form = DependencyMapForm(request.GET or None, user=request.user)
    chosen = form.cleaned_data["project"] if form.is_valid() else None
    if chosen is not None:  # the box shows the project found, however it was typed
        form = DependencyMapForm(initial={"project": chosen}, user=request.user)
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
            "form": form,
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
