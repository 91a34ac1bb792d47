"""Pages of change control: the change logs, raising, assessing, deciding and implementing a
change request, its history, and the delegated limits.

Reads go through the selectors, writes through the services (the reporting pages' plumbing: a
refusal shows the 403 page with the reason; a service's ValidationError is shown beside the field
it names, at the top otherwise; a stale version shows who changed the record meanwhile and saves
nothing)."""

from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

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
from pmo.core.forms import add_service_errors
from pmo.core.generic import SettingsView
from pmo.core.history import history_entries
from pmo.core.permissions import ensure_can
from pmo.core.services import ConflictError
from pmo.core.workflow import refused_page
from pmo.portfolio.models import Project
from pmo.portfolio.views import page, paginate, project_or_404
from pmo.raid import selectors as raid_selectors
from pmo.raid.models import Issue
from pmo.reporting import selectors as reporting_selectors
from pmo.reporting.views import save_changes

NOT_FOUND = "There is no change request {pk}, or you may not see it."
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


def _change(request: HttpRequest, pk: int) -> ChangeRequest:
    try:
        return selectors.change_request_get(user=request.user, pk=pk)
    except ChangeRequest.DoesNotExist as error:
        raise Http404(NOT_FOUND.format(pk=pk)) from error




def limits_summary(
    limits: ChangeSettings, allowances: dict[str, Decimal | None] | None
) -> list[dict[str, str]]:
    """Who approves what under the delegated limits (with one project's tolerances where given)."""
    pm = (
        f"Up to {limits.pm_max_days} days of delay and £{limits.pm_max_cost:,.0f} of cost, "
        "with no change to benefits"
    )
    if not limits.sponsor_within_tolerance:
        sponsor = "Not delegated: every change beyond the project manager's limits goes to the board"
    elif allowances is None:
        sponsor = "Beyond the project manager's limits but within the project's time and cost tolerances"
    else:
        time = f"{allowances['time']:,.0f} days" if allowances["time"] is not None else "no time tolerance"
        cost = f"£{allowances['cost']:,.0f}" if allowances["cost"] is not None else "no cost tolerance"
        sponsor = f"Beyond the project manager's limits, within the project's tolerances: {time}, {cost}"
    return [
        {"authority": Authority.PROJECT_MANAGER.label, "limit": pm},
        {"authority": Authority.SPONSOR.label, "limit": sponsor},
        {"authority": Authority.BOARD.label, "limit": "Beyond the project's tolerances"},
    ]


def _filtered(
    request: HttpRequest, records: QuerySet[ChangeRequest]
) -> tuple[QuerySet[ChangeRequest], ChangeFilter]:
    chosen = ChangeFilter(request.GET or None)
    if not chosen.is_valid():
        return records, chosen
    data = chosen.cleaned_data
    if data["portfolio"]:
        records = records.filter(project__portfolio=data["portfolio"])
    if data["project"].strip():
        records = records.filter(project__code__iexact=data["project"].strip())
    for name in ("status", "change_type", "authority"):
        if data[name]:
            records = records.filter(**{name: data[name]})
    if data["mine"]:
        records = records.filter(selectors.awaiting_decision_by(request.user))
    return records, chosen


@page
def change_list(request: HttpRequest) -> HttpResponse:
    """The portfolio-wide change log, newest first, with filters."""
    records, chosen = _filtered(request, selectors.change_request_list(user=request.user))
    return render(
        request,
        "change/change_list.html",
        {
            **paginate(request, records),
            "filter": chosen,
            "filtered": bool(request.GET.dict().keys() - {"page"}),
        },
    )


@page
def project_changes(request: HttpRequest, code: str) -> HttpResponse:
    """A project's change log beside its current baseline and the tolerances a change is judged by."""
    project = project_or_404(request, code)
    ensure_can(request.user, "change.view_changerequest", action=f"see the change log of {project}")
    records = selectors.change_request_list(user=request.user, project=project)
    baseline = reporting_selectors.current_baselines([project.pk]).get(project.pk)
    allowances = selectors.tolerance_allowances(project)
    return render(
        request,
        "change/project_changes.html",
        {
            **paginate(request, records),
            "project": project,
            "baseline": baseline,
            "allowances": allowances,
            "limits": limits_summary(selectors.change_settings(), allowances),
            "can_raise": request.user.has_perm("change.add_changerequest", project),
        },
    )


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


def _signed(value: Any, unit: str = "") -> str:
    if unit == "£":
        return f"{'+' if value > 0 else '-' if value < 0 else ''}£{abs(value):,.2f}"
    return f"{value:+d}" if value else "0"


def cumulative_summary(cumulative: selectors.Cumulative) -> dict[str, Any]:
    """What the change page says of the total it is judged on (``selectors.cumulative_change``)."""
    allowed = cumulative.allowances
    return {
        "since": f"baseline v{cumulative.since.number}" if cumulative.since else "the start",
        "since_url": cumulative.since.get_absolute_url() if cumulative.since else "",
        "approved": cumulative.approved,
        "days": _signed(cumulative.days),
        "cost": _signed(cumulative.cost, "£"),
        "time_limit": f"{allowed['time']:,.0f} days" if allowed["time"] is not None else "none",
        "cost_limit": f"£{allowed['cost']:,.0f}" if allowed["cost"] is not None else "none",
        "authority": services.WHO[cumulative.authority],
        "why": services.why(cumulative),
        "escalated": cumulative.authority != cumulative.own,
    }


@page
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    change = _change(request, pk)
    authority = Authority(change.authority) if change.authority else None
    limits = selectors.change_settings()
    cumulative = judged(change, limits)
    allowed = CHANGE_REQUEST.allowed_actions(change, request.user)
    return render(
        request,
        "change/change_detail.html",
        {
            "change": change,
            "project": change.project,
            "steps": change_steps(change),
            "impact_days": _signed(change.impact_days),
            "impact_cost": _signed(change.impact_cost, "£"),
            "impact_benefits": _signed(change.impact_benefits, "£"),
            "why": services.REASON_OF[authority] if authority else "",
            "cumulative": cumulative_summary(cumulative) if cumulative else None,
            "limits": limits_summary(limits, selectors.tolerance_allowances(change.project)),
            "allowed": allowed,
            "decisions": [action for action in allowed if action in Decision.values],
        },
    )


@page
def change_history(request: HttpRequest, pk: int) -> HttpResponse:
    change = _change(request, pk)
    return render(
        request,
        "change/change_history.html",
        {"change": change, "project": change.project, "entries": history_entries(change, user=request.user)},
    )


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


@page
def change_create(request: HttpRequest, code: str) -> HttpResponse:
    project = project_or_404(request, code)
    ensure_can(
        request.user, "change.add_changerequest", project, action=f"raise change requests on {project}"
    )
    problems: list[str] = []
    if request.method == "POST":
        form = ChangeRaiseForm(request.POST, project=project)
        if form.is_valid():
            try:
                change = services.change_request_raise(
                    actor=request.user, project=project, fields=form.values()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, RAISED.format(change=change.reference))
                return redirect(change.get_absolute_url())
    else:
        initial, problems = _from_issue(request, project)
        form = ChangeRaiseForm(project=project, initial=initial)
    return render(
        request,
        "change/change_form.html",
        {
            "project": project,
            "form": form,
            "change": None,
            "problems": problems,
            "heading": f"Raise a change request: {project}",
            "submit_label": "Raise the change request",
        },
        status=400 if form.errors else 200,
    )


def _form_page(
    request: HttpRequest,
    change: ChangeRequest,
    form: Any,
    conflict: str,
    heading: str,
    submit: str,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        "change/change_form.html",
        {
            "project": change.project,
            "change": change,
            "form": form,
            "conflict": conflict,
            "heading": heading,
            "submit_label": submit,
            **extra,
        },
        status=409 if conflict else (400 if form.is_bound and form.errors else 200),
    )


@page
def change_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a change request before it is decided."""
    change = _change(request, pk)
    refused = refused_page(request, CHANGE_REQUEST, change, "edit")
    if refused is not None:
        return refused
    conflict = ""
    if request.method == "POST":
        form = ChangeUpdateForm(request.POST, instance=change)
        saved, conflict = save_changes(
            request,
            form,
            partial(services.change_request_update, actor=request.user, change=change),
            SAVED.format(change=change.reference),
            change.get_absolute_url(),
        )
        if saved is not None:
            return saved
        change.refresh_from_db()
    else:
        form = ChangeUpdateForm(instance=change)
    return _form_page(request, change, form, conflict, f"Edit {change}", "Save")


@page
def change_assess(request: HttpRequest, pk: int) -> HttpResponse:
    """The impact assessment; the page shows the delegated limits and the project's tolerances,
    so the assessor sees who will have to decide."""
    change = _change(request, pk)
    refused = refused_page(request, CHANGE_REQUEST, change, "assess")
    if refused is not None:
        return refused
    conflict = ""
    if request.method == "POST":
        form = ChangeAssessForm(request.POST, instance=change)
        if form.is_valid():
            try:
                assessed = services.change_request_assess(
                    actor=request.user,
                    change=change,
                    fields=form.values(),
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except ConflictError as error:
                conflict = error.message
            else:
                authority = Authority(assessed.authority)
                messages.success(
                    request,
                    ASSESSED.format(
                        change=assessed.reference,
                        authority=services.WHO[authority],
                        why=services.REASON_OF[authority],
                    ),
                )
                return redirect(assessed.get_absolute_url())
        change.refresh_from_db()
    else:
        form = ChangeAssessForm(instance=change)
    allowances = selectors.tolerance_allowances(change.project)
    return _form_page(
        request,
        change,
        form,
        conflict,
        f"Assess {change}",
        "Record the assessment",
        limits=limits_summary(selectors.change_settings(), allowances),
        assessing=True,
    )


@page
def change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve, reject or defer: shown only to those holding the authority the change needs."""
    change = _change(request, pk)
    conflict = ""
    if request.method == "POST":
        form = ChangeDecideForm(request.POST, record=change)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decided = services.change_request_decide(
                    actor=request.user,
                    change=change,
                    decision=data["decision"],
                    notes=data["decision_notes"],
                    expected_version=data["version"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except ConflictError as error:
                conflict = error.message
            else:
                done = DECIDED[Decision(data["decision"])].format(change=decided.reference)
                if decided.new_baseline and data["decision"] == Decision.APPROVE:
                    done += NEW_BASELINE.format(
                        number=decided.new_baseline.number, project=decided.project.code
                    )
                messages.success(request, done)
                return redirect(decided.get_absolute_url())
        change.refresh_from_db()
    else:
        judged(change, selectors.change_settings())
        allowed = CHANGE_REQUEST.allowed_actions(change, request.user)
        decisions = [choice for choice in Decision.choices if choice[0] in allowed]
        if not decisions:  # whoever may approve may also reject: its refusal says why not
            return refused_page(request, CHANGE_REQUEST, change, Decision.REJECT) or redirect(
                change.get_absolute_url()
            )
        form = ChangeDecideForm(record=change)
        form.fields["decision"].choices = decisions  # type: ignore[attr-defined]
    return _form_page(
        request,
        change,
        form,
        conflict,
        f"Decide {change}",
        "Record the decision",
        deciding=True,
        why=services.REASON_OF[Authority(change.authority)] if change.authority else "",
    )


@page
def change_implement(request: HttpRequest, pk: int) -> HttpResponse:
    change = _change(request, pk)
    refused = refused_page(request, CHANGE_REQUEST, change, "implement")
    if refused is not None:
        return refused
    conflict = ""
    if request.method == "POST":
        form = ChangeImplementForm(request.POST, record=change)
        if form.is_valid():
            try:
                services.change_request_implement(
                    actor=request.user,
                    change=change,
                    notes=form.cleaned_data["implementation_notes"],
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except ConflictError as error:
                conflict = error.message
            else:
                messages.success(request, IMPLEMENTED.format(change=change.reference))
                return redirect(change.get_absolute_url())
        change.refresh_from_db()
    else:
        form = ChangeImplementForm(record=change)
    return _form_page(request, change, form, conflict, f"Implement {change}", "Record as implemented")


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
