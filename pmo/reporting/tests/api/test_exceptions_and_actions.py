"""Exceptions (the PM's exception report, the sponsor's decision) and corrective actions over
the API."""

import datetime as dt

import pytest
from django.utils import timezone

from pmo.core.permissions import NOT_ALLOWED
from pmo.portfolio.tests.factories import PersonFactory
from pmo.reporting import services
from pmo.reporting.choices import ActionStatus, ExceptionStatus
from pmo.reporting.models import Baseline, CorrectiveAction

pytestmark = pytest.mark.django_db

EXCEPTIONS = "/api/v1/exceptions/"
ACTIONS = "/api/v1/corrective-actions/"

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
    assert cycle.sponsor.notifications.filter(subject__startswith="Decision needed").exists()

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
    assert response.json()["message"] == services.EXCEPTION_NOT_AWAITING_DECISION.format(
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


@pytest.fixture
def owner(cycle):
    return PersonFactory(name="Ola Owner", user=cycle.officer)


def action_body(owner, **extra):
    due = timezone.localdate() + dt.timedelta(days=14)
    return {
        "project": "OWN-1",
        "description": "Re-tender the cabling",
        "owner": owner.pk,
        "due": due.isoformat(),
        **extra,
    }


def test_the_pm_adds_a_corrective_action_and_its_owner_is_told(client_for, cycle, owner, breach):
    response = client_for(cycle.pm).post(ACTIONS, action_body(owner, exception=breach.pk), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["project"], body["owner_name"], body["status"], body["is_overdue"]) == (
        "OWN-1",
        "Ola Owner",
        "open",
        False,
    )
    assert body["exception"] == breach.pk
    assert cycle.officer.notifications.filter(subject__contains="Re-tender the cabling").exists()


def test_bad_corrective_actions_are_refused(client_for, cycle, owner, breach):
    client = client_for(cycle.pm)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    other_exception_project = client_for(cycle.officer).post(
        ACTIONS, action_body(owner, project="OTH-1", exception=breach.pk), format="json"
    )

    past = client.post(ACTIONS, action_body(owner, due=yesterday), format="json")

    assert past.status_code == 400
    assert past.json()["fields"] == {"due": [services.ACTION_DUE_IN_PAST]}
    assert other_exception_project.status_code == 400
    assert other_exception_project.json()["fields"] == {
        "exception": [services.ACTION_OTHER_PROJECT.format(other=cycle.own, project=cycle.other)]
    }
    assert not CorrectiveAction.objects.exists()


def test_someone_elses_project_gets_no_corrective_actions_from_a_pm(client_for, cycle, owner):
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()

    response = client_for(cycle.pm).post(
        ACTIONS, action_body(owner, project="OTH-1", due=yesterday), format="json"
    )

    assert response.status_code == 403
    assert not CorrectiveAction.objects.exists()


def test_marking_an_action_done_stamps_the_day(client_for, cycle):
    action = services.corrective_action_create(
        actor=cycle.pm,
        project=cycle.own,
        description="Chase supplier",
        owner=cycle.pm_person,
        due=timezone.localdate() + dt.timedelta(days=3),
    )
    client = client_for(cycle.sponsor)

    response = client.patch(
        f"{ACTIONS}{action.pk}/", {"version": 1, "status": "done", "project": "OTH-1"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["completed_on"]) == (
        "done",
        timezone.localdate().isoformat(),
    )
    assert response.json()["project"] == "OWN-1"
    stale = client.patch(f"{ACTIONS}{action.pk}/", {"version": 1, "notes": "late"}, format="json")
    assert stale.status_code == 409
    assert (
        client_for(cycle.other_pm)
        .patch(f"{ACTIONS}{action.pk}/", {"version": 2, "notes": "x"}, format="json")
        .status_code
        == 403
    )
    history = client.get(f"{ACTIONS}{action.pk}/history/").json()
    assert [entry["kind"] for entry in history] == ["changed", "created"]


def test_the_actions_log_filters_overdue_owner_project_and_status(client_for, cycle):
    today = timezone.localdate()
    soon = services.corrective_action_create(
        actor=cycle.pm,
        project=cycle.own,
        description="Soon",
        owner=cycle.pm_person,
        due=today + dt.timedelta(days=3),
    )
    late = services.corrective_action_create(
        actor=cycle.pm,
        project=cycle.own,
        description="Late",
        owner=cycle.sponsor_person,
        due=today + dt.timedelta(days=1),
    )
    CorrectiveAction.objects.filter(pk=late.pk).update(due=today - dt.timedelta(days=2))
    hidden = services.corrective_action_create(
        actor=cycle.head, project=cycle.secret, description="Hidden", owner=cycle.pm_person, due=today
    )
    client = client_for(cycle.pm)

    def descriptions(query=""):
        return [a["description"] for a in client.get(ACTIONS + query).json()["results"]]

    assert descriptions() == ["Late", "Soon"]
    assert descriptions("?overdue=true") == ["Late"]
    assert descriptions("?overdue=false") == ["Soon"]
    assert descriptions(f"?owner={cycle.sponsor_person.pk}") == ["Late"]
    assert descriptions("?project=OWN-1&status=open&ordering=-due") == ["Soon", "Late"]
    assert descriptions("?search=soon") == ["Soon"]
    assert client.get(f"{ACTIONS}{late.pk}/").json()["is_overdue"] is True
    assert client.get(f"{ACTIONS}{hidden.pk}/").status_code == 404
    assert soon.status == ActionStatus.OPEN
