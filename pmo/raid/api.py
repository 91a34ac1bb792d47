"""The RAID registers over REST (``/api/v1/``): risks, assumptions, issues, dependencies,
actions and decisions, the risk heat map, who is affected if a project slips, and the RAID
settings.

The six registers share one viewset and one serializer, specialised per register by
``register_viewset`` (each register's own fields come from its model). As for the rest of the
API: reads go through ``pmo.raid.selectors`` (an item you may not see is not found), writes
through ``pmo.raid.services`` (so the matrix, loop and escalation rules, the history and the
version check are the web pages'), and permissions are the ``rules`` of ``pmo.raid.rules``,
checked before any work is done."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from typing import Any, ClassVar, cast

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import filters, permissions, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.core import clock
from pmo.core.api import (
    ERROR_SCHEMA,
    PROJECT_ANSWERS,
    PROJECT_PARAMETER,
    AliasOrderingFilter,
    BoundedCharField,
    RulesPermission,
    expected_version,
    model_text,
    project_in_query,
)
from pmo.core.filters import FilterBackend, FilterSet
from pmo.core.models import DomainModel
from pmo.core.permissions import ensure_can, permission_name
from pmo.core.text_limits import NOTE, text_limit
from pmo.engine.risk import Band, Matrix
from pmo.portfolio.api import (
    IF_MATCH,
    UPDATE_ERRORS,
    WRITE_ERRORS,
    ProjectCodeField,
    RegisterViewSet,
    VersionedSerializer,
)
from pmo.portfolio.api_records import SettingsViewSet, settings_schema
from pmo.portfolio.models import Person, Portfolio, Programme, Project
from pmo.raid import selectors, services
from pmo.raid.choices import Level
from pmo.raid.models import REGISTERS, Dependency, Issue, RaidItem, RaidSettings, Risk
from pmo.schedule import crosslinks

NAME_ONE_REGISTER = (
    "Name the register the item goes in: a project's code (project), a programme's id "
    "(programme) or a portfolio's id (portfolio), exactly one."
)
NOT_A_PERSON = (
    "There is no person with id {pk_value}: the {role} must be a person in the system (see /api/v1/people/)."
)
PERSON_ID_EXPECTED = "Give the {role} as a person's id (a whole number), not {data_type}."
NOTE_REQUIRED = services.NOTE_REQUIRED
VERSION_HELP = "The version you are changing (or send an If-Match header)."
OPEN_HELP = "true: only open items; false: only those no longer open."
STALE_HELP = "true: only open items not reviewed within the settings' number of days; false: all others."
PAST_DUE_HELP = "true: only open items whose date (review, validation, target, need-by, due) has passed."
REGISTER_HELP = "The register's items, with those escalated to it from below (a {what}'s {key})."

# The levels an item may be escalated to (the model's ``escalated_to`` choices).
ESCALATION_LEVELS = [(Level.PROGRAMME.value, "Programme"), (Level.PORTFOLIO.value, "Portfolio")]
# Each workflow body names its fields after what the client sends, not the model's columns.
ESCALATION_FIELDS = {"escalated_to": "to", "escalation_note": "note"}
REGISTER_FIELDS = ("project", "programme", "portfolio")
NOT_FOUND = {404: OpenApiResponse(ERROR_SCHEMA, description="No such record, or not one you may see.")}
ACTION_ERRORS = {
    400: OpenApiResponse(ERROR_SCHEMA, description="Not possible in the item's state, or invalid input."),
    403: OpenApiResponse(ERROR_SCHEMA, description="Not allowed by your role or your part in the register."),
    **{code: response for code, response in UPDATE_ERRORS.items() if code in (404, 409)},
}


def _person_errors(role: str) -> dict[str, Any]:
    return {
        "does_not_exist": NOT_A_PERSON.replace("{role}", role),
        "incorrect_type": PERSON_ID_EXPECTED.replace("{role}", role),
    }


def _name_of(relation: str, attribute: str = "name") -> serializers.CharField:
    return serializers.CharField(source=f"{relation}.{attribute}", read_only=True, allow_null=True)


def bands_of(matrix: Matrix) -> list[dict[str, Any]]:
    """The scoring bands as score ranges, lowest first."""
    return [
        {"band": Band.LOW.value, "from_score": 1, "to_score": matrix.medium_from - 1},
        {"band": Band.MEDIUM.value, "from_score": matrix.medium_from, "to_score": matrix.high_from - 1},
        {"band": Band.HIGH.value, "from_score": matrix.high_from, "to_score": matrix.top_score},
    ]


@contextmanager
def _fields_renamed(names: Mapping[str, str]) -> Iterator[None]:
    """Report a service's errors under the names the request used."""
    try:
        yield
    except DjangoValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise DjangoValidationError(
            {names.get(field, field): messages for field, messages in exc.message_dict.items()}
        ) from exc


# Permissions -------------------------------------------------------------------------------


class RaidPermission(RulesPermission):
    """``RulesPermission`` for the registers. Reading needs the model's ``view_*`` permission
    (derived from its restriction: the selector keeps the rows to those the user may see;
    another item is not found); adding one is judged within the register the body names (by
    the service, before it does anything). The workflow actions need the right to change the
    item, checked before the body is read."""

    action_verbs: ClassVar[dict[str, str]] = {
        "escalate": "change",
        "deescalate": "change",
        "review": "change",
    }

    def has_permission(self, request: Request, view: Any) -> bool:
        if getattr(view, "action", None) == "create":
            return True
        return super().has_permission(request, view)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        super().has_object_permission(request, view, obj)
        name = getattr(view, "action", None) or ""
        if name in self.action_verbs:
            ensure_can(
                request.user, permission_name(obj, self.action_verbs[name]), obj, action=f"{name} {obj}"
            )
        return True


# Serializers -------------------------------------------------------------------------------

HEAD_FIELDS = [
    "id",
    "url",
    "reference",
    "web_url",
    "level",
    "shown_at",
    "project",
    "project_name",
    "programme",
    "programme_name",
    "portfolio",
    "portfolio_name",
    "title",
    "description",
    "owner",
    "owner_name",
]
TAIL_FIELDS = [
    "status",
    "due",
    "is_open",
    "is_past_due",
    "is_stale",
    "raised_by",
    "raised_by_name",
    "raised_on",
    "last_reviewed_on",
    "escalated_to",
    "escalated_at",
    "escalation_note",
    "closed_on",
    "closure_note",
    "version",
    "created_at",
    "updated_at",
]
SHARED_COLUMNS = frozenset(f.name for f in RaidItem._meta.get_fields()) | {"id"}
# Fields shown beside a register's own column, after it.
COMPANIONS = {
    "actionee": ["actionee_name"],
    "depends_on": ["depends_on_name"],
    "needing_task_uid": ["plan_tie"],
    "residual_score": ["inherent_band", "residual_band"],
}
MONEY = {"error_messages": {"min_value": "This cannot be negative."}}


class RaidItemSerializer(VersionedSerializer):
    """What every register's items show: the reference, the register (a project by code, a
    programme or portfolio by id) and the level it is shown at, the owner (a person's id, with
    the name), dates, escalation and closure. On create, name exactly one register."""

    reference = serializers.CharField(read_only=True, help_text="The item's reference, e.g. RSK-12.")
    web_url = serializers.CharField(source="get_absolute_url", read_only=True, help_text="Its web page.")
    level = serializers.ChoiceField(
        choices=Level.choices, read_only=True, help_text="The register it was raised in."
    )
    shown_at = serializers.ChoiceField(
        choices=Level.choices, read_only=True, help_text="The highest register that shows it (escalation)."
    )
    project = ProjectCodeField(required=False, allow_null=True)
    project_name = _name_of("project")
    programme = serializers.PrimaryKeyRelatedField(
        queryset=Programme.objects.all(), required=False, allow_null=True, help_text="The programme's id."
    )
    programme_name = _name_of("programme")
    portfolio = serializers.PrimaryKeyRelatedField(
        queryset=Portfolio.objects.all(), required=False, allow_null=True, help_text="The portfolio's id."
    )
    portfolio_name = _name_of("portfolio")
    owner = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(),
        error_messages=_person_errors("owner"),
        help_text="The owner's person id.",
    )
    owner_name = _name_of("owner")
    raised_by_name = serializers.CharField(source="raised_by", read_only=True, allow_null=True)
    is_open = serializers.BooleanField(read_only=True)
    is_past_due = serializers.SerializerMethodField()
    is_stale = serializers.SerializerMethodField(help_text="Open and not reviewed within the settings' days.")

    class Meta:
        model: type[RaidItem]
        fields: ClassVar[list[str]]
        read_only_fields = ["raised_by", "escalated_to", "escalated_at", "escalation_note", "closed_on"]

    def get_is_past_due(self, item: RaidItem) -> bool:
        return item.is_past_due(self.context.get("today") or clock.today())

    def get_is_stale(self, item: RaidItem) -> bool:
        settings_row: RaidSettings = self.context.get("raid_settings") or selectors.raid_settings()
        return item.is_stale(settings_row.stale_before(self.context.get("today") or clock.today()))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None:
            named = [name for name in REGISTER_FIELDS if attrs.get(name) is not None]
            if len(named) != 1:
                raise serializers.ValidationError(dict.fromkeys(named or ["project"], NAME_ONE_REGISTER))
        return attrs


class RiskBandsMixin(serializers.Serializer):
    """A risk's scores placed in the PMO's bands."""

    inherent_band = serializers.SerializerMethodField()
    residual_band = serializers.SerializerMethodField()

    def _band(self, score: int) -> str:
        settings_row: RaidSettings = self.context.get("raid_settings") or selectors.raid_settings()
        return settings_row.matrix.band(score).value

    def get_inherent_band(self, risk: Risk) -> str:
        return self._band(risk.inherent_score)

    def get_residual_band(self, risk: Risk) -> str:
        return self._band(risk.residual_score)


class PlanTieSerializer(serializers.Serializer):
    """A dependency tied to plan tasks, as the plans date it."""

    giving_task = serializers.CharField(
        allow_null=True, help_text="The delivering task's name in the other project's plan (null: not tied)."
    )
    needing_task = serializers.CharField(
        allow_null=True, help_text="The needing task's name in this project's plan (null: not tied)."
    )
    broken = serializers.BooleanField(
        help_text="A tied task is no longer in its plan (a re-import removed its UID): the tie moves nothing."
    )
    need_by = serializers.DateField(allow_null=True, help_text="The needing task's start, as planned.")
    forecast = serializers.DateField(
        allow_null=True, help_text="The delivering task's finish, moved by any slip that reaches it."
    )
    slip_days = serializers.IntegerField(help_text="Days the forecast falls after the need (0: on time).")
    moves = serializers.CharField(
        allow_null=True, help_text="What the slip does to this project's plan, in words (null: nothing)."
    )


def plan_tie(dependency: Dependency, context: dict[str, Any]) -> dict[str, Any] | None:
    """The dependency's tie as the plans have it (None: not tied). The portfolio's network is read
    once per request, and only when an item shown is tied."""
    if dependency.giving_task_uid is None and dependency.needing_task_uid is None:
        return None
    if "network" not in context:
        context["network"] = crosslinks.cross_network()
    network: crosslinks.CrossNetwork = context["network"]
    read = network.ties.get(dependency.pk)
    if read is None:  # closed, or no longer on another project: the tie stands still
        return {
            "giving_task": None,
            "needing_task": None,
            "broken": False,
            "need_by": None,
            "forecast": None,
            "slip_days": 0,
            "moves": None,
        }
    move = network.moves.get(read.project_id)
    return {
        "giving_task": read.giving.name if read.giving else None,
        "needing_task": read.needing.name if read.needing else None,
        "broken": read.broken,
        "need_by": read.need_by,
        "forecast": read.forecast,
        "slip_days": read.slip_days,
        # this dependency's own tie is seen by whoever sees it (both projects)
        "moves": move.sentence() if move is not None and move.dependency_id == read.dependency_id else None,
    }


class PlanTieMixin(serializers.Serializer):
    """A dependency's tie to plan tasks (read only; set ``giving_task_uid``, ``needing_task_uid``)."""

    plan_tie = serializers.SerializerMethodField()

    @extend_schema_field(PlanTieSerializer(allow_null=True))
    def get_plan_tie(self, dependency: Dependency) -> dict[str, Any] | None:
        return plan_tie(dependency, self.context)


def _own_fields(model: type[RaidItem]) -> list[str]:
    """The register's own columns in the model's order, each followed by its companions."""
    names: list[str] = []
    for field in model._meta.concrete_fields:
        if field.name not in SHARED_COLUMNS:
            names += [field.name, *COMPANIONS.get(field.name, [])]
    return names


def item_serializer(model: type[RaidItem]) -> type[RaidItemSerializer]:
    """The serializer of one register: the shared fields and the register's own."""
    declared: dict[str, Any] = {}
    bases: tuple[type, ...] = (RaidItemSerializer,)
    if model is Risk:
        bases = (RiskBandsMixin, RaidItemSerializer)
        declared["actionee"] = serializers.PrimaryKeyRelatedField(
            queryset=Person.objects.all(),
            required=False,
            allow_null=True,
            error_messages=_person_errors("actionee"),
            help_text="Who carries out the response (a person's id), where not the owner.",
        )
        declared["actionee_name"] = _name_of("actionee")
    if model is Dependency:
        bases = (PlanTieMixin, RaidItemSerializer)
        declared["depends_on"] = ProjectCodeField(
            required=False, allow_null=True, help_text="The project it depends on (its code)."
        )
        declared["depends_on_name"] = _name_of("depends_on")
    if model is Issue:  # linked by raising the issue from the risk's page
        declared["raised_from"] = serializers.PrimaryKeyRelatedField(
            read_only=True,
            allow_null=True,
            help_text="The risk that occurred and became this issue (its id), if any.",
        )
    money = {name: MONEY for name in ("response_cost", "cost_impact") if model is Risk}
    meta = type(
        "Meta",
        (RaidItemSerializer.Meta,),
        {
            "model": model,
            "fields": [*HEAD_FIELDS, *_own_fields(model), *TAIL_FIELDS],
            "extra_kwargs": money,
        },
    )
    declared["url"] = serializers.HyperlinkedIdentityField(view_name=f"api:{model._meta.model_name}-detail")
    doc = f"An item of the {model._meta.verbose_name_plural} register. {RaidItemSerializer.__doc__}"
    return cast(
        type[RaidItemSerializer],
        type(f"{model.__name__}Serializer", bases, {**declared, "Meta": meta, "__doc__": doc}),
    )


def change_serializer(serializer: type[RaidItemSerializer]) -> type[RaidItemSerializer]:
    """What ``PATCH`` reads: the item's fields, but not its register (escalate to move it up)."""
    model = serializer.Meta.model
    declared = {
        "project": ProjectCodeField(read_only=True),
        "programme": serializers.PrimaryKeyRelatedField(read_only=True),
        "portfolio": serializers.PrimaryKeyRelatedField(read_only=True),
        "__doc__": f"A change to an item of the {model._meta.verbose_name_plural} register: any of its "
        "fields but the register (escalate to show it higher up).",
    }
    return cast(type[RaidItemSerializer], type(f"{model.__name__}ChangeSerializer", (serializer,), declared))


class EscalationBodySerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)
    to = serializers.ChoiceField(
        choices=ESCALATION_LEVELS,
        help_text="The register to escalate to: programme or portfolio.",
    )
    note = model_text(
        RaidItem,
        "escalation_note",
        error_messages={"required": NOTE_REQUIRED, "blank": NOTE_REQUIRED},
        help_text="Why it is escalated.",
    )


class DeescalationBodySerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)
    note = model_text(
        RaidItem,
        "escalation_note",
        error_messages={"required": NOTE_REQUIRED, "blank": NOTE_REQUIRED},
        help_text="Why it goes back to the register it was raised in.",
    )


class ReviewBodySerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)
    note = BoundedCharField(
        max_length=text_limit(NOTE),
        required=False,
        allow_blank=True,
        default="",
        help_text="What the review found (optional).",
    )


class BandSerializer(serializers.Serializer):
    band = serializers.ChoiceField(choices=[(band.value, band.value) for band in Band])
    from_score = serializers.IntegerField()
    to_score = serializers.IntegerField()


class HeatMapCellSerializer(serializers.Serializer):
    probability = serializers.IntegerField()
    impact = serializers.IntegerField()
    band = serializers.ChoiceField(choices=[(band.value, band.value) for band in Band])
    count = serializers.IntegerField(help_text="Open risks scored here.")


class HeatMapRowSerializer(serializers.Serializer):
    probability = serializers.IntegerField()
    cells = HeatMapCellSerializer(many=True, help_text="By impact, lowest first.")


class HeatMapSerializer(serializers.Serializer):
    """Where the open risks sit on the matrix before (inherent) and after (residual) their
    response: rows from the highest probability down, cells by impact."""

    probability_levels = serializers.IntegerField()
    impact_levels = serializers.IntegerField()
    bands = BandSerializer(many=True)
    total = serializers.IntegerField(help_text="Open risks counted.")
    inherent = HeatMapRowSerializer(many=True)
    residual = HeatMapRowSerializer(many=True)


class AffectedProjectSerializer(serializers.Serializer):
    project = serializers.CharField(source="project.code", help_text="The project's code.")
    name = serializers.CharField(source="project.name")
    project_manager_name = serializers.CharField(source="project.project_manager.name", allow_null=True)
    distance = serializers.IntegerField(help_text="1: waits on it directly; 2: through one other project…")
    plan_moves = serializers.CharField(
        allow_null=True,
        help_text="What slips already do to the project's plan through dependencies tied to plan tasks, "
        "in words (\"IT-118's Go-live moves 3 weeks because IT-131's Data migration slipped\"); null: "
        "nothing moves.",
    )


class AffectedSerializer(serializers.Serializer):
    """The projects that wait on a project through open dependencies, nearest first."""

    project = serializers.CharField(source="slipping.code")
    project_name = serializers.CharField(source="slipping.name")
    affected = AffectedProjectSerializer(many=True)


class RaidSettingsSerializer(VersionedSerializer):
    """The risk matrix (its size, bands and the likelihood of each probability level) and the
    number of days after which an unreviewed open item is stale."""

    url = serializers.HyperlinkedIdentityField(view_name="api:raid-settings-detail")
    top_score = serializers.SerializerMethodField()
    bands = serializers.SerializerMethodField()

    class Meta:
        model = RaidSettings
        fields = [
            "id",
            "url",
            *sorted(services.SETTINGS_FIELDS),
            "top_score",
            "bands",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_top_score(self, row: RaidSettings) -> int:
        return row.probability_levels * row.impact_levels

    @extend_schema_field(BandSerializer(many=True))
    def get_bands(self, row: RaidSettings) -> list[dict[str, Any]]:
        return bands_of(row.matrix)


# Filters -----------------------------------------------------------------------------------


def _visible_projects(request: Request | None) -> QuerySet[Project]:
    return Project.objects.restrict(getattr(request, "user", None), "view")


class RaidItemFilter(FilterSet):
    """Filters every register has. ``project``, ``programme`` and ``portfolio`` give a register
    as its page shows it: its own items and those escalated to it from below."""

    project = django_filters.ModelChoiceFilter(
        queryset=_visible_projects,
        to_field_name="code",
        method="in_register",
        label=REGISTER_HELP.format(what="project", key="code"),
    )
    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.all(),
        method="in_register",
        label=REGISTER_HELP.format(what="programme", key="id"),
    )
    portfolio = django_filters.ModelChoiceFilter(
        queryset=Portfolio.objects.all(),
        method="in_register",
        label=REGISTER_HELP.format(what="portfolio", key="id"),
    )
    owner = django_filters.ModelMultipleChoiceFilter(
        queryset=Person.objects.all(), label="The owner's person id", distinct=False
    )
    escalated_to = django_filters.ChoiceFilter(
        choices=ESCALATION_LEVELS,
        label="Items escalated to this level",
    )
    open = django_filters.BooleanFilter(method="still_open", label=OPEN_HELP)
    stale = django_filters.BooleanFilter(method="not_reviewed", label=STALE_HELP)
    past_due = django_filters.BooleanFilter(method="late", label=PAST_DUE_HELP)

    def in_register(
        self, queryset: QuerySet[RaidItem], name: str, value: Project | Programme | Portfolio | None
    ) -> QuerySet[RaidItem]:
        return queryset.filter(selectors.in_register(value))

    @staticmethod
    def _kept(queryset: QuerySet[RaidItem], chosen: QuerySet[RaidItem], value: bool) -> QuerySet[RaidItem]:
        return chosen if value else queryset.exclude(pk__in=chosen.values("pk"))

    def still_open(self, queryset: QuerySet[RaidItem], name: str, value: bool) -> QuerySet[RaidItem]:
        return self._kept(queryset, selectors.open_items(queryset), value)

    def not_reviewed(self, queryset: QuerySet[RaidItem], name: str, value: bool) -> QuerySet[RaidItem]:
        stale_before = selectors.raid_settings().stale_before(clock.today())
        return self._kept(queryset, selectors.stale(queryset, stale_before=stale_before), value)

    def late(self, queryset: QuerySet[RaidItem], name: str, value: bool) -> QuerySet[RaidItem]:
        return self._kept(queryset, selectors.past_due(queryset), value)


def item_filter(model: type[RaidItem]) -> type[RaidItemFilter]:
    """The filters of one register: the shared ones, its statuses (and a risk's category and
    kind)."""

    def choices_of(name: str) -> Any:
        return cast(models.Field, model._meta.get_field(name)).choices

    # One value of a column per item: no join can repeat a row, so no DISTINCT (which would make
    # the page count compare every column).
    declared: dict[str, Any] = {
        "status": django_filters.MultipleChoiceFilter(choices=choices_of("status"), distinct=False)
    }
    if model is Risk:
        for name in ("category", "kind"):
            declared[name] = django_filters.MultipleChoiceFilter(choices=choices_of(name), distinct=False)
    meta = type("Meta", (), {"model": model, "fields": []})
    return cast(
        type[RaidItemFilter], type(f"{model.__name__}Filter", (RaidItemFilter,), {**declared, "Meta": meta})
    )


# Viewsets ----------------------------------------------------------------------------------


def action_schema(represented: type[serializers.Serializer], body: type[serializers.Serializer]) -> Any:
    """A workflow action on an item: the body it reads (with the version, or If-Match) and the
    item it answers with."""
    return extend_schema(request=body, parameters=[IF_MATCH], responses={200: represented, **ACTION_ERRORS})


class RaidItemViewSet(RegisterViewSet):
    """One register's items: read through ``selectors.item_list``, written through the RAID
    services. ``register_viewset`` makes one per register."""

    permission_classes = [permissions.IsAuthenticated, RaidPermission]
    filter_backends = [FilterBackend, filters.SearchFilter, AliasOrderingFilter]
    search_fields = ["title"]
    ordering_fields = ["reference", "title", "status", "due", "raised_on", "last_reviewed_on", "owner"]
    ordering_aliases: ClassVar[dict[str, str]] = {"reference": "id", "owner": "owner__name"}
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    change_serializer_class: ClassVar[type[serializers.Serializer]]

    def get_queryset(self) -> QuerySet[Any]:
        model = cast(type[RaidItem], self.register_model)
        return selectors.item_list(model, user=self.request.user).select_related("raised_by")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "partial_update":
            return self.change_serializer_class
        return cast(type[serializers.Serializer], super().get_serializer_class())

    @cached_property
    def raid_settings(self) -> RaidSettings:
        return selectors.raid_settings()

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        return {**context, "raid_settings": self.raid_settings, "today": clock.today()}

    def _body(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        body = serializer_class(data=self.request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def _create(self, fields: dict[str, Any]) -> DomainModel:
        register = next(fields[name] for name in REGISTER_FIELDS if fields.get(name) is not None)
        values = {name: value for name, value in fields.items() if name not in REGISTER_FIELDS}
        model = cast(type[RaidItem], self.register_model)
        return services.raid_item_create(actor=self.actor, model=model, register=register, fields=values)

    def _update(self, instance: DomainModel, fields: dict[str, Any], version: int) -> DomainModel:
        item = cast(RaidItem, instance)
        return services.raid_item_update(actor=self.actor, item=item, fields=fields, expected_version=version)

    def _delete(self, instance: DomainModel, version: int | None) -> None:
        services.raid_item_delete(actor=self.actor, item=cast(RaidItem, instance), expected_version=version)

    @action(detail=True, methods=["post"], filter_backends=[])
    def escalate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Escalate the item to the programme or portfolio register, which then shows it; whoever
        keeps that register is told."""
        item = self.get_object()
        body = self._body(EscalationBodySerializer)
        with _fields_renamed(ESCALATION_FIELDS):
            escalated = services.raid_item_escalate(
                actor=self.actor,
                item=item,
                to=Level(body["to"]),
                note=body["note"],
                expected_version=expected_version(request),
            )
        return self._represent(escalated)

    @action(detail=True, methods=["post"], filter_backends=[])
    def deescalate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Hand an escalated item back to the register it was raised in."""
        item = self.get_object()
        body = self._body(DeescalationBodySerializer)
        with _fields_renamed(ESCALATION_FIELDS):
            returned = services.raid_item_deescalate(
                actor=self.actor, item=item, note=body["note"], expected_version=expected_version(request)
            )
        return self._represent(returned)

    @action(detail=True, methods=["post"], filter_backends=[])
    def review(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record that the item was reviewed today and stands as it is (it is no longer stale)."""
        item = self.get_object()
        body = self._body(ReviewBodySerializer)
        reviewed = services.raid_item_review(
            actor=self.actor, item=item, note=body["note"], expected_version=expected_version(request)
        )
        return self._represent(reviewed)


class HeatMapActions:
    """``risks/heat-map/``: the open risks on the matrix, with the list's filters."""

    @extend_schema(responses={200: HeatMapSerializer, 400: ERROR_SCHEMA}, filters=True)
    @action(detail=False, methods=["get"], url_path="heat-map", url_name="heat-map", pagination_class=None)
    def heat_map(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Counts of open risks per cell of the matrix, inherent and residual, for the risks the
        filters choose (a project's, a programme's, a category…), with the matrix's bands."""
        view = cast(RaidItemViewSet, self)
        matrix = view.raid_settings.matrix
        figures = selectors.heat_map(view.filter_queryset(view.get_queryset()), matrix)
        body = {
            "probability_levels": matrix.probability_levels,
            "impact_levels": matrix.impact_levels,
            "bands": bands_of(matrix),
            "total": figures.total,
            "inherent": figures.grid("inherent"),
            "residual": figures.grid("residual"),
        }
        return Response(HeatMapSerializer(body).data)


def _plan_moves(projects: list[Project], user: Any) -> dict[int, str]:
    """What slips do to these projects' plans, in words, naming only causes ``user`` may see: one
    query when no dependency is tied to plan tasks."""
    network = crosslinks.cross_network()
    causes = {move.because.project_id for move in network.moves.values()}
    if not causes or not projects:
        return {}
    seen = set(Project.objects.restrict(user, "view").filter(pk__in=causes).values_list("pk", flat=True))
    seen |= {project.pk for project in projects}
    return {p.pk: network.moves[p.pk].sentence(seen) for p in projects if p.pk in network.moves}


class AffectedActions:
    """``dependencies/affected/?project=CODE``: who waits on a project."""

    @extend_schema(
        parameters=[PROJECT_PARAMETER],
        responses={200: AffectedSerializer, **PROJECT_ANSWERS},
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def affected(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """If this project slips, the projects affected: those that depend on it through open
        dependencies, directly (distance 1) or through others (2, 3…), nearest first."""
        project = project_in_query(request, _visible_projects(request))
        affected = selectors.affected_projects(project, user=request.user)
        moves = _plan_moves([p for p, _ in affected], request.user)
        body = {
            "slipping": project,
            "affected": [{"project": p, "distance": d, "plan_moves": moves.get(p.pk)} for p, d in affected],
        }
        return Response(AffectedSerializer(body).data)


DESCRIPTIONS = {
    "risks": "Risks (threats and opportunities), scored before (inherent) and after (residual) "
    "their response on the PMO's matrix; a score off the matrix is refused, naming the range. "
    "``heat-map/`` counts the open ones per cell.",
    "assumptions": "Assumptions taken as true for planning, each with its validation owner and "
    "the date to validate it by.",
    "issues": "Issues: requests for change, off-specifications and problems, with type, priority "
    "and severity.",
    "dependencies": "Dependencies on another project (``depends_on``, its code) or on an outside "
    "provider, needed by a date; no project may wait on itself, directly or in a loop. "
    "``affected/?project=CODE`` says who waits on a project, and what slips already do to their "
    "plans. ``giving_task_uid`` and ``needing_task_uid`` tie it to plan tasks (UIDs): the delivering "
    "task of the other project's plan and the needing task of this one's; ``plan_tie`` then gives "
    "the dates the plans give and the slip.",
    "actions": "Actions: one owner, a due date, and where they came from (a RAID item, meeting, "
    "exception or health check).",
    "decisions": "Decisions: what was decided, by whom, when and why, with the options considered.",
}
REGISTER_GUIDE = (
    " Items live in one register: a project's (``project``: its code), a programme's or a "
    "portfolio's (their ids); ``escalate`` shows one higher up, ``deescalate`` hands it back, "
    "``review`` records a review. Its manager and sponsor (or the programme's leads, the "
    "portfolio's owner) and the PMO keep a register; only the PMO deletes an item."
)
RISK_ORDERING = ["category", "inherent_score", "residual_score", "expected_value", "proximity"]


def register_viewset(model: type[RaidItem], *extras: type) -> type[RaidItemViewSet]:
    """The viewset of one register, with its serializers, filters and schema."""
    serializer = item_serializer(model)
    change = change_serializer(serializer)
    viewset = type(
        f"{model.__name__}ViewSet",
        (*extras, RaidItemViewSet),
        {
            "__module__": __name__,
            "__doc__": DESCRIPTIONS[model.KIND] + REGISTER_GUIDE,
            "queryset": model._default_manager.none(),
            "serializer_class": serializer,
            "change_serializer_class": change,
            "filterset_class": item_filter(model),
            "ordering_fields": [*RaidItemViewSet.ordering_fields, *(RISK_ORDERING if model is Risk else [])],
        },
    )
    schemas = extend_schema_view(
        create=extend_schema(request=serializer, responses={201: serializer, **WRITE_ERRORS}),
        partial_update=extend_schema(
            request=change, parameters=[IF_MATCH], responses={200: serializer, **UPDATE_ERRORS}
        ),
        destroy=extend_schema(
            parameters=[IF_MATCH],
            responses={204: None, **{k: v for k, v in UPDATE_ERRORS.items() if k != 400}},
        ),
        escalate=action_schema(serializer, EscalationBodySerializer),
        deescalate=action_schema(serializer, DeescalationBodySerializer),
        review=action_schema(serializer, ReviewBodySerializer),
    )
    return cast(type[RaidItemViewSet], extend_schema(tags=[model.KIND])(schemas(viewset)))


RiskViewSet = register_viewset(Risk, HeatMapActions)
DependencyViewSet = register_viewset(Dependency, AffectedActions)
VIEWSETS: dict[str, type[RaidItemViewSet]] = {
    kind: {"risks": RiskViewSet, "dependencies": DependencyViewSet}.get(kind) or register_viewset(model)
    for kind, model in REGISTERS.items()
}


# Settings ----------------------------------------------------------------------------------


def raid_settings_list(*, user: Any) -> QuerySet[RaidSettings]:
    """The one row of RAID settings (made with the defaults if missing)."""
    return RaidSettings.objects.filter(pk=selectors.raid_settings().pk).order_by("pk")


@settings_schema(RaidSettingsSerializer, "raid-settings")
class RaidSettingsViewSet(SettingsViewSet):
    """The RAID settings: the risk matrix's size (probability × impact levels), where the medium
    and high bands start, the likelihood of each probability level (for expected values), and
    the days after which an unreviewed open item is stale. Only the PMO head changes them; a
    smaller matrix is refused while open risks are scored beyond it."""

    queryset = RaidSettings.objects.none()
    serializer_class = RaidSettingsSerializer
    selector = staticmethod(raid_settings_list)
    updater = staticmethod(services.raid_settings_update)
