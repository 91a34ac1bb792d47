"""The reporting admin is read-only and shows what the same rules allow: records of hidden
projects are not listed or opened, and nothing is added, changed or deleted there."""

import pytest

from pmo.core.choices import Role
from pmo.reporting import services
from pmo.reporting.models import HighlightReport, ToleranceCheck
from pmo.reporting.tests.api.conftest import COMPLETE, Cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(cycle: Cycle):
    for pmo in (cycle.officer, cycle.head):  # PMO roles open the admin
        pmo.is_staff = True
        pmo.save()
    made = {}
    for project, actor in ((cycle.own, cycle.pm), (cycle.secret, cycle.head)):
        report = services.highlight_report_start(actor=actor, project=project, period=cycle.period)
        report = services.highlight_report_update(
            actor=actor, report=report, fields=COMPLETE, expected_version=report.version
        )
        made[project.code] = services.highlight_report_submit(
            actor=actor, report=report, expected_version=report.version
        )
    return made


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return sorted(str(row) for row in response.context["cl"].result_list)


def test_the_pmo_reads_every_report_with_its_milestones_and_history(client, cycle, reports):
    client.force_login(cycle.officer)
    report = reports["OWN-1"]

    assert listed(client, "/admin/reporting/highlightreport/") == [
        "OWN-1 highlight report, November 2026",
        "SEC-1 highlight report, November 2026",
    ]
    page = client.get(f"/admin/reporting/highlightreport/{report.pk}/change/")
    assert page.status_code == 200
    assert "Go live" in page.content.decode()
    assert "Save" not in page.content.decode()
    history = client.get(f"/admin/reporting/highlightreport/{report.pk}/history/")
    assert history.status_code == 200
    assert "Submitted" in history.content.decode()


def test_nothing_is_written_in_the_admin(client, cycle, reports):
    client.force_login(cycle.head)
    report = reports["OWN-1"]

    assert client.get("/admin/reporting/highlightreport/add/").status_code == 403
    changed = client.post(f"/admin/reporting/highlightreport/{report.pk}/change/", {"summary": "Edited"})
    assert changed.status_code == 403
    assert (
        client.post(f"/admin/reporting/highlightreport/{report.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert client.get("/admin/reporting/baseline/add/").status_code == 403
    report.refresh_from_db()
    assert report.summary == "On track."
    assert HighlightReport.objects.count() == 2


def test_a_staff_project_manager_sees_only_what_they_may(client, cycle, reports):
    cycle.pm.is_staff = True
    cycle.pm.save()
    client.force_login(cycle.pm)

    assert listed(client, "/admin/reporting/highlightreport/") == ["OWN-1 highlight report, November 2026"]
    assert client.get(f"/admin/reporting/highlightreport/{reports['SEC-1'].pk}/change/").status_code == 302
    assert {
        str(check.project.code)
        for check in client.get("/admin/reporting/tolerancecheck/").context["cl"].result_list
    } == {"OWN-1"}
    assert ToleranceCheck.objects.filter(project=cycle.secret).exists()


def test_every_reporting_page_of_the_admin_opens(client, cycle, reports, make_user):
    client.force_login(make_user(Role.PMO_ANALYST, is_staff=True))

    for model in (
        "reportingsettings",
        "reportingperiod",
        "highlightreport",
        "baseline",
        "tolerance",
        "tolerancedefault",
        "tolerancecheck",
        "projectexception",
    ):
        assert client.get(f"/admin/reporting/{model}/").status_code == 200, model
