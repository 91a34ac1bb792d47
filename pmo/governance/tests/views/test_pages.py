"""The gates' pages: what each shows, the steps a review's page offers, the forms' refusals, and
the lists' pinned, size-independent query counts."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pmo.governance.choices import Outcome, ReviewStatus
from pmo.governance.models import Gate, GateReview
from pmo.governance.tests.steps import condition, decided, in_review, opened
from pmo.portfolio.models import LifecycleStage, Project
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_review_page_shows_evidence_verdicts_and_the_steps_the_reader_may_take(cast):
    review = in_review(cast)

    as_sponsor = client_for(cast.sponsor).get(review.get_absolute_url())
    as_pm = client_for(cast.pm).get(review.get_absolute_url())

    page = as_sponsor.content.decode()
    assert "Every open risk and issue reviewed within 14 days." in page  # an automatic check, with why
    assert "Test completion report and user acceptance sign-off" in page
    assert 'data-action="decide"' in page and 'data-action="assess"' in page
    assert 'data-action="decide"' not in as_pm.content.decode()


def test_the_sponsor_decides_with_a_condition_on_the_page(cast):
    review = in_review(cast)
    due = condition(cast)["due"]

    response = client_for(cast.sponsor).post(
        f"/gates/reviews/{review.pk}/decide/",
        {
            "version": review.version,
            "outcome": Outcome.GO_WITH_CONDITIONS,
            "decision_notes": "Go once tested",
            "condition_1_title": "Complete the security test",
            "condition_1_owner": cast.project.project_manager_id,
            "condition_1_due": due.isoformat(),
        },
    )

    assert response.status_code == 302
    page = client_for(cast.sponsor).get(review.get_absolute_url()).content.decode()
    assert "Complete the security test: Open, due 18 Dec 2026" in page
    assert Project.objects.get(pk=cast.project.pk).stage.name == "Closure"


def test_a_decision_without_conditions_is_refused_beside_the_field(cast):
    review = in_review(cast)
    response = client_for(cast.sponsor).post(
        f"/gates/reviews/{review.pk}/decide/",
        {"version": review.version, "outcome": Outcome.GO_WITH_CONDITIONS, "decision_notes": "Go"},
    )
    assert response.status_code == 400
    assert "A go with conditions needs at least one condition" in response.content.decode()
    assert GateReview.objects.get(pk=review.pk).status == ReviewStatus.IN_REVIEW


def test_the_project_manager_may_not_reach_the_decision_form(cast):
    review = in_review(cast)
    response = client_for(cast.pm).get(f"/gates/reviews/{review.pk}/decide/")
    assert response.status_code == 403


def test_the_project_gates_tab_shows_the_next_gate_and_opens_a_review(cast):
    client = client_for(cast.pm)
    page = client.get(f"/gates/projects/{cast.project.code}/").content.decode()
    assert "Gate 4: Readiness for handover" in page and "evidence incomplete" in page

    response = client.post(f"/gates/projects/{cast.project.code}/open/")

    review = GateReview.objects.get(project=cast.project)
    assert response.url == review.get_absolute_url()


def test_the_pmo_head_overrides_on_the_page_and_the_tab_shows_it(cast):
    planning = LifecycleStage.objects.get(name="Planning")
    client = client_for(cast.head)
    response = client.post(
        f"/gates/projects/{cast.project.code}/override/", {"stage": planning.pk, "reason": ""}
    )
    assert response.status_code == 400
    assert "Give the reason for moving the project without a passed gate." in response.content.decode()

    client.post(f"/gates/projects/{cast.project.code}/override/", {"stage": planning.pk, "reason": "Re-plan"})

    page = client.get(f"/gates/projects/{cast.project.code}/").content.decode()
    assert "Delivery → Planning by head: Re-plan" in page
    assert client_for(cast.pm).get(f"/gates/projects/{cast.project.code}/override/").status_code == 403


def test_the_gate_settings_page_is_edited_by_the_pmo_head_only(cast):
    gate = Gate.objects.get(stage__name="Delivery")
    assert "Budget approved" in client_for(cast.pm).get(gate.get_absolute_url()).content.decode()
    assert client_for(cast.pm).get(f"/gates/{gate.pk}/edit/").status_code == 403
    response = client_for(cast.head).post(
        f"/gates/{gate.pk}/edit/",
        {"version": gate.version, "criteria": "Plan agreed", "board_from_tier": "major", "notice_days": 20},
    )
    assert response.status_code == 302
    gate.refresh_from_db()
    assert (gate.criteria, gate.board_from_tier, gate.notice_days, gate.version) == (
        "Plan agreed",
        "major",
        20,
        2,
    )


def grow(n):
    """``n`` projects, each with a decided review (and a condition) and an open one."""
    for _ in range(n):
        project = ProjectFactory(project_manager=PersonFactory(), sponsor=PersonFactory())
        GateReview.objects.create(
            project=project, gate=Gate.objects.get(stage__name="Closure"), authority="sponsor",
            opened_on="2026-11-01", status=ReviewStatus.IN_REVIEW,
        )  # fmt: skip
        GateReview.objects.create(
            project=project, gate=Gate.objects.get(stage__name="Delivery"), authority="sponsor",
            opened_on="2026-10-01", status=ReviewStatus.CLOSED, outcome=Outcome.GO,
        )  # fmt: skip


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "expected"),
    [("/gates/reviews/", 8), ("/gates/calendar/", 16), ("/gates/", 7), ("/gates/projects/WEB/", 15)],
)
def test_the_lists_issue_the_same_queries_for_few_and_many_records(cast, url, expected):
    decided(cast, Outcome.GO_WITH_CONDITIONS, [condition(cast)])
    client = client_for(cast.head)
    grow(1)
    few = queries(client, url)
    grow(8)
    many = queries(client, url)
    assert (few, many) == (expected, expected)


def test_the_pmo_head_adds_evidence_and_a_bad_one_is_refused_beside_its_field(cast):
    gate = Gate.objects.get(stage__name="Delivery")
    client = client_for(cast.head)
    bad = client.post(
        f"/gates/{gate.pk}/evidence/new/", {"name": "Security test", "kind": "check", "order": 9}
    )
    assert bad.status_code == 400
    assert "Choose the record the system checks." in bad.content.decode()

    good = client.post(
        f"/gates/{gate.pk}/evidence/new/",
        {
            "name": "Security test report",
            "kind": "document",
            "order": 9,
            "within_days": 30,
            "size_tiers": ["large", "major"],
        },
    )

    assert good.status_code == 302
    page = client.get(gate.get_absolute_url()).content.decode()
    assert "Security test report" in page and "Large, Major; all methodologies" in page


def test_the_gate_calendar_groups_next_gates_by_month_with_their_readiness(cast):
    Project.objects.filter(pk=cast.project.pk).update(planned_finish="2027-01-15")
    page = client_for(cast.pm).get("/gates/calendar/").content.decode()
    assert "January 2027" in page
    assert "Gate 4: Readiness for handover" in page and "Missing: Test completion report" in page


def test_unknown_gates_evidence_and_reviews_are_404s_naming_them(cast):
    review = opened(cast)
    client = client_for(cast.head)
    assert client.get("/gates/99999/evidence/new/").status_code == 404
    assert client.get(f"/gates/reviews/{review.pk}/evidence/99999/").status_code == 404
    assert client.get("/gates/reviews/99999/").status_code == 404
