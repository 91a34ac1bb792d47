"""Bad input on the change pages: the service's message beside its field (or at the top), and
nothing saved; a stale version is a conflict that saves nothing."""

import pytest
from django.utils import timezone

from pmo.change import services
from pmo.change.choices import ChangeStatus, Decision
from pmo.change.models import ChangeRequest
from pmo.change.tests.views.conftest import client_for
from pmo.change.tests.views.steps import RAISE, approved, assessed, raised
from pmo.raid.choices import IssueType
from pmo.raid.tests.factories import IssueFactory
from pmo.reporting.models import Baseline
from pmo.reporting.tests.views.helpers import doc, field_error, text_of

pytestmark = pytest.mark.django_db


def summary(response) -> list[str]:
    """The "Nothing was saved" list at the top of a form."""
    found = doc(response).xpath("//*[@data-testid='error-summary']//li")
    return [" ".join(li.text_content().split()) for li in found]


def test_a_decision_needs_its_reasons(world):
    change = assessed(world)

    response = client_for(world.sponsor).post(
        f"/changes/{change.pk}/decide/",
        {"decision": "approve", "decision_notes": "  ", "version": change.version},
    )

    assert response.status_code == 400
    assert (
        field_error(response, "decision_notes")
        == services.NOTES_REQUIRED
        == "Give the reasons for the decision."
    )
    change.refresh_from_db()
    assert change.status == ChangeStatus.ASSESSED
    assert Baseline.objects.filter(project=world.project).count() == 1


def test_a_decision_must_be_chosen(world):
    change = assessed(world)

    response = client_for(world.sponsor).post(
        f"/changes/{change.pk}/decide/", {"decision_notes": "Yes", "version": change.version}
    )

    assert field_error(response, "decision") == "This field is required."


def test_approving_twice_says_who_approved_it_and_when(world):
    change = assessed(world)
    sponsor, head = client_for(world.sponsor), client_for(world.head)
    first = {"decision": "approve", "decision_notes": "Yes", "version": change.version}
    sponsor.post(f"/changes/{change.pk}/decide/", first)

    again = head.post(f"/changes/{change.pk}/decide/", first)

    today = timezone.localdate().strftime("%-d %b %Y")
    assert summary(again) == [
        f"CR-{change.pk} was already approved by sponsor on {today}: it cannot be decided again."
    ]
    assert Baseline.objects.filter(project=world.project).count() == 2  # one, from the first approval
    change.refresh_from_db()
    assert change.decided_by == world.sponsor


def test_an_approved_change_offers_no_decision(world):
    change = approved(world)
    sponsor = client_for(world.sponsor)

    response = sponsor.get(f"/changes/{change.pk}/decide/", follow=True)

    today = timezone.localdate().strftime("%-d %b %Y")
    assert response.redirect_chain == [(change.get_absolute_url(), 302)]
    assert (
        f"CR-{change.pk} was already approved by sponsor on {today}: it cannot be decided again."
        in text_of(response)
    )


def test_a_change_is_not_decided_before_it_is_assessed(world):
    change = raised(world)
    head = client_for(world.head)
    expected = f"CR-{change.pk} must be assessed (its impact set out) before it is decided."

    shown = head.get(f"/changes/{change.pk}/decide/", follow=True)
    posted = head.post(
        f"/changes/{change.pk}/decide/",
        {"decision": "approve", "decision_notes": "Yes", "version": change.version},
    )

    assert shown.redirect_chain == [(change.get_absolute_url(), 302)]
    assert expected in text_of(shown)
    assert summary(posted) == [expected]
    change.refresh_from_db()
    assert change.status == ChangeStatus.RAISED


def test_an_issue_of_another_project_cannot_be_the_source(world):
    theirs = IssueFactory(project=world.other_project, issue_type=IssueType.REQUEST_FOR_CHANGE)
    pm = client_for(world.pm)
    expected = f"{theirs.reference} is not a request-for-change issue of WEB."

    shown = pm.get("/changes/projects/WEB/new/", {"issue": theirs.pk})
    posted = pm.post("/changes/projects/WEB/new/", {**RAISE, "issue": theirs.pk})

    assert summary(shown) == [expected]
    assert doc(shown).xpath("//input[@id='id_title']/@value") in ([], [""])
    assert field_error(posted, "issue") == expected
    assert not ChangeRequest.objects.exists()


def test_a_problem_issue_cannot_be_the_source(world):
    problem = IssueFactory(project=world.project, issue_type=IssueType.PROBLEM)

    posted = client_for(world.pm).post("/changes/projects/WEB/new/", {**RAISE, "issue": problem.pk})

    assert field_error(posted, "issue") == f"{problem.reference} is not a request-for-change issue of WEB."
    assert not ChangeRequest.objects.exists()


def test_a_change_request_needs_its_title_and_reason(world):
    posted = client_for(world.pm).post("/changes/projects/WEB/new/", {**RAISE, "title": "", "reason": ""})

    assert posted.status_code == 400
    assert field_error(posted, "title") == "This field is required."
    assert field_error(posted, "reason") == "This field is required."
    assert not ChangeRequest.objects.exists()


def test_a_stale_assessment_is_a_conflict_and_saves_nothing(world):
    change = raised(world)
    read_at = change.version
    services.change_request_update(
        actor=world.sponsor,
        change=change,
        fields={"title": "Payments page, phase 1"},
        expected_version=read_at,
    )

    response = client_for(world.pm).post(
        f"/changes/{change.pk}/assess/",
        {
            "impact_days": "20",
            "impact_cost": "0",
            "impact_benefits": "0",
            "recommendation": "A",
            "version": read_at,
        },
    )

    assert response.status_code == 409
    conflict = " ".join(doc(response).xpath("//*[@data-testid='conflict']")[0].text_content().split())
    assert "Not saved: this change request changed while you were editing" in conflict
    assert "was changed by sponsor" in conflict
    change.refresh_from_db()
    assert (change.status, change.impact_days, change.title) == (
        ChangeStatus.RAISED,
        0,
        "Payments page, phase 1",
    )


def test_a_stale_decision_is_a_conflict_and_makes_no_baseline(world):
    change = assessed(world)
    read_at = change.version
    services.change_request_update(
        actor=world.pm,
        change=change,
        fields={"recommendation": "Approve, in two phases"},
        expected_version=read_at,
    )

    response = client_for(world.sponsor).post(
        f"/changes/{change.pk}/decide/", {"decision": "approve", "decision_notes": "Yes", "version": read_at}
    )

    assert response.status_code == 409
    assert "was changed by pm" in text_of(response)
    change.refresh_from_db()
    assert change.status == ChangeStatus.ASSESSED
    assert Baseline.objects.filter(project=world.project).count() == 1


def test_a_stale_edit_is_a_conflict(world):
    change = raised(world)
    read_at = change.version
    services.change_request_update(
        actor=world.sponsor, change=change, fields={"title": "Theirs"}, expected_version=read_at
    )

    response = client_for(world.pm).post(
        f"/changes/{change.pk}/edit/", {**RAISE, "title": "Mine", "issue": "", "version": read_at}
    )

    assert response.status_code == 409
    change.refresh_from_db()
    assert change.title == "Theirs"


def test_a_decided_change_is_no_longer_edited_or_assessed(world):
    change = approved(world)
    pm = client_for(world.pm)

    edit = pm.get(f"/changes/{change.pk}/edit/", follow=True)
    assess = pm.get(f"/changes/{change.pk}/assess/", follow=True)

    # The page says what the service says (the workflow's one refusal).
    assert f"{change} is approved: it can no longer be changed." in text_of(edit)
    assert f"{change} is approved: it can no longer be changed." in text_of(assess)


def test_only_an_approved_change_is_implemented(world):
    change = assessed(world)
    services.change_request_decide(
        actor=world.sponsor,
        change=change,
        decision=Decision.REJECT,
        notes="No",
        expected_version=change.version,
    )

    response = client_for(world.pm).get(f"/changes/{change.pk}/implement/", follow=True)

    assert f"CR-{change.pk} is rejected: only an approved change is implemented." in text_of(response)


def test_a_change_request_with_three_problems_shows_all_three(world):
    # Given no title, no reason, and a problem issue (not a request for change) as its source
    problem = IssueFactory(project=world.project, issue_type=IssueType.PROBLEM)

    posted = client_for(world.pm).post(
        "/changes/projects/WEB/new/", {**RAISE, "title": "", "reason": "", "issue": problem.pk}
    )

    assert field_error(posted, "title") == "This field is required."
    assert field_error(posted, "reason") == "This field is required."
    assert field_error(posted, "issue") == f"{problem.reference} is not a request-for-change issue of WEB."
    assert len(summary(posted)) == 3
    assert not ChangeRequest.objects.exists()


def test_a_decision_without_a_choice_or_reasons_says_both(world):
    change = assessed(world)

    response = client_for(world.sponsor).post(
        f"/changes/{change.pk}/decide/", {"decision_notes": " ", "version": change.version}
    )

    assert field_error(response, "decision") == "This field is required."
    assert field_error(response, "decision_notes") == services.NOTES_REQUIRED
    change.refresh_from_db()
    assert change.status == ChangeStatus.ASSESSED
