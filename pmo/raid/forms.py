"""Forms of the RAID pages. A form checks what the person typed; saving goes through the RAID
services, which check permissions, the matrix, loops and versions, and write history. Every form
that changes an item carries the version it was read at.

``RegisterFilter`` narrows a register the way its page's filters say; the Excel export reads the
same filters with it."""

from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms.models import fields_for_model, model_to_dict

from pmo.core.choosers import SearchChoiceField, choose_by_search
from pmo.core.text_limits import model_text_form_field
from pmo.engine.risk import Band, Matrix
from pmo.portfolio.forms import (
    DATE,
    PERSON_CHOOSER,
    PROJECT_CHOOSER,
    SHORT_TEXT,
    VERSION_MISSING,
    people_to_choose,
)
from pmo.portfolio.models import Portfolio, Programme, Project
from pmo.raid import selectors
from pmo.raid.choices import LEVEL_ORDER, ActionSource, Level, RiskCategory
from pmo.raid.models import Action, Dependency, RaidItem, RaidSettings, Risk
from pmo.schedule import crosslinks

BAD_CELL = "Give a cell of the matrix as probability-impact, such as 3-4."

# The fields each register's form shows, in the order a person fills them in.
ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "risks": (
        "title",
        "kind",
        "category",
        "cause",
        "event",
        "effect",
        "owner",
        "actionee",
        "inherent_probability",
        "inherent_impact",
        "residual_probability",
        "residual_impact",
        "proximity",
        "response",
        "response_plan",
        "response_cost",
        "cost_impact",
        "due",
        "status",
        "closure_note",
    ),
    "assumptions": ("title", "description", "consequence", "owner", "due", "status", "closure_note"),
    "issues": (
        "title",
        "issue_type",
        "description",
        "priority",
        "severity",
        "owner",
        "due",
        "status",
        "closure_note",
    ),
    "dependencies": (
        "title",
        "description",
        "depends_on",
        "provider",
        "milestone",
        "giving_task_uid",
        "needing_task_uid",
        "owner",
        "due",
        "status",
        "closure_note",
    ),
    "actions": (
        "title",
        "description",
        "owner",
        "due",
        "source",
        "source_reference",
        "status",
        "closure_note",
    ),
    "decisions": (
        "title",
        "description",
        "options_considered",
        "rationale",
        "owner",
        "decided_on",
        "due",
        "status",
        "closure_note",
    ),
}
SCORE_FIELDS = ("inherent_probability", "inherent_impact", "residual_probability", "residual_impact")
LONG_FIELDS = frozenset(
    {
        "description",
        "cause",
        "event",
        "effect",
        "response_plan",
        "consequence",
        "rationale",
        "options_considered",
        "closure_note",
    }
)
DATE_FIELDS = frozenset({"due", "decided_on"})
SETTINGS_NAMES = (
    "probability_levels",
    "impact_levels",
    "medium_from",
    "high_from",
    "likelihoods",
    "stale_days",
)


NAME_PROJECT_FIRST = "Name the project it depends on and save: its plan's tasks are then offered here."
NO_PLAN_TASKS = "This project has no plan with tasks you may see: import its plan to tie to a task."
NEED_BY_FROM_PLAN = "When a task needing it is tied, the plan gives this date: the task's start."
TIED_DATES = "When both tasks are tied, the plans give the need-by and forecast dates."


class ItemForm(forms.Form):
    """One RAID item's own fields (not its register, escalation or derived figures). Built from
    the register's model, so labels and choices are the model's; the range of a risk's scores is
    the PMO's matrix, checked by the service so its message is the one shown."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        model: type[RaidItem],
        user: Any,
        item: RaidItem | None = None,
        matrix: Matrix | None = None,
        home: Any = None,
        **kwargs: Any,
    ) -> None:
        names = ITEM_FIELDS[model.KIND]
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = model_to_dict(item, fields=names)
        super().__init__(*args, **kwargs)
        widgets: dict[str, forms.Widget] = {name: SHORT_TEXT for name in names if name in LONG_FIELDS}
        widgets.update({name: DATE for name in names if name in DATE_FIELDS})
        self.fields.update(fields_for_model(model, fields=names, widgets=widgets))
        self.fields["version"] = self.fields.pop("version")  # last, with the hidden fields
        self.model = model
        self.item = item
        choose_by_search(self, PERSON_CHOOSER, people_to_choose(user), "owner", "actionee")
        choose_by_search(self, PROJECT_CHOOSER, Project.objects.restrict(user, "view"), "depends_on")
        if model is Dependency:
            own = item.project_id if item is not None else home.pk if isinstance(home, Project) else None
            self._tie_field("needing_task_uid", own, user)
            self._tie_field("giving_task_uid", self._depends_on_id(item), user)
            self.fields["due"].help_text = NEED_BY_FROM_PLAN
        if model is Risk and matrix is not None:
            for name in SCORE_FIELDS:
                top = matrix.probability_levels if "probability" in name else matrix.impact_levels
                self.fields[name].help_text = (
                    f"1 (lowest) to {top} on the PMO's {matrix.probability_levels} × "
                    f"{matrix.impact_levels} matrix."
                )
                self.fields[name].widget.attrs.update({"min": 1, "max": top})
        if item is not None:
            self.fields["version"].required = True
            self.fields["version"].initial = item.version
            self.fields["version"].error_messages.update(required=VERSION_MISSING, invalid=VERSION_MISSING)

    def _depends_on_id(self, item: RaidItem | None) -> int | None:
        """The project the dependency depends on: as sent (a form sent back with problems), else
        as stored."""
        if self.is_bound:
            try:
                chosen = self.fields["depends_on"].clean(self.data.get(self.add_prefix("depends_on")))
            except ValidationError:
                return None
            return chosen.pk if chosen is not None else None
        return getattr(item, "depends_on_id", None)

    def _tie_field(self, name: str, project_id: int | None, user: Any) -> None:
        """A select of the tasks of a project's plan the user may see (none: not tied); a task a
        re-import took away stays offered as broken, so the form can be saved unchanged."""
        old = self.fields[name]
        tasks = crosslinks.tasks_to_tie(project_id, user=user) if project_id else []
        current = self.initial.get(name)
        if current is not None and current not in {uid for uid, _ in tasks}:
            tasks.append((current, f"UID {current}: no longer in the plan (broken tie)"))
        if project_id is None:
            help_text = NAME_PROJECT_FIRST if name == "giving_task_uid" else old.help_text
        elif not tasks:
            help_text = NO_PLAN_TASKS
        else:
            help_text = f"{old.help_text} {TIED_DATES}"
        self.fields[name] = forms.TypedChoiceField(
            label=old.label,
            choices=[("", "Not tied"), *tasks],
            coerce=int,
            empty_value=None,
            required=False,
            help_text=help_text,
        )

    def values(self) -> dict[str, Any]:
        """What the form sets: every field it shows but the version."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class DependencyMapForm(forms.Form):
    """The project whose slip the map follows, found by typing its code or name."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"] = SearchChoiceField(
            Project.objects.restrict(user, "view"),
            chooser=PROJECT_CHOOSER,
            required=False,
            label="If this project slips",
        )


class EscalateForm(forms.Form):
    """Escalate an item to a higher register, saying why. The note is checked by the service so
    its message ("Say why.") is the one shown beside the field."""

    escalated_to = forms.ChoiceField(label="Escalate to")
    escalation_note = model_text_form_field(
        RaidItem, "escalation_note", label="Why (required)", required=False, widget=SHORT_TEXT
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": VERSION_MISSING, "invalid": VERSION_MISSING}
    )

    def __init__(self, *args: Any, item: RaidItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        above = [level for level in Level if LEVEL_ORDER[level] > LEVEL_ORDER[item.shown_at]]
        choices = [(level.value, f"{level.label} register") for level in above]
        cast(forms.ChoiceField, self.fields["escalated_to"]).choices = choices
        self.fields["version"].initial = item.version


class DeescalateForm(forms.Form):
    """Hand an escalated item back to the register it was raised in, saying why."""

    escalation_note = model_text_form_field(
        RaidItem, "escalation_note", label="Why (required)", required=False, widget=SHORT_TEXT
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": VERSION_MISSING, "invalid": VERSION_MISSING}
    )

    def __init__(self, *args: Any, item: RaidItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = item.version


class SettingsForm(forms.Form):
    """The PMO's matrix, bands, likelihoods and stale threshold."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": VERSION_MISSING, "invalid": VERSION_MISSING}
    )

    def __init__(self, *args: Any, row: RaidSettings, **kwargs: Any) -> None:
        names = SETTINGS_NAMES
        kwargs.setdefault("initial", {**model_to_dict(row, fields=names), "version": row.version})
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(RaidSettings, fields=names))
        self.fields["version"] = self.fields.pop("version")

    def values(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


STATUS_CHOICES = [("open", "Open"), ("closed", "Closed"), ("all", "All")]
ESCALATION_CHOICES = [
    ("", "Any"),
    ("none", "Not escalated"),
    (Level.PROGRAMME.value, "Escalated to programme"),
    (Level.PORTFOLIO.value, "Escalated to portfolio"),
]
BAND_CHOICES = [("", "Any"), *((band.value, band.value.capitalize()) for band in Band)]


def _cell(text: str) -> tuple[int, int] | None:
    probability, _, impact = text.partition("-")
    if not (probability.isascii() and probability.isdigit() and impact.isascii() and impact.isdigit()):
        raise forms.ValidationError(BAD_CELL)
    return int(probability), int(impact)


OVERVIEW_FILTERS = ("portfolio", "programme", "project", "category", "owner")


class RegisterFilter(forms.Form):
    """The filters of a register page (and of the overview, which uses the first five): where
    the items are, whose, in what state. An unknown value is ignored rather than refused, so a
    stale bookmark still opens the page."""

    portfolio = forms.ModelChoiceField(
        Portfolio.objects.order_by("name"), required=False, empty_label="All portfolios"
    )
    programme = forms.ModelChoiceField(
        Programme.objects.order_by("code"), required=False, empty_label="All programmes"
    )
    project = forms.CharField(label="Project code", required=False, max_length=20)
    category = forms.ChoiceField(
        label="Category", choices=[("", "All categories"), *RiskCategory.choices], required=False
    )
    owner = forms.CharField(label="Owner's name contains", required=False, max_length=150)
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    stale = forms.BooleanField(label="Stale only (not reviewed lately)", required=False)
    past_due = forms.BooleanField(label="Past due only", required=False)
    escalated = forms.ChoiceField(label="Escalation", choices=ESCALATION_CHOICES, required=False)
    source = forms.ChoiceField(
        label="Source", choices=[("", "All sources"), *ActionSource.choices], required=False
    )
    band = forms.ChoiceField(label="Residual band", choices=BAND_CHOICES, required=False)
    inherent = forms.CharField(required=False, widget=forms.HiddenInput)
    residual = forms.CharField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(label="Title contains", required=False, max_length=200)

    def __init__(
        self,
        data: Any = None,
        *,
        model: type[RaidItem] | None = None,
        keep: tuple[str, ...] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data if data is not None else {}, **kwargs)
        self.model = model
        dropped = {"category", "band", "inherent", "residual"} if model is not Risk else set()
        if model is not Action:
            dropped.add("source")
        if keep is not None:
            dropped |= set(self.fields) - set(keep)
        for name in dropped:
            del self.fields[name]

    def clean_inherent(self) -> tuple[int, int] | None:
        return _cell(self.cleaned_data["inherent"]) if self.cleaned_data["inherent"] else None

    def clean_residual(self) -> tuple[int, int] | None:
        return _cell(self.cleaned_data["residual"]) if self.cleaned_data["residual"] else None

    def chosen(self) -> dict[str, Any]:
        """The valid filters (invalid ones dropped)."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "", False)}

    def filter(
        self,
        queryset: QuerySet[Any],
        *,
        matrix: Matrix,
        today: date,
        stale_before: date,
        status: bool = True,
        only: tuple[str, ...] | None = None,
    ) -> QuerySet[Any]:
        """``queryset`` narrowed by the chosen filters (open items unless the status says
        otherwise; ``status=False`` leaves the status alone, as the overview does; ``only``
        names the filters to apply, where not all)."""
        chosen = self.chosen()
        if only is not None:
            chosen = {name: value for name, value in chosen.items() if name in only}
        model = queryset.model
        if "portfolio" in chosen:
            p = chosen["portfolio"]
            queryset = queryset.filter(Q(project__portfolio=p) | Q(programme__portfolio=p) | Q(portfolio=p))
        if "programme" in chosen:
            queryset = queryset.filter(
                Q(project__programme=chosen["programme"]) | Q(programme=chosen["programme"])
            )
        if "project" in chosen:
            queryset = queryset.filter(project__code__iexact=chosen["project"].strip())
        if "owner" in chosen:
            queryset = queryset.filter(owner__name__icontains=chosen["owner"].strip())
        if "q" in chosen:
            queryset = queryset.filter(title__icontains=chosen["q"].strip())
        if model is Risk:
            if "category" in chosen:
                queryset = queryset.filter(category=chosen["category"])
            if "band" in chosen:
                queryset = queryset.annotate(band=selectors.band_of(matrix)).filter(band=chosen["band"])
            for which in ("inherent", "residual"):
                if which in chosen:
                    probability, impact = chosen[which]
                    queryset = queryset.filter(
                        **{f"{which}_probability": probability, f"{which}_impact": impact}
                    )
        if model is Action and "source" in chosen:
            queryset = queryset.filter(source=chosen["source"])
        escalated = chosen.get("escalated", "")
        if escalated == "none":
            queryset = queryset.filter(escalated_to="")
        elif escalated:
            queryset = queryset.filter(escalated_to=escalated)
        if status:
            shown = chosen.get("status", "open")
            if shown == "open":
                queryset = selectors.open_items(queryset)
            elif shown == "closed":
                queryset = queryset.exclude(status__in=model.OPEN_STATUSES)
        if chosen.get("stale"):
            queryset = selectors.stale(queryset, stale_before=stale_before)
        if chosen.get("past_due"):
            queryset = selectors.past_due(queryset, today=today)
        return queryset
