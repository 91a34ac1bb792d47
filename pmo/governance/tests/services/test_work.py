"""The gates in the work queue: the project manager's reviews to open and evidence to complete,
the reviewers' assessments and the decision by whoever holds the authority."""

import datetime as dt

import pytest

from pmo.core.work import work_queue
from pmo.governance.tests.steps import in_review, opened
from pmo.portfolio.models import Project

pytestmark = pytest.mark.django_db


def kinds(user, project_code="WEB"):
    return {(item.kind, item.title) for item in work_queue(user) if item.project == project_code}


def test_the_project_manager_is_asked_to_open_a_review_when_the_gate_is_near(cast):
    Project.objects.filter(pk=cast.project.pk).update(planned_finish=dt.date(2026, 12, 20))
    assert ("gate-open", "Open a review of WEB at Gate 4: Readiness for handover") in kinds(cast.pm)

    Project.objects.filter(pk=cast.project.pk).update(planned_finish=dt.date(2027, 6, 30))
    assert not {k for k, _ in kinds(cast.pm)} & {"gate-open"}


def test_the_project_manager_is_asked_for_the_missing_evidence(cast):
    Project.objects.filter(pk=cast.project.pk).update(planned_finish=dt.date(2026, 12, 20))
    review = opened(cast)
    found = {item.kind: item for item in work_queue(cast.pm) if item.project == "WEB"}
    assert found["gate-evidence"].title == f"Complete the evidence of {review}"
    assert "Test completion report and user acceptance sign-off" in found["gate-evidence"].reason
    assert "gate-open" not in found


def test_reviewers_assess_and_the_authority_decides(cast):
    review = in_review(cast)
    assert ("gate-assess", f"Assess {review}") in kinds(cast.officer)
    assert {("gate-assess", f"Assess {review}"), ("gate-decide", f"Decide {review}")} <= kinds(cast.sponsor)
    assert not {k for k, _ in kinds(cast.head)} & {"gate-decide"}  # the sponsor's decision, not the board's
    assert not {k for k, _ in kinds(cast.pm)} & {"gate-assess", "gate-decide"}
