"""Forms of change control's pages. A form checks what the person typed; saving goes through the
change services, which check permissions, states, the delegated limits and versions, and write
history. Every form that changes a record carries the version it was read at."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from pmo.change.choices import Authority, ChangeStatus, ChangeType, Decision
from pmo.change.models import ChangeRequest, ChangeSettings
from pmo.change.services import ASSESS_FIELDS, SETTINGS_FIELDS
from pmo.core.text_limits import model_text_form_field
from pmo.portfolio.forms import LONG_TEXT, SHORT_TEXT, VersionedForm, VersionedModelForm
from pmo.portfolio.models import Portfolio, Project
from pmo.raid.choices import IssueType
from pmo.raid.models import Issue

# The order the raise and assess forms show their fields in.
RAISE_ORDER = ("title", "change_type", "description", "reason", "issue")
ASSESS_ORDER = (
    "impact_days",
    "impact_cost",
    "impact_benefits",
    "impact_scope",
    "impact_risks",
    "options",
    "recommendation",
)
assert set(ASSESS_ORDER) == ASSESS_FIELDS
TEXT_WIDGETS = {
    "description": LONG_TEXT,
    "reason": SHORT_TEXT,
    "impact_scope": SHORT_TEXT,
    "impact_risks": SHORT_TEXT,
    "options": LONG_TEXT,
    "recommendation": SHORT_TEXT,
}


def rfc_issues(project: Project) -> QuerySet[Issue]:
    """The project's request-for-change issues, the ones a change request may come from."""
    return Issue.objects.filter(project=project, issue_type=IssueType.REQUEST_FOR_CHANGE).order_by("-pk")


def _issue_field(form: forms.BaseForm, project: Project) -> None:
    """The issue a change comes from: offered from the project's requests for change; any issue
    posted is handed to the service, which says why one that does not fit cannot be linked."""
    field = cast(forms.ModelChoiceField, form.fields["issue"])
    field.label = "From issue"
    field.queryset = Issue.objects.all()
    field.widget.choices = [("", "None"), *((i.pk, str(i)) for i in rfc_issues(project))]
    field.help_text = "A request-for-change issue of this project that this change answers (optional)."


class ChangeRaiseForm(forms.ModelForm):
    """A new change request: what, why, of which kind (and the issue it comes from, if any)."""

    class Meta:
        model = ChangeRequest
        fields = list(RAISE_ORDER)
        widgets = TEXT_WIDGETS

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _issue_field(self, project)

    def _post_clean(self) -> None:
        """The service validates the whole record (the project is not on the form)."""

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in RAISE_ORDER}


class ChangeUpdateForm(VersionedModelForm):
    """Correct a change request before it is decided; once assessed, its impact too (the
    delegated limits are then applied again)."""

    class Meta:
        model = ChangeRequest
        fields = [*RAISE_ORDER, *ASSESS_ORDER]
        widgets = TEXT_WIDGETS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _issue_field(self, self.instance.project)
        if self.instance.status == ChangeStatus.RAISED:
            for name in ASSESS_ORDER:
                del self.fields[name]

    def _post_clean(self) -> None:
        """The service validates the record as it would be saved."""

    def raise_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in RAISE_ORDER]

    def assess_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ASSESS_ORDER if name in self.fields]


class ChangeAssessForm(VersionedModelForm):
    """The impact on time, cost, benefits, scope and risks, the options and a recommendation."""

    class Meta:
        model = ChangeRequest
        fields = list(ASSESS_ORDER)
        widgets = TEXT_WIDGETS

    def _post_clean(self) -> None:
        """The service validates the record as it would be saved."""


class ChangeDecideForm(VersionedForm):
    decision = forms.ChoiceField(
        choices=Decision.choices, widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )
    decision_notes = model_text_form_field(
        ChangeRequest,
        "decision_notes",
        label="Decision notes",
        required=False,
        widget=LONG_TEXT,
        help_text="The reasons for the decision, and any conditions.",
    )


class ChangeImplementForm(VersionedForm):
    implementation_notes = model_text_form_field(
        ChangeRequest,
        "implementation_notes",
        label="Implementation notes",
        required=False,
        widget=SHORT_TEXT,
        help_text="What was done, and where.",
    )


class ChangeSettingsForm(VersionedModelForm):
    class Meta:
        model = ChangeSettings
        fields = sorted(SETTINGS_FIELDS)


class ChangeFilter(forms.Form):
    """The change log's filters; each one left empty does not filter."""

    portfolio = forms.ModelChoiceField(
        queryset=Portfolio.objects.order_by("name"), required=False, empty_label="All portfolios"
    )
    project = forms.CharField(label="Project code", required=False, max_length=30)
    status = forms.ChoiceField(choices=[("", "Any status"), *ChangeStatus.choices], required=False)
    change_type = forms.ChoiceField(
        label="Type", choices=[("", "Any type"), *ChangeType.choices], required=False
    )
    authority = forms.ChoiceField(
        label="Approval needed from", choices=[("", "Anyone"), *Authority.choices], required=False
    )
    mine = forms.BooleanField(label="Awaiting my decision", required=False)
