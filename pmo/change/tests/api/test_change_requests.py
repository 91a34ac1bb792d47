"""Change requests over the API: raised, assessed, decided by whoever holds the authority,
implemented; an approved time or cost change makes the next baseline, linked both ways."""

import datetime as dt
from decimal import Decimal

import pytest

from pmo.change import services, workflows
from pmo.change.choices import Authority
from pmo.change.models import ChangeRequest
from pmo.change.tests.api.conftest import BUDGET, FINISH
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.raid.tests.factories import IssueFactory
from pmo.reporting.models import Baseline

pytestmark = pytest.mark.django_db

CHANGES = "/api/v1/change-requests/"


def raise_change(client, **changes):
    body = {
        "project": "WEB",
        "title": "Add Welsh language pages",
        "change_type": "scope",
        "description": "Every page in Welsh as well as English.",
        "reason": "Welsh Language Standards apply from April.",
        **changes,
    }
    response = client.post(CHANGES, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def assess(client, change, days, cost, version=1):
    response = client.post(
        f"{CHANGES}{change['id']}/assess/",
        {
            "version": version,
            "impact_days": days,
            "impact_cost": str(cost),
            "impact_scope": "Welsh pages",
            "recommendation": "Approve",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    return response.json()


def needs(authority, change):
    return workflows.NEEDS_AUTHORITY.format(
        change=change["reference"], authority=services.WHO[authority], why=services.REASON_OF[authority]
    )


def test_a_change_is_raised_assessed_approved_by_the_sponsor_and_makes_the_next_baseline(
    client_for, cast, web
):
    pm, sponsor = client_for(cast.pm), client_for(cast.sponsor)

    # the PM raises it
    raised = raise_change(pm)
    assert (raised["status"], raised["reference"], raised["project_name"]) == (
        "raised",
        f"CR-{raised['id']}",
        "Website",
    )
    assert (raised["raised_by"], raised["authority"], raised["new_baseline"]) == (cast.pm.pk, "", None)

    # and assesses it: 20 days and £10,000 is beyond the PM's limits, within the tolerances
    assessed = assess(pm, raised, 20, 10000)
    assert (assessed["status"], assessed["authority"], assessed["authority_label"]) == (
        "assessed",
        "sponsor",
        "Sponsor",
    )
    assert assessed["assessed_by"] == cast.pm.pk

    # the PM may not approve it
    refused = pm.post(
        f"{CHANGES}{raised['id']}/decide/",
        {"version": 2, "decision": "approve", "notes": "Go"},
        format="json",
    )
    assert refused.status_code == 403
    assert refused.json()["message"] == needs(Authority.SPONSOR, raised)
    assert "needs the approval of the sponsor" in refused.json()["message"]

    # the sponsor does
    approved = sponsor.post(
        f"{CHANGES}{raised['id']}/decide/",
        {"version": 2, "decision": "approve", "notes": "Needed by law."},
        format="json",
    )
    assert approved.status_code == 200, approved.json()
    body = approved.json()
    assert (body["status"], body["decided_by"], body["decision_notes"]) == (
        "approved",
        cast.sponsor.pk,
        "Needed by law.",
    )
    baseline = Baseline.objects.get(project=web, number=2)
    assert body["new_baseline"]["id"] == baseline.pk
    assert body["new_baseline"]["number"] == 2
    assert body["new_baseline"]["url"].endswith(f"/api/v1/baselines/{baseline.pk}/")

    # the new baseline moved by the change's impact, traceable back to it
    shown = sponsor.get(body["new_baseline"]["url"]).json()
    assert shown["source"] == "change_request"
    assert shown["finish"] == str(FINISH + dt.timedelta(days=20))
    assert Decimal(shown["budget_at_completion"]) == BUDGET + 10000
    assert list(baseline.change_requests.values_list("pk", flat=True)) == [raised["id"]]

    # approving twice is refused, and nothing more is made
    again = sponsor.post(
        f"{CHANGES}{raised['id']}/decide/",
        {"version": 3, "decision": "approve", "notes": "Again"},
        format="json",
    )
    assert again.status_code == 400
    assert again.json()["message"].startswith(f"{raised['reference']} was already approved by ")
    assert again.json()["message"].endswith(": it cannot be decided again.")
    assert Baseline.objects.filter(project=web).count() == 2

    # the PM implements it
    implemented = pm.post(f"{CHANGES}{raised['id']}/implement/", {"notes": "Live"}, HTTP_IF_MATCH='"3"')
    assert implemented.status_code == 200, implemented.json()
    assert (implemented.json()["status"], implemented.json()["implementation_notes"]) == (
        "implemented",
        "Live",
    )
    reasons = [entry["reason"] for entry in pm.get(f"{CHANGES}{raised['id']}/history/").json()]
    assert reasons == ["Implemented", "Approved: Needed by law.", "Assessed: needs the sponsor", "Raised"]


def test_deciding_before_the_assessment_is_refused(client_for, cast, web):
    change = raise_change(client_for(cast.pm))

    response = client_for(cast.head).post(
        f"{CHANGES}{change['id']}/decide/",
        {"version": 1, "decision": "approve", "notes": "Go"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["message"] == workflows.NOT_ASSESSED.format(change=change["reference"])
    assert ChangeRequest.objects.get().status == "raised"


def test_a_change_beyond_the_tolerances_needs_the_board(client_for, cast, web):
    change = raise_change(client_for(cast.pm), change_type="time")
    assessed = assess(client_for(cast.pm), change, 60, 1000)
    assert assessed["authority"] == "board"

    sponsor = client_for(cast.sponsor).post(
        f"{CHANGES}{change['id']}/decide/",
        {"version": 2, "decision": "approve", "notes": "Go"},
        format="json",
    )
    analyst = client_for(cast.analyst).post(
        f"{CHANGES}{change['id']}/decide/",
        {"version": 2, "decision": "approve", "notes": "Go"},
        format="json",
    )
    head = client_for(cast.head).post(
        f"{CHANGES}{change['id']}/decide/",
        {"version": 2, "decision": "reject", "notes": "Board: not now"},
        format="json",
    )

    assert sponsor.status_code == analyst.status_code == 403
    assert sponsor.json()["message"] == analyst.json()["message"] == needs(Authority.BOARD, change)
    assert "needs the approval of the board" in sponsor.json()["message"]
    assert head.status_code == 200
    assert (head.json()["status"], head.json()["new_baseline"]) == ("rejected", None)
    assert Baseline.objects.filter(project=web).count() == 1


def test_the_pm_decides_a_small_change_and_one_without_impact_keeps_the_baseline(client_for, cast, web):
    pm = client_for(cast.pm)
    change = raise_change(pm, change_type="quality")
    assert assess(pm, change, 0, 0)["authority"] == "project_manager"

    response = pm.post(
        f"{CHANGES}{change['id']}/decide/",
        {"version": 2, "decision": "approve", "notes": "Fine"},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["new_baseline"]) == ("approved", None)
    assert Baseline.objects.filter(project=web).count() == 1


def test_a_deferred_change_comes_back_for_a_decision(client_for, cast, web):
    pm = client_for(cast.pm)
    change = raise_change(pm)
    assess(pm, change, 2, 500)

    deferred = pm.post(
        f"{CHANGES}{change['id']}/decide/",
        {"version": 2, "decision": "defer", "notes": "After go-live"},
        format="json",
    )
    approved = pm.post(
        f"{CHANGES}{change['id']}/decide/",
        {"version": 3, "decision": "approve", "notes": "Now"},
        format="json",
    )

    assert deferred.json()["status"] == "deferred"
    assert approved.json()["status"] == "approved"
    assert approved.json()["new_baseline"]["number"] == 2


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"decision": "approve", "notes": "  "}, {"notes": [services.NOTES_REQUIRED]}),
        ({"decision": "approve"}, {"notes": [services.NOTES_REQUIRED]}),
        ({"decision": "maybe", "notes": "Hmm"}, {"decision": ['"maybe" is not a valid choice.']}),
    ],
)
def test_a_decision_needs_a_choice_and_its_reasons(client_for, cast, web, body, fields):
    pm = client_for(cast.pm)
    change = raise_change(pm)
    assess(pm, change, 1, 100)

    response = pm.post(f"{CHANGES}{change['id']}/decide/", {**body, "version": 2}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == fields
    assert ChangeRequest.objects.get().status == "assessed"


def test_a_decision_on_a_stale_version_is_a_conflict_and_makes_no_baseline(client_for, cast, web):
    pm = client_for(cast.pm)
    change = raise_change(pm)
    assess(pm, change, 2, 500)
    assert (
        pm.patch(
            f"{CHANGES}{change['id']}/", {"version": 2, "title": "Welsh pages"}, format="json"
        ).status_code
        == 200
    )

    response = pm.post(
        f"{CHANGES}{change['id']}/decide/",
        {"version": 2, "decision": "approve", "notes": "Go"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["current_version"] == 3
    assert ChangeRequest.objects.get().status == "assessed"
    assert Baseline.objects.filter(project=web).count() == 1


def test_a_change_is_corrected_until_decided_and_reassessed_when_its_impact_changes(client_for, cast, web):
    pm = client_for(cast.pm)
    change = raise_change(pm)
    assess(pm, change, 2, 500)

    bigger = pm.patch(f"{CHANGES}{change['id']}/", {"version": 2, "impact_days": 90}, format="json")

    assert bigger.status_code == 200, bigger.json()
    assert (bigger.json()["impact_days"], bigger.json()["authority"]) == (90, "board")
    client_for(cast.head).post(
        f"{CHANGES}{change['id']}/decide/", {"version": 3, "decision": "reject", "notes": "No"}, format="json"
    )
    late = pm.patch(f"{CHANGES}{change['id']}/", {"version": 4, "title": "Again"}, format="json")
    assert late.status_code == 400
    assert late.json()["message"] == workflows.NOT_EDITABLE_NOW.format(
        change=f"{change['reference']} {change['title']}", status="rejected"
    )


def test_the_project_of_a_change_stays_and_a_change_needs_its_version(client_for, cast, web):
    pm = client_for(cast.pm)
    change = raise_change(pm)

    moved = pm.patch(
        f"{CHANGES}{change['id']}/", {"version": 1, "project": "HR", "title": "Welsh"}, format="json"
    )
    unversioned = pm.patch(f"{CHANGES}{change['id']}/", {"title": "Other"}, format="json")

    assert (moved.json()["project"], moved.json()["title"]) == ("WEB", "Welsh")
    assert unversioned.status_code == 400
    assert list(unversioned.json()["fields"]) == ["version"]


@pytest.mark.parametrize(
    ("role", "status"),
    [("pm", 201), ("sponsor", 201), ("officer", 201), ("other_pm", 403), ("executive", 403)],
)
def test_who_may_raise_a_change(client_for, cast, web, role, status):
    response = client_for(cast.by_name(role)).post(
        CHANGES,
        {"project": "WEB", "title": "T", "change_type": "cost", "description": "D", "reason": "R"},
        format="json",
    )

    assert response.status_code == status
    if status == 403:
        assert (
            response.json()["message"]
            == "You do not have permission to raise change requests on WEB Website."
        )
        assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("sponsor", 403), ("executive", 403), ("officer", 200)])
def test_who_may_assess_and_implement(client_for, cast, web, role, status):
    change = raise_change(client_for(cast.pm))

    response = client_for(cast.by_name(role)).post(
        f"{CHANGES}{change['id']}/assess/", {"version": 1, "impact_days": 1}, format="json"
    )

    assert response.status_code == status
    if status == 403:
        assert (
            response.json()["message"]
            == f"You do not have permission to assess {change['reference']} {change['title']}."
        )


def test_only_an_approved_change_is_implemented(client_for, cast, web):
    pm = client_for(cast.pm)
    change = raise_change(pm)

    response = pm.post(f"{CHANGES}{change['id']}/implement/", {"version": 1}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == workflows.NOT_APPROVED.format(
        change=change["reference"], status="raised"
    )


def test_a_change_cites_only_a_request_for_change_issue_of_its_project(client_for, cast, web):
    pm = client_for(cast.pm)
    rfc = IssueFactory(project=cast.project, issue_type="rfc")
    problem = IssueFactory(project=cast.project, issue_type="problem")

    cited = raise_change(pm, issue=rfc.pk)
    refused = pm.post(
        CHANGES,
        {
            "project": "WEB",
            "title": "T",
            "change_type": "scope",
            "description": "D",
            "reason": "R",
            "issue": problem.pk,
        },
        format="json",
    )

    assert (cited["issue"], cited["issue_reference"]) == (rfc.pk, rfc.reference)
    assert refused.status_code == 400
    assert refused.json()["fields"] == {
        "issue": [services.NOT_AN_RFC.format(issue=problem.reference, project="WEB")]
    }


def test_the_change_log_filters_and_hides_confidential_projects(client_for, cast, web):
    head = client_for(cast.head)
    scope = raise_change(head)
    time = raise_change(head, project="HR", change_type="time", title="Later launch")
    ProjectFactory(code="SEC", confidential=True)
    hidden = raise_change(head, project="SEC", title="Office closure")
    assess(head, scope, 1, 100)

    def ids(client, **params):
        response = client.get(CHANGES, params)
        assert response.status_code == 200, response.json()
        return sorted(row["id"] for row in response.json()["results"])

    pm = client_for(cast.pm)
    assert ids(pm) == sorted([scope["id"], time["id"]])
    assert pm.get(f"{CHANGES}{hidden['id']}/").status_code == 404
    assert ids(head) == sorted([scope["id"], time["id"], hidden["id"]])
    assert ids(head, project="SEC") == [hidden["id"]]
    assert ids(head, status="assessed") == [scope["id"]]
    assert ids(head, authority="project_manager") == [scope["id"]]
    assert ids(head, change_type="time") == [time["id"]]
    assert ids(head, search="launch") == [time["id"]]


def test_changes_approved_by_the_sponsor_add_up_and_the_total_goes_to_the_board(client_for, cast, web):
    sponsor, pm = client_for(cast.sponsor), client_for(cast.pm)
    first = assess(pm, raise_change(pm), 20, 8000)
    approved = sponsor.post(
        f"{CHANGES}{first['id']}/decide/",
        {"version": 2, "decision": "approve", "notes": "Agreed."},
        format="json",
    )
    second = assess(pm, raise_change(pm), 15, 8000)

    total = sponsor.get(f"{CHANGES}{second['id']}/cumulative/")

    assert approved.status_code == 200, approved.json()
    assert second["authority"] == Authority.BOARD
    assert total.status_code == 200
    assert total.json() == {
        "since_baseline": 1,
        "approved": [first["reference"]],
        "days": 35,
        "cost": "16000.00",
        "benefits": "0.00",
        "time_tolerance": "30.00",
        "cost_tolerance": "20000.00",
        "authority": "board",
        "reason": (
            "beyond the project's tolerances once added to the changes approved since baseline v1 "
            f"({first['reference']}): +35 days and +£16,000 in all"
        ),
    }
    refused = sponsor.post(
        f"{CHANGES}{second['id']}/decide/",
        {"version": 2, "decision": "approve", "notes": "Agreed."},
        format="json",
    )
    assert refused.status_code == 403
    assert refused.json()["message"] == needs(Authority.BOARD, second)


def test_the_change_log_offers_an_approval_only_where_the_decision_takes_it(client_for, cast, web):
    """Given two sponsor changes of +16 days (30 allowed) assessed before either was approved, when the
    sponsor approves the first, then the log (as the change's own record) no longer offers the
    sponsor the second's approval, which now needs the board; the PMO head's log still does."""
    sponsor, pm, head = client_for(cast.sponsor), client_for(cast.pm), client_for(cast.head)
    first, second = (assess(pm, raise_change(pm, title=f"Change {n}"), 16, 0) for n in (1, 2))
    assert [first["authority"], second["authority"]] == [Authority.SPONSOR, Authority.SPONSOR]
    assert (
        "approve"
        in next(c for c in sponsor.get(CHANGES).json()["results"] if c["id"] == second["id"])["actions"]
    )
    approved = sponsor.post(
        f"{CHANGES}{first['id']}/decide/", {"version": 2, "decision": "approve", "notes": "Agreed."}
    )
    assert approved.status_code == 200, approved.json()

    listed = {c["id"]: c for c in sponsor.get(CHANGES).json()["results"]}
    by_head = {c["id"]: c for c in head.get(CHANGES).json()["results"]}

    assert listed[second["id"]]["actions"] == ["edit", "reject", "defer"]
    assert listed[second["id"]]["actions"] == sponsor.get(f"{CHANGES}{second['id']}/").json()["actions"]
    assert "approve" in by_head[second["id"]]["actions"]
    refused = sponsor.post(
        f"{CHANGES}{second['id']}/decide/", {"version": 2, "decision": "approve", "notes": "Agreed."}
    )
    assert refused.status_code == 403


def test_the_cumulative_figure_of_a_hidden_change_is_not_found(client_for, cast, web):
    head = client_for(cast.head)
    ProjectFactory(code="SEC", confidential=True)
    hidden = raise_change(head, project="SEC", title="Office closure")

    assert head.get(f"{CHANGES}{hidden['id']}/cumulative/").status_code == 200
    assert client_for(cast.pm).get(f"{CHANGES}{hidden['id']}/cumulative/").status_code == 404
