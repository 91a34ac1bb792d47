"""The reporting settings over REST (``/api/v1/reporting-settings/``): the cycle (cadence, status
scale, due and reminder days, warning band, exception report days, stale report days) and each
early-warning rule's thresholds (ADR 0032). Everyone signed in reads them; the PMO head changes
them (``PATCH`` with the version), through the same service as the settings page."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from pmo.portfolio.api import VersionedSerializer
from pmo.portfolio.api_records import SettingsViewSet, settings_schema
from pmo.reporting import selectors, services
from pmo.reporting.models import ReportingSettings


class ReportingSettingsSerializer(VersionedSerializer):
    """How the PMO runs its reporting cycle and where each early-warning rule starts to speak."""

    url = serializers.HyperlinkedIdentityField(view_name="api:reporting-settings-detail")

    class Meta:
        model = ReportingSettings
        fields = ["id", "url", *services.SETTINGS_FIELDS, "version", "created_at", "updated_at"]


def reporting_settings_list(*, user: Any) -> QuerySet[ReportingSettings]:
    """The one row of reporting settings (made with the defaults if missing)."""
    return ReportingSettings.objects.filter(pk=selectors.reporting_settings().pk).order_by("pk")


@settings_schema(ReportingSettingsSerializer, "reporting-settings")
class ReportingSettingsViewSet(SettingsViewSet):
    """The reporting settings: the cycle and the early-warning thresholds (milestone slip, cost
    creep, confidence falling, late reports, dependencies, RAID left alone). Only the PMO head
    changes them."""

    queryset = ReportingSettings.objects.none()
    serializer_class = ReportingSettingsSerializer
    selector = staticmethod(reporting_settings_list)
    updater = staticmethod(services.reporting_settings_update)
