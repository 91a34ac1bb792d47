"""Saving the register's choice as a named view from the page, opening and deleting it."""

import pytest

from pmo.core.choices import Role
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import SavedView
from pmo.portfolio.services import saved_view_create
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.portfolio.tests.views.conftest import page, row_keys, table_headers, text_of

pytestmark = pytest.mark.django_db

REGISTER = "/projects/"


def test_the_choice_shown_is_saved_and_its_link_shows_it_again(browser_for, make_user):
    ProjectFactory(code="A-1", status=ProjectStatus.ON_HOLD)
    ProjectFactory(code="B-1", status=ProjectStatus.ON_HOLD)
    ProjectFactory(code="C-1")
    client = browser_for(make_user(Role.PMO_ANALYST))
    shown = client.get(REGISTER, {"status": "on_hold", "cols": "code,name,status", "sort": "-code"})
    query = page(shown).xpath("//input[@name='query']/@value")[0]

    saved = client.post("/saved-views/", {"name": "On hold", "query": query}, follow=True)

    assert SavedView.objects.get().name == "On hold"
    assert row_keys(saved) == ["B-1", "A-1"]
    assert table_headers(saved) == ["Code", "Name", "Status"]
    assert "Saved the view “On hold”" in text_of(saved)
    assert page(saved).xpath("//section[@class[contains(.,'saved-views')]]//a[text()='On hold']")


def test_a_view_that_cannot_be_saved_says_why_and_keeps_the_choice(browser_for, make_user):
    client = browser_for(make_user(Role.PMO_ANALYST))

    refused = client.post("/saved-views/", {"name": "Odd", "query": "cols=code,budgett"}, follow=True)

    assert "The view was not saved: Unknown column(s): budgett" in text_of(refused)
    assert not SavedView.objects.exists()


def test_only_the_owner_deletes_a_view(browser_for, make_user):
    view = saved_view_create(actor=make_user(Role.PMO_ANALYST), name="Theirs", query="")
    other = browser_for(make_user(Role.PMO_HEAD))

    assert other.post(f"/saved-views/{view.pk}/delete/").status_code == 404
    assert "Theirs" not in text_of(other.get(REGISTER))
    assert browser_for(view.owner).post(f"/saved-views/{view.pk}/delete/").status_code == 302
    assert not SavedView.objects.exists()
