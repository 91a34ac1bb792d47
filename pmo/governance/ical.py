"""A board meeting as an iCalendar invitation (RFC 5545, written by the ``icalendar`` library,
ADR 0063): one event with the meeting's time, place, agenda and members, sent with the agenda
and downloadable from the meeting's page. A cancelled meeting gives the cancellation."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from pmo.governance.choices import MeetingStatus, MemberRole

PRODUCT = "-//Portfolio Office//Board meetings//EN"


def _address(person: Any, role: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = vText(person.name)
    address.params["role"] = vText(role)
    return address


def meeting_calendar(meeting: Any, items: list[Any], members: list[Any], host: str = "") -> bytes:
    """The invitation to ``meeting`` (its board's ``members`` invited, its agenda ``items``
    listed) as the bytes of a .ics file."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    cancelled = meeting.status == MeetingStatus.CANCELLED
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{host or 'portfolio-office'}")
    event.add("sequence", meeting.version)
    event.add("dtstamp", meeting.updated_at)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", str(meeting.board))
    if meeting.location:
        event.add("location", meeting.location)
    agenda = "\n".join(f"{n}. {item.title}" for n, item in enumerate(items, start=1))
    event.add("description", f"Agenda:\n{agenda}" if agenda else "Agenda to follow.")
    if host:
        event.add("url", f"{host}{meeting.get_absolute_url()}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organiser = next((m.person for m in members if m.role == MemberRole.SECRETARY), None)
    if organiser is not None:
        event["organizer"] = _address(organiser, "CHAIR")
    else:
        event["organizer"] = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    for member in members:
        role = (
            "NON-PARTICIPANT"
            if member.role == MemberRole.SECRETARY
            else ("OPT-PARTICIPANT" if member.role == MemberRole.ATTENDEE else "REQ-PARTICIPANT")
        )
        event.add("attendee", _address(member.person, role), encode=False)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
