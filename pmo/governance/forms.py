"""Forms of the gates' pages. A form checks what the person typed; saving goes through the
governance services, which check permissions, states, authority and versions, and write history."""

from typing import Any

from django import forms

from pmo.core.text_limits import model_text_form_field
from pmo.governance.choices import Outcome, ReviewStatus
from pmo.governance.models import Gate, GateAssessment, GateEvidence, GateReview, StageOverride
from pmo.governance.services import EVIDENCE_FIELDS, GATE_FIELDS
from pmo.portfolio.choices import Methodology, SizeTier
from pmo.portfolio.forms import LONG_TEXT, SHORT_TEXT, VersionedForm, VersionedModelForm, ticks_for_some
from pmo.portfolio.models import LifecycleStage, Person, Project

CONDITION_ROWS = 3
RADIO = forms.RadioSelect(attrs={"class": "form-check-input"})


class GateForm(VersionedModelForm):
    class Meta:
        model = Gate
        fields = sorted(GATE_FIELDS)
        widgets = {"criteria": LONG_TEXT}


class EvidenceForm(forms.ModelForm):
    """A piece of evidence a gate asks for, for some size tiers and methodologies (none: all)."""

    size_tiers = ticks_for_some(SizeTier.choices)
    methodologies = ticks_for_some(Methodology.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = GateEvidence
        fields = [
            "name",
            "description",
            "kind",
            "automatic",
            "within_days",
            "size_tiers",
            "methodologies",
            "order",
        ]
        widgets = {"description": SHORT_TEXT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else None
        self.fields["within_days"].required = False  # only the RAID check reads it: its default else

    def _post_clean(self) -> None:
        """The service validates the record as it would be saved."""

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in EVIDENCE_FIELDS if data.get(name) is not None}


class ConfirmForm(VersionedForm):
    link = forms.URLField(
        assume_scheme="https",
        required=False,
        max_length=500,
        help_text="Where the document is (SharePoint, a file share…).",
    )
    note = model_text_form_field(
        GateReview, "decision_notes", label="Note", required=False, widget=SHORT_TEXT,
        help_text="Or where it is and what it shows.",
    )  # fmt: skip


class AssessForm(VersionedForm):
    recommendation = forms.ChoiceField(choices=Outcome.choices, widget=RADIO)
    comment = model_text_form_field(
        GateAssessment, "comment", label="Comment", required=False, widget=LONG_TEXT
    )


class DecideForm(VersionedForm):
    """The decision, its reasons and, for a go with conditions, up to three conditions (what,
    who, by when), each of which becomes a RAID action of the project."""

    outcome = forms.ChoiceField(choices=Outcome.choices, widget=RADIO)
    decision_notes = model_text_form_field(
        GateReview, "decision_notes", label="Reasons", required=False, widget=LONG_TEXT
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Person.objects.order_by("name")
        for n in range(1, CONDITION_ROWS + 1):
            self.fields[f"condition_{n}_title"] = forms.CharField(
                label=f"Condition {n}", max_length=200, required=False
            )
            self.fields[f"condition_{n}_owner"] = forms.ModelChoiceField(
                people, label=f"Condition {n}: owner", required=False, initial=project.project_manager_id
            )
            self.fields[f"condition_{n}_due"] = forms.DateField(
                label=f"Condition {n}: due", required=False, widget=forms.DateInput(attrs={"type": "date"})
            )

    def conditions(self) -> list[dict[str, Any]]:
        """The condition rows with a title filled in (an owner alone is the default, not a row)."""
        data = self.cleaned_data
        found = []
        for n in range(1, CONDITION_ROWS + 1):
            title = (data.get(f"condition_{n}_title") or "").strip()
            due = data.get(f"condition_{n}_due")
            if title or due:
                found.append({"title": title, "owner": data.get(f"condition_{n}_owner"), "due": due})
        return found

    def condition_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"condition_{n}_{part}"] for part in ("title", "owner", "due")]
            for n in range(1, CONDITION_ROWS + 1)
        ]


class OverrideForm(forms.Form):
    stage = forms.ModelChoiceField(LifecycleStage.objects.order_by("order"), label="Move to stage")
    reason = model_text_form_field(StageOverride, "reason", label="Reason", required=False, widget=SHORT_TEXT)


class ReviewFilter(forms.Form):
    """The gate reviews list's filters; each one left empty does not filter."""

    gate = forms.ModelChoiceField(
        Gate.objects.select_related("stage"), required=False, empty_label="Any gate"
    )
    outcome = forms.ChoiceField(choices=[("", "Any outcome"), *Outcome.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *ReviewStatus.choices], required=False)
    project = forms.CharField(label="Project code", required=False, max_length=30)
