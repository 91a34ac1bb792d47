"""Gates' writes: the requirements the PMO head sets, a gate review from opening to closing, and
the PMO head's recorded stage overrides.

A review's decision needs the authority the gate requires for the project's size
(``workflows.may_decide``); a "go with conditions" turns each condition into a RAID action of
the project (through ``pmo.raid.services``); a passed gate moves the project to the stage
through ``pmo.portfolio.services.project_update``, whose stage move guard
(``pmo.governance.guard``) refuses any other move."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from pmo.core import clock
from pmo.core.models import User
from pmo.core.permissions import ensure_can
from pmo.core.services import (
    notify,
    only_fields,
    others_than,
    record_create,
    record_delete,
    record_update,
    short_reason,
    user_of,
)
from pmo.governance import selectors
from pmo.governance.choices import PASSING, EvidenceKind, GateAuthority, Outcome, ReviewStatus
from pmo.governance.guard import moving
from pmo.governance.models import (
    Gate,
    GateAssessment,
    GateCondition,
    GateEvidence,
    GateEvidenceConfirmation,
    GateReview,
    StageOverride,
)
from pmo.governance.workflows import GATE_REVIEW
from pmo.portfolio.models import LifecycleStage, Project
from pmo.portfolio.services import project_update
from pmo.raid import services as raid_services
from pmo.raid.choices import ActionSource
from pmo.raid.models import Action

GATE_FIELDS = frozenset({"criteria", "board_from_tier", "notice_days"})
EVIDENCE_FIELDS = frozenset(
    {"name", "description", "kind", "automatic", "within_days", "size_tiers", "methodologies", "order"}
)

NOT_AHEAD = "{project} is already in {stage}: {gate} is not ahead of it."
NO_NEXT_GATE = "{project} has no gate ahead of it: {stage} is the lifecycle's last stage."
ALREADY_OPEN = "{project} already has {review} open at {gate}: carry on with it."
NOT_REQUIRED = "{evidence} is not evidence {gate} asks of {project}."
NOT_A_DOCUMENT = "{evidence} is checked by the system: it is not confirmed by hand."
LINK_OR_NOTE = "Give a link to the evidence or a note of where it is."
COMMENT_REQUIRED = "Give the reasons for your recommendation."
NOTES_REQUIRED = "Give the reasons for the decision."
CONDITIONS_REQUIRED = "A go with conditions needs at least one condition: what, who and by when."
NO_CONDITIONS = "Only a go with conditions has conditions: choose that outcome, or remove them."
CONDITION_INCOMPLETE = "Condition {n}: give what must be done, its owner and its due date."
CONDITION_PAST = "Condition {n}: the due date {due:%-d %b %Y} has passed."
REASON_REQUIRED = "Give the reason for moving the project without a passed gate."
SAME_STAGE = "{project} is already in {stage}."
MOVED = "Passed {gate} ({review}): {outcome}"
OVERRIDDEN = "PMO override: {reason}"
NOT_FOR_THE_BOARD = "{review} is decided by {project}'s sponsor, not by a board."


# The requirements -------------------------------------------------------------------------------


@transaction.atomic
def gate_update(
    *, actor: User | None, gate: Gate, fields: Mapping[str, Any], expected_version: int | None
) -> Gate:
    """Change a gate's criteria or who decides it (the PMO head)."""
    only_fields(fields, GATE_FIELDS)
    return record_update(instance=gate, actor=actor, fields=fields, expected_version=expected_version)


@transaction.atomic
def gate_evidence_add(*, actor: User | None, gate: Gate, fields: Mapping[str, Any]) -> GateEvidence:
    """Add a piece of evidence a gate asks for (the PMO head)."""
    only_fields(fields, EVIDENCE_FIELDS)
    return record_create(model=GateEvidence, actor=actor, fields={**fields, "gate": gate}, within=gate)


@transaction.atomic
def gate_evidence_update(
    *, actor: User | None, evidence: GateEvidence, fields: Mapping[str, Any], expected_version: int | None
) -> GateEvidence:
    only_fields(fields, EVIDENCE_FIELDS)
    return record_update(instance=evidence, actor=actor, fields=fields, expected_version=expected_version)


@transaction.atomic
def gate_evidence_delete(*, actor: User | None, evidence: GateEvidence, expected_version: int | None) -> None:
    record_delete(instance=evidence, actor=actor, expected_version=expected_version)


# A review ---------------------------------------------------------------------------------------


def next_gate(project: Project) -> Gate:
    """The gate into the stage after the project's own, or why there is none."""
    following = selectors.next_stages().get(project.stage_id)
    gate = selectors.gates_by_stage().get(following.pk) if following else None
    if gate is None:
        raise ValidationError({"gate": NO_NEXT_GATE.format(project=project.code, stage=project.stage)})
    return gate


@transaction.atomic
def gate_review_open(*, actor: User | None, project: Project, gate: Gate | None = None) -> GateReview:
    """Open a review of ``project`` at ``gate`` (its next gate when none is named): its manager
    or the PMO. The authority the gate requires for the project's size is fixed now."""
    if actor is not None:
        ensure_can(actor, "governance.add_gatereview", project, action=f"open gate reviews of {project}")
    Project.objects.select_for_update().filter(pk=project.pk).exists()  # one opening at a time
    gate = gate or next_gate(project)
    if gate.stage.order <= project.stage.order:
        raise ValidationError(
            {"gate": NOT_AHEAD.format(project=project.code, stage=project.stage, gate=gate)}
        )
    already = selectors.open_review(project, gate)
    if already is not None:
        raise ValidationError(
            {"gate": ALREADY_OPEN.format(project=project.code, review=already.reference, gate=gate)}
        )
    return record_create(
        model=GateReview,
        actor=actor,
        authorised=True,
        fields={
            "project": project,
            "gate": gate,
            "authority": gate.authority_for(project),
            "opened_by": actor,
            "opened_on": clock.today(),
        },
        reason=short_reason(f"Opened at {gate}"),
    )


def _locked(review: GateReview) -> GateReview:
    rows = GateReview.objects.select_for_update(of=("self",)).select_related(*selectors.REVIEW_RELATIONS)
    return rows.prefetch_related("conditions__action").get(pk=review.pk)


def _touch(
    actor: User | None,
    review: GateReview,
    current: GateReview,
    expected_version: int | None,
    reason: str,
    **fields: Any,
) -> GateReview:
    """The review's new version (what it holds changed), with its history entry."""
    return record_update(
        instance=review,
        actor=actor,
        fields=fields,
        expected_version=expected_version,
        reason=reason,
        authorised=True,
        locked=current,
        rows_changed=True,
    )


@transaction.atomic
def gate_review_confirm(
    *,
    actor: User | None,
    review: GateReview,
    evidence: GateEvidence,
    link: str = "",
    note: str = "",
    expected_version: int | None,
) -> GateEvidenceConfirmation:
    """Confirm a document the gate asks for, with a link to it or a note of where it is."""
    current = _locked(review)
    GATE_REVIEW.ensure(current, actor, "evidence")
    if evidence.gate_id != current.gate_id or not evidence.applies_to(current.project):
        raise ValidationError(
            {
                "evidence": NOT_REQUIRED.format(
                    evidence=evidence, gate=current.gate, project=current.project.code
                )
            }
        )
    if evidence.kind != EvidenceKind.DOCUMENT:
        raise ValidationError({"evidence": NOT_A_DOCUMENT.format(evidence=evidence)})
    if not link.strip() and not note.strip():
        raise ValidationError({"link": LINK_OR_NOTE})
    _touch(actor, review, current, expected_version, short_reason(f"Evidence confirmed: {evidence}"))
    fields = {"link": link.strip(), "note": note.strip(), "confirmed_by": actor}
    existing = GateEvidenceConfirmation.objects.filter(review=current, evidence=evidence).first()
    if existing is not None:
        return record_update(
            instance=existing, actor=actor, fields=fields, expected_version=None, authorised=True
        )
    return record_create(
        model=GateEvidenceConfirmation,
        actor=actor,
        authorised=True,
        fields={**fields, "review": current, "evidence": evidence},
    )


@transaction.atomic
def gate_review_submit(*, actor: User | None, review: GateReview, expected_version: int | None) -> GateReview:
    """The evidence is collected: the review goes to its reviewers, who are told."""
    current = _locked(review)
    GATE_REVIEW.ensure(current, actor, "submit")
    submitted = _touch(
        actor, review, current, expected_version, "Sent to the reviewers", status=ReviewStatus.IN_REVIEW
    )
    project = submitted.project
    notify(
        recipients=others_than(actor, user_of(project.sponsor)),
        key=f"gate-review-submitted:{submitted.pk}",
        subject=f"{submitted.reference}: {project.code} at {submitted.gate} is ready for your assessment",
        body=f"The evidence for {project} at {submitted.gate} is collected. Record your assessment.",
        url=submitted.get_absolute_url(),
    )
    return submitted


@transaction.atomic
def gate_review_assess(
    *, actor: User, review: GateReview, recommendation: Outcome, comment: str, expected_version: int | None
) -> GateAssessment:
    """Record (or change) the actor's assessment: a recommendation and why."""
    current = _locked(review)
    GATE_REVIEW.ensure(current, actor, "assess")
    if not comment.strip():
        raise ValidationError({"comment": COMMENT_REQUIRED})
    recommendation = Outcome(recommendation)
    _touch(
        actor, review, current, expected_version, short_reason(f"Assessed by {actor}: {recommendation.label}")
    )
    fields = {"recommendation": recommendation, "comment": comment.strip()}
    existing = GateAssessment.objects.filter(review=current, reviewer=actor).first()
    if existing is not None:
        return record_update(
            instance=existing, actor=actor, fields=fields, expected_version=None, authorised=True
        )
    return record_create(
        model=GateAssessment,
        actor=actor,
        authorised=True,
        fields={**fields, "review": current, "reviewer": actor},
    )


def gate_decision_check(
    *, outcome: Outcome, notes: str, conditions: Sequence[Mapping[str, Any]], today: date
) -> None:
    """A decision gives its reasons; a go with conditions has conditions (what, who, by when),
    each due from today on; no other outcome has any."""
    errors: dict[str, list[str]] = {}
    if not notes.strip():
        errors["decision_notes"] = [NOTES_REQUIRED]
    if outcome == Outcome.GO_WITH_CONDITIONS and not conditions:
        errors["conditions"] = [CONDITIONS_REQUIRED]
    if outcome != Outcome.GO_WITH_CONDITIONS and conditions:
        errors["conditions"] = [NO_CONDITIONS]
    for n, condition in enumerate(conditions if outcome == Outcome.GO_WITH_CONDITIONS else (), start=1):
        if (
            not str(condition.get("title") or "").strip()
            or not condition.get("owner")
            or not condition.get("due")
        ):
            errors.setdefault("conditions", []).append(CONDITION_INCOMPLETE.format(n=n))
        elif condition["due"] < today:
            errors.setdefault("conditions", []).append(CONDITION_PAST.format(n=n, due=condition["due"]))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def gate_review_decide(
    *,
    actor: User | None,
    review: GateReview,
    outcome: Outcome,
    notes: str,
    conditions: Sequence[Mapping[str, Any]] = (),
    expected_version: int | None,
    by_board: Any = None,
) -> GateReview:
    """Decide a review: go, go with conditions (each condition a RAID action of the project,
    owned and due), hold or stop. A passed gate moves the project into the gate's stage.

    ``by_board`` is the board meeting deciding it (``services_boards.agenda_item_decide_gate``
    has checked that the meeting is quorate and that the actor records its decisions): the
    board then holds the authority a board gate needs, whoever records it."""
    current = _locked(review)
    if by_board is not None:
        if current.authority != GateAuthority.BOARD:
            raise ValidationError(
                {
                    "gate_review": NOT_FOR_THE_BOARD.format(
                        review=current.reference, project=current.project.code
                    )
                }
            )
        GATE_REVIEW.ensure(current, None, "decide")
    else:
        GATE_REVIEW.ensure(current, actor, "decide")
    outcome = Outcome(outcome)
    gate_decision_check(outcome=outcome, notes=notes, conditions=conditions, today=clock.today())
    decided = record_update(
        instance=review,
        actor=actor,
        fields={
            "status": ReviewStatus.DECIDED,
            "outcome": outcome,
            "decided_by": actor,
            "decided_at": clock.now(),
            "decision_notes": notes.strip(),
        },
        expected_version=expected_version,
        reason=f"{outcome.label}{f' (by {by_board.board})' if by_board else ''}: {notes.strip()[:80]}",
        authorised=True,
        locked=current,
    )
    project = decided.project
    for condition in conditions:
        action = raid_services.raid_item_create(
            actor=actor,
            model=Action,
            register=project,
            fields={
                "title": str(condition["title"]).strip(),
                "description": str(condition.get("description") or "").strip(),
                "owner": condition["owner"],
                "due": condition["due"],
                "source": ActionSource.OTHER,
                "source_reference": decided.reference,
            },
            reason=short_reason(f"Condition of {decided.reference} ({decided.gate})"),
        )
        record_create(
            model=GateCondition, actor=actor, authorised=True, fields={"review": decided, "action": action}
        )
    if outcome in PASSING and project.stage_id != decided.gate.stage_id:
        stage = decided.gate.stage
        with moving(project, stage):
            project_update(
                actor=actor,
                project=project,
                fields={"stage": stage},
                expected_version=None,
                reason=short_reason(
                    MOVED.format(gate=decided.gate, review=decided.reference, outcome=outcome.label)
                ),
            )
    notify(
        recipients=others_than(actor, user_of(project.project_manager), user_of(project.sponsor)),
        key=f"gate-review-decided:{decided.pk}",
        subject=f"{decided.reference}: {project.code} at {decided.gate}: {outcome.label}",
        body=decided.decision_notes,
        url=decided.get_absolute_url(),
    )
    return decided


@transaction.atomic
def gate_review_close(*, actor: User | None, review: GateReview, expected_version: int | None) -> GateReview:
    """Close a decided review (once its conditions' actions are done)."""
    current = _locked(review)
    GATE_REVIEW.ensure(current, actor, "close")
    return _touch(
        actor, review, current, expected_version, "Closed", status=ReviewStatus.CLOSED, closed_at=clock.now()
    )


# Overrides --------------------------------------------------------------------------------------


@transaction.atomic
def stage_override_record(
    *,
    actor: User | None,
    project: Project,
    stage: LifecycleStage,
    reason: str,
    expected_version: int | None = None,
) -> StageOverride:
    """Move a project to a stage without a passed gate (the PMO head), recording why."""
    if actor is not None:
        ensure_can(actor, "governance.add_stageoverride", project, action=f"move {project} without a gate")
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    current = Project.objects.select_for_update().select_related("stage").get(pk=project.pk)
    if current.stage_id == stage.pk:
        raise ValidationError({"stage": SAME_STAGE.format(project=project.code, stage=stage)})
    override = record_create(
        model=StageOverride,
        actor=actor,
        authorised=True,
        fields={
            "project": current,
            "from_stage": current.stage,
            "to_stage": stage,
            "reason": reason.strip(),
            "recorded_by": actor,
        },
    )
    with moving(current, stage):
        project_update(
            actor=actor,
            project=project,
            fields={"stage": stage},
            expected_version=expected_version,
            reason=short_reason(OVERRIDDEN.format(reason=reason.strip())),
        )
    return override
