"""Over the API, a highlight report cites RAID items (``raid_references``), checked like on the
page, and says whether its open high risks are the risk register's."""

import pytest

from pmo.raid.tests.factories import IssueFactory, RiskFactory

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/highlight-reports/"


def test_the_pm_cites_items_of_the_project(client_for, cycle, draft):
    risk = RiskFactory(project=cycle.own, residual_probability=4, residual_impact=4)
    issue = IssueFactory(project=cycle.own)

    response = client_for(cycle.pm).patch(
        f"{REPORTS}{draft.pk}/",
        {"version": draft.version, "raid_references": f"{issue.reference.lower()} {risk.reference}"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["raid_references"] == f"{issue.reference}, {risk.reference}"
    assert (body["high_risks_open"], body["high_risks_from_register"]) == (1, True)


def test_a_reference_to_another_projects_item_names_it_and_changes_nothing(client_for, cycle, draft):
    theirs = RiskFactory(project=cycle.other)

    response = client_for(cycle.pm).patch(
        f"{REPORTS}{draft.pk}/",
        {"version": draft.version, "raid_references": theirs.reference},
        format="json",
    )

    assert response.status_code == 400
    message = f"There is no {theirs.reference} in {cycle.own.code}."
    assert response.json()["fields"] == {"raid_references": [message]}
    draft.refresh_from_db()
    assert draft.raid_references == ""
    assert not draft.high_risks_from_register


def test_the_register_flag_cannot_be_set_by_hand(client_for, cycle, draft):
    response = client_for(cycle.pm).patch(
        f"{REPORTS}{draft.pk}/",
        {"version": draft.version, "high_risks_from_register": True, "high_risks_open": 2},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["high_risks_open"], response.json()["high_risks_from_register"]) == (2, False)
