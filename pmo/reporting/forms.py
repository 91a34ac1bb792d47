"""Forms of the reporting cycle's pages. A form checks what the person typed; saving goes through
the reporting services, which check permissions, states and versions and write history. Every
form that changes a record carries the version it was read at."""

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from pmo.core.choosers import SearchChoiceField
from pmo.core.text_limits import model_text_form_field
from pmo.portfolio.forms import (
    DATE,
    LONG_TEXT,
    PERSON_CHOOSER,
    SHORT_TEXT,
    VersionedForm,
    VersionedModelForm,
)
from pmo.portfolio.models import Person, Portfolio
from pmo.raid.models import Action, RaidItem, Risk
from pmo.reporting.choices import (
    RAG_RATINGS,
    ExceptionDecision,
    Rating,
    StatusScale,
    ToleranceDimension,
    ToleranceDirection,
)
from pmo.reporting.models import (
    Baseline,
    HighlightReport,
    ProjectException,
    ReportingSettings,
)
from pmo.reporting.selectors import reference_parts
from pmo.reporting.services import (
    FORECAST_FIELDS,
    REASON_REQUIRED,
    REPORT_FIELDS,
    REPORT_TEXTS,
    SETTINGS_FIELDS,
    STATUS_FIELDS,
    MilestoneForecast,
)

MILESTONE_NEEDS_DATE = "Give the milestone's date, or clear its name to leave it out."
MILESTONE_NEEDS_NAME = "Name the milestone, or clear its date to leave it out."
NO_RATING = "Not rated"
HIGH_RISKS_FROM_REGISTER = (
    "From the project's risk register: {count} open high risk{s} now. The figure is counted again "
    "and fixed when the report is submitted; change it in the register."
)
COST_FROM_FINANCE = (
    "From finance ({eac}): the project's actuals and latest forecast. The cost tolerance judges "
    "finance's EAC; change the forecast in Finance if it is wrong."
)
HIGH_RISKS_DECLARED = (
    "As you declare it: this project keeps no risk register in the system yet. Once it logs a "
    "risk, the register's figure replaces this one."
)


def rating_choices(scale: str) -> list[tuple[str, str]]:
    """The ratings the configured scale offers: red/amber/green, or all five points."""
    ratings = RAG_RATINGS if scale == StatusScale.RAG else tuple(Rating)
    return [("", NO_RATING), *((r.value, r.label) for r in ratings)]


def citable_label(item: RaidItem) -> str:
    """How the report form offers an item to cite: reference, title and why it is on top."""
    if isinstance(item, Risk):
        detail = f"risk, residual score {item.residual_score}"
    else:
        detail = f"issue, {item.get_priority_display().lower()} priority"  # type: ignore[attr-defined]
    return f"{item.reference} {item.title} ({detail})"


class ReportForm(VersionedModelForm):
    """A draft highlight report: statuses on the PMO's scale, the narrative, the forecasts and
    the RAID items it cites (the project's top open risks and issues offered as ticks, any other
    item by reference)."""

    cite = forms.MultipleChoiceField(
        label="Top open risks and issues to cite", required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = HighlightReport
        fields = list(REPORT_FIELDS)
        labels = {"overall_status": "Overall status"}
        widgets = {
            "forecast_finish": DATE,
            **dict.fromkeys(REPORT_TEXTS, LONG_TEXT),
        }

    def __init__(
        self,
        *args: Any,
        scale: str = StatusScale.RAG,
        register_high_risks: int | None = None,
        citable: Sequence[RaidItem] = (),
        finance: Any = None,
        **kwargs: Any,
    ) -> None:
        """``register_high_risks``: the project's risk register's figure, when it keeps one;
        the field then shows it and cannot be typed over. ``citable``: the items offered as
        ticks; the text field holds the other references. ``finance``: the project's EAC from
        finance (``pmo.finance.feeds.FinanceEac``), when it has an approved budget: the forecast
        cost's note says so (the field stays editable, as the plan's finish does)."""
        super().__init__(*args, **kwargs)
        offered = [item.reference for item in citable]
        cited = reference_parts(self.instance.raid_references)
        if offered:
            cast(forms.MultipleChoiceField, self.fields["cite"]).choices = [
                (item.reference, citable_label(item)) for item in citable
            ]
            self.initial["cite"] = [ref for ref in cited if ref in offered]
            self.initial["raid_references"] = ", ".join(ref for ref in cited if ref not in offered)
            self.fields["raid_references"].label = "Other RAID items cited"
        else:
            del self.fields["cite"]
        for name in STATUS_FIELDS:
            field = cast(forms.ChoiceField, self.fields[name])
            field.choices = rating_choices(scale)
            field.required = False
        if finance is not None and "forecast_cost" in self.fields:
            self.fields["forecast_cost"].help_text = COST_FROM_FINANCE.format(eac=finance)
        high_risks = self.fields["high_risks_open"]
        if register_high_risks is None:
            high_risks.help_text = HIGH_RISKS_DECLARED
        else:
            high_risks.disabled = True
            high_risks.initial = register_high_risks
            self.initial["high_risks_open"] = register_high_risks
            high_risks.help_text = HIGH_RISKS_FROM_REGISTER.format(
                count=register_high_risks, s="" if register_high_risks == 1 else "s"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "raid_references" in data:
            ticked = data.get("cite") or []
            typed = reference_parts(data["raid_references"])
            data["raid_references"] = ", ".join(dict.fromkeys([*ticked, *typed]))
        return data

    def status_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in STATUS_FIELDS]

    def citation_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("cite", "raid_references") if name in self.fields]

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in REPORT_TEXTS]

    def forecast_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in FORECAST_FIELDS]


class MilestoneRowForm(forms.Form):
    """One key milestone row: a name and a date (both, or neither to leave the row out)."""

    name = forms.CharField(max_length=150, required=False)
    date = forms.DateField(required=False, widget=DATE)
    achieved_on = forms.DateField(label="Achieved on", required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, day = (data.get("name") or "").strip(), data.get("date")
        if name and not day and "date" not in self.errors:
            self.add_error("date", MILESTONE_NEEDS_DATE)
        if day and not name:
            self.add_error("name", MILESTONE_NEEDS_NAME)
        return data


class BaselineMilestoneRowForm(MilestoneRowForm):
    achieved_on = None  # type: ignore[assignment]


MilestoneRows = forms.formset_factory(MilestoneRowForm, extra=3, max_num=30)
BaselineMilestoneRows = forms.formset_factory(BaselineMilestoneRowForm, extra=6, max_num=6, absolute_max=6)


def milestone_forecasts(rows: Any) -> list[MilestoneForecast]:
    """The filled-in rows of a valid milestone formset."""
    return [
        MilestoneForecast(
            row.cleaned_data["name"].strip(), row.cleaned_data["date"], row.cleaned_data.get("achieved_on")
        )
        for row in rows
        if row.cleaned_data.get("name", "").strip()
    ]


class ReturnForm(VersionedForm):
    review_comments = model_text_form_field(
        HighlightReport,
        "review_comments",
        label="Comments for the project manager",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewForm(VersionedForm):
    """Accept, publish, submit or revise: only the version (and optional comments on acceptance)."""

    comments = model_text_form_field(
        HighlightReport, "review_comments", label="Comments (optional)", required=False, widget=SHORT_TEXT
    )


class BaselineForm(forms.Form):
    finish = forms.DateField(label="Baseline finish", widget=DATE)
    budget_at_completion = forms.DecimalField(
        label="Budget at completion (£)", min_value=0, max_digits=14, decimal_places=2
    )
    benefits_value = forms.DecimalField(
        label="Benefits value (£)", min_value=0, max_digits=14, decimal_places=2, required=False
    )
    scope_summary = model_text_form_field(
        Baseline, "scope_summary", label="Scope summary", required=False, widget=SHORT_TEXT
    )
    reason = model_text_form_field(
        Baseline,
        "reason",
        label="Reason",
        widget=SHORT_TEXT,
        help_text="Who approved what, and why.",
        error_messages={"required": REASON_REQUIRED},
    )


DIRECTION_HELP = (
    "One way counts only a deviation for the worse (later, dearer, more scope, fewer benefits); "
    "both ways (±) counts an early finish, an underspend or less scope beyond the allowance too. "
    "Left blank: as it is, or the dimension's usual way for a new tolerance."
)


def _direction_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Counts",
        choices=[("", "—"), *ToleranceDirection.choices],
        required=False,
        help_text=DIRECTION_HELP,
    )


class ToleranceForm(VersionedForm):
    """A project's own tolerance for one dimension."""

    dimension = forms.ChoiceField(choices=ToleranceDimension.choices, widget=forms.HiddenInput)
    absolute = forms.DecimalField(
        label="Absolute allowance", min_value=0, max_digits=14, decimal_places=2, required=False
    )
    percent = forms.DecimalField(
        label="Percentage of baseline", min_value=0, max_digits=6, decimal_places=2, required=False
    )
    direction = _direction_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = False  # a new tolerance has no version yet


def _absolute_field() -> forms.DecimalField:
    return forms.DecimalField(
        label="Absolute allowance", min_value=0, max_digits=14, decimal_places=2, required=False
    )


def _percent_field() -> forms.DecimalField:
    return forms.DecimalField(
        label="Percentage of baseline", min_value=0, max_digits=6, decimal_places=2, required=False
    )


class ToleranceDefaultForm(VersionedForm):
    absolute = _absolute_field()
    percent = _percent_field()
    direction = _direction_field()

    def values(self) -> dict[str, Any]:
        """A direction left blank stays as it is."""
        values = super().values()
        if not values.get("direction"):
            values.pop("direction", None)
        return values


class PortfolioDefaultForm(forms.Form):
    """A default tolerance for every project of one portfolio (it wins over the size tier's)."""

    portfolio = forms.ModelChoiceField(queryset=Portfolio.objects.order_by("name"))
    dimension = forms.ChoiceField(choices=ToleranceDimension.choices)
    absolute = _absolute_field()
    percent = _percent_field()
    direction = _direction_field()


class SettingsForm(VersionedModelForm):
    class Meta:
        model = ReportingSettings
        fields = list(SETTINGS_FIELDS)


class ExceptionReportForm(VersionedForm):
    cause = model_text_form_field(ProjectException, "cause", required=False, widget=LONG_TEXT)
    consequences = model_text_form_field(ProjectException, "consequences", required=False, widget=LONG_TEXT)
    options = model_text_form_field(
        ProjectException,
        "options",
        label="Options",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Each option with its effect on the business case, the risks and the tolerances.",
    )
    recommendation = model_text_form_field(
        ProjectException, "recommendation", required=False, widget=LONG_TEXT
    )


EARLIER_FINISH = (
    "{finish:%-d %b %Y} is earlier than the current baseline's finish (v{number}, {current:%-d %b %Y}): "
    "tick the box below if that is meant."
)


class ExceptionDecideForm(VersionedForm):
    decision = forms.ChoiceField(
        choices=ExceptionDecision.choices, widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )
    notes = model_text_form_field(
        ProjectException, "decision_notes", label="Decision notes", required=False, widget=LONG_TEXT
    )
    finish = forms.DateField(label="New baseline finish", required=False, widget=DATE)
    budget_at_completion = forms.DecimalField(
        label="New budget at completion (£)", min_value=0, max_digits=14, decimal_places=2, required=False
    )
    reason = model_text_form_field(
        Baseline,
        "reason",
        label="Reason for the new baseline",
        required=False,
        widget=SHORT_TEXT,
        help_text="Leave blank to use the decision notes.",
    )
    earlier_finish = forms.BooleanField(
        label="The new finish is meant to be earlier than the current baseline's",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project_id = self.record.project_id if self.record is not None else None
        self.current = Baseline.objects.filter(project_id=project_id).order_by("-number").first()
        if self.current is not None:  # the new baseline starts from the current one
            self.fields["finish"].initial = self.current.finish
            self.fields["budget_at_completion"].initial = self.current.budget_at_completion

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        finish = cleaned.get("finish")
        if (
            cleaned.get("decision") == ExceptionDecision.NEW_BASELINE
            and self.current is not None
            and finish is not None
            and finish < self.current.finish
            and not cleaned.get("earlier_finish")
        ):
            self.add_error(
                None,  # beside the finish's own problems (before the project starts…), not instead
                EARLIER_FINISH.format(finish=finish, current=self.current.finish, number=self.current.number),
            )
        return cleaned

    def baseline(self) -> dict[str, Any] | None:
        if self.cleaned_data["decision"] != ExceptionDecision.NEW_BASELINE:
            return None
        return {
            "finish": self.cleaned_data.get("finish"),
            "budget_at_completion": self.cleaned_data.get("budget_at_completion"),
            "reason": self.cleaned_data.get("reason", ""),
        }


class ExceptionActionForm(forms.Form):
    """A corrective action for an exception: what, who owns it, by when (a RAID action)."""

    title = forms.CharField(label="Action", max_length=200)
    owner = SearchChoiceField(Person.objects.all(), chooser=PERSON_CHOOSER)
    due = forms.DateField(label="Due date", widget=DATE)
    description = model_text_form_field(
        Action, "description", label="Notes", required=False, widget=SHORT_TEXT
    )
