"""factory_boy factories and helpers for the reporting cycle."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from pmo.reporting.choices import Rating, ReportStatus, ToleranceState
from pmo.reporting.models import (
    Baseline,
    HighlightReport,
    ReportingPeriod,
    ReportToleranceCheck,
    ToleranceCheck,
)


class PeriodFactory(DjangoModelFactory):
    """November 2026 unless told otherwise."""

    class Meta:
        model = ReportingPeriod
        django_get_or_create = ("start",)

    start = dt.date(2026, 11, 1)
    end = factory.LazyAttribute(
        lambda p: (p.start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    )
    due = factory.LazyAttribute(lambda p: p.end + dt.timedelta(days=5))


class BaselineFactory(DjangoModelFactory):
    class Meta:
        model = Baseline

    project = None
    number = 1
    finish = dt.date(2026, 12, 18)
    budget_at_completion = Decimal("250000.00")
    benefits_value = Decimal("400000.00")
    approved_at = factory.LazyFunction(timezone.now)
    reason = "Business case approved"


class ReportFactory(DjangoModelFactory):
    """A complete draft report, ready to submit, forecasting the baseline exactly."""

    class Meta:
        model = HighlightReport

    project = None
    period = factory.SubFactory(PeriodFactory)
    status = ReportStatus.DRAFT
    overall_status = Rating.GREEN
    schedule_status = Rating.GREEN
    cost_status = Rating.GREEN
    scope_status = Rating.GREEN
    risks_status = Rating.GREEN
    resources_status = Rating.GREEN
    benefits_status = Rating.GREEN
    summary = "On track."
    forecast_finish = dt.date(2026, 12, 18)
    forecast_cost = Decimal("250000.00")
    forecast_benefits = Decimal("400000.00")


class VerdictFactory(DjangoModelFactory):
    """A time verdict: forecast 3 days late, 20 allowed, within."""

    dimension = "time"
    status = ToleranceState.WITHIN
    baseline_value = Decimal(0)
    forecast_value = Decimal(3)
    allowance = Decimal(20)
    used = Decimal("0.15")
    explanation = "Forecast 3 days late; 20 allowed."


class ToleranceCheckFactory(VerdictFactory):
    """A project's live check (give ``project``)."""

    class Meta:
        model = ToleranceCheck

    project = None
    assessed_at = factory.LazyFunction(timezone.now)


class ReportToleranceCheckFactory(VerdictFactory):
    """A submitted report's frozen check (give ``report``)."""

    class Meta:
        model = ReportToleranceCheck

    report = None
