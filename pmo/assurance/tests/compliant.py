"""Projects in a known state of compliance, for the compliance tests (run on 6 December 2026:
the December period is open)."""

import datetime as dt

from django.utils import timezone

from pmo.finance.choices import BudgetStatus
from pmo.finance.models import BudgetVersion, ForecastVersion
from pmo.portfolio.models import LifecycleStage
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid.tests.factories import ActionFactory, RiskFactory
from pmo.reporting.choices import ReportStatus
from pmo.reporting.tests.factories import BaselineFactory, PeriodFactory, ReportFactory
from pmo.schedule.models import Plan

TODAY = "2026-12-06 10:00"
DAY = dt.date(2026, 12, 6)


def moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def november():
    """Its reports were due on 5 December: the latest period already due."""
    return PeriodFactory(start=dt.date(2026, 11, 1))


def december():
    return PeriodFactory(start=dt.date(2026, 12, 1))


def in_good_order(project):
    """Give ``project`` (in Delivery) everything the default rules ask for."""
    project.stage = LifecycleStage.objects.get(name="Delivery")
    project.save()
    ReportFactory(
        project=project,
        period=november(),
        status=ReportStatus.SUBMITTED,
        submitted_at=moment(dt.date(2026, 12, 3)),
    )
    # finishing next summer: its next gate (into Closure, at the finish) is not due for months
    BaselineFactory(project=project, approved_at=moment(dt.date(2026, 3, 1)), finish=dt.date(2027, 6, 30))
    Plan.objects.create(
        project=project, document=b"<Project/>", start=moment(dt.date(2026, 1, 1)),
        finish=moment(dt.date(2027, 6, 1)), imported_at=moment(dt.date(2026, 11, 30)),
    )  # fmt: skip
    BudgetVersion.objects.create(project=project, number=1, status=BudgetStatus.APPROVED, reason="Approved")
    ForecastVersion.objects.create(project=project, period=december(), made_at=moment(dt.date(2026, 12, 2)))
    RiskFactory(project=project, raised_on=dt.date(2026, 11, 20))
    ActionFactory(project=project, due=dt.date(2026, 12, 20))
    return project


def neglected(project):
    """Give ``project`` (in Delivery) a stale risk, an overdue action and nothing else."""
    project.stage = LifecycleStage.objects.get(name="Delivery")
    project.save()
    november()
    RiskFactory(project=project, raised_on=dt.date(2026, 8, 1))
    ActionFactory(project=project, due=dt.date(2026, 11, 1))
    return project


def a_project(**extra):
    return ProjectFactory(**{"project_manager": PersonFactory(), **extra})
