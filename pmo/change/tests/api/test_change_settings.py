"""The delegated limits over the API: everyone reads them; the PMO head changes them, and the
next assessment follows."""

import pytest

from pmo.change.models import ChangeSettings

pytestmark = pytest.mark.django_db

URL = "/api/v1/change-settings/"


def the_row(client):
    listed = client.get(URL).json()
    assert listed["count"] == 1
    return listed["results"][0]


def test_everyone_reads_the_limits(client_for, cast):
    row = the_row(client_for(cast.pm))

    assert (row["pm_max_days"], row["pm_max_cost"], row["sponsor_within_tolerance"]) == (5, "5000.00", True)
    assert client_for(cast.executive).get(f"{URL}{row['id']}/").json() == row


def test_the_pmo_head_raises_the_pms_limits_and_the_next_assessment_follows(client_for, cast, web):
    head, pm = client_for(cast.head), client_for(cast.pm)
    row = the_row(head)

    response = head.patch(f"{URL}{row['id']}/", {"version": row["version"], "pm_max_days": 30}, format="json")

    assert response.status_code == 200
    assert (response.json()["pm_max_days"], response.json()["version"]) == (30, row["version"] + 1)
    change = pm.post(
        "/api/v1/change-requests/",
        {"project": "WEB", "title": "T", "change_type": "time", "description": "D", "reason": "R"},
        format="json",
    ).json()
    assessed = pm.post(
        f"/api/v1/change-requests/{change['id']}/assess/", {"version": 1, "impact_days": 20}, format="json"
    )
    assert assessed.json()["authority"] == "project_manager"
    assert head.get(f"{URL}{row['id']}/history/").json()[0]["who"] == str(cast.head)


@pytest.mark.parametrize("role", ["analyst", "officer", "sponsor", "pm"])
def test_nobody_else_changes_the_limits(client_for, cast, role):
    client = client_for(cast.by_name(role))
    row = the_row(client)

    response = client.patch(
        f"{URL}{row['id']}/", {"version": row["version"], "pm_max_days": 99}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["message"] == "You do not have permission to change Change control settings."
    assert ChangeSettings.objects.get().pm_max_days == 5


def test_bad_limits_and_stale_versions_are_refused(client_for, cast):
    client = client_for(cast.head)
    row = the_row(client)

    negative = client.patch(
        f"{URL}{row['id']}/", {"version": row["version"], "pm_max_cost": "-1"}, format="json"
    )
    too_long = client.patch(
        f"{URL}{row['id']}/", {"version": row["version"], "pm_max_days": 400}, format="json"
    )
    client.patch(f"{URL}{row['id']}/", {"version": row["version"], "pm_max_days": 10}, format="json")
    stale = client.patch(f"{URL}{row['id']}/", {"version": row["version"], "pm_max_days": 3}, format="json")

    assert negative.json()["fields"] == {"pm_max_cost": ["This cannot be negative."]}
    assert list(too_long.json()["fields"]) == ["pm_max_days"]
    assert stale.status_code == 409
    assert ChangeSettings.objects.get().pm_max_days == 10
