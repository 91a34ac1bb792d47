"""Highlight reports over the API: start, change a draft, and the workflow (submit, return,
accept, publish, revise), with the denials, bad input and conflicts a user would meet."""

import datetime as dt
from decimal import Decimal

import pytest

from pmo.core.api import VERSION_REQUIRED
from pmo.core.permissions import NOT_ALLOWED
from pmo.reporting import services, workflows
from pmo.reporting.choices import ExceptionStatus, ReportStatus
from pmo.reporting.models import NEGATIVE_AMOUNT, HighlightReport
from pmo.reporting.tests.factories import PeriodFactory

from .conftest import COMPLETE

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/highlight-reports/"


def url(report, action=""):
    return f"{REPORTS}{report.pk}/{action + '/' if action else ''}"


def test_a_pm_starts_their_report_pre_filled_from_the_baseline(client_for, cycle):
    response = client_for(cycle.pm).post(
        REPORTS, {"project": "OWN-1", "period": cycle.period.pk}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["project"] == "OWN-1"
    assert body["project_name"] == "Libraries Wi-Fi"
    assert body["period_name"] == "November 2026"
    assert body["status"] == "draft"
    assert body["revision"] == 1
    assert body["forecast_finish"] == "2026-12-18"
    assert body["forecast_cost"] == "250000.00"
    assert body["milestones"] == [{"name": "Go live", "forecast": "2026-12-01", "achieved_on": None}]
    assert response["ETag"] == '"1"'
    assert HighlightReport.objects.get(pk=body["id"]).history.get().history_user == cycle.pm


def test_a_pm_cannot_start_a_report_for_someone_elses_project(client_for, cycle):
    response = client_for(cycle.pm).post(
        REPORTS, {"project": "OTH-1", "period": cycle.period.pk}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["message"] == NOT_ALLOWED.format(action="write reports for OTH-1 Payroll upgrade")
    assert not HighlightReport.objects.exists()


def test_a_hidden_project_is_no_such_project(client_for, cycle):
    response = client_for(cycle.pm).post(
        REPORTS, {"project": "SEC-1", "period": cycle.period.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"project": ["Object with code=SEC-1 does not exist."]}


def test_no_report_on_a_closed_period(client_for, cycle):
    services.reporting_period_close(actor=cycle.head, period=cycle.period, expected_version=None)

    response = client_for(cycle.pm).post(
        REPORTS, {"project": "OWN-1", "period": cycle.period.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["message"] == services.PERIOD_CLOSED.format(period=cycle.period)
    assert not HighlightReport.objects.exists()


def test_a_second_report_for_the_same_period_is_refused(client_for, cycle, draft):
    response = client_for(cycle.pm).post(
        REPORTS, {"project": "OWN-1", "period": cycle.period.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["message"] == services.REPORT_EXISTS.format(project=cycle.own, period=cycle.period)


def test_the_pm_changes_the_draft_and_replaces_its_milestones(client_for, cycle, draft):
    response = client_for(cycle.pm).patch(
        url(draft),
        {
            "version": draft.version,
            "summary": "Cabling done in 12 of 14 libraries.",
            "forecast_cost": "262500.00",
            "milestones": [
                {"name": "Cabling", "forecast": "2026-11-30", "achieved_on": None},
                {"name": "Go live", "forecast": "2026-12-14"},
            ],
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["summary"] == "Cabling done in 12 of 14 libraries."
    assert body["forecast_cost"] == "262500.00"
    assert [(m["name"], m["forecast"]) for m in body["milestones"]] == [
        ("Cabling", "2026-11-30"),
        ("Go live", "2026-12-14"),
    ]
    assert body["version"] == draft.version + 1
    assert response["ETag"] == f'"{draft.version + 1}"'


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"forecast_cost": "-1"}, "forecast_cost", NEGATIVE_AMOUNT),
        (
            {"forecast_finish": "2026-03-01"},
            "forecast_finish",
            "The forecast finish (1 Mar 2026) is before the project starts (1 Apr 2026).",
        ),
        (
            {"milestones": [{"name": "Kick-off", "forecast": "2026-01-10"}]},
            "milestones",
            "Milestone 'Kick-off' is forecast before the project starts (1 Apr 2026).",
        ),
        ({"overall_status": "amber_red"}, "overall_status", services.OFF_SCALE.format(rating="amber/red")),
        ({"overall_status": "purple"}, "overall_status", '"purple" is not a valid choice.'),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(client_for, cycle, draft, change, field, message):
    response = client_for(cycle.pm).patch(url(draft), {"version": draft.version, **change}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"][field] == [message]
    assert response.json()["message"] == f"{field}: {message}"
    draft.refresh_from_db()
    assert draft.version == 1 + 1  # started, then completed by the fixture; nothing since


def test_a_change_needs_the_version(client_for, cycle, draft):
    response = client_for(cycle.pm).patch(url(draft), {"summary": "x"}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"version": [VERSION_REQUIRED]}


def test_a_stale_version_is_a_conflict(client_for, cycle, draft):
    read = draft.version
    services.highlight_report_update(
        actor=cycle.head, report=draft, fields={"summary": "PMO edit"}, expected_version=read
    )

    response = client_for(cycle.pm).patch(
        url(draft), {"summary": "Mine"}, format="json", HTTP_IF_MATCH=f'"{read}"'
    )

    assert response.status_code == 409
    assert response.json()["current_version"] == read + 1
    assert "while you were editing" in response.json()["message"]
    draft.refresh_from_db()
    assert draft.summary == "PMO edit"


def test_another_pm_cannot_change_a_report_they_may_read(client_for, cycle, draft):
    client = client_for(cycle.other_pm)
    assert client.get(url(draft)).status_code == 200

    response = client.patch(url(draft), {"version": draft.version, "summary": "Hijack"}, format="json")

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.summary == "On track."


def test_a_report_of_a_hidden_project_is_not_found(client_for, cycle):
    report = services.highlight_report_start(actor=cycle.head, project=cycle.secret, period=cycle.period)
    client = client_for(cycle.pm)

    assert client.get(url(report)).status_code == 404
    assert client.post(url(report, "submit"), {"version": 1}, format="json").status_code == 404
    assert client.get(url(report, "history")).status_code == 404
    assert report.pk not in [r["id"] for r in client.get(REPORTS).json()["results"]]


def test_submit_then_accept_then_publish(client_for, cycle, draft):
    pm, officer = client_for(cycle.pm), client_for(cycle.officer)

    submitted = pm.post(url(draft, "submit"), {"version": draft.version}, format="json")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_by_name"] == "Pam Manager"
    assert submitted.json()["tolerance_status"] == "within"

    accepted = officer.post(
        url(draft, "accept"), {"version": submitted.json()["version"], "comments": "Clear."}, format="json"
    )
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["reviewed_by_name"] == "Olly Officer"

    published = officer.post(url(draft, "publish"), HTTP_IF_MATCH=str(accepted.json()["version"]))
    assert published.status_code == 200, published.json()
    assert published.json()["status"] == "published"
    assert published.json()["published_at"] is not None

    reasons = [entry["reason"] for entry in pm.get(url(draft, "history")).json()]
    assert reasons[:3] == ["Published", "Accepted", "Submitted"]


def test_a_sponsor_cannot_submit(client_for, cycle, draft):
    response = client_for(cycle.sponsor).post(url(draft, "submit"), {"version": draft.version}, format="json")

    assert response.status_code == 403
    assert response.json()["message"] == NOT_ALLOWED.format(action=f"submit {draft}")
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT


def test_a_pm_cannot_accept_their_own_report(client_for, cycle, draft):
    report = services.highlight_report_submit(actor=cycle.pm, report=draft, expected_version=draft.version)

    response = client_for(cycle.pm).post(url(report, "accept"), {"version": report.version}, format="json")

    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_submitting_twice_is_refused(client_for, cycle, draft):
    client = client_for(cycle.pm)
    first = client.post(url(draft, "submit"), {"version": draft.version}, format="json")

    again = client.post(url(draft, "submit"), {"version": first.json()["version"]}, format="json")

    assert again.status_code == 400
    draft.refresh_from_db()
    assert again.json()["message"].startswith("This report was already submitted on ")
    assert draft.history.filter(history_change_reason="Submitted").count() == 1


def test_an_incomplete_report_cannot_be_submitted(client_for, cycle):
    report = services.highlight_report_start(actor=cycle.pm, project=cycle.own, period=cycle.period)

    response = client_for(cycle.pm).post(url(report, "submit"), {"version": report.version}, format="json")

    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == set(services.STATUS_FIELDS) | {"summary"}
    assert fields["summary"] == [services.MISSING_FOR_SUBMISSION]


def test_a_submitted_report_is_never_changed(client_for, cycle, draft):
    report = services.highlight_report_submit(actor=cycle.pm, report=draft, expected_version=draft.version)

    response = client_for(cycle.pm).patch(
        url(report), {"version": report.version, "summary": "Rewritten"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["message"] == workflows.NOT_A_DRAFT.format(status="submitted")


def test_returned_with_comments_then_revised(client_for, cycle, draft):
    report = services.highlight_report_submit(actor=cycle.pm, report=draft, expected_version=draft.version)
    officer = client_for(cycle.officer)

    no_comments = officer.post(
        url(report, "return"), {"version": report.version, "comments": " "}, format="json"
    )
    assert no_comments.status_code == 400
    assert no_comments.json()["fields"] == {"comments": [services.COMMENTS_REQUIRED]}

    returned = officer.post(
        url(report, "return"), {"version": report.version, "comments": "Costs missing."}, format="json"
    )
    assert returned.status_code == 200, returned.json()
    assert returned.json()["status"] == "returned"
    assert returned.json()["review_comments"] == "Costs missing."
    assert cycle.pm.notifications.filter(subject__contains="was returned by the PMO").exists()

    revision = client_for(cycle.pm).post(url(report, "revise"))
    assert revision.status_code == 201, revision.json()
    assert revision.json()["revision"] == 2
    assert revision.json()["status"] == "draft"
    assert revision.json()["summary"] == "On track."


def test_publishing_needs_an_accepted_report(client_for, cycle, draft):
    report = services.highlight_report_submit(actor=cycle.pm, report=draft, expected_version=draft.version)

    response = client_for(cycle.officer).post(
        url(report, "publish"), {"version": report.version}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["message"] == workflows.NOT_ACCEPTED.format(status="submitted")


def test_a_breaching_submission_raises_an_exception(client_for, cycle, draft):
    client = client_for(cycle.pm)
    changed = client.patch(
        url(draft), {"version": draft.version, "forecast_finish": "2027-03-01"}, format="json"
    ).json()

    submitted = client.post(url(draft, "submit"), {"version": changed["version"]}, format="json")

    assert submitted.json()["tolerance_status"] == "breached"
    exception = cycle.own.exceptions.get()
    assert exception.status == ExceptionStatus.REPORT_REQUESTED


def test_more_milestones_than_the_schema_allows_are_refused(client_for, cycle, draft):
    too_many = [{"name": f"Milestone {i}", "forecast": "2026-12-01"} for i in range(31)]

    response = client_for(cycle.pm).patch(
        url(draft), {"version": draft.version, "milestones": too_many}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "milestones": {"non_field_errors": ["Ensure this field has no more than 30 elements."]}
    }
    assert draft.milestones.count() == 1


def test_a_submitted_report_keeps_the_tolerance_checks_it_was_judged_by(client_for, cycle, breach, pmo_head):
    """Given OWN-1's report submitted three months late against baseline v1, when the PMO
    approves a baseline finishing then, the report (detail and list) still shows the breach it
    was judged by; the project's live check is within."""
    report = breach.raised_from
    services.baseline_approve(
        actor=pmo_head,
        project=cycle.own,
        finish=dt.date(2027, 3, 1),
        budget_at_completion=Decimal(250000),
        reason="Re-plan approved",
    )
    client = client_for(cycle.pm)

    shown = client.get(url(report)).json()["tolerance_checks"]
    listed = next(r for r in client.get(REPORTS).json()["results"] if r["id"] == report.pk)

    time = next(check for check in shown if check["dimension"] == "time")
    assert time["status"] == "breached"
    assert time["explanation"].startswith("time: forecast finish +73 days against the baseline; tolerance ±")
    assert listed["tolerance_checks"] == shown
    live = client.get("/api/v1/tolerance-checks/?dimension=time&project=OWN-1").json()["results"]
    assert [check["status"] for check in live] == ["within"]


def test_a_draft_has_no_frozen_tolerance_checks(client_for, cycle, draft):
    assert client_for(cycle.pm).get(url(draft)).json()["tolerance_checks"] == []


def test_the_list_filters_by_project_period_status_and_latest_revision(client_for, cycle, draft):
    report = services.highlight_report_submit(actor=cycle.pm, report=draft, expected_version=draft.version)
    revision = services.highlight_report_revise(actor=cycle.pm, report=report)
    other = services.highlight_report_start(actor=cycle.other_pm, project=cycle.other, period=cycle.period)
    october = services.highlight_report_start(
        actor=cycle.pm, project=cycle.own, period=PeriodFactory(start=cycle.period.start.replace(month=10))
    )
    client = client_for(cycle.officer)

    def ids(query):
        response = client.get(REPORTS + query)
        assert response.status_code == 200, response.json()
        return sorted(r["id"] for r in response.json()["results"])

    assert ids("") == sorted([report.pk, revision.pk, other.pk, october.pk])
    assert ids("?project=OWN-1") == sorted([report.pk, revision.pk, october.pk])
    assert ids(f"?project=OWN-1&period={cycle.period.pk}") == sorted([report.pk, revision.pk])
    assert ids("?current=true") == sorted([revision.pk, other.pk, october.pk])
    assert ids("?current=false") == [report.pk]
    assert ids("?status=submitted") == [report.pk]
    assert ids("?status=draft&search=payroll") == [other.pk]
    ordered = client.get(REPORTS + "?ordering=project,-revision").json()["results"]
    assert [(r["project"], r["revision"]) for r in ordered][:2] == [("OTH-1", 1), ("OWN-1", 2)]


def test_reports_cannot_be_deleted_or_replaced(client_for, cycle, draft):
    client = client_for(cycle.head)

    assert client.delete(url(draft)).status_code == 405
    assert client.put(url(draft), {"version": draft.version, **COMPLETE}, format="json").status_code == 405
