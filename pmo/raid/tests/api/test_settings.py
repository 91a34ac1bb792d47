"""The RAID settings over the API: everyone reads the one row; only the PMO head changes it."""

import pytest

from pmo.raid import services
from pmo.raid.models import RaidSettings
from pmo.raid.tests.factories import RiskFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/raid-settings/"


def the_row(client):
    listed = client.get(URL).json()
    assert listed["count"] == 1
    return listed["results"][0]


def test_everyone_reads_the_one_row_with_its_bands(client_for, cast):
    row = the_row(client_for(cast.executive))

    assert (row["probability_levels"], row["impact_levels"], row["top_score"]) == (5, 5, 25)
    assert (row["medium_from"], row["high_from"], row["stale_days"]) == (5, 15, 30)
    assert row["likelihoods"] == "5, 20, 40, 60, 85"
    assert [band["band"] for band in row["bands"]] == ["low", "medium", "high"]
    assert client_for(cast.pm).get(f"{URL}{row['id']}/").json() == row


def test_the_pmo_head_changes_the_stale_threshold(client_for, cast):
    client = client_for(cast.head)
    row = the_row(client)

    response = client.patch(
        f"{URL}{row['id']}/", {"stale_days": 14, "version": row["version"]}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["stale_days"], response.json()["version"]) == (14, row["version"] + 1)
    assert client.get(f"{URL}{row['id']}/history/").json()[0]["who"] == str(cast.head)


@pytest.mark.parametrize("role", ["analyst", "officer", "pm", "executive"])
def test_nobody_else_changes_them(client_for, cast, role):
    client = client_for(cast.by_name(role))
    row = the_row(client)

    response = client.patch(f"{URL}{row['id']}/", {"stale_days": 1, "version": row["version"]}, format="json")

    assert response.status_code == 403
    assert response.json()["message"] == "You do not have permission to change RAID settings."
    assert RaidSettings.objects.get().stale_days == 30


def test_a_smaller_matrix_is_refused_while_risks_are_scored_beyond_it(client_for, cast):
    risk = RiskFactory(project=cast.project, inherent_probability=5)
    client = client_for(cast.head)
    row = the_row(client)

    response = client.patch(
        f"{URL}{row['id']}/",
        {"probability_levels": 4, "likelihoods": "10, 30, 60, 90", "version": row["version"]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "probability_levels": [
            services.SCORES_OFF_MATRIX.format(count=1, rows=4, columns=5, example=risk.reference)
        ]
    }
    assert RaidSettings.objects.get().probability_levels == 5


def test_bands_beyond_the_matrix_are_refused(client_for, cast):
    client = client_for(cast.head)
    row = the_row(client)

    response = client.patch(f"{URL}{row['id']}/", {"high_from": 30, "version": row["version"]}, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["high_from"]
    assert "within the matrix's top score 25" in response.json()["message"]


def test_a_stale_version_is_a_conflict(client_for, cast):
    client = client_for(cast.head)
    row = the_row(client)
    client.patch(f"{URL}{row['id']}/", {"stale_days": 20, "version": row["version"]}, format="json")

    response = client.patch(
        f"{URL}{row['id']}/", {"stale_days": 10, "version": row["version"]}, format="json"
    )

    assert response.status_code == 409
    assert RaidSettings.objects.get().stale_days == 20


def test_settings_are_neither_created_nor_deleted(client_for, cast):
    client = client_for(cast.head)
    row = the_row(client)

    assert client.post(URL, {"stale_days": 3}, format="json").status_code == 405
    assert client.delete(f"{URL}{row['id']}/").status_code == 405
