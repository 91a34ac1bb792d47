"""Forms of the assurance pages. A form checks what the person typed; saving goes through the
assurance services, which check permissions, states, scales and versions, and write history."""

from typing import Any

from django import forms

from pmo.assurance.choices import HealthCheckStatus, Severity
from pmo.assurance.models import (
    DEFAULT_LEVELS,
    Area,
    AssuranceSettings,
    ComplianceRule,
    HealthCheck,
    Questionnaire,
)
from pmo.assurance.selectors import published_questionnaires
from pmo.core.models import User
from pmo.portfolio.choices import Methodology, SizeTier
from pmo.portfolio.forms import SHORT_TEXT, VersionedForm, VersionedModelForm, ticks_for_some
from pmo.portfolio.models import LifecycleStage, OrgUnit, Person


class HealthCheckFilter(forms.Form):
    project = forms.CharField(required=False, label="Project code")
    status = forms.ChoiceField(required=False, choices=[("", "Any"), *HealthCheckStatus.choices])
    questionnaire = forms.ModelChoiceField(
        required=False, queryset=Questionnaire.objects.all(), empty_label="Any"
    )
    planned_from = forms.DateField(
        required=False, label="Planned from", widget=forms.DateInput(attrs={"type": "date"})
    )
    planned_to = forms.DateField(
        required=False, label="Planned to", widget=forms.DateInput(attrs={"type": "date"})
    )


class HealthCheckPlanForm(forms.Form):
    questionnaire = forms.ModelChoiceField(queryset=published_questionnaires(), empty_label=None)
    planned_on = forms.DateField(label="Planned for", widget=forms.DateInput(attrs={"type": "date"}))
    assessor = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), required=False, help_text="Empty: you."
    )


class HealthCheckEditForm(VersionedForm):
    """A check's date and assessor, changed before it is submitted."""

    planned_on = forms.DateField(label="Planned for", widget=forms.DateInput(attrs={"type": "date"}))
    assessor = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True), required=False)

    def __init__(self, *args: Any, record: HealthCheck, **kwargs: Any) -> None:
        super().__init__(*args, record=record, **kwargs)
        self.fields["planned_on"].initial = record.planned_on
        self.fields["assessor"].initial = record.assessor_id


class AnswersForm(VersionedForm):
    """A score and evidence for every question of the check's questionnaire, area by area."""

    def __init__(self, *args: Any, check: HealthCheck, questions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, record=check, **kwargs)
        stored = {a.question_id: a for a in check.answers.all()}
        levels = [
            ("", "Not answered"),
            *((str(n), f"{n} – {label}") for n, label in enumerate(check.questionnaire.levels)),
        ]
        self.questions = questions
        for question in questions:
            answer = stored.get(question.pk)
            self.fields[f"score-{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=levels,
                coerce=int,
                empty_value=None,
                required=False,
                help_text=question.guidance,
                initial=answer.score if answer else None,
            )
            self.fields[f"evidence-{question.pk}"] = forms.CharField(
                label="Evidence", required=False, widget=SHORT_TEXT, initial=answer.evidence if answer else ""
            )
            self.fields[f"link-{question.pk}"] = forms.URLField(
                label="Evidence link",
                required=False,
                assume_scheme="https",
                initial=answer.evidence_link if answer else "",
            )

    def answers(self) -> dict[int, dict[str, Any]]:
        data = self.cleaned_data
        return {
            q.pk: {
                "score": data.get(f"score-{q.pk}"),
                "evidence": data.get(f"evidence-{q.pk}", ""),
                "evidence_link": data.get(f"link-{q.pk}", ""),
            }
            for q in self.questions
        }

    def by_area(self) -> list[tuple[str, list[tuple[Any, Any, Any]]]]:
        grouped: dict[str, list[tuple[Any, Any, Any]]] = {}
        for q in self.questions:
            grouped.setdefault(q.area.name, []).append(
                (self[f"score-{q.pk}"], self[f"evidence-{q.pk}"], self[f"link-{q.pk}"])
            )
        return list(grouped.items())


class FindingForm(forms.Form):
    area = forms.ModelChoiceField(queryset=Area.objects.none(), empty_label=None)
    severity = forms.ChoiceField(choices=Severity.choices)
    text = forms.CharField(label="Finding", widget=SHORT_TEXT)
    recommendation = forms.CharField(required=False, widget=SHORT_TEXT)
    action_owner = forms.ModelChoiceField(
        queryset=Person.objects.order_by("name"),
        required=False,
        label="Action owner",
        help_text="With an owner and a due date, the recommendation becomes an action in the RAID log.",
    )
    action_due = forms.DateField(
        required=False, label="Action due", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, check: HealthCheck, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(questionnaire_id=check.questionnaire_id)  # type: ignore[attr-defined]


class SubmitForm(VersionedForm):
    summary = forms.CharField(label="Summary of findings", required=False, widget=SHORT_TEXT)


class AgreeForm(VersionedForm):
    response = forms.CharField(label="Your response to the findings", widget=SHORT_TEXT)


class QuestionnaireForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, widget=SHORT_TEXT)
    levels = forms.CharField(
        label="Scoring scale",
        widget=SHORT_TEXT,
        initial="\n".join(DEFAULT_LEVELS),
        help_text="One label a line, from the lowest score (0) up.",
    )

    def clean_levels(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["levels"].splitlines() if line.strip()]


class AreaForm(forms.Form):
    name = forms.CharField(max_length=80, label="Area")


class QuestionForm(forms.Form):
    area = forms.ModelChoiceField(queryset=Area.objects.none(), empty_label=None)
    text = forms.CharField(max_length=300, label="Question")
    guidance = forms.CharField(required=False, widget=SHORT_TEXT, help_text="What good looks like.")
    required = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = questionnaire.areas.all()  # type: ignore[attr-defined]


class AssuranceSettingsForm(VersionedModelForm):
    class Meta:
        model = AssuranceSettings
        fields = ["months_between_checks"]


class ComplianceFilter(forms.Form):
    """Whose projects the portfolio compliance page shows: one project manager's, one
    department's, or all."""

    manager = forms.ModelChoiceField(
        required=False,
        label="Project manager",
        queryset=Person.objects.filter(managed_projects__isnull=False).distinct().order_by("name"),
        empty_label="Any",
    )
    department = forms.ModelChoiceField(
        required=False, queryset=OrgUnit.objects.order_by("name"), empty_label="Any"
    )


class ComplianceRuleForm(VersionedModelForm):
    """A compliance rule as the PMO head changes it (its kind is fixed)."""

    size_tiers = ticks_for_some(SizeTier.choices)
    methodologies = ticks_for_some(Methodology.choices)
    stages = ticks_for_some(label="Lifecycle stages")

    class Meta:
        model = ComplianceRule
        fields = [
            "name",
            "description",
            "enabled",
            "days",
            "weight",
            "size_tiers",
            "methodologies",
            "stages",
            "order",
        ]
        widgets = {"description": SHORT_TEXT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = LifecycleStage.objects.order_by("order").values_list("name", flat=True)
        self.fields["stages"].choices = [(name, name) for name in names]
