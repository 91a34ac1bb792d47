"""Boards' part of the work queue: the secretary issues agendas and gets minutes approved, the
chair approves them, the members read the papers; others see nothing of it."""

import datetime as dt

import pytest

from pmo.core.work import work_queue
from pmo.governance import services_boards as services
from pmo.governance.tests.boards import board_of, issued, meeting_of

pytestmark = pytest.mark.django_db


def kinds(user):
    return [
        (i.kind, i.title, i.due)
        for i in work_queue(user, today=dt.date(2026, 12, 4))
        if i.kind.startswith("meeting")
    ]


def test_the_secretary_is_asked_to_issue_the_agenda_of_a_meeting_coming_up(cast):
    meeting = meeting_of(cast)
    meeting_of(cast, meeting.board, at=dt.datetime(2027, 3, 1, 10))  # too far ahead to ask yet

    assert kinds(cast.officer) == [("meeting-agenda", f"Issue the agenda of {meeting}", dt.date(2026, 12, 5))]
    assert kinds(cast.sponsor) == []


def test_members_read_the_papers_and_the_chair_approves_the_minutes(cast):
    meeting = issued(cast, meeting_of(cast))

    assert kinds(cast.sponsor) == [
        ("meeting-papers", f"Read the papers for {meeting}", dt.date(2026, 12, 10))
    ]
    assert kinds(cast.officer) == []
    services.meeting_hold(actor=cast.officer, meeting=meeting, expected_version=meeting.version)
    assert [k for k, _, _ in kinds(cast.executive)] == ["meeting-approve"]
    assert [k for k, _, _ in kinds(cast.officer)] == ["meeting-minutes"]
    assert kinds(cast.pm) == []


def test_nobody_off_the_boards_has_meeting_work(cast):
    board_of(cast)
    assert kinds(cast.other_pm) == []
