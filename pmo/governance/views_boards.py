"""Pages of boards and meetings: the boards list, a board's page (terms of reference, members,
meetings) and settings, scheduling a meeting or a series, and a meeting's page with its agenda,
attendance, minutes and decisions, each step offered as the meeting's transitions table allows
(``workflows.MEETING``), plus its invitation (.ics). Reads go through
``selectors_boards``, writes through ``services_boards`` (core generic views)."""

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from pmo.core.generic import (
    ObjectActionView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ObjectView,
    WorkflowStepView,
    expected_version,
    found_or_404,
    table_context,
)
from pmo.core.permissions import ensure_can
from pmo.core.workflow import refused_page
from pmo.governance import selectors_boards as selectors
from pmo.governance import services_boards as services
from pmo.governance.forms_boards import (
    AttendanceForm,
    BoardForm,
    CancelForm,
    ChangeDecisionForm,
    GateDecisionForm,
    ItemChangeForm,
    ItemForm,
    MeetingForm,
    MemberForm,
    MinuteForm,
)
from pmo.governance.ical import meeting_calendar
from pmo.governance.models import AgendaItem, Board, Meeting
from pmo.governance.workflows import MEETING
from pmo.portfolio.register import Column, attr, label

NOT_FOUND = "There is no {kind} {key}, or you may not see it."
BOARD_SAVED = "{record} saved."
MEMBER_SAVED = "{person} is on {board} as {role}."
SCHEDULED = "{count} meeting(s) of {board} scheduled."
BUILT = "{count} item(s) added to the agenda from the live portfolio and the previous meeting."
ITEM_ADDED = "“{item}” added to the agenda."
ITEM_CHANGED = "“{item}” changed."
ITEM_REMOVED = "“{item}” taken off the agenda."
ISSUED = "The agenda of {meeting} is issued: the members have it by e-mail with the papers and invitation."
ATTENDANCE_SAVED = "Attendance recorded: {present} of the {quorum} voting members needed present."
MINUTED = "Recorded against “{item}”."
CONCLUDED = "“{item}” concluded."
CARRIED = "“{item}” will come forward to the next meeting."
HELD = "{meeting} recorded as held: its minutes go to the chair."
APPROVED = "The minutes of {meeting} are approved and frozen."
CANCELLED = "{meeting} cancelled."


# Boards ------------------------------------------------------------------------------------------


class BoardListView(ObjectListView):
    model = Board
    template_name = "governance/board_list.html"
    search = ("name", "terms_of_reference")
    heading = "Boards"

    def get_queryset(self) -> QuerySet[Board]:
        return selectors.board_list(user=self.request.user)

    def columns(self) -> Sequence[Column]:
        return (
            Column("name", "Board", lambda b: b, "name", "link"),
            Column("kind", "Kind", label("kind"), "kind"),
            Column("cadence", "Meets", label("cadence"), "cadence"),
            Column("quorum", "Quorum", attr("quorum"), "quorum", "number"),
            Column("meetings", "Meetings", attr("meeting_count"), "meeting_count", "number"),
        )

    def list_context(self, shown: Any, columns: Any, sort: str) -> dict[str, Any]:
        return {
            **table_context(shown, columns, sort),
            "can_add": self.request.user.has_perm("governance.add_board"),
        }


class BoardPage:
    model = Board
    key = "pk"
    not_found = NOT_FOUND
    context_object_name = "board"

    def get_queryset(self) -> Any:
        return selectors.board_list(user=self.request.user)  # type: ignore[attr-defined]


class BoardView(BoardPage, ObjectView):
    template_name = "governance/board_detail.html"

    def object_context(self, board: Any) -> dict[str, Any]:
        user = self.request.user
        return {
            **super().object_context(board),
            "meetings": selectors.meeting_list(user=user, board=board).order_by("-starts_at")[:24],
            "can_change": user.has_perm("governance.change_board", board),
            "can_schedule": user.has_perm("governance.add_meeting", board),
        }


class BoardHistoryView(BoardPage, ObjectHistoryView):
    template_name = "governance/history.html"


class BoardEditView(BoardPage, ObjectEditView):
    """Set up a board (no key) or change its settings."""

    template_name = "governance/form.html"
    saved = BOARD_SAVED

    def get_form(self, board: Any, data: Any = None) -> Any:
        return BoardForm(data, instance=board)

    def save(self, form: Any, board: Any) -> Any:
        fields = {k: v for k, v in form.values().items() if k != "version"}
        if board is None:
            return services.board_create(actor=self.request.user, fields=fields)
        return services.board_update(
            actor=self.request.user, board=board, fields=fields, expected_version=expected_version(form)
        )

    def form_context(self, form: Any, board: Any, outcome: Any) -> dict[str, Any]:
        return {
            **super().form_context(form, board, outcome),
            "heading": f"Settings of {board}" if board else "New board",
            "back": board.get_absolute_url() if board else reverse("governance:board_list"),
        }


class MemberView(BoardPage, ObjectEditView):
    """Give a person a seat on the board, or change their role."""

    template_name = "governance/form.html"

    def get_object(self) -> Any:
        return ObjectView.get_object(self)

    def ensure_allowed(self, board: Any) -> None:
        ensure_can(
            self.request.user, "governance.change_board", board, action=f"change the members of {board}"
        )

    def get_form(self, board: Any, data: Any = None) -> Any:
        return MemberForm(data)

    def save(self, form: Any, board: Any) -> Any:
        data = form.cleaned_data
        self.member = services.board_member_set(
            actor=self.request.user, board=board, person=data["person"], role=data["role"]
        )
        return board

    def success_message(self, board: Any) -> str:
        return MEMBER_SAVED.format(
            person=self.member.person, board=board, role=self.member.get_role_display().lower()
        )

    def form_context(self, form: Any, board: Any, outcome: Any) -> dict[str, Any]:
        return {
            **super().form_context(form, board, outcome),
            "heading": f"A seat on {board}",
            "back": board.get_absolute_url(),
        }


class ScheduleView(BoardPage, ObjectEditView):
    """Schedule a meeting of the board, or a series by its cadence."""

    template_name = "governance/form.html"

    def get_object(self) -> Any:
        return ObjectView.get_object(self)

    def ensure_allowed(self, board: Any) -> None:
        ensure_can(self.request.user, "governance.add_meeting", board, action=f"schedule meetings of {board}")

    def get_form(self, board: Any, data: Any = None) -> Any:
        return MeetingForm(data, board=board)

    def save(self, form: Any, board: Any) -> Any:
        data = form.cleaned_data
        if data["count"] > 1:
            self.scheduled = services.meeting_series_schedule(
                actor=self.request.user, board=board, first=data["starts_at"], count=data["count"]
            )
        else:
            self.scheduled = [
                services.meeting_schedule(
                    actor=self.request.user, board=board, starts_at=data["starts_at"],
                    location=data["location"], duration_minutes=data["duration_minutes"],
                )
            ]  # fmt: skip
        return board

    def success_message(self, board: Any) -> str:
        return SCHEDULED.format(count=len(self.scheduled), board=board)

    def success_url(self, board: Any) -> str:
        return str(self.scheduled[0].get_absolute_url())

    def form_context(self, form: Any, board: Any, outcome: Any) -> dict[str, Any]:
        return {
            **super().form_context(form, board, outcome),
            "heading": f"Schedule a meeting of {board}",
            "back": board.get_absolute_url(),
        }


board_list = BoardListView.as_view()
board_detail = BoardView.as_view()
board_history = BoardHistoryView.as_view()
board_edit = BoardEditView.as_view()
board_member = MemberView.as_view()
board_schedule = ScheduleView.as_view()


# Meetings ----------------------------------------------------------------------------------------


class MeetingListView(ObjectListView):
    model = Meeting
    template_name = "governance/meeting_list.html"
    search = ("board__name", "location")
    heading = "Meetings"

    def get_queryset(self) -> QuerySet[Meeting]:
        return selectors.meeting_list(user=self.request.user).prefetch_related(None)

    def columns(self) -> Sequence[Column]:
        return (
            Column("meeting", "Meeting", lambda m: m, "-starts_at", "link"),
            Column("board", "Board", attr("board.name"), "board__name"),
            Column("status", "Status", label("status"), "status", "status"),
            Column("items", "Items", attr("item_count"), "item_count", "number"),
            Column("location", "Where", attr("location"), "location"),
        )


class MeetingPage:
    model = Meeting
    key = "pk"
    not_found = NOT_FOUND
    context_object_name = "meeting"

    def get_queryset(self) -> Any:
        return selectors.meeting_list(user=self.request.user)  # type: ignore[attr-defined]


class MeetingView(MeetingPage, ObjectView):
    """A meeting: its agenda with each item's paper, minutes, decisions and actions; the
    attendance and quorum; and the steps the meeting's table allows."""

    template_name = "governance/meeting_detail.html"

    def get_object(self) -> Any:
        key = self.kwargs[self.key]
        try:
            return selectors.meeting_get(user=self.request.user, pk=key)
        except Meeting.DoesNotExist:
            return found_or_404(Meeting.objects.none(), "meeting", key, message=NOT_FOUND, pk=key)

    def object_context(self, meeting: Any) -> dict[str, Any]:
        present, needed = services.quorum(meeting)
        return {
            **super().object_context(meeting),
            "allowed": MEETING.allowed_actions(meeting, self.request.user),
            "items": list(meeting.items.all()),
            "seats": selectors.seats(meeting),
            "present": present,
            "needed": needed,
            "quorate": present >= needed,
        }


class MeetingHistoryView(MeetingPage, ObjectHistoryView):
    template_name = "governance/history.html"


def invitation(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting's invitation as an .ics file (the items the reader may see)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    meeting = found_or_404(selectors.meeting_list(user=request.user), "meeting", pk, message=NOT_FOUND, pk=pk)
    items = list(
        selectors.agenda_item_list(user=request.user).filter(meeting=meeting).order_by("order", "pk")
    )
    host = request.build_absolute_uri("/").rstrip("/")
    body = meeting_calendar(meeting, items, list(meeting.board.members.all()), host)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.starts_at:%Y-%m-%d}.ics"'
    return response


class MeetingStepView(MeetingPage, WorkflowStepView):
    template_name = "governance/form.html"
    workflow = MEETING

    def form_context(self, form: Any, meeting: Any, outcome: Any) -> dict[str, Any]:
        context = super().form_context(form, meeting, outcome)
        return {**context, "back": meeting.get_absolute_url()}


class ItemAddView(MeetingStepView):
    step, heading, submit_label = "agenda", "Add an item to {meeting}", "Add"

    def get_form(self, meeting: Any, data: Any = None) -> Any:
        return ItemForm(data)

    def save(self, form: Any, meeting: Any) -> Any:
        fields = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        self.item = services.agenda_item_add(actor=self.request.user, meeting=meeting, fields=fields)
        return meeting

    def success_message(self, meeting: Any) -> str:
        return ITEM_ADDED.format(item=self.item)


class AttendanceView(MeetingStepView):
    step, heading, submit_label = "record", "Attendance at {meeting}", "Save the attendance"

    def get_queryset(self) -> Any:
        return super().get_queryset().prefetch_related("attendance")

    def get_form(self, meeting: Any, data: Any = None) -> Any:
        return AttendanceForm(data, meeting=meeting)

    def save(self, form: Any, meeting: Any) -> Any:
        services.meeting_attendance_record(
            actor=self.request.user, meeting=meeting, attendance=form.attendance()
        )
        return meeting

    def success_message(self, meeting: Any) -> str:
        fresh = (
            selectors.meeting_list(user=self.request.user).prefetch_related("attendance").get(pk=meeting.pk)
        )
        present, needed = services.quorum(fresh)
        return ATTENDANCE_SAVED.format(present=present, quorum=needed)


class CancelView(MeetingStepView):
    step, heading, submit_label = "cancel", "Cancel {meeting}", "Cancel the meeting"

    def get_form(self, meeting: Any, data: Any = None) -> Any:
        return CancelForm(data, record=meeting)

    def save(self, form: Any, meeting: Any) -> Any:
        return services.meeting_cancel(
            actor=self.request.user, meeting=meeting, reason=form.cleaned_data["reason"],
            expected_version=expected_version(form),
        )  # fmt: skip

    def success_message(self, meeting: Any) -> str:
        return CANCELLED.format(meeting=meeting)


class MeetingActionView(MeetingPage, ObjectActionView):
    def ensure_allowed(self, meeting: Any) -> None:
        """The service judges the step by the meeting's table."""


class BuildView(MeetingActionView):
    def act(self, meeting: Any, version: int | None) -> Any:
        self.added = services.meeting_agenda_build(actor=self.request.user, meeting=meeting)
        return meeting

    def success_message(self, meeting: Any) -> str:
        return BUILT.format(count=len(self.added))


class IssueView(MeetingActionView):
    def act(self, meeting: Any, version: int | None) -> Any:
        return services.meeting_agenda_issue(
            actor=self.request.user, meeting=meeting, expected_version=version
        )

    def success_message(self, meeting: Any) -> str:
        return ISSUED.format(meeting=meeting)


class HoldView(MeetingActionView):
    def act(self, meeting: Any, version: int | None) -> Any:
        return services.meeting_hold(actor=self.request.user, meeting=meeting, expected_version=version)

    def success_message(self, meeting: Any) -> str:
        return HELD.format(meeting=meeting)


class ApproveView(MeetingActionView):
    def act(self, meeting: Any, version: int | None) -> Any:
        return services.meeting_minutes_approve(
            actor=self.request.user, meeting=meeting, expected_version=version
        )

    def success_message(self, meeting: Any) -> str:
        return APPROVED.format(meeting=meeting)


meeting_list = MeetingListView.as_view()
meeting_detail = MeetingView.as_view()
meeting_history = MeetingHistoryView.as_view()
meeting_item_add = ItemAddView.as_view()
meeting_attendance = AttendanceView.as_view()
meeting_cancel = CancelView.as_view()
meeting_build = BuildView.as_view()
meeting_issue = IssueView.as_view()
meeting_hold = HoldView.as_view()
meeting_approve = ApproveView.as_view()


# An agenda item ----------------------------------------------------------------------------------


class ItemPage:
    model = AgendaItem
    key = "pk"
    not_found = NOT_FOUND
    context_object_name = "item"

    def get_queryset(self) -> Any:
        return selectors.agenda_item_list(user=self.request.user)  # type: ignore[attr-defined]


class ItemStepView(ItemPage, ObjectEditView):
    """A form against an agenda item, taken while the meeting's table allows recording."""

    template_name = "governance/form.html"
    heading = ""

    @cached_property
    def meeting(self) -> Meeting:
        return selectors.meeting_list(user=self.request.user).get(pk=self.get_object().meeting_id)

    def refusal(self, item: Any) -> HttpResponse | None:
        return refused_page(self.request, MEETING, self.meeting, "record")

    def success_url(self, saved: Any) -> str:
        return self.meeting.get_absolute_url()

    def form_context(self, form: Any, item: Any, outcome: Any) -> dict[str, Any]:
        return {
            **super().form_context(form, item, outcome),
            "heading": self.heading.format(item=item),
            "back": self.meeting.get_absolute_url(),
        }


class MinuteView(ItemStepView):
    heading = "Minute “{item}”"

    def get_form(self, item: Any, data: Any = None) -> Any:
        return MinuteForm(data)

    def save(self, form: Any, item: Any) -> Any:
        data = form.cleaned_data
        services.minute_record(
            actor=self.request.user, item=item, kind=data["kind"], text=data["text"], owner=data["owner"],
            due=data["due"],
        )  # fmt: skip
        return item

    def success_message(self, item: Any) -> str:
        return MINUTED.format(item=item)


class GateDecisionView(ItemStepView):
    heading = "The board's decision: {item}"

    def get_form(self, item: Any, data: Any = None) -> Any:
        return GateDecisionForm(data, record=item.gate_review, project=item.project)

    def save(self, form: Any, item: Any) -> Any:
        data = form.cleaned_data
        services.agenda_item_decide_gate(
            actor=self.request.user, item=item, outcome=data["outcome"], notes=data["decision_notes"],
            conditions=form.conditions(),
        )  # fmt: skip
        return item

    def success_message(self, item: Any) -> str:
        return MINUTED.format(item=item)


class ChangeDecisionView(ItemStepView):
    heading = "The board's decision: {item}"

    def get_form(self, item: Any, data: Any = None) -> Any:
        return ChangeDecisionForm(data)

    def save(self, form: Any, item: Any) -> Any:
        data = form.cleaned_data
        services.agenda_item_decide_change(
            actor=self.request.user, item=item, decision=data["decision"], notes=data["notes"]
        )
        return item

    def success_message(self, item: Any) -> str:
        return MINUTED.format(item=item)


class ItemChangeView(ItemStepView):
    heading = "Change “{item}”"

    def refusal(self, item: Any) -> HttpResponse | None:
        return refused_page(self.request, MEETING, self.meeting, "agenda")

    def get_form(self, item: Any, data: Any = None) -> Any:
        return ItemChangeForm(data, instance=item)

    def save(self, form: Any, item: Any) -> Any:
        version = expected_version(form)
        return services.agenda_item_update(
            actor=self.request.user, item=item, fields=form.values(), expected_version=version
        )

    def success_message(self, item: Any) -> str:
        return ITEM_CHANGED.format(item=item)


class ItemRemoveView(ItemPage, ObjectActionView):
    action = "delete"

    def ensure_allowed(self, item: Any) -> None:
        """The service judges the step by the meeting's table."""

    def act(self, item: Any, version: int | None) -> Any:
        services.agenda_item_remove(actor=self.request.user, item=item, expected_version=version)

    def success_message(self, item: Any) -> str:
        return ITEM_REMOVED.format(item=item)

    def success_url(self, item: Any) -> str:
        return str(item.meeting.get_absolute_url())


class ConcludeView(ItemPage, ObjectActionView):
    concluded = True

    def ensure_allowed(self, item: Any) -> None:
        """The service judges the step by the meeting's table."""

    def act(self, item: Any, version: int | None) -> Any:
        return services.agenda_item_conclude(
            actor=self.request.user, item=item, concluded=self.concluded, expected_version=version
        )

    def success_message(self, item: Any) -> str:
        return (CONCLUDED if self.concluded else CARRIED).format(item=item)

    def success_url(self, item: Any) -> str:
        return str(item.get_absolute_url())


class CarryView(ConcludeView):
    concluded = False


item_minute = MinuteView.as_view()
item_gate = GateDecisionView.as_view()
item_change = ChangeDecisionView.as_view()
item_conclude = ConcludeView.as_view()
item_carry = CarryView.as_view()
item_change_details = ItemChangeView.as_view()
item_remove = ItemRemoveView.as_view()
