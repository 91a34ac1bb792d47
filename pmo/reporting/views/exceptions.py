"""Pages of exceptions: the list, an exception's page, the project manager's exception report,
the decision, the history and the corrective actions added to its plan."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from pmo.core import clock, formatting
from pmo.core.generic import ObjectEditView, ObjectListView, ObjectView, WorkflowStepView, expected_version
from pmo.core.permissions import ensure_can
from pmo.raid.models import Action
from pmo.reporting import selectors, services
from pmo.reporting.choices import TOLERANCE_UNITS, ExceptionStatus, ToleranceDimension
from pmo.reporting.forms import ExceptionActionForm, ExceptionDecideForm, ExceptionReportForm
from pmo.reporting.models import ProjectException
from pmo.reporting.views.common import RecordHistoryView
from pmo.reporting.workflows import EXCEPTION

EXCEPTION_REPORT_DONE = "Exception report submitted to the sponsor for a decision."
EXCEPTION_DECIDED = "Exception decided: {decision}."
ACTION_ADDED = "Action added; its owner has been told."


# Exceptions ---------------------------------------------------------------------------------------


def _age(exception: ProjectException, today: date) -> int:
    end = timezone.localdate(exception.decided_at) if exception.decided_at else today
    return (end - timezone.localdate(exception.raised_at)).days


class ExceptionListView(ObjectListView):
    """Exceptions the user may see: open ones first, oldest open first, with their age
    (``?show=open``, the default, ``awaiting`` a decision, or ``all``)."""

    model = ProjectException
    ordering = ("closed", "raised_at")
    template_name = "reporting/exception_list.html"

    def shown(self) -> str:
        return self.request.GET.get("show", "open")

    def get_queryset(self) -> Any:
        return selectors.exception_list(user=self.request.user).annotate(
            closed=Case(
                When(status=ExceptionStatus.DECIDED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )

    def records(self) -> Any:
        records = super().records()
        if self.shown() == "awaiting":  # exception reports in, waiting for the sponsor's decision
            return records.filter(status=ExceptionStatus.REPORT_SUBMITTED)
        return records.exclude(status=ExceptionStatus.DECIDED) if self.shown() == "open" else records

    def list_context(self, shown: Any, columns: Any, sort: str) -> dict[str, Any]:
        today = clock.today()
        return {"rows": [(e, _age(e, today)) for e in shown], "shown": self.shown()}


exception_list = ExceptionListView.as_view()


def exception_steps(exception: ProjectException) -> list[dict[str, Any]]:
    """The exception's workflow: raised, report requested, report submitted, decided."""
    order = [s.value for s in ExceptionStatus]
    reached = order.index(exception.status)
    return [
        {"label": "Raised", "done": True, "when": exception.raised_at, "who": "System (tolerance check)"},
        {
            "label": "Exception report requested",
            "done": reached >= 1,
            "when": exception.raised_at if reached >= 1 else None,
            "who": exception.project.project_manager,
            "note": f"due {formatting.date(exception.report_due)}" if exception.report_due else "",
        },
        {
            "label": "Exception report submitted",
            "done": reached >= 2,
            "when": exception.report_submitted_at,
            "who": exception.report_submitted_by,
        },
        {
            "label": "Decided",
            "done": reached >= 3,
            "when": exception.decided_at,
            "who": exception.decided_by,
            "note": exception.get_decision_display() if exception.decision else "",
        },
    ]


class ExceptionPage:
    """What an exception's pages share: it is found among those the user may see, and the
    page's header shows it and its project."""

    model = ProjectException
    key = "pk"
    context_object_name, context_related = "exception", ("project",)

    def get_queryset(self) -> Any:
        records = selectors.exception_list(user=self.request.user)  # type: ignore[attr-defined]
        return records.select_related("raised_from__project", "raised_from__period")


# The earned value figures an exception keeps (``pmo.finance.feeds.evm_snapshot``): key, label, unit.
EVM_ROWS = (
    ("bac", "Budget at completion (BAC)", "money"),
    ("eac", "Estimate at completion (EAC, finance)", "money"),
    ("pv", "Planned value (PV)", "money"),
    ("ev", "Earned value (EV)", "money"),
    ("ac", "Actual cost (AC)", "money"),
    ("cv", "Cost variance (CV)", "money"),
    ("sv", "Schedule variance (SV)", "money"),
    ("cpi", "Cost performance index (CPI)", "index"),
    ("spi", "Schedule performance index (SPI)", "index"),
    ("spi_t", "SPI(t), earned schedule", "index"),
    ("forecast_finish", "Forecast finish by SPI(t)", "date"),
)


def _iso_day(value: str | None) -> str:
    return formatting.date(date.fromisoformat(value)) if value else ""


def evm_rows(evm: dict[str, Any]) -> list[tuple[str, str]]:
    """What an exception's page shows of the earned value it kept: each figure in words, or why
    it is missing."""
    if not evm:
        return []
    missing = evm.get("undefined", {})
    rows = []
    for key, label, unit in EVM_ROWS:
        value = evm.get(key)
        if value is None:
            shown = f"— ({missing[key]})" if key in missing else "—"
        elif unit == "money":
            shown = formatting.money(Decimal(value))
        elif unit == "date":
            shown = formatting.date(date.fromisoformat(value))
        else:
            shown = value
        rows.append((label, shown))
    return rows


class ExceptionView(ExceptionPage, ObjectView):
    """An exception: its workflow so far, the breaches, the tolerance checks, its corrective
    actions and the steps the workflow's table allows the reader."""

    template_name = "reporting/exception_detail.html"

    def object_context(self, exception: Any) -> dict[str, Any]:
        user = self.request.user
        checks = [
            (check, TOLERANCE_UNITS[ToleranceDimension(check.dimension)])
            for check in exception.project.tolerance_checks.all()
        ]
        actions = list(selectors.corrective_actions(user=user, exception=exception).order_by("due", "pk"))
        today = clock.today()
        return {
            **super().object_context(exception),
            "steps": exception_steps(exception),
            "breaches": exception.breach_summary.splitlines(),
            "checks": checks,
            "evm": evm_rows(exception.evm),
            "evm_as_of": _iso_day(exception.evm.get("as_of")),
            "evm_actuals_to": _iso_day(exception.evm.get("status_date")),
            "actions": [(a, a.is_past_due(today)) for a in actions],
            "age": _age(exception, today),
            "allowed": EXCEPTION.allowed_actions(exception, user),
            "can_add_action": user.has_perm("raid.add_action", exception.project),
        }


class ExceptionStepView(ExceptionPage, WorkflowStepView):
    """A step of an exception's workflow taken with a form (the PM's report, the decision); the
    form shows the breaches it answers."""

    template_name = "reporting/exception_form.html"
    workflow = EXCEPTION

    def form_context(self, form: Any, exception: Any, outcome: Any) -> dict[str, Any]:
        return {
            **super().form_context(form, exception, outcome),
            "breaches": exception.breach_summary.splitlines(),
        }


class ExceptionReportView(ExceptionStepView):
    """The PM's exception report: cause, consequences, options, recommendation."""

    step = "report"
    heading = "Exception report: {project}"
    submit_label = "Submit exception report"

    def get_form(self, exception: Any, data: Any = None) -> Any:
        if data is not None:
            return ExceptionReportForm(data, record=exception)
        names = ("cause", "consequences", "options", "recommendation")
        return ExceptionReportForm(
            initial={name: getattr(exception, name) for name in names}, record=exception
        )

    def save(self, form: Any, exception: Any) -> Any:
        data = form.cleaned_data
        return services.exception_report_submit(
            actor=self.request.user,
            exception=exception,
            cause=data["cause"],
            consequences=data["consequences"],
            options=data["options"],
            recommendation=data["recommendation"],
            expected_version=expected_version(form),
        )

    def check(self, form: Any, exception: Any) -> None:
        names = ("cause", "consequences", "options", "recommendation")
        services.exception_report_check(
            {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}
        )

    def success_message(self, exception: Any) -> str:
        return EXCEPTION_REPORT_DONE


class ExceptionDecideView(ExceptionStepView):
    """The sponsor's (or PMO head's) decision; a new baseline needs its finish, budget and reason."""

    step = "decide"
    heading = "Decide the exception: {project}"
    submit_label = "Record the decision"

    def get_form(self, exception: Any, data: Any = None) -> Any:
        return ExceptionDecideForm(data, record=exception)

    def save(self, form: Any, exception: Any) -> Any:
        data = form.cleaned_data
        return services.exception_decide(
            actor=self.request.user,
            exception=exception,
            decision=data["decision"],
            notes=data["notes"],
            expected_version=expected_version(form),
            baseline=form.baseline(),
        )

    def check(self, form: Any, exception: Any) -> None:
        data = form.cleaned_data
        services.exception_decide_check(
            project=exception.project,
            decision=data.get("decision"),
            notes=data.get("notes"),
            baseline=form.baseline() if "decision" in data else None,
        )

    def success_message(self, decided: Any) -> str:
        return EXCEPTION_DECIDED.format(decision=decided.get_decision_display().lower())

    def form_context(self, form: Any, exception: Any, outcome: Any) -> dict[str, Any]:
        return {**super().form_context(form, exception, outcome), "deciding": True}


class ExceptionHistoryView(ExceptionPage, RecordHistoryView):
    pass


exception_detail = ExceptionView.as_view()
exception_report = ExceptionReportView.as_view()
exception_decide = ExceptionDecideView.as_view()
exception_history = ExceptionHistoryView.as_view()


# Corrective actions -------------------------------------------------------------------------------


def action_list(request: HttpRequest) -> HttpResponse:
    """The actions log is the RAID actions register now (corrective actions included)."""
    return redirect(reverse("raid:register", args=[Action.KIND]))


class ExceptionActionCreateView(ExceptionPage, ObjectEditView):
    """Add a corrective action to the exception's plan (a RAID action of its project)."""

    template_name = "reporting/exception_action_form.html"

    def doing(self, exception: Any) -> str:
        return f"add actions to {exception.project}"

    def ensure_allowed(self, exception: Any) -> None:
        ensure_can(self.request.user, "raid.add_action", exception.project, action=self.doing(exception))

    def get_form(self, exception: Any, data: Any = None) -> Any:
        return ExceptionActionForm(data)

    def save(self, form: Any, exception: Any) -> Any:
        services.exception_action_add(actor=self.request.user, exception=exception, **form.cleaned_data)
        return exception

    def success_message(self, exception: Any) -> str:
        return ACTION_ADDED

    def form_page(self, form: Any, exception: Any, outcome: Any = None) -> HttpResponse:
        # A refused action answers 200, as it always has.
        return self.render_page(200, **self.form_context(form, exception, outcome))


exception_action_create = ExceptionActionCreateView.as_view()
