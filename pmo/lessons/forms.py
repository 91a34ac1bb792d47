"""Forms of the lessons pages. A form checks what the person typed; saving goes through
``pmo.lessons.services``, which checks permissions, states and versions and writes history."""

from typing import Any, cast

from django import forms

from pmo.core.text_limits import model_text_form_field
from pmo.lessons.choices import LessonCategory, LessonSource, LessonStatus
from pmo.lessons.models import Lesson, LessonApplication
from pmo.lessons.services import LINKS
from pmo.portfolio.choices import Methodology
from pmo.portfolio.forms import LONG_TEXT, SHORT_TEXT, VersionedModelForm
from pmo.portfolio.models import OrgUnit, Project
from pmo.raid.models import Action, Decision, Issue, Risk

# What a closure workshop writes for each lesson (its source, department and methodology come from
# the workshop's project); a lesson's own form adds them.
WORKSHOP_FIELDS = (
    "title",
    "event",
    "effect",
    "cause",
    "early_warnings",
    "recommendation",
    "category",
    "tags",
)
FIELDS = (*WORKSHOP_FIELDS, "source", "department", "methodology")
WIDGETS = {
    "event": LONG_TEXT,
    "effect": SHORT_TEXT,
    "cause": SHORT_TEXT,
    "early_warnings": SHORT_TEXT,
    "recommendation": LONG_TEXT,
}
ITEMS = {"risks": Risk, "issues": Issue, "actions": Action, "decisions": Decision}


def _raid_fields(form: forms.BaseForm, project: Project | None) -> None:
    """The project's RAID items to link (none for an organisation-wide lesson)."""
    for name in LINKS:
        if project is None:
            del form.fields[name]
            continue
        field = cast(forms.ModelMultipleChoiceField, form.fields[name])
        field.queryset = ITEMS[name].objects.filter(project=project).order_by("pk")
        field.required = False


class LessonValues:
    """What a lesson form gives its service: the lesson's fields, and the RAID items it links."""

    cleaned_data: dict[str, Any]

    def values(self) -> tuple[dict[str, Any], dict[str, Any]]:
        data = self.cleaned_data
        return {n: data[n] for n in FIELDS}, {n: data[n] for n in LINKS if n in data}


class LessonForm(LessonValues, forms.ModelForm):
    """A new lesson (department and methodology left empty take the project's)."""

    class Meta:
        model = Lesson
        fields = [*FIELDS, *LINKS]
        widgets = WIDGETS

    def __init__(self, *args: Any, project: Project | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _raid_fields(self, project)

    def _post_clean(self) -> None:
        """The service validates the whole record (the project is not on the form)."""


class LessonUpdateForm(LessonValues, VersionedModelForm):
    class Meta:
        model = Lesson
        fields = [*FIELDS, *LINKS]
        widgets = WIDGETS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _raid_fields(self, self.instance.project)

    def _post_clean(self) -> None:
        """The service validates the record as it would be saved."""


class WorkshopLessonForm(forms.ModelForm):
    """One lesson of a closure workshop (a row of the workshop's formset); a row left blank is
    skipped."""

    class Meta:
        model = Lesson
        fields = WORKSHOP_FIELDS
        widgets = dict.fromkeys(("event", "effect", "cause", "early_warnings", "recommendation"), SHORT_TEXT)

    def _post_clean(self) -> None:
        """The service validates each lesson as it would be saved."""


WorkshopFormSet = forms.formset_factory(WorkshopLessonForm, extra=3, max_num=20, validate_max=True)


class ApplyForm(forms.Form):
    note = model_text_form_field(
        LessonApplication, "note", label="How your project applies it", widget=SHORT_TEXT, required=False
    )


class LessonFilter(forms.Form):
    """The library's filters; each one left empty does not filter."""

    category = forms.ChoiceField(choices=[("", "Any category"), *LessonCategory.choices], required=False)
    tag = forms.CharField(required=False, max_length=50)
    department = forms.ModelChoiceField(
        queryset=OrgUnit.objects.order_by("name"), required=False, empty_label="Any department"
    )
    methodology = forms.ChoiceField(choices=[("", "Any methodology"), *Methodology.choices], required=False)
    project = forms.CharField(label="Project code", required=False, max_length=30)
    source = forms.ChoiceField(choices=[("", "Any source"), *LessonSource.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *LessonStatus.choices], required=False)
