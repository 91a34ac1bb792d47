"""The change page says what total a change is judged on: the changes approved under delegated
authority since the last board-approved baseline, with this one, against the tolerances."""

import pytest
from django.core.exceptions import PermissionDenied

from pmo.change import services
from pmo.change.choices import Authority, Decision
from pmo.change.tests.views.conftest import client_for
from pmo.change.tests.views.steps import approved, assessed
from pmo.change.tests.views.test_workflow import _testid
from pmo.reporting.tests.views.helpers import doc

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_total_since_the_board_and_who_it_now_needs(world):
    first = approved(world)  # +20 days, by the sponsor
    second = assessed(world, days=10)

    page = client_for(world.sponsor).get(f"/changes/{second.pk}/")
    head = client_for(world.head).get(f"/changes/{second.pk}/")

    assert second.authority == Authority.BOARD
    assert _testid(page, "cumulative") == (
        "Judged with the changes approved since baseline v1 "
        f"Approved since: {first.reference} . With this one: +30 days, £0 against the project's "
        "tolerances of 28 days and £25,000. "
        "Now needs the board: beyond the project's tolerances once added to the changes approved since "
        f"baseline v1 ({first.reference}): +30 days and £0 in all."
    )
    decide = f"/changes/{second.pk}/decide/"
    assert not doc(page).xpath(f"//a[@href='{decide}']")  # the sponsor no longer decides it
    assert doc(head).xpath(f"//a[@href='{decide}']")  # the PMO head records the board's decision


def test_a_change_within_the_limits_on_its_own_and_in_total_says_so(world):
    change = assessed(world, days=3)

    page = client_for(world.pm).get(f"/changes/{change.pk}/")

    assert _testid(page, "cumulative") == (
        "Judged with the changes approved since baseline v1 No change approved since. With this one: "
        "+3 days, £0 against the project's tolerances of 28 days and £25,000. Needs the project manager."
    )


def test_a_change_assessed_before_another_was_approved_offers_the_sponsor_no_decision(world):
    first, second = assessed(world, days=15), assessed(world, days=15)
    services.change_request_decide(
        actor=world.sponsor, change=first, decision=Decision.APPROVE, notes="Agreed.", expected_version=2
    )

    page = client_for(world.sponsor).get(f"/changes/{second.pk}/")

    assert second.authority == Authority.SPONSOR  # as assessed, before the first was approved
    assert "Now needs the board" in _testid(page, "cumulative")
    # Approving it needs the board now; rejecting or deferring it is still the sponsor's call,
    # and the page offers exactly that (the service refuses the approval, takes the others).
    decide = doc(page).xpath(f"//a[@href='/changes/{second.pk}/decide/']")
    assert [link.get("data-action") for link in decide] == ["reject defer"]
    form = client_for(world.sponsor).get(f"/changes/{second.pk}/decide/")
    assert doc(form).xpath("//input[@name='decision']/@value") == ["reject", "defer"]
    with pytest.raises(PermissionDenied):
        services.change_request_decide(
            actor=world.sponsor, change=second, decision=Decision.APPROVE, notes="Yes.", expected_version=2
        )
