"""Change control: raise → assess → decide within delegated limits → implement, and the
baseline an approved change makes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.change import selectors, services
from pmo.change.choices import Authority, ChangeStatus, ChangeType, Decision
from pmo.change.models import ChangeRequest
from pmo.core.models import Notification
from pmo.core.services import ConflictError
from pmo.raid.choices import IssueType
from pmo.raid.tests.factories import IssueFactory
from pmo.reporting import services as reporting_services
from pmo.reporting.choices import BaselineSource, ToleranceDimension
from pmo.reporting.models import Baseline, BaselineMilestone
from pmo.reporting.tests.factories import BaselineFactory

pytestmark = pytest.mark.django_db
RAISE = {
    "title": "Add Welsh language",
    "change_type": ChangeType.SCOPE,
    "description": "Welsh pages",
    "reason": "Law",
}


@pytest.fixture
def planned(cast):
    """WEB with a baseline (finish 18 Dec 2026, £250,000) and its own tolerances: 20 days, £25,000."""
    baseline = BaselineFactory(project=cast.project, finish=dt.date(2026, 12, 18))
    BaselineMilestone.objects.create(baseline=baseline, name="Design signed off", due=dt.date(2026, 3, 1))
    BaselineMilestone.objects.create(baseline=baseline, name="Go live", due=dt.date(2027, 12, 1))
    for dimension, amount in ((ToleranceDimension.TIME, 20), (ToleranceDimension.COST, 25_000)):
        reporting_services.tolerance_set(
            actor=None, project=cast.project, dimension=dimension, absolute=Decimal(amount), percent=None
        )
    return baseline


def raised(cast, **fields):
    return services.change_request_raise(actor=cast.pm, project=cast.project, fields={**RAISE, **fields})


def assessed(cast, **impact):
    change = raised(cast)
    return services.change_request_assess(actor=cast.pm, change=change, fields=impact, expected_version=1)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("pm", True), ("sponsor", True), ("officer", True), ("executive", False), ("other_pm", False)],
)
def test_who_may_raise_a_change(cast, who, allowed):
    actor = cast.by_name(who)
    if allowed:
        change = services.change_request_raise(actor=actor, project=cast.project, fields=RAISE)
        assert change.status == ChangeStatus.RAISED and change.raised_by == actor
        assert change.reference == f"CR-{change.pk}"
    else:
        with pytest.raises(PermissionDenied, match="raise change requests on WEB"):
            services.change_request_raise(actor=actor, project=cast.project, fields=RAISE)
        assert not ChangeRequest.objects.exists()


def test_a_change_comes_from_a_request_for_change_issue_of_the_same_project(cast):
    rfc = IssueFactory(project=cast.project, issue_type=IssueType.REQUEST_FOR_CHANGE)
    problem = IssueFactory(project=cast.project, issue_type=IssueType.PROBLEM)
    elsewhere = IssueFactory(project=cast.other_project, issue_type=IssueType.REQUEST_FOR_CHANGE)
    for issue in (problem, elsewhere):
        with pytest.raises(ValidationError) as error:
            raised(cast, issue=issue)
        assert error.value.message_dict == {
            "issue": [f"{issue.reference} is not a request-for-change issue of WEB."]
        }
    assert raised(cast, issue=rfc).issue == rfc
    assert list(rfc.change_requests.all()) == list(ChangeRequest.objects.all())


@pytest.mark.parametrize(
    ("impact", "authority"),
    [
        ({"impact_days": 5, "impact_cost": Decimal(5000)}, Authority.PROJECT_MANAGER),
        ({"impact_days": -5}, Authority.PROJECT_MANAGER),
        ({"impact_days": 6}, Authority.SPONSOR),
        ({"impact_days": 20, "impact_cost": Decimal(25_000)}, Authority.SPONSOR),
        ({"impact_benefits": Decimal(-1000)}, Authority.SPONSOR),
        ({"impact_days": 21}, Authority.BOARD),
        ({"impact_cost": Decimal("25000.01")}, Authority.BOARD),
        ({"impact_cost": Decimal(-30_000)}, Authority.BOARD),
    ],
)
def test_the_assessment_finds_who_must_decide(cast, planned, impact, authority):
    change = assessed(cast, **impact)
    assert change.status == ChangeStatus.ASSESSED and change.authority == authority
    assert change.assessed_by == cast.pm


def test_without_a_baseline_a_change_beyond_the_pms_limits_goes_to_the_board(cast):
    assert assessed(cast, impact_days=6).authority == Authority.BOARD


def test_with_the_sponsor_limit_switched_off_everything_beyond_the_pm_goes_to_the_board(cast, planned):
    row = selectors.change_settings()
    services.change_settings_update(
        actor=cast.head, settings_row=row, fields={"sponsor_within_tolerance": False}, expected_version=1
    )
    assert assessed(cast, impact_days=6).authority == Authority.BOARD


def test_the_sponsor_does_not_assess_and_is_told_a_decision_is_needed(cast, planned):
    change = raised(cast)
    with pytest.raises(PermissionDenied):
        services.change_request_assess(
            actor=cast.sponsor, change=change, fields={"impact_days": 10}, expected_version=1
        )
    services.change_request_assess(
        actor=cast.pm, change=change, fields={"impact_days": 10}, expected_version=1
    )
    notice = Notification.objects.get(recipient=cast.sponsor)
    assert notice.subject == (
        f"{change.reference} on WEB assessed as needing the sponsor's decision: Add Welsh language"
    )
    assert "+10 days" in notice.body and "within the project's tolerances" in notice.body


@pytest.mark.parametrize(
    ("impact", "refused", "allowed"),
    [
        ({"impact_days": 3}, ["other_pm", "executive", "officer"], "pm"),
        ({"impact_days": 10}, ["pm", "officer", "analyst"], "sponsor"),
        ({"impact_days": 40}, ["pm", "sponsor", "officer"], "head"),
    ],
)
def test_a_decision_needs_the_authority_the_change_calls_for(cast, planned, impact, refused, allowed):
    change = assessed(cast, **impact)
    for who in refused:
        with pytest.raises(PermissionDenied):
            services.change_request_decide(
                actor=cast.by_name(who),
                change=change,
                decision=Decision.APPROVE,
                notes="Fine",
                expected_version=2,
            )
    change.refresh_from_db()
    assert change.status == ChangeStatus.ASSESSED and change.new_baseline is None
    decided = services.change_request_decide(
        actor=cast.by_name(allowed),
        change=change,
        decision=Decision.APPROVE,
        notes="Fine",
        expected_version=2,
    )
    assert decided.status == ChangeStatus.APPROVED and decided.decided_by == cast.by_name(allowed)


def test_the_refusal_says_whose_approval_is_needed(cast, planned):
    change = assessed(cast, impact_days=40)
    with pytest.raises(PermissionDenied) as error:
        services.change_request_decide(
            actor=cast.sponsor, change=change, decision=Decision.APPROVE, notes="Fine", expected_version=2
        )
    assert str(error.value) == (
        f"{change.reference} needs the approval of the board under the delegated "
        "limits (beyond the project's tolerances); you cannot decide it."
    )


def test_approving_a_time_and_cost_change_makes_the_next_baseline(cast, planned):
    change = assessed(cast, impact_days=14, impact_cost=Decimal(12_000), impact_scope="Welsh pages added")
    approved = services.change_request_decide(
        actor=cast.sponsor, change=change, decision=Decision.APPROVE, notes="Statutory", expected_version=2
    )
    new = approved.new_baseline
    assert (new.number, new.source, new.approved_by) == (2, BaselineSource.CHANGE_REQUEST, cast.sponsor)
    assert new.finish == dt.date(2027, 1, 1)
    assert new.budget_at_completion == Decimal("262000.00")
    assert new.benefits_value == planned.benefits_value
    assert new.reason == f"Change request {change.reference} approved: Add Welsh language"
    assert new.scope_summary.endswith(f"{change.reference}: Welsh pages added")
    milestones = {m.name: m.due for m in new.milestones.all()}
    assert milestones == {"Design signed off": dt.date(2026, 3, 1), "Go live": dt.date(2027, 12, 15)}
    assert list(new.change_requests.all()) == [approved]
    assert Notification.objects.filter(
        recipient=cast.pm, subject__startswith=f"{change.reference} approved"
    ).exists()


def test_a_change_without_a_time_cost_or_benefits_impact_keeps_the_baseline(cast, planned):
    change = assessed(cast, impact_scope="Reword the help pages")
    approved = services.change_request_decide(
        actor=cast.pm, change=change, decision=Decision.APPROVE, notes="Small", expected_version=2
    )
    assert approved.new_baseline is None and Baseline.objects.count() == 1


@pytest.mark.parametrize("decision", [Decision.REJECT, Decision.DEFER])
def test_rejecting_or_deferring_makes_no_baseline(cast, planned, decision):
    change = assessed(cast, impact_days=10)
    decided = services.change_request_decide(
        actor=cast.sponsor, change=change, decision=decision, notes="Not now", expected_version=2
    )
    assert decided.status == {Decision.REJECT: "rejected", Decision.DEFER: "deferred"}[decision]
    assert decided.new_baseline is None and Baseline.objects.count() == 1


def test_a_deferred_change_comes_back_for_a_decision(cast, planned):
    change = assessed(cast, impact_days=10)
    deferred = services.change_request_decide(
        actor=cast.sponsor, change=change, decision=Decision.DEFER, notes="Next quarter", expected_version=2
    )
    approved = services.change_request_decide(
        actor=cast.sponsor, change=deferred, decision=Decision.APPROVE, notes="Now", expected_version=3
    )
    assert approved.status == ChangeStatus.APPROVED and approved.new_baseline.number == 2


def test_approving_twice_or_before_assessment_or_without_notes_is_refused(cast, planned):
    change = raised(cast)
    with pytest.raises(ValidationError, match="must be assessed"):
        services.change_request_decide(
            actor=cast.head, change=change, decision=Decision.APPROVE, notes="x", expected_version=1
        )
    change = services.change_request_assess(
        actor=cast.pm, change=change, fields={"impact_days": 10}, expected_version=1
    )
    with pytest.raises(ValidationError) as error:
        services.change_request_decide(
            actor=cast.sponsor, change=change, decision=Decision.APPROVE, notes=" ", expected_version=2
        )
    assert error.value.message_dict == {"decision_notes": ["Give the reasons for the decision."]}
    services.change_request_decide(
        actor=cast.sponsor, change=change, decision=Decision.APPROVE, notes="Yes", expected_version=2
    )
    with pytest.raises(
        ValidationError,
        match=r"was already approved by sponsor on 4 Dec 2026: it cannot be decided again",
    ):
        services.change_request_decide(
            actor=cast.sponsor, change=change, decision=Decision.APPROVE, notes="Yes", expected_version=3
        )
    assert Baseline.objects.filter(project=cast.project).count() == 2


def test_a_cost_reduction_below_zero_is_refused_and_nothing_changes(cast, planned):
    change = assessed(cast, impact_cost=Decimal(-300_000))
    with pytest.raises(ValidationError) as error:
        services.change_request_decide(
            actor=cast.head, change=change, decision=Decision.APPROVE, notes="x", expected_version=2
        )
    assert error.value.message_dict == {
        "impact_cost": ["This change would take the budget at completion below zero (\u2212£50,000)."]
    }
    change.refresh_from_db()
    assert change.status == ChangeStatus.ASSESSED and Baseline.objects.count() == 1


def test_a_stale_version_is_a_conflict(cast, planned):
    change = assessed(cast, impact_days=10)
    with pytest.raises(ConflictError):
        services.change_request_decide(
            actor=cast.sponsor, change=change, decision=Decision.APPROVE, notes="x", expected_version=1
        )
    assert Baseline.objects.count() == 1


def test_corrections_before_the_decision_reassess_the_authority(cast, planned):
    change = assessed(cast, impact_days=3)
    assert change.authority == Authority.PROJECT_MANAGER
    change = services.change_request_update(
        actor=cast.pm, change=change, fields={"impact_days": 30}, expected_version=2
    )
    assert change.authority == Authority.BOARD
    decided = services.change_request_decide(
        actor=cast.head, change=change, decision=Decision.REJECT, notes="No", expected_version=3
    )
    with pytest.raises(ValidationError, match="is rejected: it can no longer be changed"):
        services.change_request_update(
            actor=cast.pm, change=decided, fields={"title": "Again"}, expected_version=4
        )


def test_only_an_approved_change_is_implemented(cast, planned):
    change = assessed(cast, impact_days=3)
    with pytest.raises(ValidationError, match="only an approved change is implemented"):
        services.change_request_implement(actor=cast.pm, change=change, notes="Done", expected_version=2)
    change = services.change_request_decide(
        actor=cast.pm, change=change, decision=Decision.APPROVE, notes="ok", expected_version=2
    )
    with pytest.raises(PermissionDenied):
        services.change_request_implement(actor=cast.sponsor, change=change, notes="Done", expected_version=3)
    done = services.change_request_implement(
        actor=cast.pm, change=change, notes="Deployed", expected_version=3
    )
    assert done.status == ChangeStatus.IMPLEMENTED and done.implemented_on is not None
    reasons = list(done.history.values_list("history_change_reason", flat=True))
    assert reasons == ["Implemented", "Approved: ok", "Assessed: needs the project manager", "Raised"]


def test_only_the_pmo_head_changes_the_delegated_limits(cast):
    row = selectors.change_settings()
    with pytest.raises(PermissionDenied):
        services.change_settings_update(
            actor=cast.officer, settings_row=row, fields={"pm_max_days": 10}, expected_version=1
        )
    changed = services.change_settings_update(
        actor=cast.head, settings_row=row, fields={"pm_max_days": 10}, expected_version=1
    )
    assert changed.pm_max_days == 10
    with pytest.raises(ValidationError) as error:
        services.change_settings_update(
            actor=cast.head, settings_row=changed, fields={"pm_max_cost": Decimal(-1)}, expected_version=2
        )
    assert "pm_max_cost" in error.value.message_dict


def test_the_change_log_hides_confidential_projects(cast):
    from pmo.portfolio.tests.factories import ProjectFactory

    secret = ProjectFactory(code="SECRET", confidential=True)
    services.change_request_raise(actor=None, project=secret, fields=RAISE)
    mine = raised(cast)
    assert list(selectors.change_request_list(user=cast.pm)) == [mine]
    assert selectors.change_request_list(user=cast.head).count() == 2


@pytest.mark.parametrize("days", [3651, -3651, 3_000_000])
def test_a_time_impact_beyond_ten_years_is_refused_at_assessment(cast, planned, days):
    change = raised(cast)
    with pytest.raises(ValidationError) as error:
        services.change_request_assess(
            actor=cast.pm, change=change, fields={"impact_days": days}, expected_version=1
        )
    assert "impact_days" in error.value.message_dict
    change.refresh_from_db()
    assert change.status == ChangeStatus.RAISED
