"""Every change-control page opens for the people it is for, and refuses (403, with the reason)
those it is not; the change log's filters, "awaiting my decision" among them."""

import pytest

from pmo.change import services
from pmo.change.models import ChangeRequest
from pmo.change.tests.views.conftest import client_for
from pmo.change.tests.views.steps import BOARD_DAYS, PM_DAYS, SPONSOR_DAYS, approved, assessed, raised
from pmo.reporting.tests.views.helpers import doc, text_of

pytestmark = pytest.mark.django_db

EVERYONE = ("pm", "sponsor", "programme_manager", "head", "analyst", "officer", "executive", "other_pm")


def rows(response) -> list[str]:
    return [
        th.text_content().strip() for th in doc(response).xpath("//table[@data-testid='changes']/tbody/tr/th")
    ]


@pytest.mark.parametrize(
    ("page", "allowed"),
    [
        ("/changes/", EVERYONE),
        ("/changes/settings/", EVERYONE),
        ("/changes/projects/WEB/", EVERYONE),
        ("/changes/projects/WEB/new/", ("pm", "sponsor", "head", "analyst", "officer")),
        ("detail", EVERYONE),
        ("history", EVERYONE),
        ("edit", ("pm", "sponsor", "head", "analyst", "officer")),
        ("assess", ("pm", "head", "analyst", "officer")),
        ("decide", ("sponsor", "head")),
    ],
)
def test_who_opens_each_page(world, page, allowed):
    change = assessed(world, days=SPONSOR_DAYS)
    url = page if page.startswith("/") else f"/changes/{change.pk}/{'' if page == 'detail' else page + '/'}"

    opened = {name: client_for(world.by_name(name)).get(url).status_code for name in EVERYONE}

    assert opened == {name: 200 if name in allowed else 403 for name in EVERYONE}


def test_who_records_the_implementation(world):
    change = approved(world)
    url = f"/changes/{change.pk}/implement/"

    opened = {name: client_for(world.by_name(name)).get(url).status_code for name in EVERYONE}

    assert opened == {name: 200 if name in ("pm", "head", "analyst", "officer") else 403 for name in EVERYONE}
    assert "Record as implemented" in text_of(client_for(world.pm).get(change.get_absolute_url()))


def test_the_history_shows_each_step_with_who(world):
    change = approved(world)

    response = client_for(world.officer).get(f"/changes/{change.pk}/history/")

    history = " ".join(
        doc(response).xpath("//table[contains(@class,'history-table')]")[0].text_content().split()
    )
    assert "Raised" in history
    assert "Assessed: needs the sponsor" in history
    assert "Approved: Worth the wait." in history
    assert "sponsor" in history and "pm" in history


def test_the_change_log_filters(world):
    small, middle, large = (assessed(world, days=d) for d in (PM_DAYS, SPONSOR_DAYS, BOARD_DAYS))
    other = services.change_request_raise(
        actor=world.other_pm,
        project=world.other_project,
        fields={"title": "HR change", "change_type": "cost", "description": "d", "reason": "r"},
    )
    officer = client_for(world.officer)

    assert rows(officer.get("/changes/")) == [f"CR-{c.pk}" for c in (other, large, middle, small)]
    assert rows(officer.get("/changes/", {"project": "hr"})) == [f"CR-{other.pk}"]
    assert rows(officer.get("/changes/", {"change_type": "cost"})) == [f"CR-{other.pk}"]
    assert rows(officer.get("/changes/", {"status": "raised"})) == [f"CR-{other.pk}"]
    assert rows(officer.get("/changes/", {"authority": "board"})) == [f"CR-{large.pk}"]
    assert rows(officer.get("/changes/", {"portfolio": world.portfolio.pk})) == [
        f"CR-{c.pk}" for c in (other, large, middle, small)
    ]
    assert "No change requests match these filters." in text_of(officer.get("/changes/", {"project": "NONE"}))


@pytest.mark.parametrize("name", EVERYONE)
def test_awaiting_my_decision_is_what_each_may_decide(world, name):
    for days in (PM_DAYS, SPONSOR_DAYS, BOARD_DAYS):
        assessed(world, days=days)
    raised(world)
    user = world.by_name(name)

    shown = rows(client_for(user).get("/changes/", {"mine": "on"}))

    expected = [
        c.reference
        for c in ChangeRequest.objects.order_by("-raised_on", "-pk")
        if services.may_decide(user, c)
    ]
    assert shown == expected
    assert len(expected) == {"pm": 1, "sponsor": 2, "head": 3}.get(name, 0)


def test_the_change_log_pages(world):
    for _ in range(51):
        raised(world)

    first, second = (client_for(world.officer).get("/changes/", {"page": p}) for p in (1, 2))

    assert len(rows(first)) == 50 and len(rows(second)) == 1
    assert "Showing 51–51 of 51" in text_of(second)


def test_the_project_page_links_the_project_tabs(world):
    response = client_for(world.pm).get("/changes/projects/WEB/")

    tabs = doc(response).xpath("//nav[@aria-label='Project pages']//a")
    assert {a.text_content().strip(): a.get("href") for a in tabs}["Changes"] == "/changes/projects/WEB/"
    current = doc(response).xpath("//nav[@aria-label='Project pages']//a[@aria-current='page']")
    assert [a.text_content().strip() for a in current] == ["Changes"]
