"""Who may not: each refusal shows the 403 page with the reason, and changes nothing."""

import pytest

from pmo.change import services
from pmo.change.choices import ChangeStatus
from pmo.change.models import ChangeRequest, ChangeSettings
from pmo.change.tests.views.conftest import client_for
from pmo.change.tests.views.steps import BOARD_DAYS, SPONSOR_DAYS, assessed
from pmo.reporting.models import Baseline
from pmo.reporting.tests.views.helpers import doc, text_of

pytestmark = pytest.mark.django_db

DECISION = {"decision": "approve", "decision_notes": "Yes."}


def buttons(response) -> list[str]:
    return [a.text_content().strip() for a in doc(response).xpath("//a[contains(@class, 'btn')]")]


def reason(response) -> str:
    assert response.status_code == 403
    return " ".join(doc(response).xpath("//*[@data-testid='reason']")[0].text_content().split())


def test_the_pm_cannot_decide_a_change_needing_the_sponsor(world):
    change = assessed(world, days=SPONSOR_DAYS)
    pm = client_for(world.pm)
    expected = (
        f"CR-{change.pk} needs the approval of the sponsor under the delegated limits (beyond the project "
        "manager's limits but within the project's tolerances); you cannot decide it."
    )

    assert "Decide" not in buttons(pm.get(change.get_absolute_url()))
    assert reason(pm.get(f"/changes/{change.pk}/decide/")) == expected
    assert (
        reason(pm.post(f"/changes/{change.pk}/decide/", {**DECISION, "version": change.version})) == expected
    )
    change.refresh_from_db()
    assert change.status == ChangeStatus.ASSESSED
    assert Baseline.objects.filter(project=world.project).count() == 1


def test_the_sponsor_cannot_decide_a_change_needing_the_board(world):
    change = assessed(world, days=BOARD_DAYS)
    sponsor = client_for(world.sponsor)
    expected = (
        f"CR-{change.pk} needs the approval of the board under the delegated "
        "limits (beyond the project's tolerances); you cannot decide it."
    )

    assert reason(sponsor.get(f"/changes/{change.pk}/decide/")) == expected
    assert (
        reason(sponsor.post(f"/changes/{change.pk}/decide/", {**DECISION, "version": change.version}))
        == expected
    )
    change.refresh_from_db()
    assert change.status == ChangeStatus.ASSESSED


def test_the_pmo_head_records_the_boards_decision(world):
    change = assessed(world, days=BOARD_DAYS)

    response = client_for(world.head).post(
        f"/changes/{change.pk}/decide/", {**DECISION, "version": change.version}, follow=True
    )

    assert f"CR-{change.pk} approved. Baseline v2 of WEB is now in force." in text_of(response)


def test_an_executive_cannot_raise_a_change(world):
    executive = client_for(world.executive)
    expected = "You do not have permission to raise change requests on WEB Website."

    assert "Raise a change request" not in text_of(executive.get("/changes/projects/WEB/"))
    assert reason(executive.get("/changes/projects/WEB/new/")) == expected
    response = executive.post(
        "/changes/projects/WEB/new/",
        {"title": "Sneak", "change_type": "time", "description": "d", "reason": "r", "issue": ""},
    )
    assert reason(response) == expected
    assert not ChangeRequest.objects.exists()


def test_the_sponsor_cannot_assess(world):
    change = assessed(world)

    assert reason(client_for(world.sponsor).get(f"/changes/{change.pk}/assess/")) == (
        f"You do not have permission to assess {change}."
    )
    assert "Assess" not in buttons(client_for(world.sponsor).get(change.get_absolute_url()))


def test_only_the_pmo_head_edits_the_delegated_limits(world):
    analyst = client_for(world.analyst)
    row = services.selectors.change_settings()

    page = analyst.get("/changes/settings/")
    refused = analyst.post(
        "/changes/settings/", {"pm_max_days": "30", "pm_max_cost": "5000", "version": row.version}
    )

    assert "Only the PMO head changes these." in text_of(page)
    assert not doc(page).xpath("//form[@method='post' and @action='/changes/settings/']")
    assert "Up to 5 days of delay and £5,000 of cost" in text_of(page)
    assert reason(refused) == "You do not have permission to change the change control settings."
    assert ChangeSettings.objects.get().pm_max_days == 5


def test_the_pmo_head_edits_the_delegated_limits(world):
    head = client_for(world.head)
    row = services.selectors.change_settings()

    response = head.post(
        "/changes/settings/",
        {
            "pm_max_days": "10",
            "pm_max_cost": "8000",
            "sponsor_within_tolerance": "on",
            "version": row.version,
        },
        follow=True,
    )

    assert "Change control settings saved." in text_of(response)
    assert "Up to 10 days of delay and £8,000 of cost" in text_of(response)
    assert ChangeSettings.objects.get().pm_max_days == 10


def test_a_hidden_project_and_its_changes_are_not_found(world):
    world.project.confidential = True
    world.project.save()
    change = assessed(world)
    other = client_for(world.other_pm)

    assert other.get("/changes/projects/WEB/").status_code == 404
    assert other.get(change.get_absolute_url()).status_code == 404
    assert f"CR-{change.pk}" not in text_of(other.get("/changes/"))
