"""Boards and meetings over REST (``/api/v1/``): ``boards`` (their members; the PMO sets them
up, the PMO or the secretary ``schedule``s meetings), ``meetings`` through their workflow
(``build`` the agenda, ``issue`` it, record ``attendance``, ``hold``, ``approve`` the minutes,
``cancel``), each with its ``actions`` from the meeting's table and its ``history``;
``agenda-items`` (added by hand with ``POST``; ``minute``, ``decide-gate``, ``decide-change``,
``conclude``, ``carry`` while the meeting records) and ``minutes`` (read: what was recorded,
with the RAID decision or action each made). Reads go through
``pmo.governance.selectors_boards``, writes through ``pmo.governance.services_boards``."""

from typing import Any, ClassVar

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.change.choices import Decision as ChangeDecision
from pmo.core.api import model_text, optional_expected_version
from pmo.core.filters import FilterSet
from pmo.core.workflow import ActionsField
from pmo.governance import selectors_boards as selectors
from pmo.governance import services_boards as services
from pmo.governance.api import ConditionBodySerializer
from pmo.governance.choices import (
    AGENDA_FEEDS,
    AgendaSource,
    AttendanceStatus,
    ItemStatus,
    MeetingStatus,
    MemberRole,
    MinuteKind,
    Outcome,
)
from pmo.governance.models import AgendaItem, Board, BoardMember, Meeting, Minute
from pmo.governance.workflows import MEETING
from pmo.portfolio.api import IF_MATCH, UPDATE_ERRORS, WRITE_ERRORS, ProjectCodeField, VersionedSerializer
from pmo.portfolio.api_records import RecordViewSet, action_schema, change_schemas, user_name
from pmo.portfolio.models import Person

VERSION_HELP = "The version of the meeting you are changing (or send an If-Match header)."


class MemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = BoardMember
        fields = ["id", "person", "name", "role"]


class BoardSerializer(VersionedSerializer):
    """A governance board: terms of reference, cadence, quorum (voting members present), what
    it oversees and the agenda feeds it reads (empty: all), with its members."""

    url = serializers.HyperlinkedIdentityField(view_name="api:board-detail")
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)
    project = ProjectCodeField(required=False, allow_null=True)
    members = MemberSerializer(many=True, read_only=True)
    feeds = serializers.ListField(
        child=serializers.ChoiceField(choices=[(feed.value, feed.label) for feed in AGENDA_FEEDS]),
        required=False,
        help_text="The agenda feeds the board reads from the live portfolio (empty: all).",
    )

    class Meta:
        model = Board
        fields = [
            "id", "url", "web_url", "name", "kind", "terms_of_reference", "cadence", "quorum", "portfolio",
            "project", "feeds", "location", "duration_minutes", "members", "version", "updated_at",
        ]  # fmt: skip


class SeatSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), help_text="The person's id.")
    role = serializers.ChoiceField(choices=MemberRole.choices)


class ScheduleSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    count = serializers.IntegerField(
        min_value=1, max_value=services.MOST_IN_SERIES, default=1,
        help_text="More than one: a series, one every step of the board's cadence.",
    )  # fmt: skip


class AttendanceRowSerializer(serializers.Serializer):
    member = serializers.PrimaryKeyRelatedField(
        queryset=BoardMember.objects.all(), help_text="The seat's id."
    )
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)


class AttendanceSerializer(serializers.Serializer):
    attendance = AttendanceRowSerializer(many=True)


class CancelSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)
    reason = model_text(Meeting, "cancel_reason", required=False, allow_blank=True, default="")


class MeetingSerializer(VersionedSerializer):
    """A board's meeting: when and where, its state and what the signed-in user may do to it
    (``actions``), how many agenda items it has, and whether it is quorate."""

    url = serializers.HyperlinkedIdentityField(view_name="api:meeting-detail")
    reference = serializers.CharField(read_only=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)
    board_name = serializers.CharField(source="board.name", read_only=True)
    item_count = serializers.IntegerField(read_only=True)
    actions = ActionsField(MEETING)
    minutes_approved_by_name = user_name("minutes_approved_by")

    class Meta:
        model = Meeting
        fields = [
            "id", "url", "reference", "web_url", "board", "board_name", "starts_at", "duration_minutes",
            "location", "status", "actions", "item_count", "agenda_issued_at", "held_at",
            "minutes_approved_by", "minutes_approved_by_name", "minutes_approved_at", "cancel_reason",
            "version", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "board", "status", "agenda_issued_at", "held_at", "minutes_approved_by", "minutes_approved_at",
            "cancel_reason",
        ]  # fmt: skip


class BoardFilter(FilterSet):
    kind = django_filters.CharFilter()

    class Meta:
        model = Board
        fields: ClassVar[list[str]] = []


@extend_schema_view(
    create=extend_schema(request=BoardSerializer, responses={201: BoardSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(parameters=[IF_MATCH], responses={200: BoardSerializer, **UPDATE_ERRORS}),
    members=action_schema(BoardSerializer, SeatSerializer),
)
@extend_schema(tags=["boards"])
class BoardViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, RecordViewSet):
    """Governance boards. The PMO sets one up (``POST``) and changes it (``PATCH``); ``members``
    gives a person a seat (or changes their role); ``schedule`` adds a meeting, or a series by
    the board's cadence."""

    queryset = Board.objects.none()
    serializer_class = BoardSerializer
    filterset_class = BoardFilter
    search_fields = ["name", "terms_of_reference"]
    ordering_fields = ["name"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Board]:
        return selectors.board_list(user=self.request.user).order_by("name", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        board = services.board_create(actor=self.actor, fields=dict(serializer.validated_data))
        return self._represent(board, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        version, fields = self._changes(instance, partial=True)
        board = services.board_update(
            actor=self.actor, board=instance, fields=fields, expected_version=version
        )
        return self._represent(board)

    @action(detail=True, methods=["post"], filter_backends=[])
    def members(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Give a person a seat on the board in a role (or change their role)."""
        board = self.get_object()
        body = self._body(SeatSerializer)
        services.board_member_set(actor=self.actor, board=board, person=body["person"], role=body["role"])
        return self._represent(board)

    @extend_schema(request=ScheduleSerializer, responses={201: MeetingSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], filter_backends=[])
    def schedule(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Schedule a meeting of the board (``count`` > 1: a series by its cadence); answers
        with the first."""
        board = self.get_object()
        body = self._body(ScheduleSerializer)
        if body["count"] > 1:
            meetings = services.meeting_series_schedule(
                actor=self.actor, board=board, first=body["starts_at"], count=body["count"]
            )
        else:
            meetings = [services.meeting_schedule(actor=self.actor, board=board, starts_at=body["starts_at"])]
        shaped = selectors.meeting_list(user=request.user).get(pk=meetings[0].pk)
        data = MeetingSerializer(shaped, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


class MeetingFilter(FilterSet):
    board = django_filters.NumberFilter(field_name="board_id")
    status = django_filters.MultipleChoiceFilter(choices=MeetingStatus.choices, distinct=False)
    starts_after = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte")
    starts_before = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte")

    class Meta:
        model = Meeting
        fields: ClassVar[list[str]] = []


@extend_schema_view(
    partial_update=extend_schema(parameters=[IF_MATCH], responses={200: MeetingSerializer, **UPDATE_ERRORS}),
    build=action_schema(MeetingSerializer, None),
    issue=action_schema(MeetingSerializer),
    attendance=action_schema(MeetingSerializer, AttendanceSerializer),
    hold=action_schema(MeetingSerializer),
    approve=action_schema(MeetingSerializer),
    cancel=action_schema(MeetingSerializer, CancelSerializer),
)
@extend_schema(tags=["meetings"])
class MeetingViewSet(mixins.UpdateModelMixin, RecordViewSet):
    """Board meetings (``board=ID`` for one board's). Scheduled through the board's
    ``schedule``; then ``build`` fills the agenda from the live portfolio, ``issue`` sends it
    with the papers and invitation, ``attendance`` records who is there (decisions need the
    quorum), ``hold`` records it held and the chair ``approve``s the minutes (then frozen)."""

    queryset = Meeting.objects.none()
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    search_fields = ["board__name", "location"]
    ordering_fields = ["starts_at", "status"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Meeting]:
        return selectors.meeting_list(user=self.request.user).order_by("-starts_at", "-pk")

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        version, fields = self._changes(instance, partial=True)
        meeting = services.meeting_update(
            actor=self.actor, meeting=instance, fields=fields, expected_version=version
        )
        return self._represent(meeting)

    @action(detail=True, methods=["post"], filter_backends=[])
    def build(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Fill the agenda from what needs the board (and the previous meeting's open items)."""
        meeting = self.get_object()
        services.meeting_agenda_build(actor=self.actor, meeting=meeting)
        return self._represent(meeting)

    @action(detail=True, methods=["post"], filter_backends=[])
    def issue(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Issue the agenda: the members get it by e-mail with the papers and the invitation."""
        return self._step(services.meeting_agenda_issue, meeting=self.get_object())

    @action(detail=True, methods=["post"], filter_backends=[])
    def attendance(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record who is present, sent apologies or is absent."""
        meeting = self.get_object()
        body = self._body(AttendanceSerializer)
        rows = {row["member"]: row["status"] for row in body["attendance"]}
        services.meeting_attendance_record(actor=self.actor, meeting=meeting, attendance=rows)
        return self._represent(meeting)

    @action(detail=True, methods=["post"], filter_backends=[])
    def hold(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record the meeting as held: its minutes go to the chair."""
        return self._step(services.meeting_hold, meeting=self.get_object())

    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The chair approves the minutes: from then on they are frozen."""
        return self._step(services.meeting_minutes_approve, meeting=self.get_object())

    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Cancel the meeting before it is held, saying why."""
        meeting = self.get_object()
        body = self._body(CancelSerializer)
        return self._step(services.meeting_cancel, meeting=meeting, reason=body["reason"])


class AgendaItemSerializer(VersionedSerializer):
    """An item of a meeting's agenda: where it came from (``source``: by hand, carried forward,
    or a feed of the live portfolio), its paper, the project and record it brings (a gate
    review, a change request or an exception, by id) and whether it is concluded."""

    url = serializers.HyperlinkedIdentityField(view_name="api:agenda-item-detail")
    meeting = serializers.PrimaryKeyRelatedField(
        queryset=Meeting.objects.all(), help_text="The meeting's id."
    )
    project = ProjectCodeField(required=False, allow_null=True)

    class Meta:
        model = AgendaItem
        fields = [
            "id", "url", "meeting", "order", "source", "title", "paper", "paper_url", "project", "presenter",
            "gate_review", "change_request", "exception", "carried_from", "status", "version", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["source", "gate_review", "change_request", "exception", "carried_from", "status"]


class MinuteBodySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MinuteKind.choices)
    text = model_text(Minute, "text")
    owner = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, allow_null=True, help_text="An action's owner."
    )
    due = serializers.DateField(required=False, allow_null=True, help_text="An action's due date.")


class BoardGateDecisionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    notes = model_text(Minute, "text", required=False, allow_blank=True, default="")
    conditions = ConditionBodySerializer(many=True, required=False, default=list)


class BoardChangeDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ChangeDecision.choices)
    notes = model_text(Minute, "text", required=False, allow_blank=True, default="")


class MinuteSerializer(serializers.ModelSerializer):
    """What a meeting recorded against an item: a minute, a decision (with its RAID decision)
    or an action (with its RAID action)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:minute-detail")
    meeting = serializers.IntegerField(source="item.meeting_id", read_only=True)
    decision = serializers.CharField(
        source="decision.reference", read_only=True, allow_null=True, default=None
    )
    action = serializers.CharField(source="action.reference", read_only=True, allow_null=True, default=None)
    recorded_by_name = user_name("recorded_by")

    class Meta:
        model = Minute
        fields = [
            "id", "url", "item", "meeting", "kind", "text", "outcome", "decision", "action", "recorded_by",
            "recorded_by_name", "created_at",
        ]  # fmt: skip


class AgendaItemFilter(FilterSet):
    meeting = django_filters.NumberFilter(field_name="meeting_id")
    source = django_filters.MultipleChoiceFilter(choices=AgendaSource.choices, distinct=False)
    status = django_filters.MultipleChoiceFilter(choices=ItemStatus.choices, distinct=False)
    project = django_filters.CharFilter(
        field_name="project__code", lookup_expr="iexact", label="Project code (in any case)"
    )

    class Meta:
        model = AgendaItem
        fields: ClassVar[list[str]] = []


class AgendaItemChangeSerializer(AgendaItemSerializer):
    """On a change, the item stays on its meeting."""

    meeting = serializers.PrimaryKeyRelatedField(read_only=True)


@extend_schema_view(
    **change_schemas(AgendaItemSerializer, AgendaItemChangeSerializer, deletable=True),
    minute=action_schema(MinuteSerializer, MinuteBodySerializer),
    decide_gate=action_schema(MinuteSerializer, BoardGateDecisionSerializer),
    decide_change=action_schema(MinuteSerializer, BoardChangeDecisionSerializer),
    conclude=action_schema(AgendaItemSerializer),
    carry=action_schema(AgendaItemSerializer),
)
@extend_schema(tags=["agenda-items"])
class AgendaItemViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, RecordViewSet):
    """Agenda items (``meeting=ID`` for one meeting's). Add one by hand with ``POST``, change it
    with ``PATCH`` or take it off with ``DELETE`` while the agenda is open; while the meeting
    records, ``minute`` records a minute, decision or action against it, ``decide-gate`` and
    ``decide-change`` record the board's decision on the record it brings, and ``conclude`` or
    ``carry`` (to the next meeting) closes it."""

    queryset = AgendaItem.objects.none()
    serializer_class = AgendaItemSerializer
    change_serializer_class = AgendaItemChangeSerializer
    filterset_class = AgendaItemFilter
    search_fields = ["title", "paper"]
    ordering_fields = ["order", "meeting"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[AgendaItem]:
        return selectors.agenda_item_list(user=self.request.user).order_by("meeting", "order", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        meeting = fields.pop("meeting")
        item = services.agenda_item_add(actor=self.actor, meeting=meeting, fields=fields)
        return self._represent(item, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        version, fields = self._changes(instance, partial=kwargs.pop("partial", False))
        item = services.agenda_item_update(
            actor=self.actor, item=instance, fields=fields, expected_version=version
        )
        return self._represent(item)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.agenda_item_remove(
            actor=self.actor, item=self.get_object(), expected_version=optional_expected_version(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _minute(self, minute: Minute) -> Response:
        shaped = selectors.minute_list(user=self.request.user).get(pk=minute.pk)
        return Response(MinuteSerializer(shaped, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"], filter_backends=[])
    def minute(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record a minute, a decision (the meeting must be quorate; it goes into the RAID
        decision log) or an action (owner and due; a RAID action)."""
        item = self.get_object()
        body = self._body(MinuteBodySerializer)
        return self._minute(
            services.minute_record(
                actor=self.actor, item=item, kind=body["kind"], text=body["text"], owner=body.get("owner"),
                due=body.get("due"),
            )
        )  # fmt: skip

    @action(detail=True, methods=["post"], filter_backends=[], url_path="decide-gate")
    def decide_gate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The board decides the gate review the item brings (the meeting quorate)."""
        item = self.get_object()
        body = self._body(BoardGateDecisionSerializer)
        return self._minute(
            services.agenda_item_decide_gate(
                actor=self.actor, item=item, outcome=body["outcome"], notes=body["notes"],
                conditions=body["conditions"],
            )
        )  # fmt: skip

    @action(detail=True, methods=["post"], filter_backends=[], url_path="decide-change")
    def decide_change(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The board decides the change request the item brings (recorded by the PMO head)."""
        item = self.get_object()
        body = self._body(BoardChangeDecisionSerializer)
        return self._minute(
            services.agenda_item_decide_change(
                actor=self.actor, item=item, decision=body["decision"], notes=body["notes"]
            )
        )

    @action(detail=True, methods=["post"], filter_backends=[])
    def conclude(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The item is concluded."""
        return self._step(services.agenda_item_conclude, item=self.get_object(), concluded=True)

    @action(detail=True, methods=["post"], filter_backends=[])
    def carry(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The item is not concluded: it comes forward to the board's next meeting."""
        return self._step(services.agenda_item_conclude, item=self.get_object(), concluded=False)


class MinuteFilter(FilterSet):
    meeting = django_filters.NumberFilter(field_name="item__meeting_id")
    kind = django_filters.MultipleChoiceFilter(choices=MinuteKind.choices, distinct=False)

    class Meta:
        model = Minute
        fields: ClassVar[list[str]] = []


@extend_schema(tags=["minutes"])
class MinuteViewSet(RecordViewSet):
    """The minutes of every meeting (``meeting=ID`` for one): minutes, decisions and actions,
    each with the RAID decision or action it made. Recorded through the agenda items."""

    queryset = Minute.objects.none()
    serializer_class = MinuteSerializer
    filterset_class = MinuteFilter
    search_fields = ["text"]
    ordering_fields = ["created_at"]
    http_method_names = ["get", "head", "options"]

    def get_queryset(self) -> QuerySet[Minute]:
        return selectors.minute_list(user=self.request.user).order_by("item__meeting", "item__order", "pk")
