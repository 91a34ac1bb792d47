"""Pages of baselines and tolerances: a baseline's page and history, approving a new one, a
project's tolerances and the PMO's default tolerances."""

from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from pmo.core.filters import record_id
from pmo.core.generic import (
    ObjectEditView,
    ObjectView,
    Outcome,
    call_service,
    expected_version,
    finish,
    posted_version,
)
from pmo.core.permissions import ensure_can
from pmo.portfolio.models import Project
from pmo.portfolio.views import project_or_404
from pmo.reporting import selectors, services
from pmo.reporting.choices import TOLERANCE_UNITS, ToleranceDimension
from pmo.reporting.forms import (
    BaselineForm,
    BaselineMilestoneRows,
    PortfolioDefaultForm,
    ToleranceDefaultForm,
    ToleranceForm,
    milestone_forecasts,
)
from pmo.reporting.models import Baseline, ReportMilestone, Tolerance, ToleranceDefault
from pmo.reporting.views.common import NOT_FOUND, RecordHistoryView, WithMilestones
from pmo.schedule.selectors import PlanForecast, plan_forecast

BASELINE_APPROVED = "Baseline v{number} approved."
TOLERANCE_SAVED = "{dimension} tolerance saved."
TOLERANCE_CLEARED = "{dimension} tolerance cleared: the default applies again."
NO_OWN_TOLERANCE = "This project has no tolerance of its own for {dimension} to clear."
DEFAULT_SAVED = "{default} saved."
DEFAULT_ADDED = "{default} added."
DEFAULT_REMOVED = "{default} removed: the size tier's default applies again."


# Default tolerances ------------------------------------------------------------------------------


class ToleranceDefaultsView(ObjectEditView):
    """The default tolerances by size tier and portfolio; the PMO head edits one row at a time
    (``?edit=<pk>``, posting its ``pk``), adds a portfolio's own (``action=add``) or removes it
    (``action=remove``: the size tier's default applies again)."""

    model = ToleranceDefault
    template_name = "reporting/tolerance_defaults.html"

    @cached_property
    def defaults(self) -> list[ToleranceDefault]:
        records = selectors.tolerance_default_list(user=self.request.user)
        return list(records.order_by("portfolio__name", "size_tier", "dimension"))

    def posted(self) -> str | None:
        """``add``, ``remove``, or "" (change the row); None for a GET."""
        return self.request.POST.get("action", "") if self.request.method == "POST" else None

    @cached_property
    def raw(self) -> str:
        data = self.request.POST if self.request.method == "POST" else self.request.GET
        return data.get("pk" if self.request.method == "POST" else "edit") or ""

    @cached_property
    def editing(self) -> ToleranceDefault | None:
        chosen = record_id(self.raw)
        return next((d for d in self.defaults if d.pk == chosen), None) if chosen is not None else None

    def can_change(self) -> bool:
        return bool(self.request.user.has_perm(self.permission("change")))

    def the_edited(self) -> ToleranceDefault:
        if self.editing is None:
            raise Http404(NOT_FOUND.format(kind="default tolerance", key=self.raw))
        return self.editing

    def ensure_allowed(self, record: Any) -> None:
        user = self.request.user
        ensure_can(user, "reporting.view_tolerancedefault", action="see the default tolerances")
        posted = self.posted()
        if posted == "add":
            ensure_can(user, self.permission("add"), action="add default tolerances")
        elif posted == "":
            edited = self.the_edited()
            ensure_can(user, self.permission("change"), edited, action=f"change {edited}")

    def get_form(self, record: Any, data: Any = None) -> Any:
        if data is not None:
            if self.posted() == "add":
                return PortfolioDefaultForm(data, prefix="new")
            return ToleranceDefaultForm(data, record=self.editing)
        if self.editing is None or not self.can_change():
            return None
        names = ("absolute", "percent", "direction")
        return ToleranceDefaultForm(
            initial={name: getattr(self.editing, name) for name in names}, record=self.editing
        )

    def save(self, form: Any, record: Any) -> Any:
        if self.posted() == "add":
            return services.tolerance_default_create(actor=self.request.user, **form.cleaned_data)
        return services.tolerance_default_update(
            actor=self.request.user,
            default=self.editing,
            fields=form.values(),
            expected_version=expected_version(form),
        )

    def success_message(self, saved: Any) -> str:
        if self.posted() == "add":
            return DEFAULT_ADDED.format(default=saved)
        return DEFAULT_SAVED.format(default=self.editing)

    def success_url(self, saved: Any) -> str:
        return reverse("reporting:tolerance_defaults")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.posted() != "remove":
            return super().post(request, *args, **kwargs)
        self.ensure_allowed(None)
        removed = self.the_edited()
        outcome = call_service(
            lambda: services.tolerance_default_delete(
                actor=request.user, default=removed, expected_version=posted_version(request)
            )
        )
        if outcome.done:
            return finish(request, DEFAULT_REMOVED.format(default=removed), self.success_url(None))
        failed = Outcome(False, conflict=outcome.conflict or outcome.problem)
        return self.form_page(None, None, failed)  # type: ignore[arg-type]

    def form_context(self, form: Any, record: Any, outcome: Any) -> dict[str, Any]:
        can_change = self.can_change()
        adding = form if self.posted() == "add" else None
        if adding is None and can_change:
            adding = PortfolioDefaultForm(prefix="new")
        editing = self.editing if self.posted() != "add" else None
        rows = [
            {
                "default": d,
                "scope": d.portfolio.name if d.portfolio_id else f"{d.get_size_tier_display()} projects",
                "unit": TOLERANCE_UNITS[ToleranceDimension(d.dimension)],
                "form": form if editing is not None and d.pk == editing.pk else None,
            }
            for d in self.defaults
        ]
        return {
            "rows": rows,
            "can_change": can_change,
            "conflict": outcome.conflict if outcome else "",
            "adding": adding,
        }


tolerance_defaults = ToleranceDefaultsView.as_view()


# Tolerances --------------------------------------------------------------------------------------


def tolerance_field_id(dimension: str) -> str:
    """Each dimension's form on the page gets its own field ids."""
    return f"id_{dimension}_%s"


class ProjectTolerancesView(ObjectEditView):
    """The project's tolerances in force, one row per dimension; the PMO gives it its own
    (``action=set``) or clears them (``action=clear``: the default applies again), one
    dimension's form at a time."""

    model = Tolerance
    key = "code"
    template_name = "reporting/project_tolerances.html"

    @cached_property
    def project(self) -> Project:
        return project_or_404(self.request, self.kwargs[self.key])

    def get_object(self) -> Any:
        return self.project

    def ensure_allowed(self, project: Any) -> None:
        user = self.request.user
        ensure_can(user, "reporting.view_tolerance", action=f"see the tolerances of {project}")
        if self.request.method == "POST":
            ensure_can(user, self.permission("change"), project, action=f"change the tolerances of {project}")

    @cached_property
    def own(self) -> dict[str, Tolerance]:
        own = selectors.tolerance_list(user=self.request.user).filter(project=self.project)
        return {t.dimension: t for t in own}

    def get_form(self, project: Any, data: Any = None) -> Any:
        if data is None:
            return None  # each row gets its own form (form_context)
        return ToleranceForm(data, auto_id=tolerance_field_id(data.get("dimension", "")))

    def clearing(self) -> bool:
        return self.request.POST.get("action") == "clear"

    def save(self, form: Any, project: Any) -> Any:
        data = form.cleaned_data
        self.dimension = ToleranceDimension(data["dimension"])
        if not self.clearing():
            return services.tolerance_set(
                actor=self.request.user,
                project=project,
                dimension=self.dimension,
                absolute=data["absolute"],
                percent=data["percent"],
                direction=data["direction"] or None,
                expected_version=expected_version(form),
            )
        existing = self.own.get(self.dimension.value)
        if existing is None:
            raise ValidationError(NO_OWN_TOLERANCE.format(dimension=self.dimension.label.lower()))
        services.tolerance_clear(
            actor=self.request.user, tolerance=existing, expected_version=expected_version(form)
        )
        return None

    def success_message(self, saved: Any) -> str:
        done = TOLERANCE_CLEARED if self.clearing() else TOLERANCE_SAVED
        return done.format(dimension=self.dimension.label)

    def success_url(self, saved: Any) -> str:
        return reverse("reporting:project_tolerances", args=[self.kwargs[self.key]])

    def form_context(self, form: Any, project: Any, outcome: Any) -> dict[str, Any]:
        can_change = self.request.user.has_perm(self.permission("change"), project)
        rows = selectors.tolerance_rows(project)
        for row in rows:
            dimension = row["dimension"]
            if not can_change:
                row["form"] = None
            elif form is not None and form.data.get("dimension") == dimension.value:
                row["form"] = form
            else:
                mine = self.own.get(dimension.value)
                source = row["row"]
                row["form"] = ToleranceForm(
                    initial={
                        "dimension": dimension.value,
                        "absolute": source.absolute if source else None,
                        "percent": source.percent if source else None,
                        "direction": source.direction if source else services.default_direction(dimension),
                        "version": mine.version if mine else None,
                    },
                    auto_id=tolerance_field_id(dimension.value),
                )
        return {
            "project": project,
            "rows": rows,
            "can_change": can_change,
            "conflict": outcome.conflict if outcome else "",
        }


project_tolerances = ProjectTolerancesView.as_view()


# Baselines -----------------------------------------------------------------------------------------


class BaselinePage:
    """What a baseline's pages share: it is found among those the user may see, and the page's
    header shows it and its project."""

    model = Baseline
    key = "pk"
    context_object_name, context_related = "baseline", ("project",)

    def get_queryset(self) -> Any:
        return selectors.baseline_list(user=self.request.user)  # type: ignore[attr-defined]


class BaselineView(BaselinePage, ObjectView):
    """A baseline: the approved plan, its milestones, and the exception decision or change
    requests that made it."""

    template_name = "reporting/baseline_detail.html"

    def get_queryset(self) -> Any:
        return selectors.baseline_page(user=self.request.user)

    def object_context(self, baseline: Any) -> dict[str, Any]:
        return {
            **super().object_context(baseline),
            "milestones": list(baseline.milestones.all()),
            "from_exceptions": list(baseline.from_exceptions.all()),
            "change_requests": list(baseline.change_requests.all()),
        }


class BaselineHistoryView(BaselinePage, RecordHistoryView):
    pass


baseline_detail = BaselineView.as_view()
baseline_history = BaselineHistoryView.as_view()


# Approving a baseline ----------------------------------------------------------------------------


class BaselineForMilestones(WithMilestones, BaselineForm):
    pass


class BaselineCreateView(ObjectEditView):
    """The PMO records a new version of the project's approved baseline, with the reason."""

    model = Baseline
    template_name = "reporting/baseline_form.html"

    @cached_property
    def project(self) -> Project:
        return project_or_404(self.request, self.kwargs["code"])

    @cached_property
    def current(self) -> Baseline | None:
        return selectors.current_baselines([self.project.pk]).get(self.project.pk)

    @cached_property
    def plan(self) -> PlanForecast | None:
        """The project's plan: its baseline pre-fills the form."""
        return plan_forecast(self.project)

    def doing(self, record: Any) -> str:
        return "approve baselines (only the PMO can)"

    def ensure_allowed(self, record: Any) -> None:
        ensure_can(self.request.user, self.permission("add"), self.project, action=self.doing(None))

    def get_form(self, record: Any, data: Any = None) -> Any:
        if data is not None:
            return BaselineForMilestones(data, rows=BaselineMilestoneRows(data, prefix="milestones"))
        current = self.current
        milestones: list[dict[str, Any]] = []
        if current is not None:
            initial: dict[str, Any] = {
                "finish": current.finish,
                "budget_at_completion": current.budget_at_completion,
                "benefits_value": current.benefits_value,
                "scope_summary": current.scope_summary,
            }
            milestones = [{"name": m.name, "date": m.due} for m in current.milestones.all()]
        else:
            initial = {"finish": self.project.planned_finish, "budget_at_completion": self.project.budget}
        planned = self.plan
        if planned is not None and planned.baseline_finish is not None:  # the plan's baseline (ADR 0042)
            initial["finish"] = planned.baseline_finish
            length = ReportMilestone.NAME_LENGTH
            dated = [{"name": m.name[:length], "date": m.baseline} for m in planned.milestones if m.baseline]
            milestones = dated or milestones
        rows = BaselineMilestoneRows(initial=milestones, prefix="milestones")
        return BaselineForMilestones(initial=initial, rows=rows)

    def save(self, form: Any, record: Any) -> Any:
        data = form.cleaned_data
        return services.baseline_approve(
            actor=self.request.user,
            project=self.project,
            finish=data["finish"],
            budget_at_completion=data["budget_at_completion"],
            reason=data["reason"],
            scope_summary=data["scope_summary"],
            benefits_value=data["benefits_value"] or 0,
            milestones=[(m.name, m.forecast) for m in milestone_forecasts(form.rows)],
        )

    def check(self, form: Any, record: Any) -> None:
        data = form.cleaned_data
        services.baseline_check(
            project=self.project,
            finish=data.get("finish"),
            reason=data.get("reason"),
            milestones=[(m.name, m.forecast) for m in milestone_forecasts(form.valid_rows())],
        )

    def success_message(self, baseline: Any) -> str:
        return BASELINE_APPROVED.format(number=baseline.number)

    def success_url(self, baseline: Any) -> str:
        return reverse("reporting:project_reporting", args=[self.project.code])

    def form_context(self, form: Any, record: Any, outcome: Any) -> dict[str, Any]:
        return {
            **super().form_context(form, record, outcome),
            "project": self.project,
            "rows": form.rows,
            "current": self.current,
            "plan_baseline": self.plan.baseline_finish if self.plan is not None else None,
        }


baseline_create = BaselineCreateView.as_view()
