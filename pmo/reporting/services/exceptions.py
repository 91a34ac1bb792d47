"""The exception workflow after the system raises one (``evaluation.exception_raise``): the
project manager's exception report, the decision on it (a new baseline, a corrective action
plan or stop) and the corrective actions, RAID actions raised through ``pmo.raid.services``."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from pmo.core import clock, formatting
from pmo.core.models import User
from pmo.core.problems import Problems
from pmo.core.services import notify, others_than, pmo_users, record_update, short_reason, user_of
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Person, Project
from pmo.portfolio.services import project_update
from pmo.raid.choices import ActionSource
from pmo.raid.models import Action
from pmo.raid.services import raid_item_create
from pmo.reporting.choices import BaselineSource, ExceptionDecision, ExceptionStatus
from pmo.reporting.models import ProjectException
from pmo.reporting.services.baselines_tolerances import baseline_check, baseline_record
from pmo.reporting.services.evaluation import tolerances_evaluate
from pmo.reporting.services.periods_reports import MISSING_FOR_SUBMISSION
from pmo.reporting.workflows import EXCEPTION

DECISION_NEEDS_BASELINE = "A new baseline needs its finish date, budget and reason."
DECISION_NOTES_REQUIRED = "Record the reasons for the decision."
NOT_A_DECISION = "{decision!r} is not a decision: choose a new baseline, a corrective action plan or stop."
ACTION_DUE_IN_PAST = "The due date cannot be in the past."


def exception_report_check(texts: Mapping[str, str]) -> None:
    """Every part of an exception report left blank, at once."""
    missing = {name: MISSING_FOR_SUBMISSION for name, text in texts.items() if not text.strip()}
    if missing:
        raise ValidationError(missing)


def exception_decide_check(
    *, project: Project, decision: str | None, notes: str | None, baseline: Mapping[str, Any] | None
) -> None:
    """Every problem of a decision at once (``None``: a value not given, left to the form): the
    decision itself, its reasons, and a new baseline's figures and rules."""
    problems = Problems()
    if decision is not None and decision not in ExceptionDecision.values:
        problems.add(ValidationError({"decision": NOT_A_DECISION.format(decision=decision)}))
    if notes is not None and not notes.strip():
        problems.add(ValidationError({"decision_notes": DECISION_NOTES_REQUIRED}))
    if decision == ExceptionDecision.NEW_BASELINE:
        given = dict(baseline or {})
        if not given.get("finish") or given.get("budget_at_completion") is None:
            problems.add(ValidationError({"baseline": DECISION_NEEDS_BASELINE}))
        problems.check(
            baseline_check,
            project=project,
            finish=given.get("finish"),
            reason=None,
            milestones=given.get("milestones", ()),
        )
    problems.raise_any()


@transaction.atomic
def exception_report_submit(
    *,
    actor: User | None,
    exception: ProjectException,
    cause: str,
    consequences: str,
    options: str,
    recommendation: str,
    expected_version: int | None,
) -> ProjectException:
    """The PM's exception report: cause, consequences, options (each with its effect on the
    business case, risks and tolerances) and a recommendation; goes to the sponsor to decide."""
    current = (
        ProjectException.objects.select_for_update(of=("self",))
        .select_related("project__sponsor__user")
        .get(pk=exception.pk)
    )
    EXCEPTION.ensure(current, actor, "report")
    texts = {
        "cause": cause,
        "consequences": consequences,
        "options": options,
        "recommendation": recommendation,
    }
    exception_report_check(texts)
    submitted = record_update(
        instance=exception,
        actor=actor,
        fields={
            **{name: text.strip() for name, text in texts.items()},
            "status": ExceptionStatus.REPORT_SUBMITTED,
            "report_submitted_by": actor,
            "report_submitted_at": clock.now(),
        },
        expected_version=expected_version,
        reason="Exception report submitted",
    )
    notify(
        recipients=others_than(actor, user_of(current.project.sponsor), *pmo_users()),
        key=f"exception-decision-needed:{exception.pk}",
        subject=f"Exception report submitted for {current.project}, awaiting a decision",
        body=f"Recommendation:\n{recommendation.strip()}",
        url=submitted.get_absolute_url(),
    )
    return submitted


@transaction.atomic
def exception_decide(
    *,
    actor: User | None,
    exception: ProjectException,
    decision: ExceptionDecision,
    notes: str,
    expected_version: int | None,
    baseline: Mapping[str, Any] | None = None,
) -> ProjectException:
    """The decision of the project's sponsor (or the PMO head, for the board) on the exception
    report: a new baseline (recorded as the next version and the tolerances judged against it),
    a corrective action plan, or stop (the project is cancelled)."""
    current = (
        ProjectException.objects.select_for_update(of=("self",))
        .select_related("project__project_manager__user", "project__sponsor__user")
        .get(pk=exception.pk)
    )
    EXCEPTION.ensure(current, actor, "decide")
    project = current.project
    exception_decide_check(project=project, decision=decision, notes=notes, baseline=baseline)
    decision = ExceptionDecision(decision)
    given = dict(baseline or {})
    fields: dict[str, Any] = {
        "status": ExceptionStatus.DECIDED,
        "decision": decision,
        "decision_notes": notes.strip(),
        "decided_by": actor,
        "decided_at": clock.now(),
    }
    if decision == ExceptionDecision.NEW_BASELINE:
        fields["new_baseline"] = baseline_record(
            actor=actor,
            project=project,
            finish=given["finish"],
            budget_at_completion=given["budget_at_completion"],
            reason=given.get("reason") or f"Exception decision: {notes.strip()}",
            scope_summary=given.get("scope_summary", ""),
            benefits_value=given.get("benefits_value") or Decimal(0),
            milestones=given.get("milestones", ()),
            source=BaselineSource.EXCEPTION,
            approved_by=actor,
        )
    decided = record_update(
        instance=exception,
        actor=actor,
        fields=fields,
        expected_version=expected_version,
        reason=f"Decided: {decision.label}",
    )
    if decision == ExceptionDecision.NEW_BASELINE:
        tolerances_evaluate(project=project)
    elif decision == ExceptionDecision.STOP:
        project_update(
            actor=actor,
            project=project,
            fields={"status": ProjectStatus.CANCELLED},
            expected_version=None,
            reason=short_reason(f"Stopped by exception decision of {actor or 'the board'}"),
        )
    notify(
        recipients=others_than(
            actor, user_of(project.project_manager), user_of(project.sponsor), *pmo_users()
        ),
        key=f"exception-decided:{exception.pk}",
        subject=f"Exception decided for {project}: {decision.label}",
        body=notes.strip(),
        url=decided.get_absolute_url(),
    )
    return decided


# Corrective actions (RAID actions of the exception) ------------------------------------------------


@transaction.atomic
def exception_action_add(
    *,
    actor: User | None,
    exception: ProjectException,
    title: str,
    owner: Person,
    due: date,
    description: str = "",
) -> Action:
    """Add an action to the exception's corrective action plan: a RAID action of its project
    (source "exception", the exception's reference), raised through the RAID services, whose
    rules decide who may; its owner is told."""
    if due < clock.today():
        raise ValidationError({"due": ACTION_DUE_IN_PAST})
    action = raid_item_create(
        actor=actor,
        model=Action,
        register=exception.project,
        fields={
            "title": title.strip(),
            "description": description.strip(),
            "owner": owner,
            "due": due,
            "source": ActionSource.EXCEPTION,
            "source_reference": exception.reference,
        },
        reason=short_reason(f"Corrective action for {exception.reference}"),
    )
    notify(
        recipients=others_than(actor, user_of(owner)),
        key=f"raid-action-assigned:{action.pk}",
        subject=(
            f"Corrective action for {exception.reference} assigned, due {formatting.date(due)}: "
            f"{action.title}"
        ),
        url=action.get_absolute_url(),
        about=action,
    )
    return action


# The periodic run ------------------------------------------------------------------------------
