"""``GET /api/v1/dashboard/``: the portfolio dashboard's figures as JSON, with the page's filters
and the same visibility (what a Power BI report or a board pack script reads)."""

from datetime import date
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


def _cell(cell: selectors.Cell) -> dict[str, str]:
    return {"rating": cell.rating, "label": cell.label}


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
        return {key: _cell(cell) for (key, _), cell in zip(selectors.COLUMNS, row.cells, strict=True)}


class TrendPointSerializer(serializers.Serializer):
    period = serializers.CharField()
    start = serializers.DateField()
    counts = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    active_projects = serializers.IntegerField(
        help_text="Projects active in the period (those that reported, and those started by its end): "
        "the denominator of the dashboard's shares"
    )


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


def _day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _flat(record: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    """A record of plain values (dates as ISO text) under ``keys``, its serializer's fields."""
    return {key: _plain(getattr(record, key)) for key in keys}


COMPLIANCE_KEYS = tuple(ComplianceSerializer().fields)
EXCEPTION_KEYS = tuple(ExceptionRowSerializer().fields)
ACTION_KEYS = tuple(ActionRowSerializer().fields)
SLIP_KEYS = tuple(SlipRowSerializer().fields)


def figures_json(figures: selectors.Dashboard) -> dict[str, Any]:
    """The figures as ``DashboardSerializer`` shows them (tested equal), built directly: thousands
    of heatmap rows through nested serializers would take seconds."""
    compliance = figures.compliance
    return {
        "today": _day(figures.today),
        "period": str(figures.period) if figures.period else None,
        "ratings": list(figures.ratings),
        "counts": dict(figures.counts),
        "heatmap": [
            {
                "code": row.code,
                "name": row.name,
                "url": row.url,
                "programme": row.programme,
                "project_manager": row.project_manager,
                "reported_for": row.reported_for,
                "statuses": {
                    key: _cell(cell) for (key, _), cell in zip(selectors.COLUMNS, row.cells, strict=True)
                },
                "evidence": _cell(row.evidence),
                "evidence_reasons": list(row.evidence_reasons),
                "optimistic": list(row.optimistic),
                "tolerance": row.tolerance,
            }
            for row in figures.rows
        ],
        "trend": [
            {
                "period": p.period,
                "start": _day(p.start),
                "counts": dict(p.counts),
                "total": p.total,
                "active_projects": p.active_projects,
            }
            for p in figures.trend
        ],
        "compliance": None if compliance is None else _flat(compliance, COMPLIANCE_KEYS),
        "exceptions": [_flat(e, EXCEPTION_KEYS) for e in figures.exceptions],
        "at_risk": [
            {
                "code": r.code,
                "name": r.name,
                "url": r.url,
                "overall": _cell(r.overall),
                "evidence": _cell(r.evidence),
                "tolerance": r.tolerance,
                "reasons": list(r.reasons),
                "actions": [_flat(a, ACTION_KEYS) for a in r.actions],
            }
            for r in figures.at_risk
        ],
        "slippage": [_flat(s, SLIP_KEYS) for s in figures.slippage],
    }


def dashboard_filters(request: Request) -> selectors.DashboardFilters:
    """The dashboard's filters from the query (``FILTERS``); an unusable one is a 400 naming it."""
    form = DashboardFilterForm(request.query_params or None, user=request.user)
    if not form.is_bound:
        return selectors.DashboardFilters()
    if not form.is_valid():
        raise ValidationError({name: list(messages) for name, messages in form.errors.items()})
    return form.filters()


FILTERS = [
    OpenApiParameter(name, OpenApiTypes.INT, description=f"Only projects of this {name} (id).")
    for name in ("portfolio", "programme", "department", "sponsor")
]


class DashboardView(APIView):
    """The portfolio dashboard's figures: status heatmap with the evidence, status trend over the
    last 12 periods, reporting compliance for the period being chased (just ended, due next or
    just past due; projects not yet started owe nothing), open exceptions, projects at risk with
    their open RAID actions, and milestone slippage."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=FILTERS,
        responses=DashboardSerializer,
        summary="Portfolio dashboard figures",
        tags=["dashboard"],
    )
    def get(self, request: Request) -> Response:
        filters = dashboard_filters(request)
        return Response(figures_json(selectors.dashboard(user=request.user, filters=filters)))

