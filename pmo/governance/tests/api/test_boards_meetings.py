"""Boards, meetings, agenda items and minutes over the API: a meeting from scheduling to
approved minutes with its actions, a gate decided by the board, JSON errors naming the field,
confidential items hidden, the schema, and size-independent query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from pmo.governance import services_boards as services
from pmo.governance.choices import MemberRole, MinuteKind
from pmo.governance.tests.boards import board_of, issued, meeting_of, member, quorate
from pmo.governance.tests.steps import in_review
from pmo.portfolio.choices import SizeTier
from pmo.portfolio.models import Project

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_a_meeting_runs_from_scheduling_to_frozen_minutes(cast):
    Project.objects.filter(pk=cast.project.pk).update(size_tier=SizeTier.LARGE)
    cast.project.refresh_from_db()
    in_review(cast)
    board = board_of(cast)
    officer = client_for(cast.officer)

    scheduled = officer.post(
        f"/api/v1/boards/{board.pk}/schedule/", {"starts_at": "2026-12-10T14:00:00Z"}, format="json"
    )
    assert scheduled.status_code == 201, scheduled.json()
    meeting = scheduled.json()
    assert meeting["actions"] == ["agenda", "cancel"]
    url = f"/api/v1/meetings/{meeting['id']}/"
    built = officer.post(f"{url}build/", format="json").json()
    assert built["item_count"] == 1
    issued_ = officer.post(f"{url}issue/", {"version": built["version"]}, format="json").json()
    assert issued_["status"] == "agenda_issued"
    seats = {m["role"]: m["id"] for m in officer.get(f"/api/v1/boards/{board.pk}/").json()["members"]}
    attendance = [
        {"member": seats["chair"], "status": "present"},
        {"member": seats["member"], "status": "present"},
    ]
    assert officer.post(f"{url}attendance/", {"attendance": attendance}, format="json").status_code == 200
    item = officer.get(f"/api/v1/agenda-items/?meeting={meeting['id']}").json()["results"][0]
    assert item["source"] == "gate_review"

    decided = officer.post(
        f"/api/v1/agenda-items/{item['id']}/decide-gate/", {"outcome": "go", "notes": "Ready."}, format="json"
    )

    assert decided.status_code == 200, decided.json()
    assert decided.json()["decision"].startswith("DEC-")
    assert Project.objects.get(pk=cast.project.pk).stage.name == "Closure"
    held = officer.post(f"{url}hold/", {"version": officer.get(url).json()["version"]}, format="json").json()
    approved = client_for(cast.executive).post(f"{url}approve/", {"version": held["version"]}, format="json")
    assert approved.json()["status"] == "minutes_approved"
    assert approved.json()["actions"] == []
    minutes = officer.get(f"/api/v1/minutes/?meeting={meeting['id']}").json()["results"]
    assert [m["kind"] for m in minutes] == ["decision"]
    late = officer.post(
        f"/api/v1/agenda-items/{item['id']}/minute/", {"kind": "note", "text": "PS"}, format="json"
    )
    assert late.status_code == 400
    assert "they are frozen and can no longer be changed" in late.json()["message"]
    history = officer.get(f"{url}history/").json()
    assert len(history["results"] if isinstance(history, dict) else history) >= 4


def test_bad_input_is_json_naming_the_field(cast):
    board = board_of(cast)
    officer = client_for(cast.officer)
    no_date = officer.post(f"/api/v1/boards/{board.pk}/schedule/", {"starts_at": "soon"}, format="json")
    too_many = officer.post(
        f"/api/v1/boards/{board.pk}/schedule/",
        {"starts_at": "2027-01-10T10:00:00Z", "count": 30},
        format="json",
    )
    past = officer.post(
        f"/api/v1/boards/{board.pk}/schedule/", {"starts_at": "2026-01-10T10:00:00Z"}, format="json"
    )
    bad_kind = client_for(cast.head).post(
        "/api/v1/boards/", {"name": "X", "kind": "tea_party", "feeds": ["gossip"]}, format="json"
    )

    assert no_date.status_code == too_many.status_code == past.status_code == bad_kind.status_code == 400
    assert set(no_date.json()["fields"]) == {"starts_at"}
    assert set(too_many.json()["fields"]) == {"count"}
    assert past.json()["fields"] == {
        "starts_at": ["The meeting would start in the past (10 Jan 2026 10:00)."]
    }
    assert set(bad_kind.json()["fields"]) == {"kind", "feeds"}


def test_a_decision_without_quorum_is_a_400_saying_so(cast):
    meeting = issued(cast, meeting_of(cast))
    item = meeting.items.first()
    refused = client_for(cast.officer).post(
        f"/api/v1/agenda-items/{item.pk}/minute/", {"kind": "decision", "text": "Agreed."}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["message"].endswith(
        "is not quorate: 0 of the 2 voting members needed are present. "
        "Record the attendance, or defer the item to the next meeting."
    )


def test_a_confidential_projects_items_are_hidden_from_who_may_not_see_it(cast):
    Project.objects.filter(pk=cast.other_project.pk).update(confidential=True)
    meeting = meeting_of(cast)
    services.agenda_item_add(
        actor=cast.officer, meeting=meeting, fields={"title": "HR restructure", "project": cast.other_project}
    )
    services.agenda_item_add(actor=cast.officer, meeting=meeting, fields={"title": "Dashboard"})
    url = f"/api/v1/agenda-items/?meeting={meeting.pk}"

    assert [i["title"] for i in client_for(cast.pm).get(url).json()["results"]] == ["Dashboard"]
    assert len(client_for(cast.officer).get(url).json()["results"]) == 2


def test_the_schema_describes_boards_and_meetings(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    assert set(paths["/api/v1/boards/"]) == {"get", "post"}
    assert set(paths["/api/v1/minutes/"]) == {"get"}
    for step in ("build", "issue", "attendance", "hold", "approve", "cancel"):
        assert {"200", "400", "403", "409"} <= set(
            paths[f"/api/v1/meetings/{{id}}/{step}/"]["post"]["responses"]
        )
    for step in ("minute", "decide-gate", "decide-change", "conclude", "carry"):
        assert "post" in paths[f"/api/v1/agenda-items/{{id}}/{step}/"]


def grow(cast, board, n):
    """``n`` meetings, each with two items, one minuted, and attendance."""
    for k in range(n):
        meeting = meeting_of(
            cast, board, at=dt.datetime(2027, 1, 1, 10) + dt.timedelta(days=7 * k + len(str(n)))
        )
        services.agenda_item_add(actor=cast.officer, meeting=meeting, fields={"title": "Dashboard"})
        issued(cast, meeting)
        quorate(cast, meeting)
        services.minute_record(
            actor=cast.officer, item=meeting.items.first(), kind=MinuteKind.NOTE, text="Noted."
        )


@pytest.mark.parametrize(
    ("url", "expected"),
    [("/api/v1/boards/", 5), ("/api/v1/meetings/", 6), ("/api/v1/agenda-items/", 5), ("/api/v1/minutes/", 5)],
)
def test_the_lists_issue_the_same_queries_for_few_and_many(cast, url, expected):
    board = board_of(cast)
    client = client_for(cast.head)
    counts = []
    for n in (1, 6):
        grow(cast, board, n)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts == [expected, expected]
    assert member(board, MemberRole.CHAIR).person.name == "Cleo Chair"


def test_the_secretary_changes_an_item_while_the_agenda_is_open_and_not_after(cast):
    meeting = meeting_of(cast)
    item = services.agenda_item_add(actor=cast.officer, meeting=meeting, fields={"title": "Cloud strategy"})
    officer, pm = client_for(cast.officer), client_for(cast.pm)
    url = f"/api/v1/agenda-items/{item.pk}/"

    changed = officer.patch(url, {"version": 1, "title": "Cloud hosting strategy", "order": 5}, format="json")
    stale = officer.patch(url, {"version": 1, "title": "Again"}, format="json")
    refused = pm.patch(url, {"version": 2, "title": "Mine"}, format="json")

    assert changed.status_code == 200, changed.json()
    assert (changed.json()["title"], changed.json()["order"], changed.json()["meeting"]) == (
        "Cloud hosting strategy",
        5,
        meeting.pk,
    )
    assert stale.status_code == 409 and refused.status_code == 403
    meeting.refresh_from_db()
    services.meeting_cancel(
        actor=cast.officer, meeting=meeting, reason="Moved", expected_version=meeting.version
    )
    closed = officer.delete(url, HTTP_IF_MATCH='"2"')
    assert closed.status_code == 400
    assert closed.json()["message"].endswith("was cancelled: nothing more is recorded against it.")


def test_an_item_is_taken_off_an_open_agenda(cast):
    meeting = meeting_of(cast)
    item = services.agenda_item_add(
        actor=cast.officer, meeting=meeting, fields={"title": "Any other business"}
    )

    removed = client_for(cast.officer).delete(f"/api/v1/agenda-items/{item.pk}/", HTTP_IF_MATCH='"1"')

    assert removed.status_code == 204
    assert not meeting.items.exists()


def test_agenda_items_are_filtered_by_project_code_in_any_case(cast):
    meeting = meeting_of(cast)
    services.agenda_item_add(
        actor=cast.officer, meeting=meeting, fields={"title": "Website phase 2", "project": cast.project}
    )
    services.agenda_item_add(actor=cast.officer, meeting=meeting, fields={"title": "Any other business"})

    found = client_for(cast.head).get(f"/api/v1/agenda-items/?project={cast.project.code.lower()}").json()

    assert [item["title"] for item in found["results"]] == ["Website phase 2"]
