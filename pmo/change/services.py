"""Change control's workflow: raise → assess → approve / reject / defer → implement.

A decision needs the authority the assessment found (``selectors.authority_needed``): the
project manager within their delegated limits, the sponsor within the project's tolerances, the
board (recorded by the PMO head) beyond them. Approving a change with a time, cost or benefits
impact records the project's next baseline version, linked to the change both ways."""

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from pmo.change import selectors
from pmo.change.choices import (
    AUTHORITY_ORDER,
    Authority,
    ChangeStatus,
    Decision,
)
from pmo.change.models import ChangeRequest, ChangeSettings
from pmo.change.workflows import CHANGE_REQUEST, REASON_OF, WHO, may_decide
from pmo.core import clock
from pmo.core.formatting import money, signed_days, signed_money
from pmo.core.models import User
from pmo.core.permissions import ensure_can, is_pmo_head
from pmo.core.services import (
    notify,
    only_fields,
    others_than,
    pmo_users,
    record_create,
    record_update,
    user_of,
)
from pmo.portfolio.models import Project
from pmo.raid.choices import IssueType
from pmo.reporting import selectors as reporting_selectors
from pmo.reporting.choices import BaselineSource
from pmo.reporting.services import baseline_approve

RAISE_FIELDS = frozenset({"title", "change_type", "description", "reason", "issue"})
ASSESS_FIELDS = frozenset(
    {
        "impact_days",
        "impact_cost",
        "impact_benefits",
        "impact_scope",
        "impact_risks",
        "options",
        "recommendation",
    }
)
SETTINGS_FIELDS = frozenset({"pm_max_days", "pm_max_cost", "sponsor_within_tolerance"})

NOT_AN_RFC = "{issue} is not a request-for-change issue of {project}."
FINISH_OUT_OF_RANGE = "Moving the finish by {days:+d} days takes it beyond the calendar."
NOTES_REQUIRED = "Give the reasons for the decision."
BUDGET_BELOW_ZERO = "This change would take the budget at completion below zero ({budget})."
NO_PLAN = "{project} has neither a baseline nor a planned finish: approve a baseline before a time change."
CUMULATIVE_REASON = (
    "{beyond} once added to the changes approved since {since} ({references}): "
    "{days} and {cost} in all"
)
NOW_NEEDS = (
    "{change} now needs the approval of the {authority}: {why}. Re-assess it to send it to the {authority}."
)



def why(cumulative: selectors.Cumulative) -> str:
    """Why the change needs the authority it does: its own size, or the total with the changes
    approved under delegated authority since the board last approved a baseline."""
    authority = cumulative.authority
    if not cumulative.raised_by_the_total:
        return REASON_OF[authority]
    beyond = (
        "beyond the project manager's limits"
        if authority == Authority.SPONSOR
        else "beyond the project's tolerances"
    )
    since = f"baseline v{cumulative.since.number}" if cumulative.since else "the first baseline"
    return CUMULATIVE_REASON.format(
        beyond=beyond, since=since, references=cumulative.references,
        days=signed_days(cumulative.days), cost=signed_money(cumulative.cost),
    )

def _check_issue(project: Project, issue: Any) -> None:
    if issue is not None and (
        issue.project_id != project.pk or issue.issue_type != IssueType.REQUEST_FOR_CHANGE
    ):
        raise ValidationError({"issue": NOT_AN_RFC.format(issue=issue.reference, project=project.code)})


@transaction.atomic
def change_request_raise(*, actor: User | None, project: Project, fields: Mapping[str, Any]) -> ChangeRequest:
    """Log a request for change on a project (its manager, sponsor or the PMO)."""
    if actor is not None:
        ensure_can(actor, "change.add_changerequest", project, action=f"raise change requests on {project}")
    only_fields(fields, RAISE_FIELDS | ASSESS_FIELDS)
    _check_issue(project, fields.get("issue"))
    return record_create(
        model=ChangeRequest,
        actor=actor,
        authorised=True,
        fields={**fields, "project": project, "raised_by": actor, "raised_on": clock.today()},
        reason="Raised",
    )


def _locked(change: ChangeRequest) -> ChangeRequest:
    return ChangeRequest.objects.select_for_update(of=("self",)).select_related("project").get(pk=change.pk)


@transaction.atomic
def change_request_update(
    *, actor: User | None, change: ChangeRequest, fields: Mapping[str, Any], expected_version: int | None
) -> ChangeRequest:
    """Correct a change request before it is decided (an assessed one is re-assessed)."""
    only_fields(fields, RAISE_FIELDS | ASSESS_FIELDS)
    current = _locked(change)
    CHANGE_REQUEST.ensure(current, actor, "edit")
    _check_issue(current.project, fields.get("issue", current.issue))
    values = dict(fields)
    if current.status != ChangeStatus.RAISED and ASSESS_FIELDS & set(fields):
        probe = ChangeRequest(
            **{**{f: getattr(current, f) for f in ASSESS_FIELDS}, **values}, project=current.project
        )
        values["authority"] = selectors.authority_needed(probe, selectors.change_settings())
    return record_update(instance=change, actor=actor, fields=values, expected_version=expected_version)


def _approvers(change: ChangeRequest) -> list[User | None]:
    project = change.project
    if change.authority == Authority.PROJECT_MANAGER:
        return [user_of(project.project_manager)]
    if change.authority == Authority.SPONSOR:
        return [user_of(project.sponsor)]
    return [user for user in pmo_users() if is_pmo_head(user)]


@transaction.atomic
def change_request_assess(
    *, actor: User | None, change: ChangeRequest, fields: Mapping[str, Any], expected_version: int | None
) -> ChangeRequest:
    """Set out the change's impact, options and recommendation; the delegated limits then say
    who must decide, and they are told."""
    current = _locked(change)
    CHANGE_REQUEST.ensure(current, actor, "assess")
    only_fields(fields, ASSESS_FIELDS)
    probe = ChangeRequest(
        **{**{f: getattr(current, f) for f in ASSESS_FIELDS}, **fields}, project=current.project
    )
    cumulative = selectors.cumulative_change(probe, selectors.change_settings())
    authority = cumulative.authority
    assessed = record_update(
        instance=change,
        actor=actor,
        fields={
            **fields,
            "status": ChangeStatus.ASSESSED,
            "authority": authority,
            "assessed_by": actor,
            "assessed_at": clock.now(),
        },
        expected_version=expected_version,
        reason=f"Assessed: needs the {WHO[authority]}",
    )
    notify(
        recipients=others_than(actor, *_approvers(assessed)),
        key=f"change-assessed:{assessed.pk}:{assessed.version}",
        subject=(
            f"{assessed.reference} on {assessed.project.code} assessed as needing the "
            f"{WHO[authority]}'s decision: {assessed.title}"
        ),
        body=(
            f"{assessed.reference} has been assessed: {signed_days(assessed.impact_days)}, "
            f"{signed_money(assessed.impact_cost)}. It needs the {WHO[authority]} "
            f"({why(cumulative)}).\n\nRecommendation: {assessed.recommendation or '—'}"
        ),
        url=assessed.get_absolute_url(),
    )
    return assessed


def _next_baseline(actor: User | None, change: ChangeRequest) -> Any:
    """The project's next baseline: the current one moved by the change's impact."""
    project = change.project
    current = reporting_selectors.current_baselines([project.pk]).get(project.pk)
    finish = current.finish if current else project.planned_finish
    if finish is None:
        raise ValidationError(NO_PLAN.format(project=project))
    budget = (current.budget_at_completion if current else project.budget) + change.impact_cost
    if budget < 0:
        raise ValidationError({"impact_cost": BUDGET_BELOW_ZERO.format(budget=money(budget))})
    shift = timedelta(days=change.impact_days)
    today = clock.today()
    milestones = [
        (m.name, m.due + shift if m.due >= today else m.due)
        for m in (current.milestones.all() if current else ())
    ]
    scope = current.scope_summary if current else ""
    if change.impact_scope.strip():
        scope = f"{scope}\n{change.reference}: {change.impact_scope.strip()}".strip()
    benefits = (current.benefits_value if current else Decimal(0)) + change.impact_benefits
    try:
        new_finish = finish + shift
    except OverflowError as exc:
        raise ValidationError({"impact_days": FINISH_OUT_OF_RANGE.format(days=change.impact_days)}) from exc
    return baseline_approve(
        actor=actor,
        authorised=True,
        project=project,
        finish=new_finish,
        budget_at_completion=budget,
        benefits_value=max(benefits, Decimal(0)),
        scope_summary=scope,
        milestones=milestones,
        reason=f"Change request {change.reference} approved: {change.title}",
        source=BaselineSource.CHANGE_REQUEST,
    )


def _escalated(actor: User | None, change: ChangeRequest) -> Authority | None:
    """Judge an approval again with the changes approved since the change was assessed: a higher
    authority than its assessment found is returned (to be recorded), or refused when ``actor``
    does not hold it. The project's decisions take turns, so two approvals cannot both count
    without the other."""
    if not change.changes_baseline:
        return None
    Project.objects.select_for_update().filter(pk=change.project_id).exists()
    cumulative = selectors.cumulative_change(change, selectors.change_settings())
    if AUTHORITY_ORDER[cumulative.authority] <= AUTHORITY_ORDER[Authority(change.authority)]:
        return None
    if actor is not None and not may_decide(actor, change, cumulative.authority):
        raise PermissionDenied(
            NOW_NEEDS.format(
                change=change.reference, authority=WHO[cumulative.authority], why=why(cumulative)
            )
        )
    return cumulative.authority


def change_decision_check(*, notes: str) -> None:
    """A decision gives its reasons."""
    if not notes.strip():
        raise ValidationError({"decision_notes": NOTES_REQUIRED})


@transaction.atomic
def change_request_decide(
    *, actor: User | None, change: ChangeRequest, decision: Decision, notes: str, expected_version: int | None
) -> ChangeRequest:
    """Approve, reject or defer an assessed change. Approval of a change with a time, cost or
    benefits impact makes the next baseline version, linked to the change."""
    current = _locked(change)
    CHANGE_REQUEST.ensure(current, actor, Decision(decision).value)
    escalated = _escalated(actor, current) if decision == Decision.APPROVE else None
    change_decision_check(notes=notes)
    decision = Decision(decision)
    status = {
        Decision.APPROVE: ChangeStatus.APPROVED,
        Decision.REJECT: ChangeStatus.REJECTED,
        Decision.DEFER: ChangeStatus.DEFERRED,
    }[decision]
    fields: dict[str, Any] = {
        "status": status,
        "decided_by": actor,
        "decided_at": clock.now(),
        "decision_notes": notes.strip(),
    }
    if escalated is not None:
        fields["authority"] = escalated
    if decision == Decision.APPROVE and current.changes_baseline:
        fields["new_baseline"] = _next_baseline(actor, current)
    decided = record_update(
        instance=change,
        actor=actor,
        fields=fields,
        expected_version=expected_version,
        reason=f"{status.label}: {notes.strip()[:80]}",
    )
    notify(
        recipients=others_than(actor, user_of(decided.project.project_manager), decided.raised_by),
        key=f"change-decided:{decided.pk}:{decided.version}",
        subject=f"{decided.reference} {status.label.lower()}: {decided.title}",
        body=decided.decision_notes
        + (f"\n\nNew baseline: version {decided.new_baseline.number}." if decided.new_baseline else ""),
        url=decided.get_absolute_url(),
        about=decided,
    )
    return decided


@transaction.atomic
def change_request_implement(
    *, actor: User | None, change: ChangeRequest, notes: str, expected_version: int | None
) -> ChangeRequest:
    """Record that an approved change has been made."""
    current = _locked(change)
    CHANGE_REQUEST.ensure(current, actor, "implement")
    return record_update(
        instance=change,
        actor=actor,
        fields={
            "status": ChangeStatus.IMPLEMENTED,
            "implemented_on": clock.today(),
            "implementation_notes": notes.strip(),
        },
        expected_version=expected_version,
        reason="Implemented",
    )


@transaction.atomic
def change_settings_update(
    *,
    actor: User | None,
    settings_row: ChangeSettings,
    fields: Mapping[str, Any],
    expected_version: int | None,
) -> ChangeSettings:
    """Change the delegated limits (PMO head)."""
    if actor is not None:
        ensure_can(actor, "change.change_changesettings", settings_row, action=f"change {settings_row}")
    only_fields(fields, SETTINGS_FIELDS)
    return record_update(instance=settings_row, actor=actor, fields=fields, expected_version=expected_version)
