"""Reporting periods over the API: the PMO opens and closes them; everyone reads them."""

import datetime as dt

import pytest

from pmo.core.api import VERSION_REQUIRED
from pmo.core.choices import Role
from pmo.core.permissions import NOT_ALLOWED
from pmo.reporting import services
from pmo.reporting.models import ReportingPeriod

pytestmark = pytest.mark.django_db

PERIODS = "/api/v1/reporting-periods/"


def test_the_pmo_opens_the_period_of_the_cadence_holding_a_day(client_for, cycle):
    response = client_for(cycle.officer).post(PERIODS, {"start": "2026-12-09"}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["start"], body["end"], body["due"]) == ("2026-12-01", "2026-12-31", "2027-01-05")
    assert body["name"] == "December 2026"
    assert body["status"] == "open"
    assert body["version"] == 1
    assert ReportingPeriod.objects.get(pk=body["id"]).history.get().history_user == cycle.officer


def test_a_period_that_exists_is_refused(client_for, cycle):
    response = client_for(cycle.officer).post(PERIODS, {"start": "2026-11-15"}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"start": [services.PERIOD_EXISTS.format(start=dt.date(2026, 11, 1))]}


def test_due_before_the_end_is_refused(client_for, cycle):
    response = client_for(cycle.officer).post(
        PERIODS, {"start": "2027-01-01", "end": "2027-01-31", "due": "2027-01-20"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"due": ["A report cannot be due before its period ends."]}


@pytest.mark.parametrize("who", ["pm", "sponsor"])
def test_only_the_pmo_opens_periods(client_for, cycle, who):
    response = client_for(getattr(cycle, who)).post(PERIODS, {"start": "2026-12-01"}, format="json")

    assert response.status_code == 403
    assert response.json()["message"] == NOT_ALLOWED.format(action="add reporting periods")
    assert ReportingPeriod.objects.count() == 1


def test_everyone_reads_periods_and_filters_by_status(client_for, cycle, make_user):
    services.reporting_period_open(actor=cycle.head, start=dt.date(2026, 10, 1))
    services.reporting_period_close(
        actor=cycle.head,
        period=ReportingPeriod.objects.get(start=dt.date(2026, 10, 1)),
        expected_version=None,
    )
    client = client_for(make_user(Role.EXECUTIVE))

    everything = client.get(PERIODS).json()
    closed = client.get(PERIODS + "?status=closed").json()

    assert [p["name"] for p in everything["results"]] == ["November 2026", "October 2026"]
    assert [p["name"] for p in closed["results"]] == ["October 2026"]
    assert [p["name"] for p in client.get(PERIODS + "?ordering=start").json()["results"]] == [
        "October 2026",
        "November 2026",
    ]


def test_close_and_reopen_with_the_version(client_for, cycle):
    client = client_for(cycle.officer)
    url = f"{PERIODS}{cycle.period.pk}/"

    assert client.post(url + "close/", format="json").json()["fields"] == {"version": [VERSION_REQUIRED]}
    closed = client.post(url + "close/", {"version": 1}, format="json")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed["ETag"] == '"2"'

    stale = client.post(url + "reopen/", {"version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2

    reopened = client.post(url + "reopen/", HTTP_IF_MATCH='"2"')
    assert reopened.json()["status"] == "open"
    history = client.get(url + "history/").json()
    assert [entry["kind"] for entry in history] == ["changed", "changed", "created"]
    assert history[1]["who"] == "Olly Officer"
    assert history[1]["changes"] == [{"field": "status", "before": "Open", "after": "Closed"}]


def test_a_pm_cannot_close_a_period(client_for, cycle):
    response = client_for(cycle.pm).post(f"{PERIODS}{cycle.period.pk}/close/", {"version": 1}, format="json")

    assert response.status_code == 403
    cycle.period.refresh_from_db()
    assert cycle.period.status == "open"


def test_periods_cannot_be_changed_or_deleted_directly(client_for, cycle):
    client = client_for(cycle.head)
    url = f"{PERIODS}{cycle.period.pk}/"

    assert client.patch(url, {"version": 1, "due": "2026-12-31"}, format="json").status_code == 405
    assert client.delete(url).status_code == 405
