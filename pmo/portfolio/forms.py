"""Forms of the register's web pages. A form validates what the person typed; saving goes
through the register's services, which check permissions and versions and write history."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe

from pmo.core.cells import escaped
from pmo.core.choosers import Chooser, choose_by_search
from pmo.core.compiled import CompiledQuery
from pmo.core.models import DomainModel, User
from pmo.core.widgets import KeptSelect
from pmo.portfolio.choices import SizeTier
from pmo.portfolio.filters import ProjectFilter
from pmo.portfolio.models import (
    LifecycleStage,
    OrgUnit,
    Person,
    Portfolio,
    Programme,
    Project,
    StrategicObjective,
)
from pmo.portfolio.services import (
    GOVERNANCE_FIELDS,
    project_create,
    project_delete,
    project_update,
    register_entry_create,
    register_entry_delete,
    register_entry_update,
)

VERSION_MISSING = (
    "This form does not say which version of the record you edited: reload the page and try again."
)
SIZE_TIER_FROM_BUDGET = "Leave blank to set it from the headline budget."
ONLY_THE_PMO = "Only the PMO changes this."
PROPOSED_PLAN_HELP = (
    "The proposed finish and budget stand until the first baseline. Then the approved finish and "
    "budget are the latest baseline's: they change through a change request or an exception "
    "decision, not here."
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SHORT_TEXT = forms.Textarea(attrs={"rows": 3})

# Records chosen by typing, not from a select of everyone (pmo.core.choosers).
PERSON_CHOOSER = Chooser(
    url_name="portfolio:person_search",
    name_field="name",
    key_field="email",
    search_fields=("name", "email"),
    unknown=(
        "No one in People is called or has the e-mail “{text}”: check the spelling, or add them to "
        "People first."
    ),
    ambiguous="{count} people are called “{text}”: type the e-mail of the one you mean.",
    help_text="Type part of a name or e-mail and pick from the list.",
)
LOGIN_CHOOSER = Chooser(
    url_name="portfolio:login_search",
    name_field="username",
    key_field="email",
    search_fields=("username", "first_name", "last_name", "email"),
    unknown="No active login has the username or e-mail “{text}”.",
    ambiguous="{count} logins have the e-mail “{text}”: type the username of the one you mean.",
    help_text="Type part of a username, name or e-mail and pick from the list.",
)
PROJECT_CHOOSER = Chooser(
    url_name="portfolio:project_search",
    name_field="name",
    key_field="code",
    search_fields=("code", "name"),
    unknown="No project you may see has the code or name “{text}”.",
    ambiguous="{count} projects are called “{text}”: type the code of the one you mean.",
    help_text="Type part of a project's code or name and pick from the list.",
    key_first=True,
)
PERSON_FIELDS = ("owner", "sponsor", "manager", "project_manager", "business_owner", "actionee")


def people_to_choose(user: Any = None) -> Any:
    """The people a form may offer ``user`` (everyone signed in sees them all)."""
    people = Person.objects.all()
    return people.restrict(user, "view") if user is not None else people


def logins_to_choose(user: Any = None) -> Any:
    """The active logins a person record may be linked to, for those who may edit people."""
    if user is not None and not any(user.has_perm(f"portfolio.{p}_person") for p in ("add", "change")):
        return User.objects.none()
    return User.objects.filter(is_active=True)


TICK = (
    '  <div class="form-check">\n'
    '    <input class="form-check-input" type="checkbox" name="{name}" value="{value}" id="{key}"{checked}>\n'
    '    <label class="form-check-label" for="{key}">{label}</label>\n'
    "  </div>\n"
)
NONE_TO_TICK = '  <p class="small text-body-secondary mb-0">None to choose from yet.</p>\n'


@dataclass(frozen=True)
class TickList:
    """A multiple-choice field shown as ticks, reduced to plain values: Django's widget rendering
    of hundreds of options (every person as sponsor and as PM) costs most of a page's time."""

    name: str
    label: str
    value: list[str]
    options: list[tuple[str, str, Any, bool]]

    @property
    def html(self) -> SafeString:
        """The ticks (``partials/ticks.html``), written at once: a template loop over the
        hundreds of people a register offers took longer than the rest of its filters."""
        if not self.options:
            return mark_safe(NONE_TO_TICK)
        name = escaped(self.name)
        return mark_safe(
            "".join(
                TICK.format(
                    name=name,
                    value=escaped(value),
                    key=escaped(key),
                    checked=" checked" if checked else "",
                    label=escaped(label),
                )
                for key, value, label, checked in self.options
            )
        )


# Records whose label in a list of choices is their name: offered from their values, without
# making a model instance of each of the hundreds of people a register's filters offer.
NAMED = (OrgUnit, Person, LifecycleStage, Portfolio, Programme)


def choices_of(field: Any) -> Iterable[tuple[Any, Any]]:
    """A choice field's (value, label) pairs; a choice of named records read as values."""
    queryset = getattr(field, "queryset", None)
    if (
        queryset is None
        or queryset.model not in NAMED
        or getattr(field, "empty_label", None) is not None
        or getattr(field, "null_label", None) is not None
        or type(field).label_from_instance is not forms.ModelChoiceField.label_from_instance
    ):
        return field.choices
    key = field.to_field_name or "pk"
    if _every_record(queryset):
        return _named_choices(queryset.model, key).rows()
    return queryset.values_list(key, "name")


def _every_record(queryset: QuerySet[Any]) -> bool:
    """Whether ``queryset`` is its model's every record, in the model's order (a filter's
    choice of every portfolio, programme, unit or stage)."""
    query = queryset.query
    return not (
        query.where or query.annotations or query.order_by or query.is_sliced or query.distinct or query.extra
    ) and type(queryset) is type(queryset.model._default_manager.all())


_NAMED_CHOICES: dict[tuple[type, str], CompiledQuery] = {}


def _named_choices(model: type, key: str) -> CompiledQuery:
    """Every record's key and name, in the model's order: a query compiled once (the register's
    four lists of every portfolio, programme, unit and stage, on every page)."""
    found = _NAMED_CHOICES.get((model, key))
    if found is None:
        found = _NAMED_CHOICES[(model, key)] = CompiledQuery(
            lambda: model._default_manager.values_list(key, "name")  # type: ignore[attr-defined]
        )
    return found


def tick_list(field: Any) -> TickList:
    chosen = {str(v) for v in (field.value() or [])}
    options = [
        (f"{field.auto_id}_{n}", str(value), label, str(value) in chosen)
        for n, (value, label) in enumerate(choices_of(field.field))
    ]
    return TickList(field.name, str(field.label), sorted(chosen), options)


class RecordForm(forms.ModelForm):
    """A reference record of the register. Carries the version it was read at, so that saving
    over somebody else's newer change is refused (a conflict) instead of overwriting it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        model = self._meta.model
        governance = GOVERNANCE_FIELDS.get(model, ())
        perm = f"portfolio.change_{model._meta.model_name}_governance"
        if governance and self.instance.pk and user is not None and not user.has_perm(perm, self.instance):
            for name in governance:
                self.fields[name].disabled = True
                self.fields[name].help_text = ONLY_THE_PMO
        if self.instance.pk:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
            self.fields["version"].error_messages["required"] = VERSION_MISSING
        choose_by_search(self, PERSON_CHOOSER, people_to_choose(user), *PERSON_FIELDS)

    def values(self) -> dict[str, Any]:
        """The record's own fields as typed (many-to-many fields are saved separately)."""
        many = {f.name for f in self._meta.model._meta.many_to_many}
        own = [name for name in self._meta.fields if name not in many]  # type: ignore[union-attr]
        return {name: self.cleaned_data[name] for name in own if name in self.cleaned_data}

    def save_as(self, actor: User) -> DomainModel:
        """Create or change the record through the services, as ``actor``."""
        if self.instance.pk:
            return register_entry_update(
                actor=actor,
                entry=self.instance,
                fields=self.values(),
                expected_version=self.cleaned_data["version"],
            )
        return register_entry_create(actor=actor, model=self._meta.model, fields=self.values())

    @staticmethod
    def delete_as(actor: User, record: Any, expected_version: int) -> None:
        register_entry_delete(actor=actor, entry=record, expected_version=expected_version)


class OrgUnitForm(RecordForm):
    class Meta:
        model = OrgUnit
        fields = ["name", "kind", "parent"]


class StrategicObjectiveForm(RecordForm):
    class Meta:
        model = StrategicObjective
        fields = ["code", "title", "description", "is_active"]
        widgets = {"description": SHORT_TEXT}


class PersonForm(RecordForm):
    class Meta:
        model = Person
        fields = ["name", "email", "job_title", "org_unit", "user"]
        labels = {"org_unit": "Organisation unit", "user": "Login account"}
        help_texts = {"user": "The account this person signs in with, if they have one."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_by_search(self, LOGIN_CHOOSER, logins_to_choose(self.user), "user")


class LifecycleStageForm(RecordForm):
    class Meta:
        model = LifecycleStage
        fields = ["order", "name", "gate_name", "description"]
        labels = {"gate_name": "Entry gate"}
        widgets = {"description": SHORT_TEXT}


class PortfolioForm(RecordForm):
    class Meta:
        model = Portfolio
        fields = ["name", "description", "owner"]
        widgets = {"description": SHORT_TEXT}


class ProgrammeForm(RecordForm):
    class Meta:
        model = Programme
        fields = ["code", "name", "description", "portfolio", "sponsor", "manager"]
        labels = {"manager": "Programme manager"}
        widgets = {"description": SHORT_TEXT}


class ProjectForm(RecordForm):
    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "description",
            "portfolio",
            "programme",
            "department",
            "sponsor",
            "project_manager",
            "business_owner",
            "category",
            "methodology",
            "size_tier",
            "priority",
            "stage",
            "status",
            "planned_start",
            "planned_finish",
            "budget",
            "strategic_objectives",
            "confidential",
        ]
        widgets = {
            "description": SHORT_TEXT,
            "planned_start": DATE,
            "planned_finish": DATE,
            "strategic_objectives": forms.CheckboxSelectMultiple,
        }
        labels = {"planned_finish": "Proposed finish", "budget": "Proposed budget (£)"}
        help_texts = {"budget": PROPOSED_PLAN_HELP}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            tier = cast(forms.ChoiceField, self.fields["size_tier"])
            tier.required = False
            tier.help_text = SIZE_TIER_FROM_BUDGET
            tier.choices = [("", "From the budget"), *SizeTier.choices]

    def save_as(self, actor: User) -> Project:
        objectives = self.cleaned_data["strategic_objectives"]
        if self.instance.pk:
            return project_update(
                actor=actor,
                project=self.instance,
                fields=self.values(),
                expected_version=self.cleaned_data["version"],
                strategic_objectives=objectives,
            )
        return project_create(actor=actor, fields=self.values(), strategic_objectives=objectives)

    @staticmethod
    def delete_as(actor: User, record: Any, expected_version: int) -> None:
        project_delete(actor=actor, project=record, expected_version=expected_version)


class RegisterFilter(ProjectFilter):
    """The register page's filters: those of the API, shown as tick lists. Strategic objectives
    are left out because the register "as of" a date reads them from history, not by join."""

    strategic_objective = None

    TICK_LISTS = (
        "portfolio",
        "programme",
        "department",
        "stage",
        "status",
        "category",
        "methodology",
        "size_tier",
        "priority",
        "sponsor",
        "project_manager",
    )

    def __init__(self, *args: Any, visible: QuerySet[Any] | None = None, **kwargs: Any) -> None:
        """``visible``: the projects whose sponsors and managers the choices offer (default: the
        queryset filtered; a plain queryset of the same projects is quicker to build on)."""
        super().__init__(*args, **kwargs)
        for name in self.TICK_LISTS:
            self.filters[name].extra["widget"] = forms.CheckboxSelectMultiple
        self.filters["size_tier"].label = "Size tier"
        # Offer the people who hold the role on a project this user may see, not everyone in
        # the organisation (nor those whose only projects are confidential to them).
        people = Person.objects.only("pk", "name")
        visible = self.queryset if visible is None else visible
        self.filters["sponsor"].queryset = people.filter(pk__in=visible.values("sponsor_id"))
        self.filters["project_manager"].queryset = people.filter(pk__in=visible.values("project_manager_id"))
        self.filters["confidential"].extra["widget"] = KeptSelect(
            choices=[("", "Any"), ("true", "Confidential only"), ("false", "Not confidential")]
        )

    def adapt_form(self, form: forms.Form) -> None:
        """The people this request's user may choose (the kept form class has another's)."""
        for name in ("sponsor", "project_manager"):
            form.fields[name].queryset = self.filters[name].queryset  # type: ignore[attr-defined]


# Forms the domain apps share (reporting, RAID, change control) ------------------------------

LONG_TEXT = forms.Textarea(attrs={"rows": 4})


def ticks_for_some(choices: Any = (), **kwargs: Any) -> forms.MultipleChoiceField:
    """Tick boxes naming what a rule applies to, where none ticked means all (a gate's evidence,
    a compliance rule, a board's agenda feeds)."""
    kwargs.setdefault("help_text", "None ticked: all.")
    return forms.MultipleChoiceField(
        choices=choices, required=False, widget=forms.CheckboxSelectMultiple, **kwargs
    )


class VersionedForm(forms.Form):
    """A form about an existing record: it posts back the version it showed."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": VERSION_MISSING, "invalid": VERSION_MISSING}
    )

    def __init__(self, *args: Any, record: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.record = record
        if record is not None:
            self.fields["version"].initial = record.version

    def values(self) -> dict[str, Any]:
        """What the form changes: everything it read but the version."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class VersionedModelForm(forms.ModelForm):
    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": VERSION_MISSING, "invalid": VERSION_MISSING}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    def values(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in self._meta.fields or () if name in self.cleaned_data
        }
