"""Pages of change control: the change logs, raising, assessing, deciding and implementing a
change request, its history, and the delegated limits.

Reads go through the selectors, writes through the services (the reporting pages' plumbing: a
refusal shows the 403 page with the reason; a service's ValidationError is shown beside the field
it names, at the top otherwise; a stale version shows who changed the record meanwhile and saves
nothing)."""

from decimal import Decimal
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from pmo.change import selectors, services
from pmo.change.choices import Authority, ChangeStatus, Decision
from pmo.change.forms import (
    ChangeAssessForm,
    ChangeDecideForm,
    ChangeFilter,
    ChangeImplementForm,
    ChangeRaiseForm,
    ChangeSettingsForm,
    ChangeUpdateForm,
)
from pmo.change.models import ChangeRequest, ChangeSettings
from pmo.change.workflows import CHANGE_REQUEST, judged
from pmo.core.formatting import days, money, signed_days, signed_money
from pmo.core.generic import (
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ObjectView,
    SettingsView,
    WorkflowStepView,
    expected_version,
)
from pmo.core.permissions import ensure_can
from pmo.core.workflow import refused_page
from pmo.portfolio.models import Project
from pmo.portfolio.views import project_or_404
from pmo.raid import selectors as raid_selectors
from pmo.raid.models import Issue
from pmo.reporting import selectors as reporting_selectors

NOT_FOUND = "There is no {kind} {key}, or you may not see it."
NO_ISSUE = "There is no issue {pk}, or you may not see it."
RAISED = "{change} raised. Assess its impact next: the delegated limits then say who decides it."
SAVED = "{change} saved."
ASSESSED = "{change} assessed: it needs the approval of the {authority} ({why}). They have been told."
DECIDED = {
    Decision.APPROVE: "{change} approved.",
    Decision.REJECT: "{change} rejected.",
    Decision.DEFER: "{change} deferred: it can be decided later.",
}
NEW_BASELINE = " Baseline v{number} of {project} is now in force."
IMPLEMENTED = "{change} recorded as implemented."
SETTINGS_SAVED = "Change control settings saved."


# Reading -----------------------------------------------------------------------------------------


def limits_summary(
    limits: ChangeSettings, allowances: dict[str, Decimal | None] | None
) -> list[dict[str, str]]:
    """Who approves what under the delegated limits (with one project's tolerances where given)."""
    pm = (
        f"Up to {days(limits.pm_max_days)} of delay and {money(limits.pm_max_cost)} of cost, "
        "with no change to benefits"
    )
    if not limits.sponsor_within_tolerance:
        sponsor = "Not delegated: every change beyond the project manager's limits goes to the board"
    elif allowances is None:
        sponsor = "Beyond the project manager's limits but within the project's time and cost tolerances"
    else:
        time = days(allowances["time"]) if allowances["time"] is not None else "no time tolerance"
        cost = money(allowances["cost"]) if allowances["cost"] is not None else "no cost tolerance"
        sponsor = f"Beyond the project manager's limits, within the project's tolerances: {time}, {cost}"
    return [
        {"authority": Authority.PROJECT_MANAGER.label, "limit": pm},
        {"authority": Authority.SPONSOR.label, "limit": sponsor},
        {"authority": Authority.BOARD.label, "limit": "Beyond the project's tolerances"},
    ]


class ChangeListView(ObjectListView):
    """The portfolio-wide change log, newest first, with filters (each one left empty does not
    filter)."""

    model = ChangeRequest
    template_name = "change/change_list.html"

    def get_queryset(self) -> QuerySet[ChangeRequest]:
        return selectors.change_request_list(user=self.request.user)

    @cached_property
    def chosen(self) -> ChangeFilter:
        return ChangeFilter(self.request.GET or None)

    def records(self) -> QuerySet[ChangeRequest]:
        records = self.get_queryset()
        if not self.chosen.is_valid():
            return records
        data = self.chosen.cleaned_data
        if data["portfolio"]:
            records = records.filter(project__portfolio=data["portfolio"])
        if data["project"].strip():
            records = records.filter(project__code__iexact=data["project"].strip())
        for name in ("status", "change_type", "authority"):
            if data[name]:
                records = records.filter(**{name: data[name]})
        if data["mine"]:
            records = records.filter(selectors.awaiting_decision_by(self.request.user))
        return records

    def list_context(self, shown: Any, columns: Any, sort: str) -> dict[str, Any]:
        return {"filter": self.chosen, "filtered": bool(self.request.GET.dict().keys() - {"page"})}


class ProjectChangesView(ObjectListView):
    """A project's change log beside its current baseline and the tolerances a change is judged by."""

    model = ChangeRequest
    template_name = "change/project_changes.html"

    @cached_property
    def project(self) -> Project:
        return project_or_404(self.request, self.kwargs["code"])

    def get_queryset(self) -> QuerySet[ChangeRequest]:
        user = self.request.user
        ensure_can(user, "change.view_changerequest", action=f"see the change log of {self.project}")
        return selectors.change_request_list(user=user, project=self.project)

    def list_context(self, shown: Any, columns: Any, sort: str) -> dict[str, Any]:
        project = self.project
        allowances = selectors.tolerance_allowances(project)
        return {
            "project": project,
            "baseline": reporting_selectors.current_baselines([project.pk]).get(project.pk),
            "allowances": allowances,
            "limits": limits_summary(selectors.change_settings(), allowances),
            "can_raise": self.request.user.has_perm("change.add_changerequest", project),
        }


change_list = ChangeListView.as_view()
project_changes = ProjectChangesView.as_view()


def change_steps(change: ChangeRequest) -> list[dict[str, Any]]:
    """The workflow: raised, assessed, decided, implemented, each with who and when."""
    status = ChangeStatus(change.status)
    decided = change.decided_at is not None
    return [
        {"label": "Raised", "done": True, "when": change.raised_on, "who": change.raised_by},
        {
            "label": "Assessed",
            "done": change.assessed_at is not None,
            "when": change.assessed_at,
            "who": change.assessed_by,
            "note": f"needs the {services.WHO[Authority(change.authority)]}" if change.authority else "",
        },
        {
            "label": "Decided",
            "done": decided and status != ChangeStatus.DEFERRED,
            "when": change.decided_at,
            "who": change.decided_by,
            "note": (ChangeStatus.APPROVED if status == ChangeStatus.IMPLEMENTED else status).label
            if decided
            else "",
        },
        {
            "label": "Implemented",
            "done": status == ChangeStatus.IMPLEMENTED,
            "when": change.implemented_on,
            "who": None,
            "note": "not applicable: rejected" if status == ChangeStatus.REJECTED else "",
        },
    ]


def cumulative_summary(cumulative: selectors.Cumulative) -> dict[str, Any]:
    """What the change page says of the total it is judged on (``selectors.cumulative_change``)."""
    allowed = cumulative.allowances
    return {
        "since": f"baseline v{cumulative.since.number}" if cumulative.since else "the start",
        "since_url": cumulative.since.get_absolute_url() if cumulative.since else "",
        "approved": cumulative.approved,
        "days": signed_days(cumulative.days),
        "cost": signed_money(cumulative.cost),
        "time_limit": days(allowed["time"]) if allowed["time"] is not None else "none",
        "cost_limit": money(allowed["cost"]) if allowed["cost"] is not None else "none",
        "authority": services.WHO[cumulative.authority],
        "why": services.why(cumulative),
        "escalated": cumulative.authority != cumulative.own,
    }


class ChangePage:
    """What a change request's pages share: it is found among those the user may see, and the
    page's header shows it and its project."""

    model = ChangeRequest
    key = "pk"
    not_found = NOT_FOUND
    context_object_name, context_related = "change", ("project",)

    def get_queryset(self) -> Any:
        return selectors.change_request_list(user=self.request.user)  # type: ignore[attr-defined]


class ChangeView(ChangePage, ObjectView):
    """A change request: its workflow so far, its impact, the total it is judged on, the
    delegated limits, and the actions the workflow's table allows the reader."""

    template_name = "change/change_detail.html"

    def object_context(self, change: Any) -> dict[str, Any]:
        authority = Authority(change.authority) if change.authority else None
        limits = selectors.change_settings()
        cumulative = judged(change, limits)
        allowed = CHANGE_REQUEST.allowed_actions(change, self.request.user)
        return {
            **super().object_context(change),
            "steps": change_steps(change),
            "impact_days": signed_days(change.impact_days),
            "impact_cost": signed_money(change.impact_cost),
            "impact_benefits": signed_money(change.impact_benefits),
            "why": services.REASON_OF[authority] if authority else "",
            "cumulative": cumulative_summary(cumulative) if cumulative else None,
            "limits": limits_summary(limits, selectors.tolerance_allowances(change.project)),
            "allowed": allowed,
            "decisions": [action for action in allowed if action in Decision.values],
        }


class ChangeHistoryView(ChangePage, ObjectHistoryView):
    template_name = "change/change_history.html"


change_detail = ChangeView.as_view()
change_history = ChangeHistoryView.as_view()


# Writing -----------------------------------------------------------------------------------------


def _from_issue(request: HttpRequest, project: Project) -> tuple[dict[str, Any], list[str]]:
    """What ``?issue=<pk>`` fills in (the issue's title and description, and the link), or why
    that issue cannot be the source."""
    raw = request.GET.get("issue", "")
    if not raw:
        return {}, []
    try:
        issue = raid_selectors.item_get(Issue, user=request.user, pk=int(raw))
    except (ValueError, Issue.DoesNotExist):
        return {}, [NO_ISSUE.format(pk=raw)]
    try:
        services._check_issue(project, issue)
    except ValidationError as error:
        return {}, error.messages
    return {"issue": issue.pk, "title": issue.title, "description": issue.description}, []


class ChangeRaiseView(ObjectEditView):
    """Raise a change request on a project (``?issue=<pk>`` fills it in from a RAID issue)."""

    model = ChangeRequest
    template_name = "change/change_form.html"

    @cached_property
    def project(self) -> Project:
        return project_or_404(self.request, self.kwargs["code"])

    def doing(self, record: Any) -> str:
        return f"raise change requests on {self.project}"

    def ensure_allowed(self, record: Any) -> None:
        ensure_can(self.request.user, self.permission("add"), self.project, action=self.doing(None))

    def get_form(self, record: Any, data: Any = None) -> Any:
        if data is not None:
            return ChangeRaiseForm(data, project=self.project)
        initial, self.problems = _from_issue(self.request, self.project)
        return ChangeRaiseForm(project=self.project, initial=initial)

    def check(self, form: Any, record: Any) -> None:
        services._check_issue(self.project, form.cleaned_data.get("issue"))

    def save(self, form: Any, record: Any) -> Any:
        return services.change_request_raise(
            actor=self.request.user, project=self.project, fields=form.values()
        )

    def success_message(self, change: Any) -> str:
        return RAISED.format(change=change.reference)

    def form_context(self, form: Any, record: Any, outcome: Any) -> dict[str, Any]:
        return {
            **super().form_context(form, record, outcome),
            "project": self.project,
            "change": None,
            "problems": getattr(self, "problems", []),
            "heading": f"Raise a change request: {self.project}",
            "submit_label": "Raise the change request",
        }


class ChangeStepView(ChangePage, WorkflowStepView):
    """A step of a change request's workflow taken with a form (edit, assess, decide,
    implement)."""

    template_name = "change/change_form.html"
    workflow = CHANGE_REQUEST


class ChangeUpdateView(ChangeStepView):
    """Correct a change request before it is decided."""

    step, heading, submit_label = "edit", "Edit {change}", "Save"

    def get_form(self, change: Any, data: Any = None) -> Any:
        return ChangeUpdateForm(data, instance=change)

    def save(self, form: Any, change: Any) -> Any:
        return services.change_request_update(
            actor=self.request.user,
            change=change,
            fields=form.values(),
            expected_version=expected_version(form),
        )

    def success_message(self, change: Any) -> str:
        return SAVED.format(change=change.reference)


class ChangeAssessView(ChangeStepView):
    """The impact assessment; the page shows the delegated limits and the project's tolerances,
    so the assessor sees who will have to decide."""

    step, heading, submit_label = "assess", "Assess {change}", "Record the assessment"

    def get_form(self, change: Any, data: Any = None) -> Any:
        return ChangeAssessForm(data, instance=change)

    def save(self, form: Any, change: Any) -> Any:
        return services.change_request_assess(
            actor=self.request.user,
            change=change,
            fields=form.values(),
            expected_version=expected_version(form),
        )

    def success_message(self, assessed: Any) -> str:
        authority = Authority(assessed.authority)
        return ASSESSED.format(
            change=assessed.reference, authority=services.WHO[authority], why=services.REASON_OF[authority]
        )

    def form_context(self, form: Any, change: Any, outcome: Any) -> dict[str, Any]:
        allowances = selectors.tolerance_allowances(change.project)
        return {
            **super().form_context(form, change, outcome),
            "limits": limits_summary(selectors.change_settings(), allowances),
            "assessing": True,
        }


class ChangeDecideView(ChangeStepView):
    """Approve, reject or defer: shown only to those holding the authority the change needs
    (judged with the changes approved since its assessment)."""

    heading, submit_label = "Decide {change}", "Record the decision"

    def refusal(self, change: Any) -> HttpResponse | None:
        if self.request.method == "POST":
            return None  # the service judges the decision taken
        judged(change, selectors.change_settings())
        allowed = CHANGE_REQUEST.allowed_actions(change, self.request.user)
        self.decisions = [choice for choice in Decision.choices if choice[0] in allowed]
        if not self.decisions:  # whoever may approve may also reject: its refusal says why not
            return refused_page(self.request, CHANGE_REQUEST, change, Decision.REJECT) or redirect(
                change.get_absolute_url()
            )
        return None

    def get_form(self, change: Any, data: Any = None) -> Any:
        form = ChangeDecideForm(data, record=change)
        if data is None:
            form.fields["decision"].choices = self.decisions  # type: ignore[attr-defined]
        return form

    def check(self, form: Any, change: Any) -> None:
        if "decision_notes" in form.cleaned_data:
            services.change_decision_check(notes=form.cleaned_data["decision_notes"])

    def save(self, form: Any, change: Any) -> Any:
        data = form.cleaned_data
        self.decision = Decision(data["decision"])
        return services.change_request_decide(
            actor=self.request.user,
            change=change,
            decision=data["decision"],
            notes=data["decision_notes"],
            expected_version=expected_version(form),
        )

    def success_message(self, decided: Any) -> str:
        done = DECIDED[self.decision].format(change=decided.reference)
        if decided.new_baseline and self.decision == Decision.APPROVE:
            done += NEW_BASELINE.format(number=decided.new_baseline.number, project=decided.project.code)
        return done

    def form_context(self, form: Any, change: Any, outcome: Any) -> dict[str, Any]:
        authority = Authority(change.authority) if change.authority else None
        return {
            **super().form_context(form, change, outcome),
            "deciding": True,
            "why": services.REASON_OF[authority] if authority else "",
        }


class ChangeImplementView(ChangeStepView):
    step, heading, submit_label = "implement", "Implement {change}", "Record as implemented"

    def get_form(self, change: Any, data: Any = None) -> Any:
        return ChangeImplementForm(data, record=change)

    def save(self, form: Any, change: Any) -> Any:
        return services.change_request_implement(
            actor=self.request.user,
            change=change,
            notes=form.cleaned_data["implementation_notes"],
            expected_version=expected_version(form),
        )

    def success_message(self, change: Any) -> str:
        return IMPLEMENTED.format(change=change.reference)


change_create = ChangeRaiseView.as_view()
change_update = ChangeUpdateView.as_view()
change_assess = ChangeAssessView.as_view()
change_decide = ChangeDecideView.as_view()
change_implement = ChangeImplementView.as_view()


settings_page = SettingsView.as_view(
    model=ChangeSettings,
    read=selectors.change_settings,
    update=services.change_settings_update,
    form_class=ChangeSettingsForm,
    what="the change control settings",
    saved=SETTINGS_SAVED,
    shows=lambda row: {"limits": limits_summary(row, None)},
    template_name="change/settings.html",
)
