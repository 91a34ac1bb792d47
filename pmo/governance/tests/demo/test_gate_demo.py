"""The demo's gate reviews: every outcome, conditions as RAID actions, open reviews, an override."""

import pytest

from pmo.governance.choices import Outcome, ReviewStatus
from pmo.governance.models import GateCondition, GateReview, StageOverride
from pmo.portfolio.models import Project

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_reviews_in_every_outcome_and_still_open() -> None:
    outcomes = set(GateReview.objects.exclude(outcome="").values_list("outcome", flat=True))
    statuses = set(GateReview.objects.values_list("status", flat=True))

    assert outcomes == set(Outcome.values)
    assert {ReviewStatus.OPEN, ReviewStatus.IN_REVIEW, ReviewStatus.DECIDED} <= statuses


def test_passed_gates_moved_their_projects_and_others_stayed() -> None:
    def stage_after(outcome):
        return {
            r.project.stage.name
            for r in GateReview.objects.filter(outcome=outcome).select_related("project__stage")
        }

    bc = Project.objects.get(name="Planning and building control system replacement")
    assert bc.stage.name == "Delivery"
    moved = bc.history.get(history_change_reason__startswith="Passed Gate 3")
    assert (moved.stage.name, moved.history_user.username) == ("Delivery", "head")
    assert stage_after(Outcome.GO_WITH_CONDITIONS) == {"Delivery"}
    assert stage_after(Outcome.HOLD) == {"Delivery"}  # held at Gate 4
    assert stage_after(Outcome.STOP) == {"Initiation"}  # stopped at Gate 2
    assert not GateReview.objects.exclude(outcome="").filter(decided_by__isnull=True).exists()


def test_conditions_are_open_raid_actions_of_the_project() -> None:
    conditions = GateCondition.objects.select_related("action", "review__project")
    assert conditions.count() == 2
    for condition in conditions:
        assert condition.action.project == condition.review.project
        assert condition.action.source_reference == condition.review.reference
        assert condition.action.status == "open"


def test_the_override_is_recorded_with_who_and_why() -> None:
    override = StageOverride.objects.select_related("project", "to_stage", "recorded_by").get()
    assert (override.project.name, override.to_stage.name, override.recorded_by.username) == (
        "GIS consolidation",
        "Planning",
        "head",
    )
    assert override.reason.startswith("Small technical consolidation")
