"""``GET /api/v1/dashboard/``: the portfolio dashboard's figures as JSON, with the page's filters
and the same visibility (what a Power BI report or a board pack script reads)."""

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pmo.insights import selectors
from pmo.insights.forms import DashboardFilterForm


class CellSerializer(serializers.Serializer):
    rating = serializers.CharField(help_text="green, amber_green, amber, amber_red, red; empty when none")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label


class HeatmapRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()
    programme = serializers.CharField()
    project_manager = serializers.CharField()
    reported_for = serializers.CharField(help_text="The period of the latest handed-in report.")
    statuses = serializers.SerializerMethodField(help_text="Declared status per dimension.")
    evidence = CellSerializer()
    evidence_reasons = serializers.ListField(child=serializers.CharField())
    optimistic = serializers.ListField(
        child=serializers.CharField(),
        help_text="Green outside, red inside: where the declared status beats the evidence.",
    )
    tolerance = serializers.CharField()

    def get_statuses(self, row: selectors.HeatmapRow) -> dict[str, dict[str, str]]:
        return {
            key: {"rating": cell.rating, "label": cell.label}
            for (key, _), cell in zip(selectors.COLUMNS, row.cells, strict=True)
        }


class TrendPointSerializer(serializers.Serializer):
    period = serializers.CharField()
    start = serializers.DateField()
    counts = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()


class ComplianceSerializer(serializers.Serializer):
    period_id = serializers.IntegerField()
    period = serializers.CharField()
    due = serializers.DateField()
    past_due = serializers.BooleanField()
    owed = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    draft = serializers.IntegerField()
    missing = serializers.IntegerField()


class ExceptionRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    project = serializers.CharField()
    url = serializers.CharField()
    dimensions = serializers.CharField()
    status = serializers.CharField()
    raised = serializers.DateField()
    age_days = serializers.IntegerField()
    report_due = serializers.DateField(allow_null=True)
    report_overdue = serializers.BooleanField()


class ActionRowSerializer(serializers.Serializer):
    description = serializers.CharField()
    owner = serializers.CharField()
    due = serializers.DateField()
    overdue = serializers.BooleanField()
    url = serializers.CharField()


class AtRiskRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()
    overall = CellSerializer()
    evidence = CellSerializer()
    tolerance = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    actions = ActionRowSerializer(many=True)


class SlipRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    project = serializers.CharField()
    milestone = serializers.CharField()
    baseline = serializers.DateField()
    forecast = serializers.DateField()
    achieved = serializers.BooleanField()
    slip_days = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    today = serializers.DateField()
    period = serializers.SerializerMethodField()
    ratings = serializers.ListField(child=serializers.CharField())
    counts = serializers.DictField(child=serializers.IntegerField())
    heatmap = HeatmapRowSerializer(many=True, source="rows")
    trend = TrendPointSerializer(many=True)
    compliance = ComplianceSerializer(allow_null=True)
    exceptions = ExceptionRowSerializer(many=True)
    at_risk = AtRiskRowSerializer(many=True)
    slippage = SlipRowSerializer(many=True)

    def get_period(self, figures: selectors.Dashboard) -> str | None:
        return str(figures.period) if figures.period else None


FILTERS = [
    OpenApiParameter(name, OpenApiTypes.INT, description=f"Only projects of this {name} (id).")
    for name in ("portfolio", "programme", "department", "sponsor")
]


class DashboardView(APIView):
    """The portfolio dashboard's figures: status heatmap with the evidence, status trend over the
    last 12 periods, reporting compliance this period, open exceptions, projects at risk with
    their corrective actions, and milestone slippage."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=FILTERS,
        responses=DashboardSerializer,
        summary="Portfolio dashboard figures",
        tags=["dashboard"],
    )
    def get(self, request: Request) -> Response:
        form = DashboardFilterForm(request.query_params or None, user=request.user)
        filters = selectors.DashboardFilters()
        if form.is_bound:
            if not form.is_valid():
                raise ValidationError({name: list(messages) for name, messages in form.errors.items()})
            filters = form.filters()
        figures: Any = selectors.dashboard(user=request.user, filters=filters)
        return Response(DashboardSerializer(figures).data)
