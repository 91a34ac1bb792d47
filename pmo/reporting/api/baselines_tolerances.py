"""Baselines and tolerances over REST: ``baselines`` (versions of the approved plan),
``tolerances`` (a project's own, and the ones in effect), ``tolerance-defaults`` and
``tolerance-checks`` (the latest verdicts)."""

from typing import Any, ClassVar

import django_filters
from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, filters, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.core.api import (
    PROJECT_ANSWERS,
    PROJECT_PARAMETER,
    AliasOrderingFilter,
    model_text,
    optional_expected_version,
    project_in_query,
)
from pmo.core.filters import FilterBackend
from pmo.portfolio.api import WRITE_ERRORS, ProjectCodeField, VersionedSerializer
from pmo.portfolio.api_records import (
    ProjectRecordFilter,
    ProjectRecordSerializer,
    RecordViewSet,
    change_schemas,
    name_of,
    user_name,
)
from pmo.portfolio.models import Project
from pmo.reporting import selectors, services
from pmo.reporting.api import NOT_NEGATIVE
from pmo.reporting.choices import (
    TOLERANCE_UNITS,
    BaselineSource,
    ToleranceDimension,
    ToleranceDirection,
    ToleranceState,
)
from pmo.reporting.models import (
    VERDICT_FIELDS,
    Baseline,
    BaselineMilestone,
    Tolerance,
    ToleranceCheck,
    ToleranceDefault,
)

TOLERANCE_DEFAULT_EXISTS = (
    "There is already a default {dimension} tolerance for {scope}: change that one "
    "(PATCH /api/v1/tolerance-defaults/{pk}/ with its version)."
)
TOLERANCE_EXISTS = (
    "{project} already has its own {dimension} tolerance: change that one "
    "(PATCH /api/v1/tolerances/{pk}/ with its version) instead of adding another."
)


# Baselines -------------------------------------------------------------------------------


class BaselineMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = BaselineMilestone
        fields = ["name", "due"]


class BaselineSerializer(ProjectRecordSerializer):
    """A version of a project's approved plan. ``POST`` approves the next version (the PMO,
    with a reason); a baseline is never changed or deleted."""

    url = serializers.HyperlinkedIdentityField(view_name="api:baseline-detail")
    approved_by_name = user_name("approved_by")
    milestones = BaselineMilestoneSerializer(
        many=True, required=False, max_length=settings.PMO_MAX_MILESTONES
    )
    reason = model_text(
        Baseline,
        "reason",
        required=False,
        allow_blank=True,
        default="",
        help_text="Why this baseline was approved.",
    )

    class Meta:
        model = Baseline
        validators: ClassVar[list[Any]] = []  # the services check uniqueness, saying what clashes
        fields = [
            "id",
            "url",
            "project",
            "project_name",
            "number",
            "finish",
            "budget_at_completion",
            "scope_summary",
            "benefits_value",
            "milestones",
            "reason",
            "source",
            "approved_by",
            "approved_by_name",
            "approved_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["number", "source", "approved_by", "approved_at"]
        extra_kwargs = {"budget_at_completion": NOT_NEGATIVE, "benefits_value": NOT_NEGATIVE}


class BaselineFilter(ProjectRecordFilter):
    source = django_filters.MultipleChoiceFilter(choices=BaselineSource.choices)

    class Meta:
        model = Baseline
        fields: ClassVar[list[str]] = []


# Tolerances --------------------------------------------------------------------------------


SIGN_HELP = "How the allowance counts: + over only, - under only (benefits), ± both ways."
DIRECTION_KWARGS = {
    "required": False,
    "help_text": "one_way: only a deviation for the worse counts (later, dearer, more scope, fewer "
    "benefits); both: an early finish, an underspend or less scope beyond the allowance counts too. "
    "Left out: unchanged, or for a new tolerance the dimension's usual way (both for time, cost "
    "and scope; one way for quality, risk and benefits).",
}


class ToleranceSerializer(ProjectRecordSerializer):
    """A project's own tolerance for one dimension (``unit`` says what ``absolute`` counts),
    overriding the defaults. At least one of ``absolute`` and ``percent``."""

    url = serializers.HyperlinkedIdentityField(view_name="api:tolerance-detail")
    unit = serializers.SerializerMethodField()
    sign = serializers.CharField(read_only=True, help_text=SIGN_HELP)

    class Meta:
        model = Tolerance
        validators: ClassVar[list[Any]] = []  # the services check uniqueness, saying what clashes
        fields = [
            "id",
            "url",
            "project",
            "project_name",
            "dimension",
            "unit",
            "absolute",
            "percent",
            "direction",
            "sign",
            "version",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"absolute": NOT_NEGATIVE, "percent": NOT_NEGATIVE, "direction": DIRECTION_KWARGS}

    def get_unit(self, row: Tolerance | ToleranceDefault) -> str:
        return TOLERANCE_UNITS[ToleranceDimension(row.dimension)]


class ToleranceChangeSerializer(ToleranceSerializer):
    """On a change, the project and dimension stay as they are."""

    project = ProjectCodeField(read_only=True)

    class Meta(ToleranceSerializer.Meta):
        read_only_fields = ["dimension"]


class ToleranceFilter(ProjectRecordFilter):
    dimension = django_filters.MultipleChoiceFilter(choices=ToleranceDimension.choices)

    class Meta:
        model = Tolerance
        fields: ClassVar[list[str]] = []


class ToleranceDefaultSerializer(VersionedSerializer):
    """The tolerance a project gets for a dimension unless it has its own: its portfolio's,
    else its size tier's. A default applies to a size tier or to a portfolio (give one)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:tolerance-default-detail")
    portfolio_name = name_of("portfolio", nullable=True)
    unit = serializers.SerializerMethodField()
    sign = serializers.CharField(read_only=True, help_text=SIGN_HELP)

    class Meta:
        model = ToleranceDefault
        fields = [
            "id",
            "url",
            "dimension",
            "unit",
            "size_tier",
            "portfolio",
            "portfolio_name",
            "absolute",
            "percent",
            "direction",
            "sign",
            "version",
            "created_at",
            "updated_at",
        ]
        validators: ClassVar[list[Any]] = []  # the viewset says which default already exists
        extra_kwargs = {"absolute": NOT_NEGATIVE, "percent": NOT_NEGATIVE, "direction": DIRECTION_KWARGS}

    def get_unit(self, row: ToleranceDefault) -> str:
        return TOLERANCE_UNITS[ToleranceDimension(row.dimension)]


class ToleranceDefaultChangeSerializer(ToleranceDefaultSerializer):
    """On a change, what the default applies to stays; only the allowances change."""

    class Meta(ToleranceDefaultSerializer.Meta):
        read_only_fields = ["dimension", "size_tier", "portfolio"]


class EffectiveToleranceSerializer(serializers.Serializer):
    """The tolerance that applies to a project for one dimension, and where it comes from."""

    dimension = serializers.ChoiceField(choices=ToleranceDimension.choices)
    unit = serializers.CharField()
    absolute = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    direction = serializers.ChoiceField(choices=ToleranceDirection.choices)
    sign = serializers.CharField(help_text=SIGN_HELP)
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=[
            ("project", "The project's own"),
            ("portfolio", "Its portfolio's default"),
            ("size_tier", "Its size tier's default"),
        ],
        help_text="project: the project's own (see tolerance); otherwise the default (see default).",
    )
    tolerance = serializers.IntegerField(allow_null=True, help_text="The project's own tolerance's id.")
    default = serializers.IntegerField(allow_null=True, help_text="The default tolerance's id.")


class ToleranceCheckSerializer(serializers.ModelSerializer):
    """The latest verdict on one dimension of a project, with the figures that prove it."""

    project = serializers.CharField(source="project.code", read_only=True)
    project_name = name_of("project")

    class Meta:
        model = ToleranceCheck
        fields = ["id", "project", "project_name", *VERDICT_FIELDS, "assessed_at"]


class ToleranceCheckFilter(ProjectRecordFilter):
    dimension = django_filters.MultipleChoiceFilter(choices=ToleranceDimension.choices)
    status = django_filters.MultipleChoiceFilter(choices=ToleranceState.choices)

    class Meta:
        model = ToleranceCheck
        fields: ClassVar[list[str]] = []


@extend_schema_view(
    create=extend_schema(responses={201: BaselineSerializer, **WRITE_ERRORS}),
)
@extend_schema(tags=["baselines"])
class BaselineViewSet(mixins.CreateModelMixin, RecordViewSet):
    """Baselines: numbered versions of each project's approved plan. ``POST`` approves the next
    version (the PMO, with a reason), and the tolerances are judged against it at once. A
    baseline is never changed or deleted: a new approval makes a new version."""

    queryset = Baseline.objects.none()
    serializer_class = BaselineSerializer
    filterset_class = BaselineFilter
    search_fields = ["project__code", "project__name", "reason", "scope_summary"]
    ordering_fields = ["project", "number", "finish", "approved_at"]
    ordering_aliases: ClassVar[dict[str, str]] = {"project": "project__code"}
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Baseline]:
        return selectors.baseline_list(user=self.request.user).prefetch_related("milestones")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = self._body(BaselineSerializer)
        project = fields.pop("project")
        milestones = [(m["name"], m["due"]) for m in fields.pop("milestones", [])]
        baseline = services.baseline_approve(
            actor=self.actor, project=project, milestones=milestones, **fields
        )
        return self._represent(baseline, status_code=status.HTTP_201_CREATED)


@extend_schema_view(
    **change_schemas(ToleranceSerializer, ToleranceChangeSerializer, deletable=True),
)
@extend_schema(tags=["tolerances"])
class ToleranceViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, RecordViewSet):
    """Projects' own tolerances (``?project=CODE`` for one project's), which override the
    defaults. Setting, changing or deleting one (the PMO) re-judges the project at once; after a
    delete the default applies again. ``tolerance-checks`` shows the verdicts."""

    queryset = Tolerance.objects.none()
    serializer_class = ToleranceSerializer
    change_serializer_class = ToleranceChangeSerializer
    selector = staticmethod(selectors.tolerance_list)
    filterset_class = ToleranceFilter
    search_fields = ["project__code", "project__name"]
    ordering_fields = ["project", "dimension"]
    ordering_aliases: ClassVar[dict[str, str]] = {"project": "project__code"}
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    @extend_schema(
        parameters=[PROJECT_PARAMETER],
        responses={200: EffectiveToleranceSerializer(many=True), **PROJECT_ANSWERS},
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def effective(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The tolerance that applies to the project for each dimension (its own, else its
        portfolio's default, else its size tier's), by dimension."""
        project = project_in_query(request, Project.objects.restrict(request.user, "view"))
        rows = []
        for dimension, row in sorted(selectors.effective_tolerances([project])[project.pk].items()):
            own = isinstance(row, Tolerance)
            source = "project" if own else ("portfolio" if row.portfolio_id else "size_tier")  # type: ignore[union-attr]
            rows.append(
                {
                    "dimension": dimension,
                    "unit": TOLERANCE_UNITS[ToleranceDimension(dimension)],
                    "absolute": row.absolute,
                    "percent": row.percent,
                    "direction": row.direction,
                    "sign": row.sign,
                    "source": source,
                    "tolerance": row.pk if own else None,
                    "default": None if own else row.pk,
                }
            )
        return Response(EffectiveToleranceSerializer(rows, many=True).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = self._body(ToleranceSerializer)
        project = fields["project"]
        existing = Tolerance.objects.filter(project=project, dimension=fields["dimension"]).first()
        if existing is not None:
            raise exceptions.ValidationError(
                {
                    "dimension": [
                        TOLERANCE_EXISTS.format(
                            project=project.code,
                            dimension=existing.get_dimension_display().lower(),
                            pk=existing.pk,
                        )
                    ]
                }
            )
        tolerance = services.tolerance_set(
            actor=self.actor,
            project=project,
            dimension=fields["dimension"],
            absolute=fields.get("absolute"),
            percent=fields.get("percent"),
            direction=fields.get("direction"),
        )
        return self._represent(tolerance, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        version, fields = self._changes(instance, partial=partial)
        # PUT replaces both allowances (one left out is none); PATCH keeps what is not sent.
        kept = instance if partial else Tolerance(absolute=None, percent=None)
        tolerance = services.tolerance_set(
            actor=self.actor,
            project=instance.project,
            dimension=ToleranceDimension(instance.dimension),
            absolute=fields.get("absolute", kept.absolute),
            percent=fields.get("percent", kept.percent),
            direction=fields.get("direction"),
            expected_version=version,
        )
        return self._represent(tolerance)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.tolerance_clear(
            actor=self.actor, tolerance=self.get_object(), expected_version=optional_expected_version(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["tolerance-checks"])
class ToleranceCheckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The latest tolerance verdict per project and dimension (within, forecast to breach,
    breached) with the figures and a sentence that prove it. Recomputed by the system whenever a
    forecast, baseline or tolerance changes; derived data with no history of its own."""

    queryset = ToleranceCheck.objects.none()
    serializer_class = ToleranceCheckSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [FilterBackend, filters.SearchFilter, AliasOrderingFilter]
    filterset_class = ToleranceCheckFilter
    search_fields = ["project__code", "project__name", "explanation"]
    ordering_fields = ["project", "dimension", "status", "assessed_at"]
    ordering_aliases: ClassVar[dict[str, str]] = {"project": "project__code"}

    def get_queryset(self) -> QuerySet[ToleranceCheck]:
        return selectors.tolerance_check_list(user=self.request.user)


@extend_schema_view(
    **change_schemas(ToleranceDefaultSerializer, ToleranceDefaultChangeSerializer, deletable=True),
)
@extend_schema(tags=["tolerance-defaults"])
class ToleranceDefaultViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, RecordViewSet):
    """The default tolerances, by size tier and by portfolio (a portfolio's wins). Only the PMO
    head adds, changes or deletes them; the projects they apply to are re-judged at once."""

    queryset = ToleranceDefault.objects.none()
    serializer_class = ToleranceDefaultSerializer
    change_serializer_class = ToleranceDefaultChangeSerializer
    selector = staticmethod(selectors.tolerance_default_list)
    filterset_fields = ["dimension", "size_tier", "portfolio"]
    ordering_fields = ["dimension", "size_tier"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        fields = self._body(ToleranceDefaultSerializer)
        portfolio, tier = fields.get("portfolio"), fields.get("size_tier", "")
        existing = (
            ToleranceDefault.objects.filter(
                dimension=fields["dimension"], portfolio=portfolio, size_tier="" if portfolio else tier
            ).first()
            if bool(portfolio) != bool(tier)
            else None
        )
        if existing is not None:
            raise exceptions.ValidationError(
                {
                    "dimension": [
                        TOLERANCE_DEFAULT_EXISTS.format(
                            dimension=existing.get_dimension_display().lower(),
                            scope=existing.portfolio
                            or f"{existing.get_size_tier_display().lower()} projects",
                            pk=existing.pk,
                        )
                    ]
                }
            )
        default = services.tolerance_default_create(
            actor=self.actor,
            dimension=ToleranceDimension(fields["dimension"]),
            absolute=fields.get("absolute"),
            percent=fields.get("percent"),
            size_tier=tier,
            portfolio=portfolio,
            direction=fields.get("direction"),
        )
        return self._represent(default, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        version, fields = self._changes(instance, partial=kwargs.pop("partial", False))
        default = services.tolerance_default_update(
            actor=self.actor, default=instance, fields=fields, expected_version=version
        )
        return self._represent(default)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.tolerance_default_delete(
            actor=self.actor, default=self.get_object(), expected_version=optional_expected_version(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
