"""The demo's boards: a year of monthly IT Portfolio Review and IT Demand Review meetings with
attendance, minutes, decisions and actions, and the next Portfolio Review's agenda filled from
the live portfolio."""

import pytest

from pmo.governance.choices import AgendaSource, MeetingStatus, MinuteKind
from pmo.governance.models import AgendaItem, Board, Meeting, Minute
from pmo.raid.choices import ActionSource

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_a_year_of_monthly_meetings_for_both_boards() -> None:
    assert sorted(Board.objects.values_list("name", flat=True)) == ["IT Demand Review", "IT Portfolio Review"]
    for board in Board.objects.all():
        statuses = list(board.meetings.order_by("starts_at").values_list("status", flat=True))
        assert statuses.count(MeetingStatus.MINUTES_APPROVED) == 11
        assert statuses[-2] == MeetingStatus.HELD  # last month's minutes wait for the chair
        assert len(statuses) == 13


def test_decisions_and_actions_are_in_the_raid_logs() -> None:
    decisions = Minute.objects.filter(kind=MinuteKind.DECISION).select_related("decision")
    assert decisions.count() == 2 * 11  # none at the inquorate meeting
    assert all(m.decision.portfolio_id is not None for m in decisions)
    actions = Minute.objects.filter(kind=MinuteKind.ACTION).select_related("action")
    assert actions and all(m.action.source == ActionSource.MEETING for m in actions)


def test_unfinished_items_come_forward_and_the_next_review_reads_the_portfolio() -> None:
    assert AgendaItem.objects.filter(source=AgendaSource.CARRIED_FORWARD).exists()
    upcoming = Meeting.objects.get(board__name="IT Portfolio Review", status=MeetingStatus.AGENDA_ISSUED)
    sources = set(upcoming.items.values_list("source", flat=True))
    assert sources - {AgendaSource.MANUAL, AgendaSource.CARRIED_FORWARD}
