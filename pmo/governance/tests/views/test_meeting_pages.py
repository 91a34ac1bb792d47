"""The boards' and meetings' pages: a board's page, scheduling, a meeting's page with its agenda,
attendance, minutes and the steps the meeting's table allows, the invitation download, refusals
shown beside their fields, and the lists' pinned, size-independent query counts."""

import datetime as dt

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.governance import services_boards as services
from pmo.governance.choices import MemberRole, MinuteKind
from pmo.governance.models import Board
from pmo.governance.tests.boards import board_of, issued, meeting_of, member, quorate
from pmo.governance.tests.steps import in_review
from pmo.portfolio.choices import SizeTier
from pmo.portfolio.models import Project

pytestmark = pytest.mark.django_db


def client_for(client, user):
    client.force_login(user)
    return client


def test_the_secretary_schedules_builds_and_issues_from_the_pages(cast, client):
    board = board_of(cast)
    officer = client_for(client, cast.officer)
    assert "Committee Room 2" in officer.get(board.get_absolute_url()).content.decode()

    bad = officer.post(f"/boards/{board.pk}/schedule/", {"starts_at": "", "count": 1, "duration_minutes": 90})
    assert bad.status_code == 400
    assert "This field is required." in bad.content.decode()
    done = officer.post(
        f"/boards/{board.pk}/schedule/",
        {"starts_at": "2026-12-10T14:00", "count": 1, "location": "Room 1", "duration_minutes": 60},
    )
    assert done.status_code == 302
    meeting = board.meetings.get()
    page = officer.get(meeting.get_absolute_url()).content.decode()
    assert (
        'data-action="build"' in page and 'data-action="issue"' not in page  # nothing to issue yet
    )

    officer.post(f"/meetings/{meeting.pk}/agenda/add/", {"title": "Cloud strategy", "paper": "Options."})
    assert 'data-action="issue"' in officer.get(meeting.get_absolute_url()).content.decode()
    officer.post(f"/meetings/{meeting.pk}/issue/", {"version": board.meetings.get().version})
    page = officer.get(meeting.get_absolute_url()).content.decode()
    assert "Agenda issued" in page and "Cloud strategy" in page and "Not quorate: 0 of 2" in page

    invitation = officer.get(f"/meetings/{meeting.pk}/invitation.ics")
    assert invitation["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(invitation.content).walk("VEVENT")[0]
    assert str(event["location"]) == "Room 1"
    assert "1. Cloud strategy" in str(event["description"])


def test_attendance_minutes_and_approval_from_the_pages(cast, client):
    meeting = issued(cast, meeting_of(cast))
    board = meeting.board
    officer = client_for(client, cast.officer)
    chair, head = member(board, MemberRole.CHAIR), member(board, MemberRole.MEMBER, 0)
    officer.post(
        f"/meetings/{meeting.pk}/attendance/",
        {f"member_{chair.pk}": "present", f"member_{head.pk}": "present", "version": meeting.version},
    )
    item = meeting.items.first()
    no_owner = officer.post(f"/meetings/items/{item.pk}/minute/", {"kind": "action", "text": "Circulate"})
    assert no_owner.status_code == 400
    assert "An action needs an owner and a due date." in no_owner.content.decode()
    officer.post(f"/meetings/items/{item.pk}/minute/", {"kind": "decision", "text": "Adopt the dashboard."})
    page = officer.get(meeting.get_absolute_url()).content.decode()
    assert "Quorate: 2 of 2" in page and "Adopt the dashboard." in page

    meeting.refresh_from_db()
    services.meeting_hold(actor=cast.officer, meeting=meeting, expected_version=meeting.version)
    meeting.refresh_from_db()
    chair_page = client_for(client, cast.executive).get(meeting.get_absolute_url()).content.decode()
    assert 'data-action="approve"' in chair_page
    client.post(f"/meetings/{meeting.pk}/approve/", {"version": meeting.version})
    frozen = client_for(client, cast.officer).get(f"/meetings/items/{item.pk}/minute/", follow=True)
    assert "they are frozen and can no longer be changed" in frozen.content.decode()


def test_a_member_may_not_run_the_meeting_and_unknown_ones_are_404s(cast, client):
    meeting = meeting_of(cast)
    sponsor = client_for(client, cast.sponsor)
    assert sponsor.get(f"/meetings/{meeting.pk}/agenda/add/").status_code == 403
    assert sponsor.get("/meetings/99999/").status_code == 404
    assert sponsor.get("/boards/99999/").status_code == 404


def grow(cast, board, n):
    for k in range(n):
        meeting = meeting_of(cast, board, at=dt.datetime(2027, 2, 1, 10) + dt.timedelta(days=3 * k + n))
        services.agenda_item_add(actor=cast.officer, meeting=meeting, fields={"title": "Dashboard"})
        issued(cast, meeting)
        quorate(cast, meeting)
        services.minute_record(
            actor=cast.officer, item=meeting.items.first(), kind=MinuteKind.NOTE, text="Noted."
        )


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(("page", "expected"), [("boards", 7), ("meetings", 6), ("board", 8), ("meeting", 9)])
def test_the_pages_issue_the_same_queries_for_few_and_many_records(cast, client, page, expected):
    board = board_of(cast)
    head = client_for(client, cast.head)
    grow(cast, board, 1)
    first = board.meetings.order_by("starts_at").first()
    url = {"boards": "/boards/", "meetings": "/meetings/", "board": board.get_absolute_url(),
           "meeting": first.get_absolute_url()}[page]  # fmt: skip
    few = queries(head, url)
    grow(cast, board, 5)
    services.agenda_item_add(actor=cast.officer, meeting=board.meetings.order_by("starts_at").last(),
                             fields={"title": "Another"})  # fmt: skip
    many = queries(head, url)
    assert (few, many) == (expected, expected)


def test_the_pmo_sets_up_a_board_and_its_members_from_the_pages(cast, client):
    head = client_for(client, cast.head)
    form = {"name": "IT Demand Review", "kind": "demand_review", "cadence": "monthly", "quorum": 0,
            "duration_minutes": 90, "feeds": ["gate_review"]}  # fmt: skip
    bad = head.post("/boards/new/", form)
    assert bad.status_code == 400
    assert "Ensure this value is greater than or equal to 1." in bad.content.decode()

    done = head.post("/boards/new/", {**form, "quorum": 2})
    assert done.status_code == 302
    made = Board.objects.get(name="IT Demand Review")
    assert (made.quorum, made.feeds) == (2, ["gate_review"])
    head.post(f"/boards/{made.pk}/members/", {"person": cast.project.sponsor.pk, "role": "chair"})
    assert "Sam Sponsor — Chair" in head.get(made.get_absolute_url()).content.decode()
    history = head.get(f"/boards/{made.pk}/history/").content.decode()
    assert "IT Demand Review" in history
    assert client_for(client, cast.pm).get("/boards/new/").status_code == 403


def test_the_board_decides_a_gate_with_conditions_on_the_meeting_page(cast, client):
    Project.objects.filter(pk=cast.project.pk).update(size_tier=SizeTier.LARGE)
    cast.project.refresh_from_db()
    review = in_review(cast)
    meeting = issued(cast, meeting_of(cast))
    quorate(cast, meeting)
    item = meeting.items.get(gate_review=review)
    officer = client_for(client, cast.officer)
    assert f"/meetings/items/{item.pk}/gate/" in officer.get(meeting.get_absolute_url()).content.decode()

    done = officer.post(
        f"/meetings/items/{item.pk}/gate/",
        {"version": review.version, "outcome": "go_with_conditions", "decision_notes": "Go, once tested.",
         "condition_1_title": "Complete the security test",
         "condition_1_owner": cast.project.project_manager_id, "condition_1_due": "2026-12-20"},
    )  # fmt: skip

    assert done.status_code == 302, done.content.decode()[-2000:]
    review.refresh_from_db()
    assert review.outcome == "go_with_conditions"
    assert Project.objects.get(pk=cast.project.pk).stage.name == "Closure"
    page = officer.get(meeting.get_absolute_url()).content.decode()
    assert "go with conditions: Go, once tested." in page


def test_the_secretary_changes_an_item_and_takes_another_off_the_agenda(cast, client):
    meeting = meeting_of(cast)
    keep = services.agenda_item_add(actor=cast.officer, meeting=meeting, fields={"title": "Cloud strategy"})
    drop = services.agenda_item_add(actor=cast.officer, meeting=meeting, fields={"title": "Old business"})
    officer = client_for(client, cast.officer)
    page = officer.get(meeting.get_absolute_url()).content.decode()
    assert "Take off the agenda" in page and f"/meetings/items/{keep.pk}/edit/" in page

    changed = officer.post(
        f"/meetings/items/{keep.pk}/edit/",
        {"version": keep.version, "order": 1, "title": "Cloud hosting strategy", "paper": "Move by 2028."},
        follow=True,
    )
    stale = officer.post(
        f"/meetings/items/{keep.pk}/edit/", {"version": keep.version, "order": 1, "title": "X"}
    )
    removed = officer.post(f"/meetings/items/{drop.pk}/remove/", {"version": drop.version}, follow=True)

    assert "“Cloud hosting strategy” changed." in changed.content.decode()
    assert stale.status_code == 409
    assert "“Old business” taken off the agenda." in removed.content.decode()
    assert [i.title for i in meeting.items.all()] == ["Cloud hosting strategy"]
    keep.refresh_from_db()
    assert keep.paper == "Move by 2028."


def test_an_item_of_a_held_meeting_is_not_changed_saying_why(cast, client):
    meeting = meeting_of(cast)
    item = services.agenda_item_add(actor=cast.officer, meeting=meeting, fields={"title": "Cloud strategy"})
    meeting = issued(cast, meeting)
    quorate(cast, meeting)
    meeting.refresh_from_db()
    services.meeting_hold(actor=cast.officer, meeting=meeting, expected_version=meeting.version)
    officer = client_for(client, cast.officer)

    page = officer.get(meeting.get_absolute_url()).content.decode()
    refused = officer.post(f"/meetings/items/{item.pk}/remove/", {"version": item.version}, follow=True)

    assert "Take off the agenda" not in page
    assert "its agenda can no longer change" in refused.content.decode()
    assert meeting.items.filter(pk=item.pk).exists()
