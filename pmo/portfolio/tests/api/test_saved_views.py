"""``/api/v1/saved-views/``: each person's own saved views of the register."""

import pytest

from pmo.core.choices import Role
from pmo.portfolio.models import SavedView
from pmo.portfolio.services import saved_view_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/saved-views/"


def test_a_person_saves_lists_renames_and_deletes_their_own_views(client_for, make_user):
    ann = make_user(Role.PMO_ANALYST)
    api = client_for(ann)

    chosen = "status=active&cols=code,name&sort=-code"
    made = api.post(URL, {"name": "Active IT", "query": chosen}, format="json")
    renamed = api.patch(f"{URL}{made.json()['id']}/", {"name": "IT now", "version": 1}, format="json")
    listed = api.get(URL)
    gone = api.delete(f"{URL}{made.json()['id']}/?version=2")

    assert made.status_code == 201
    assert made.json()["link"] == "/projects/?status=active&cols=code%2Cname&sort=-code"
    assert renamed.status_code == 200 and renamed.json()["name"] == "IT now"
    assert [row["name"] for row in listed.json()["results"]] == ["IT now"]
    assert gone.status_code == 204 and not SavedView.objects.exists()


def test_nobody_sees_or_changes_anyone_elses_views(client_for, make_user):
    theirs = saved_view_create(actor=make_user(Role.PMO_ANALYST), name="Theirs", query="")
    api = client_for(make_user(Role.PMO_HEAD))

    assert api.get(URL).json()["results"] == []
    assert api.get(f"{URL}{theirs.pk}/").status_code == 404
    assert api.patch(f"{URL}{theirs.pk}/", {"name": "Mine", "version": 1}, format="json").status_code == 404
    assert api.delete(f"{URL}{theirs.pk}/").status_code == 404
    assert SavedView.objects.get().name == "Theirs"


def test_a_view_with_unknown_filters_or_columns_is_refused_naming_them(client_for, make_user):
    api = client_for(make_user(Role.PMO_ANALYST))

    refused = api.post(URL, {"name": "Odd", "query": "colour=red&cols=code,budgett"}, format="json")

    assert refused.status_code == 400
    said = str(refused.json())
    assert "Unknown filter(s): colour" in said and "Unknown column(s): budgett" in said
    assert not SavedView.objects.exists()
