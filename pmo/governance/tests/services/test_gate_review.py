"""A gate review: opened → evidence → assessments → decision by the authority the gate requires
→ closed; conditions become RAID actions; a passed gate moves the project; nothing else does,
except the PMO head's recorded override."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.services import ConflictError
from pmo.governance import services
from pmo.governance.choices import GateAuthority, Outcome, ReviewStatus
from pmo.governance.models import GateCondition, StageOverride
from pmo.governance.tests.steps import condition, decided, in_review, opened
from pmo.portfolio.choices import SizeTier
from pmo.portfolio.models import LifecycleStage, Project
from pmo.portfolio.services import project_update, projects_update
from pmo.raid import services as raid_services
from pmo.raid.choices import ActionStatus
from pmo.raid.models import Action

pytestmark = pytest.mark.django_db
REFUSED_MOVE = (
    "WEB may enter Closure only through Gate 4: Readiness for handover (no passed gate review): "
    "open a gate review, or the PMO head records an override with a reason."
)


def stage(name):
    return LifecycleStage.objects.get(name=name)


def test_a_review_opens_at_the_next_gate_with_the_sponsor_deciding_a_medium_project(cast):
    review = opened(cast)

    assert str(review.gate) == "Gate 4: Readiness for handover"
    assert review.status == ReviewStatus.OPEN
    assert review.authority == GateAuthority.SPONSOR
    assert review.history.first().history_change_reason == "Opened at Gate 4: Readiness for handover"


@pytest.mark.parametrize(
    ("who", "allowed"), [("pm", True), ("officer", True), ("other_pm", False), ("executive", False)]
)
def test_who_may_open_a_review(cast, who, allowed):
    if allowed:
        assert services.gate_review_open(actor=cast.by_name(who), project=cast.project).pk
    else:
        with pytest.raises(PermissionDenied):
            services.gate_review_open(actor=cast.by_name(who), project=cast.project)


def test_a_second_open_review_at_the_same_gate_or_a_gate_behind_is_refused(cast):
    review = opened(cast)
    with pytest.raises(ValidationError) as again:
        opened(cast)
    assert again.value.message_dict == {
        "gate": [
            f"WEB already has {review.reference} open at Gate 4: Readiness for handover: carry on with it."
        ]
    }
    behind = stage("Planning").gate
    with pytest.raises(ValidationError) as back:
        services.gate_review_open(actor=cast.pm, project=cast.project, gate=behind)
    assert back.value.message_dict == {
        "gate": ["WEB is already in Delivery: Gate 2: Approval to plan is not ahead of it."]
    }


def test_the_project_cannot_change_stage_without_a_passed_gate(cast):
    for move in (
        lambda: project_update(
            actor=cast.head, project=cast.project, fields={"stage": stage("Closure")}, expected_version=None
        ),
        lambda: projects_update(
            actor=cast.head, changes=[(cast.project, {"stage": stage("Closure")}, None, None)]
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            move()
        assert refused.value.message_dict == {"stage": [REFUSED_MOVE]}
    assert Project.objects.get(pk=cast.project.pk).stage.name == "Delivery"


def test_go_with_conditions_raises_actions_moves_the_project_and_closes_once_they_are_done(cast):
    review = in_review(cast)
    services.gate_review_assess(
        actor=cast.officer, review=review, recommendation=Outcome.GO_WITH_CONDITIONS,
        comment="Security test outstanding", expected_version=review.version,
    )  # fmt: skip
    review.refresh_from_db()

    decision = services.gate_review_decide(
        actor=cast.sponsor, review=review, outcome=Outcome.GO_WITH_CONDITIONS, notes="Go once tested",
        conditions=[condition(cast)], expected_version=review.version,
    )  # fmt: skip

    assert decision.status == ReviewStatus.DECIDED
    action = GateCondition.objects.get(review=decision).action
    assert (action.title, action.owner, action.due, action.source_reference) == (
        "Complete the security test",
        cast.project.project_manager,
        dt.date(2026, 12, 18),
        decision.reference,
    )
    moved = Project.objects.get(pk=cast.project.pk)
    assert moved.stage.name == "Closure"
    assert (
        moved.history.first().history_change_reason
        == f"Passed Gate 4: Readiness for handover ({decision.reference}): Go with conditions"
    )
    decision.refresh_from_db()
    with pytest.raises(ValidationError) as still_open:
        services.gate_review_close(actor=cast.pm, review=decision, expected_version=decision.version)
    assert still_open.value.messages == [
        f"{decision.reference} has conditions still open ({action.reference}): close it once they are done."
    ]
    raid_services.raid_item_update(
        actor=cast.pm, item=action, fields={"status": ActionStatus.DONE}, expected_version=action.version
    )
    closed = services.gate_review_close(actor=cast.pm, review=decision, expected_version=decision.version)
    assert closed.status == ReviewStatus.CLOSED


@pytest.mark.parametrize("outcome", [Outcome.HOLD, Outcome.STOP])
def test_hold_or_stop_leaves_the_project_where_it_is(cast, outcome):
    decision = decided(cast, outcome)
    assert decision.outcome == outcome
    assert Project.objects.get(pk=cast.project.pk).stage.name == "Delivery"
    assert not Action.objects.filter(source_reference=decision.reference).exists()


def test_a_large_project_is_decided_by_the_board_recorded_by_the_pmo_head(cast):
    Project.objects.filter(pk=cast.project.pk).update(size_tier=SizeTier.LARGE)
    cast.project.refresh_from_db()
    review = in_review(cast)
    assert review.authority == GateAuthority.BOARD
    with pytest.raises(PermissionDenied) as refused:
        services.gate_review_decide(
            actor=cast.sponsor,
            review=review,
            outcome=Outcome.GO,
            notes="Yes",
            expected_version=review.version,
        )
    assert str(refused.value) == (
        f"{review.reference} is decided by the board (recorded by the PMO head) (WEB is a large project at "
        "Gate 4: Readiness for handover): you cannot decide it."
    )
    go = services.gate_review_decide(
        actor=cast.head, review=review, outcome=Outcome.GO, notes="Board: go", expected_version=review.version
    )
    assert go.decided_by == cast.head


def test_a_review_is_decided_once(cast):
    decision = decided(cast)
    with pytest.raises(ValidationError) as twice:
        services.gate_review_decide(
            actor=cast.sponsor,
            review=decision,
            outcome=Outcome.STOP,
            notes="No",
            expected_version=decision.version,
        )
    assert twice.value.messages == [
        f"{decision.reference} was already decided (go) by sponsor on 4 Dec 2026: it cannot be decided again."
    ]


def test_a_stale_version_is_a_conflict(cast):
    review = in_review(cast)
    with pytest.raises(ConflictError):
        services.gate_review_decide(
            actor=cast.sponsor,
            review=review,
            outcome=Outcome.GO,
            notes="Go",
            expected_version=review.version - 1,
        )
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_REVIEW


def test_a_review_still_collecting_evidence_is_not_decided(cast):
    review = opened(cast)
    with pytest.raises(ValidationError) as early:
        services.gate_review_decide(
            actor=cast.sponsor, review=review, outcome=Outcome.GO, notes="Go", expected_version=review.version
        )
    assert early.value.messages == [
        f"{review.reference} is still collecting evidence: "
        "send it to the reviewers before it is assessed or decided."
    ]


@pytest.mark.parametrize(
    ("outcome", "notes", "conditions", "errors"),
    [
        (Outcome.GO, "", [], {"decision_notes": ["Give the reasons for the decision."]}),
        (Outcome.GO_WITH_CONDITIONS, "Go", [], {"conditions": [services.CONDITIONS_REQUIRED]}),
        (Outcome.GO, "Go", ["x"], {"conditions": [services.NO_CONDITIONS]}),
        (
            Outcome.GO_WITH_CONDITIONS,
            "Go",
            [{"title": "Test"}],
            {"conditions": ["Condition 1: give what must be done, its owner and its due date."]},
        ),
        (
            Outcome.GO_WITH_CONDITIONS,
            "Go",
            ["past"],
            {"conditions": ["Condition 1: the due date 3 Dec 2026 has passed."]},
        ),
    ],
)
def test_bad_decisions_are_refused_naming_the_field(cast, outcome, notes, conditions, errors):
    review = in_review(cast)
    given = [
        condition(cast, days=-1) if c == "past" else condition(cast) if c == "x" else c for c in conditions
    ]
    with pytest.raises(ValidationError) as refused:
        services.gate_review_decide(
            actor=cast.sponsor,
            review=review,
            outcome=outcome,
            notes=notes,
            conditions=given,
            expected_version=review.version,
        )
    assert refused.value.message_dict == errors
    assert Project.objects.get(pk=cast.project.pk).stage.name == "Delivery"


def test_the_pmo_head_overrides_with_a_reason(cast):
    override = services.stage_override_record(
        actor=cast.head, project=cast.project, stage=stage("Planning"), reason="Re-plan after funding cut"
    )
    assert (override.from_stage.name, override.to_stage.name, override.recorded_by) == (
        "Delivery",
        "Planning",
        cast.head,
    )
    moved = Project.objects.get(pk=cast.project.pk)
    assert moved.stage.name == "Planning"
    assert moved.history.first().history_change_reason == "PMO override: Re-plan after funding cut"


def test_an_override_needs_the_pmo_head_and_a_reason(cast):
    with pytest.raises(PermissionDenied):
        services.stage_override_record(
            actor=cast.pm, project=cast.project, stage=stage("Closure"), reason="Hurry"
        )
    with pytest.raises(ValidationError) as no_reason:
        services.stage_override_record(
            actor=cast.head, project=cast.project, stage=stage("Closure"), reason="  "
        )
    assert no_reason.value.message_dict == {"reason": [services.REASON_REQUIRED]}
    assert not StageOverride.objects.exists()
