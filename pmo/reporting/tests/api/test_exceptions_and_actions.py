"""Exceptions (the PM's exception report, the sponsor's decision) over the API; their corrective
actions are in the RAID ``actions`` API."""

import datetime as dt

import pytest
from django.utils import timezone

from pmo.core.permissions import NOT_ALLOWED
from pmo.reporting import services, workflows
from pmo.reporting.choices import ExceptionStatus
from pmo.reporting.models import Baseline

pytestmark = pytest.mark.django_db

EXCEPTIONS = "/api/v1/exceptions/"

EXCEPTION_REPORT = {
    "cause": "The supplier went into administration.",
    "consequences": "Go-live moves three months.",
    "options": "A: re-tender (+3 months, +£10k). B: descope the reporting module.",
    "recommendation": "A",
}


def url(exception, action=""):
    return f"{EXCEPTIONS}{exception.pk}/{action + '/' if action else ''}"


def reported(cycle, exception):
    return services.exception_report_submit(
        actor=cycle.pm, exception=exception, expected_version=exception.version, **EXCEPTION_REPORT
    )


def test_everyone_on_the_project_sees_the_raised_exception(client_for, cycle, breach):
    for who in (cycle.pm, cycle.sponsor, cycle.officer):
        body = client_for(who).get(url(breach)).json()
        assert body["project"] == "OWN-1"
        assert body["status"] == "report_requested"
        assert body["dimensions"] == "time"
        assert body["is_open"] is True


def test_the_pm_writes_the_exception_report_and_the_sponsor_decides_a_new_baseline(client_for, cycle, breach):
    report = client_for(cycle.pm).post(
        url(breach, "report"), {"version": breach.version, **EXCEPTION_REPORT}, format="json"
    )
    assert report.status_code == 200, report.json()
    assert report.json()["status"] == "report_submitted"
    assert report.json()["report_submitted_by_name"] == "Pam Manager"
    assert cycle.sponsor.notifications.filter(subject__startswith="Exception report submitted for").exists()

    decided = client_for(cycle.sponsor).post(
        url(breach, "decide"),
        {
            "version": report.json()["version"],
            "decision": "new_baseline",
            "notes": "Re-tender approved.",
            "baseline": {
                "finish": "2027-03-31",
                "budget_at_completion": "260000",
                "milestones": [{"name": "Go live", "due": "2027-03-01"}],
            },
        },
        format="json",
    )

    assert decided.status_code == 200, decided.json()
    body = decided.json()
    assert (body["status"], body["decision"], body["is_open"]) == ("decided", "new_baseline", False)
    assert body["decided_by_name"] == "Sid Sponsor"
    new = Baseline.objects.get(pk=body["new_baseline"])
    assert (new.number, new.finish, new.source) == (2, dt.date(2027, 3, 31), "exception")
    assert [m.name for m in new.milestones.all()] == ["Go live"]
    steps = [entry["reason"] for entry in client_for(cycle.pm).get(url(breach, "history")).json()]
    assert steps == [
        "Decided: Approve a new baseline",
        "Exception report submitted",
        "Exception report requested from the project manager",
        "Raised automatically: forecast beyond tolerance",
    ]


def test_an_incomplete_exception_report_names_what_is_missing(client_for, cycle, breach):
    response = client_for(cycle.pm).post(
        url(breach, "report"), {"version": breach.version, "cause": "Supplier", "options": " "}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        name: [services.MISSING_FOR_SUBMISSION] for name in ("consequences", "options", "recommendation")
    }
    breach.refresh_from_db()
    assert breach.status == ExceptionStatus.REPORT_REQUESTED


def test_deciding_before_the_exception_report_is_refused(client_for, cycle, breach):
    response = client_for(cycle.sponsor).post(
        url(breach, "decide"),
        {"version": breach.version, "decision": "corrective_action", "notes": "Recover."},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["message"] == workflows.EXCEPTION_NOT_AWAITING_DECISION.format(
        status="exception report requested"
    )


def test_the_pm_cannot_decide(client_for, cycle, breach):
    exception = reported(cycle, breach)

    response = client_for(cycle.pm).post(
        url(exception, "decide"),
        {"version": exception.version, "decision": "stop", "notes": "Stop it."},
        format="json",
    )

    assert response.status_code == 403
    assert response.json()["message"] == NOT_ALLOWED.format(action=f"decide {exception}")
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.REPORT_SUBMITTED
    cycle.own.refresh_from_db()
    assert cycle.own.status == "active"


def test_the_sponsor_cannot_write_the_exception_report(client_for, cycle, breach):
    response = client_for(cycle.sponsor).post(
        url(breach, "report"), {"version": breach.version, **EXCEPTION_REPORT}, format="json"
    )

    assert response.status_code == 403


def test_a_new_baseline_decision_needs_its_terms(client_for, cycle, breach):
    exception = reported(cycle, breach)
    client = client_for(cycle.sponsor)

    without = client.post(
        url(exception, "decide"),
        {"version": exception.version, "decision": "new_baseline", "notes": "Re-plan."},
        format="json",
    )
    negative = client.post(
        url(exception, "decide"),
        {
            "version": exception.version,
            "decision": "new_baseline",
            "notes": "Re-plan.",
            "baseline": {"finish": "2027-03-31", "budget_at_completion": "-1"},
        },
        format="json",
    )
    unknown = client.post(
        url(exception, "decide"),
        {"version": exception.version, "decision": "pray", "notes": ""},
        format="json",
    )

    assert without.status_code == 400
    assert without.json()["fields"] == {"baseline": [services.DECISION_NEEDS_BASELINE]}
    assert negative.status_code == 400
    assert negative.json()["fields"] == {"baseline": {"budget_at_completion": ["This cannot be negative."]}}
    assert unknown.json()["fields"] == {
        "decision": ['"pray" is not a valid choice.'],
        "notes": [services.DECISION_NOTES_REQUIRED],
    }
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.REPORT_SUBMITTED


def test_a_stale_decision_is_a_conflict(client_for, cycle, breach):
    exception = reported(cycle, breach)

    response = client_for(cycle.head).post(
        url(exception, "decide"),
        {"version": exception.version - 1, "decision": "stop", "notes": "Stop."},
        format="json",
    )

    assert response.status_code == 409
    cycle.own.refresh_from_db()
    assert cycle.own.status == "active"


def test_the_pmo_head_decides_to_stop(client_for, cycle, breach):
    exception = reported(cycle, breach)

    response = client_for(cycle.head).post(
        url(exception, "decide"),
        {"decision": "stop", "notes": "No longer viable."},
        HTTP_IF_MATCH=str(exception.version),
        format="json",
    )

    assert response.status_code == 200, response.json()
    cycle.own.refresh_from_db()
    assert cycle.own.status == "cancelled"


def test_exceptions_filter_by_open_project_and_status(client_for, cycle, breach):
    client = client_for(cycle.officer)

    assert [e["id"] for e in client.get(EXCEPTIONS + "?open=true").json()["results"]] == [breach.pk]
    assert client.get(EXCEPTIONS + "?open=false").json()["results"] == []
    assert [
        e["id"] for e in client.get(EXCEPTIONS + "?project=OWN-1&status=report_requested").json()["results"]
    ] == [breach.pk]
    assert client.get(EXCEPTIONS + "?project=OTH-1").json()["results"] == []


def test_exceptions_of_hidden_projects_are_not_found(client_for, cycle, breach):
    client = client_for(cycle.other_pm)
    cycle.own.confidential = True
    cycle.own.save()

    assert client.get(EXCEPTIONS).json()["results"] == []
    assert client.get(url(breach)).status_code == 404
    assert (
        client.post(
            url(breach, "report"), {"version": breach.version, **EXCEPTION_REPORT}, format="json"
        ).status_code
        == 404
    )


def test_exceptions_are_raised_by_the_system_only(client_for, cycle, breach):
    client = client_for(cycle.head)

    assert client.post(EXCEPTIONS, {"project": "OWN-1"}, format="json").status_code == 405
    assert (
        client.patch(url(breach), {"version": breach.version, "decision": "stop"}, format="json").status_code
        == 405
    )
    assert client.delete(url(breach)).status_code == 405


# Corrective actions ---------------------------------------------------------------------------


def test_corrective_actions_are_in_the_raid_actions_api(client_for, cycle, breach):
    action = services.exception_action_add(
        actor=cycle.pm,
        exception=breach,
        title="Re-tender the cabling",
        owner=cycle.pm_person,
        due=timezone.localdate() + dt.timedelta(days=14),
    )
    client = client_for(cycle.sponsor)

    body = client.get(f"/api/v1/actions/{action.pk}/").json()

    assert (body["title"], body["source"], body["source_reference"]) == (
        "Re-tender the cabling",
        "exception",
        f"EXC-{breach.pk}",
    )
    assert client.get("/api/v1/corrective-actions/").status_code == 404
