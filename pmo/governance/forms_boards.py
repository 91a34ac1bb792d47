"""Forms of the boards' and meetings' pages. A form checks what the person typed; saving goes
through ``pmo.governance.services_boards``, which checks permissions, the meeting's state, the
quorum and versions, and writes history."""

from typing import Any

from django import forms

from pmo.change.choices import Decision as ChangeDecision
from pmo.core.text_limits import model_text_form_field
from pmo.governance.choices import AGENDA_FEEDS, AttendanceStatus, MemberRole, MinuteKind
from pmo.governance.forms import RADIO, DecideForm
from pmo.governance.models import AgendaItem, Board, Meeting, Minute
from pmo.governance.services_boards import BOARD_FIELDS
from pmo.portfolio.forms import DATE, LONG_TEXT, SHORT_TEXT, VersionedForm, VersionedModelForm, ticks_for_some
from pmo.portfolio.models import Person

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class BoardForm(VersionedModelForm):
    feeds = ticks_for_some(
        [(feed.value, feed.label) for feed in AGENDA_FEEDS],
        label="Agenda feeds",
        help_text="None ticked: all of them.",
    )

    class Meta:
        model = Board
        fields = sorted(BOARD_FIELDS)
        widgets = {"terms_of_reference": LONG_TEXT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False

    def _post_clean(self) -> None:
        """The service validates the record as it would be saved."""


class MemberForm(forms.Form):
    person = forms.ModelChoiceField(Person.objects.order_by("name"))
    role = forms.ChoiceField(choices=MemberRole.choices, widget=RADIO)


class MeetingForm(forms.ModelForm):
    """A meeting of the board: when (and, unless the board's usual ones, where and how long),
    or a series of ``count`` meetings by the board's cadence."""

    count = forms.IntegerField(
        label="Meetings in the series", min_value=1, max_value=24, initial=1,
        help_text="More than one: a series, one every step of the board's cadence.",
    )  # fmt: skip

    class Meta:
        model = Meeting
        fields = ["starts_at", "location", "duration_minutes"]
        widgets = {"starts_at": DATETIME}

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["location"].initial = board.location
        self.fields["duration_minutes"].initial = board.duration_minutes

    def _post_clean(self) -> None:
        """The service validates the record as it would be saved."""


class ItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "paper", "paper_url", "project", "presenter"]
        widgets = {"paper": LONG_TEXT}

    def _post_clean(self) -> None:
        """The service validates the record as it would be saved."""


class ItemChangeForm(VersionedModelForm):
    """An agenda item changed while the agenda is open (where it stands, its title and paper)."""

    class Meta:
        model = AgendaItem
        fields = ["order", "title", "paper", "paper_url", "presenter"]
        widgets = {"paper": LONG_TEXT}

    def _post_clean(self) -> None:
        """The service validates the record as it would be saved."""


class AttendanceForm(VersionedForm):
    """Each member's attendance (one radio group per member)."""

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, record=meeting, **kwargs)
        self.fields["version"].required = False
        recorded = {a.member_id: a.status for a in meeting.attendance.all()}
        self.members = list(meeting.board.members.all())
        for member in self.members:
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                choices=AttendanceStatus.choices,
                label=f"{member.person} ({member.get_role_display()})",
                widget=RADIO,
                required=False,
                initial=recorded.get(member.pk),
            )

    def attendance(self) -> dict[Any, str]:
        return {
            m: self.cleaned_data[f"member_{m.pk}"]
            for m in self.members
            if self.cleaned_data.get(f"member_{m.pk}")
        }


class MinuteForm(forms.Form):
    kind = forms.ChoiceField(choices=MinuteKind.choices, widget=RADIO, initial=MinuteKind.NOTE)
    text = model_text_form_field(Minute, "text", label="Minute", widget=SHORT_TEXT)
    owner = forms.ModelChoiceField(
        Person.objects.order_by("name"), required=False, label="Action owner", help_text="For an action."
    )
    due = forms.DateField(required=False, widget=DATE, label="Action due", help_text="For an action.")


class GateDecisionForm(DecideForm):
    """The board's decision on the gate review on the item (as the gate's own decision form)."""


class ChangeDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=ChangeDecision.choices, widget=RADIO)
    notes = model_text_form_field(Minute, "text", label="Reasons", widget=LONG_TEXT)


class CancelForm(VersionedForm):
    reason = model_text_form_field(Meeting, "cancel_reason", label="Why", required=False, widget=SHORT_TEXT)
