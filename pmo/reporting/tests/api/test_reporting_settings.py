"""The reporting settings over the API, the early-warning thresholds among them: everyone signed
in reads them; the PMO head changes them, version-checked; bad values are refused by name."""

import pytest

from pmo.core.choices import Role
from pmo.reporting.models import ReportingSettings
from pmo.reporting.services import SETTINGS_FIELDS

pytestmark = pytest.mark.django_db

URL = "/api/v1/reporting-settings/"


def the_row(client):
    listed = client.get(URL).json()
    assert listed["count"] == 1
    return listed["results"][0]


def test_everyone_reads_the_cycle_and_the_early_warning_thresholds(client_for, make_user):
    row = the_row(client_for(make_user(Role.PROJECT_MANAGER)))

    assert set(SETTINGS_FIELDS) <= set(row)
    thresholds = (row["early_slip_reports"], row["early_raid_overdue_days"], row["early_raid_points"])
    assert thresholds == (3, 14, 12)


def test_the_pmo_head_changes_an_early_warning_threshold(client_for, pmo_head):
    head = client_for(pmo_head)
    row = the_row(head)

    response = head.patch(
        f"{URL}{row['id']}/", {"version": row["version"], "early_raid_points": 16}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["early_raid_points"], response.json()["version"]) == (16, row["version"] + 1)
    assert ReportingSettings.objects.get().early_raid_points == 16
    assert head.get(f"{URL}{row['id']}/history/").json()[0]["who"] == str(pmo_head)


@pytest.mark.parametrize("role", [Role.PMO_ANALYST, Role.PMO_OFFICER, Role.PROJECT_MANAGER])
def test_nobody_else_changes_them(client_for, make_user, role):
    client = client_for(make_user(role))
    row = the_row(client)

    response = client.patch(
        f"{URL}{row['id']}/", {"version": row["version"], "early_raid_points": 1}, format="json"
    )

    assert response.status_code == 403
    assert ReportingSettings.objects.get().early_raid_points == 12


def test_a_bad_threshold_or_a_stale_version_is_refused(client_for, pmo_head):
    head = client_for(pmo_head)
    row = the_row(head)

    zero = head.patch(
        f"{URL}{row['id']}/", {"version": row["version"], "early_raid_overdue_days": 0}, format="json"
    )
    stale = head.patch(
        f"{URL}{row['id']}/", {"version": row["version"] - 1 or 99, "early_raid_points": 9}, format="json"
    )

    assert zero.status_code == 400 and "early_raid_overdue_days" in zero.json()["fields"]
    assert stale.status_code in (409, 412)
    assert head.post(URL, {}, format="json").status_code == 405
