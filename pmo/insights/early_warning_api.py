"""``GET /api/v1/early-warnings/``: the early-warning signals of the active projects the reader
may see, heaviest first, each with its reason (ADR 0032)."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pmo.core import clock
from pmo.engine.early_warning import Kind
from pmo.insights import early_warning, selectors
from pmo.insights.api import FILTERS, dashboard_filters


class SignalSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[kind.value for kind in Kind])
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    weight = serializers.IntegerField(help_text="1 watch, 2 warning, 3 serious")
    level = serializers.CharField(help_text="watch, warning or serious")
    reason = serializers.CharField(help_text='One line, e.g. "waits on IT-131, forecast 6 weeks after need".')
    subject = serializers.CharField(
        allow_blank=True,
        help_text="The milestone or project the signal is about; empty if none or one you may not see.",
    )


class EarlyWarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()
    weight = serializers.IntegerField(help_text="The signals' weights added up; the list is heaviest first.")
    signals = SignalSerializer(many=True)


def warning_json(warning: early_warning.ProjectWarnings) -> dict[str, Any]:
    project = warning.project
    return {
        "code": project.code,
        "name": project.name,
        "url": project.get_absolute_url(),
        "weight": warning.weight,
        "signals": [
            {
                "kind": s.kind.value,
                "label": s.label,
                "weight": s.weight,
                "level": s.level,
                "reason": s.reason,
                "subject": s.subject,
            }
            for s in warning.signals
        ],
    }


class EarlyWarningsView(APIView):
    """Early warning before a tolerance breaks: the active projects you may see whose reports show
    a milestone slipping report after report, cost creeping up, confidence falling, reports late
    again and again, or a dependency forecast after its need-by date; heaviest first, each signal
    with its reason. Thresholds are the reporting settings' "early warning" fields."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=FILTERS,
        responses=EarlyWarningSerializer(many=True),
        summary="Early warnings",
        tags=["dashboard"],
    )
    def get(self, request: Request) -> Response:
        filters = dashboard_filters(request)
        projects = early_warning.active(selectors.dashboard_projects(user=request.user, filters=filters))
        found = early_warning.early_warnings(projects, clock.today(), reader=request.user)
        return Response([warning_json(w) for w in early_warning.ranked(found)])
