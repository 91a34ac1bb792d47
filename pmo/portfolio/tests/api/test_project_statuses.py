"""The projects API gives each project's status as its latest report declares it and as the
evidence gives it (with the reasons), in the list and on one project, as the schema says."""

import datetime as dt

import pytest
from django.utils import timezone

from pmo.core.choices import Role
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.reporting.choices import Rating, ReportStatus, ToleranceState
from pmo.reporting.tests.factories import PeriodFactory, ReportFactory, ToleranceCheckFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]


@pytest.fixture
def client(client_for, make_user):
    return client_for(make_user(Role.PMO_HEAD))


def reported_green_but_breached():
    project = ProjectFactory(code="IT-1")
    ReportFactory(
        project=project,
        period=PeriodFactory(start=dt.date(2026, 10, 1)),
        status=ReportStatus.SUBMITTED,
        overall_status=Rating.GREEN,
        submitted_at=timezone.now(),
    )
    ToleranceCheckFactory(project=project, dimension="cost", status=ToleranceState.BREACHED)
    return project


def test_the_list_and_one_project_give_both_statuses_and_the_reasons(client):
    reported_green_but_breached()
    ProjectFactory(code="IT-2")

    listed = {row["code"]: row for row in client.get("/api/v1/projects/").json()["results"]}
    one = client.get("/api/v1/projects/IT-1/").json()

    for row in (listed["IT-1"], one):
        assert row["declared_status"] == "green"
        assert row["evidence_status"] == "red"
        assert "cost tolerance breached" in row["evidence_reasons"]
    assert listed["IT-2"]["declared_status"] is None  # never reported
    assert listed["IT-2"]["evidence_status"] == "amber"  # no report yet
    assert "no highlight report yet" in listed["IT-2"]["evidence_reasons"]


def test_as_of_a_date_the_evidence_is_not_given(client):
    reported_green_but_breached()

    rows = client.get("/api/v1/projects/", {"as_of": "2026-12-04"}).json()["results"]

    assert rows[0]["evidence_status"] is None and rows[0]["evidence_reasons"] == []


def test_the_schema_names_the_statuses_and_their_values(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    fields = schema["components"]["schemas"]["Project"]["properties"]
    assert {"declared_status", "evidence_status", "evidence_reasons"} <= set(fields)
    assert fields["evidence_reasons"]["type"] == "array"
    assert fields["declared_status"]["readOnly"] and fields["evidence_status"]["readOnly"]
