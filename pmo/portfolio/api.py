"""The portfolio register over REST (``/api/v1/``): serializers and viewsets.

Reads go through the selectors (so the API shows what the web pages show), writes through the
services (so the same rules, history and version check apply), and permissions are the ``rules``
declared in ``pmo.portfolio.rules``."""

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar, cast

import django_filters
from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import filters, permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pmo.core.api import (
    CONFLICT_SCHEMA,
    ERROR_SCHEMA,
    AliasOrderingFilter,
    HistoryMixin,
    IdentityField,
    RowSerializer,
    RulesPermission,
    expected_version,
    optional_expected_version,
    parse_as_of,
)
from pmo.core.filters import FilterBackend
from pmo.core.models import DomainModel, User
from pmo.core.permissions import role_names
from pmo.core.register_figures import FIGURES, RegisterFigure, figure_of, figures, load_register_figures
from pmo.portfolio import selectors
from pmo.portfolio.choices import Priority
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
from pmo.portfolio.register import RATINGS, load_evidence
from pmo.portfolio.services import (
    project_create,
    project_delete,
    project_update,
    register_entry_create,
    register_entry_delete,
    register_entry_update,
)

VERSION_HELP = (
    "The record's version. On update (PUT/PATCH) send the version you are changing (or an If-Match "
    "header): if someone changed the record since, the answer is 409 and nothing is saved."
)
AS_OF_HELP = (
    "Show the register as it stood at this date (end of that day) or date and time, "
    "e.g. 2026-03-31. Not in the future."
)


def _name_of(relation: str, attribute: str = "name", *, nullable: bool = False) -> serializers.CharField:
    return serializers.CharField(source=f"{relation}.{attribute}", read_only=True, allow_null=nullable)


class VersionedSerializer(RowSerializer):
    """Shows the version; accepts it on updates (the viewset reads it with ``expected_version``)."""

    version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)

    def to_internal_value(self, data: Any) -> Any:
        values = super().to_internal_value(data)
        values.pop("version", None)
        return values


class ProjectCodeField(serializers.SlugRelatedField):
    """A project named by its code, among those the signed-in user may see."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "The project's code, e.g. IT-145.")
        if not kwargs.get("read_only"):
            kwargs["queryset"] = Project.objects.all()
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self) -> QuerySet[Project]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return Project.objects.restrict(user, "view").select_related("project_manager", "sponsor")


class OrgUnitSerializer(VersionedSerializer):
    url = IdentityField(view_name="api:org-unit-detail")
    parent_name = _name_of("parent", nullable=True)

    class Meta:
        model = OrgUnit
        fields = ["id", "url", "name", "kind", "parent", "parent_name", "version", "created_at", "updated_at"]


class StrategicObjectiveSerializer(VersionedSerializer):
    url = IdentityField(view_name="api:strategic-objective-detail")

    class Meta:
        model = StrategicObjective
        fields = [
            "id",
            "url",
            "code",
            "title",
            "description",
            "is_active",
            "version",
            "created_at",
            "updated_at",
        ]


class PersonSerializer(VersionedSerializer):
    url = IdentityField(view_name="api:person-detail")
    org_unit_name = _name_of("org_unit", nullable=True)
    username = _name_of("user", "username", nullable=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "url",
            "name",
            "email",
            "job_title",
            "org_unit",
            "org_unit_name",
            "user",
            "username",
            "version",
            "created_at",
            "updated_at",
        ]


class LifecycleStageSerializer(VersionedSerializer):
    url = IdentityField(view_name="api:lifecycle-stage-detail")

    class Meta:
        model = LifecycleStage
        fields = [
            "id",
            "url",
            "name",
            "order",
            "gate_name",
            "description",
            "version",
            "created_at",
            "updated_at",
        ]


class PortfolioSerializer(VersionedSerializer):
    url = IdentityField(view_name="api:portfolio-detail")
    owner_name = _name_of("owner", nullable=True)

    class Meta:
        model = Portfolio
        fields = [
            "id",
            "url",
            "name",
            "description",
            "owner",
            "owner_name",
            "version",
            "created_at",
            "updated_at",
        ]


class ProgrammeSerializer(VersionedSerializer):
    url = IdentityField(view_name="api:programme-detail")
    portfolio_name = _name_of("portfolio")
    sponsor_name = _name_of("sponsor", nullable=True)
    manager_name = _name_of("manager", nullable=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "url",
            "code",
            "name",
            "description",
            "portfolio",
            "portfolio_name",
            "sponsor",
            "sponsor_name",
            "manager",
            "manager_name",
            "version",
            "created_at",
            "updated_at",
        ]


RATING_HELP = "green, amber_green, amber, amber_red or red"


class ProjectListSerializer(serializers.ListSerializer):
    """Projects read with their evidence-based status, judged for the whole page at once, and
    the figures other apps give them (finance's forecast cost), read for the whole page at once
    (a fixed number of queries, not one set per row)."""

    def to_representation(self, data: Any) -> Any:
        rows = list(data.all() if hasattr(data, "all") else data)
        load_evidence(rows)
        load_register_figures(rows)
        return super().to_representation(rows)


class _FigureReader(serializers.Field):
    """A read-only field of a figure another app gives the register (``pmo.core.register_figures``,
    ADR 0055), read from what ``load_register_figures`` set on the project (null: none)."""

    def __init__(self, *, figure_key: str, **kwargs: Any) -> None:
        self.figure_key = figure_key
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def get_attribute(self, instance: Any) -> Any:
        return figure_of(instance, self.figure_key)


class MoneyFigureField(_FigureReader, serializers.DecimalField):
    pass


class DateFigureField(_FigureReader, serializers.DateField):
    pass


class TextFigureField(_FigureReader, serializers.CharField):
    pass


def figure_field(figure: RegisterFigure) -> serializers.Field:
    """The API field of a register figure, typed by its kind (money as the budgets are)."""
    if figure.kind in ("money", "number"):
        return MoneyFigureField(figure_key=figure.key, max_digits=16, decimal_places=2, help_text=figure.help)
    if figure.kind == "date":
        return DateFigureField(figure_key=figure.key, help_text=figure.help)
    return TextFigureField(figure_key=figure.key, help_text=figure.help)


class ProjectSerializer(VersionedSerializer):
    """A project of the register, with the names of the records it refers to and its status, as
    declared and as the evidence gives it. Related records are written by id; the size tier
    follows the budget when not given."""

    fields_kept = True  # the same fields for every request: worked out from the model once
    url = IdentityField(view_name="api:project-detail", lookup_field="code")
    portfolio_name = _name_of("portfolio")
    programme_name = _name_of("programme", nullable=True)
    department_name = _name_of("department")
    sponsor_name = _name_of("sponsor")
    project_manager_name = _name_of("project_manager")
    business_owner_name = _name_of("business_owner", nullable=True)
    stage_name = _name_of("stage")
    strategic_objectives = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=StrategicObjective.objects.all()
    )
    approved_finish = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="The approved finish: the latest baseline's, or the proposed finish before one.",
    )
    approved_budget = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        read_only=True,
        help_text="The approved budget: the latest baseline's budget at completion, or the proposed "
        "budget before one.",
    )
    baseline_version = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The baseline that holds the approved plan (null: none yet).",
    )
    declared_status = serializers.ChoiceField(
        choices=RATINGS,
        read_only=True,
        allow_null=True,
        help_text=f"The overall status the latest handed-in report declares ({RATING_HELP}); "
        "null: not reported yet.",
    )
    evidence_status = serializers.SerializerMethodField(
        help_text=f"The overall status the evidence gives ({RATING_HELP}): tolerances, milestones, "
        "reports, RAID; null: not judged (and in a register as of an earlier date)."
    )
    evidence_reasons = serializers.SerializerMethodField(
        help_text="Why the evidence gives that status, one reason a line."
    )

    @extend_schema_field(serializers.ChoiceField(choices=RATINGS, allow_null=True))
    def get_evidence_status(self, project: Project) -> str | None:
        found = getattr(project, "evidence_status", None)
        return (found.rating or None) if found else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_evidence_reasons(self, project: Project) -> list[str]:
        found = getattr(project, "evidence_status", None)
        return list(found.reasons) if found else []

    def get_fields(self) -> dict[str, serializers.Field]:
        """The model's and declared fields, with the figures other apps give the register after
        ``baseline_version`` (``forecast_cost``…)."""
        fields: dict[str, serializers.Field] = {}
        for name, field in super().get_fields().items():
            fields[name] = field
            if name == "baseline_version":
                fields.update((figure.key, figure_field(figure)) for figure in figures())
        return fields

    def to_representation(self, instance: Any) -> Any:
        alone = not isinstance(self.parent, serializers.ListSerializer)
        if alone and not hasattr(instance, "evidence_status"):
            load_evidence([instance])  # one project read alone (its page, a write's answer)
        if alone and not hasattr(instance, FIGURES):
            load_register_figures([instance])
        data = super().to_representation(instance)
        data["declared_status"] = data["declared_status"] or None
        return data

    class Meta:
        model = Project
        list_serializer_class = ProjectListSerializer
        fields = [
            "id",
            "url",
            "code",
            "name",
            "description",
            "portfolio",
            "portfolio_name",
            "programme",
            "programme_name",
            "department",
            "department_name",
            "sponsor",
            "sponsor_name",
            "project_manager",
            "project_manager_name",
            "business_owner",
            "business_owner_name",
            "category",
            "methodology",
            "size_tier",
            "stage",
            "stage_name",
            "status",
            "planned_start",
            "approved_finish",
            "approved_budget",
            "baseline_version",
            "declared_status",
            "evidence_status",
            "evidence_reasons",
            "planned_finish",
            "budget",
            "priority",
            "strategic_objectives",
            "confidential",
            "version",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "size_tier": {"required": False},
            "planned_finish": {"help_text": "The proposed finish, before the first baseline."},
            "budget": {"help_text": "The proposed budget (£), before the first baseline."},
        }


class ProjectAsOfSerializer(ProjectSerializer):
    """A project as it stood at an earlier time (names of related records are today's)."""

    strategic_objectives = serializers.SerializerMethodField()  # type: ignore[assignment]

    class Meta(ProjectSerializer.Meta):
        list_serializer_class = serializers.ListSerializer

    def to_representation(self, instance: Any) -> Any:
        instance.evidence_status = None  # the evidence is today's: not given as of a date
        setattr(instance, FIGURES, {})  # so are the other apps' figures (finance's ledger)
        return super().to_representation(instance)

    def get_strategic_objectives(self, project: Project) -> list[int]:
        return sorted(objective.pk for objective in getattr(project, "as_of_objectives", ()))


class ProjectAsOfFilter(ProjectFilter):
    """The register's filters applied to its history (for ``?as_of=``)."""

    strategic_objective = django_filters.ModelMultipleChoiceFilter(
        field_name="historicalproject_strategic_objectives__strategicobjective",
        queryset=StrategicObjective.objects.all(),
        distinct=True,
    )

    class Meta:
        model = Project.history.model
        fields: ClassVar[list[str]] = []


PRIORITY_RANK = Case(
    *(When(priority=value, then=Value(rank)) for rank, value in enumerate(Priority.values)),
    default=Value(len(Priority.values)),
    output_field=IntegerField(),
)

WRITE_ERRORS = {
    400: OpenApiResponse(ERROR_SCHEMA, description="Invalid input: the fields say what and where."),
    403: OpenApiResponse(ERROR_SCHEMA, description="Not allowed by your role or your part in the record."),
}
UPDATE_ERRORS = {
    **WRITE_ERRORS,
    404: OpenApiResponse(ERROR_SCHEMA, description="No such record, or not one you may see."),
    409: OpenApiResponse(CONFLICT_SCHEMA, description="Someone changed the record since your version."),
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The version you are changing (instead of the body's 'version').",
)


def _register_schema(serializer: type[serializers.Serializer]) -> Callable[[type], type]:
    return extend_schema_view(
        create=extend_schema(responses={201: serializer, **WRITE_ERRORS}),
        update=extend_schema(parameters=[IF_MATCH], responses={200: serializer, **UPDATE_ERRORS}),
        partial_update=extend_schema(parameters=[IF_MATCH], responses={200: serializer, **UPDATE_ERRORS}),
        destroy=extend_schema(
            parameters=[IF_MATCH],
            responses={204: None, **{k: v for k, v in UPDATE_ERRORS.items() if k != 400}},
        ),
    )


class RegisterViewSet(HistoryMixin, viewsets.ModelViewSet):
    """Reads through a selector, writes through the register services, ``rules`` for
    permissions. Subclasses set ``queryset`` (its model), ``serializer_class`` and ``selector``."""

    permission_classes = [permissions.IsAuthenticated, RulesPermission]
    filter_backends = [FilterBackend, filters.SearchFilter, AliasOrderingFilter]
    selector: ClassVar[Callable[..., QuerySet[Any]]]

    def get_queryset(self) -> QuerySet[Any]:
        return type(self).selector(user=self.request.user)

    @property
    def actor(self) -> User:
        """The signed-in user: the permission classes let nobody else this far."""
        return cast(User, self.request.user)

    @property
    def register_model(self) -> type[DomainModel]:
        return cast(type[DomainModel], self.queryset.model)  # type: ignore[union-attr]

    def _represent(self, instance: DomainModel, *, status_code: int = status.HTTP_200_OK) -> Response:
        # Read back through the selector, shaped like a list row; a record the writer may no
        # longer see (a PM who handed a confidential project over) is shown as saved.
        shaped = self.get_queryset().filter(pk=instance.pk).first() or instance
        response = Response(self.get_serializer(shaped).data, status=status_code)
        response["ETag"] = f'"{shaped.version}"'
        return response

    def _create(self, fields: dict[str, Any]) -> DomainModel:
        return register_entry_create(actor=self.actor, model=self.register_model, fields=fields)

    def _update(self, instance: DomainModel, fields: dict[str, Any], version: int) -> DomainModel:
        return register_entry_update(
            actor=self.actor, entry=instance, fields=fields, expected_version=version
        )

    def _delete(self, instance: DomainModel, version: int | None) -> None:
        register_entry_delete(actor=self.actor, entry=instance, expected_version=version)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = f'"{instance.version}"'
        return response

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self._create(dict(serializer.validated_data))
        return self._represent(instance, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        version = expected_version(request)
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        updated = self._update(instance, dict(serializer.validated_data), version)
        return self._represent(updated)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        self._delete(instance, optional_expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


@_register_schema(PortfolioSerializer)
@extend_schema(tags=["portfolios"])
class PortfolioViewSet(RegisterViewSet):
    """Portfolios: collections of projects and programmes managed together."""

    queryset = Portfolio.objects.none()
    serializer_class = PortfolioSerializer
    selector = staticmethod(selectors.portfolio_list)
    filterset_fields = ["owner"]
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at"]


@_register_schema(ProgrammeSerializer)
@extend_schema(tags=["programmes"])
class ProgrammeViewSet(RegisterViewSet):
    """Programmes: related projects delivering a shared outcome within one portfolio."""

    queryset = Programme.objects.none()
    serializer_class = ProgrammeSerializer
    selector = staticmethod(selectors.programme_list)
    filterset_fields = ["portfolio", "sponsor", "manager"]
    search_fields = ["code", "name", "description"]
    ordering_fields = ["code", "name", "created_at"]


@_register_schema(PersonSerializer)
@extend_schema(tags=["people"])
class PersonViewSet(RegisterViewSet):
    """People who hold roles on projects (sponsors, project managers, owners)."""

    queryset = Person.objects.none()
    serializer_class = PersonSerializer
    selector = staticmethod(selectors.person_list)
    filterset_fields = ["org_unit", "user"]
    search_fields = ["name", "email", "job_title"]
    ordering_fields = ["name", "email", "created_at"]


@_register_schema(OrgUnitSerializer)
@extend_schema(tags=["org-units"])
class OrgUnitViewSet(RegisterViewSet):
    """Organisation units: directorates, departments and business service areas."""

    queryset = OrgUnit.objects.none()
    serializer_class = OrgUnitSerializer
    selector = staticmethod(selectors.org_unit_list)
    filterset_fields = ["kind", "parent"]
    search_fields = ["name"]
    ordering_fields = ["name", "kind"]


@_register_schema(StrategicObjectiveSerializer)
@extend_schema(tags=["strategic-objectives"])
class StrategicObjectiveViewSet(RegisterViewSet):
    """Objectives of the organisation's strategy that projects contribute to."""

    queryset = StrategicObjective.objects.none()
    serializer_class = StrategicObjectiveSerializer
    selector = staticmethod(selectors.strategic_objective_list)
    filterset_fields = ["is_active"]
    search_fields = ["code", "title", "description"]
    ordering_fields = ["code", "title"]


@_register_schema(LifecycleStageSerializer)
@extend_schema(tags=["lifecycle-stages"])
class LifecycleStageViewSet(RegisterViewSet):
    """The stages of the project lifecycle, in order, each entered through a gate."""

    queryset = LifecycleStage.objects.none()
    serializer_class = LifecycleStageSerializer
    selector = staticmethod(selectors.lifecycle_stage_list)
    search_fields = ["name", "gate_name"]
    ordering_fields = ["order", "name"]


@_register_schema(ProjectSerializer)
@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE, description=AS_OF_HELP)],
        responses={200: ProjectSerializer(many=True), 400: ERROR_SCHEMA},
    ),
)
@extend_schema(tags=["projects"])
class ProjectViewSet(RegisterViewSet):
    """The project register. Confidential projects are visible only to the PMO, their sponsor
    and their project manager; a project is addressed by its code. ``ordering=priority`` puts
    the most pressing first; ``ordering=stage`` follows the lifecycle."""

    queryset = Project.objects.none()
    serializer_class = ProjectSerializer
    selector = staticmethod(selectors.project_list)
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9][A-Za-z0-9._-]*"
    search_fields = ["code", "name", "description", "sponsor__name", "project_manager__name"]
    ordering_fields = [
        "code",
        "name",
        "planned_start",
        "planned_finish",
        "budget",
        "approved_finish",
        "approved_budget",
        "priority",
        "status",
        "stage",
    ]
    ordering_aliases = {"priority": "priority_rank", "stage": "stage__order"}
    ordering = ["code"]
    as_of: datetime | None = None

    @property
    def filterset_class(self) -> type[ProjectFilter]:
        return ProjectAsOfFilter if self.as_of is not None else ProjectFilter

    def get_queryset(self) -> QuerySet[Any]:
        if self.as_of is not None:
            queryset = selectors.project_list_as_of(user=self.request.user, when=self.as_of)
        else:
            queryset = selectors.project_list(user=self.request.user)
            if self.action == "list":
                # A row shows its objectives' ids only: read no more of them.
                objectives = Prefetch("strategic_objectives", queryset=StrategicObjective.objects.only("pk"))
                queryset = selectors.as_rows(queryset).prefetch_related(None).prefetch_related(objectives)
        return queryset.annotate(priority_rank=PRIORITY_RANK)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.as_of = parse_as_of(request.query_params.get("as_of"))
        if self.as_of is None:
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        selectors.project_as_of_load(rows)
        data = ProjectAsOfSerializer(rows, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def _create(self, fields: dict[str, Any]) -> DomainModel:
        objectives = fields.pop("strategic_objectives", ())
        return project_create(actor=self.actor, fields=fields, strategic_objectives=objectives)

    def _update(self, instance: DomainModel, fields: dict[str, Any], version: int) -> DomainModel:
        objectives = fields.pop("strategic_objectives", None)
        return project_update(
            actor=self.actor,
            project=cast(Project, instance),
            fields=fields,
            expected_version=version,
            strategic_objectives=objectives,
        )

    def _delete(self, instance: DomainModel, version: int | None) -> None:
        project_delete(actor=self.actor, project=cast(Project, instance), expected_version=version)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    roles = serializers.ListField(child=serializers.CharField())
    is_superuser = serializers.BooleanField()
    person = serializers.IntegerField(
        allow_null=True, help_text="Your record in the people register, if any."
    )


class MeView(APIView):
    """Who the API thinks you are: your account, your roles and your person record."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer, summary="The signed-in user", tags=["auth"])
    def get(self, request: Request) -> Response:
        user = request.user
        body = {
            "id": user.pk,
            "username": user.get_username(),
            "name": str(user),
            "email": getattr(user, "email", ""),
            "roles": sorted(role_names(user)),
            "is_superuser": user.is_superuser,
            "person": selectors.person_id_of(user),
        }
        return Response(MeSerializer(body).data)
