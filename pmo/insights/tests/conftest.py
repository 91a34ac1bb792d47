"""A small known portfolio for the dashboard's tests, dated from today.

Four fortnightly periods (three past due, the current one due in 13 days) and these projects:

- OPT-001 "Optimistic": reports green every period, but three of its milestones are forecast in
  the past and not achieved (green outside, red inside); two milestones slipped 10 and 30 days.
- BRE-001 "Breached": time tolerance breached, reports red; an exception raised 12 days ago whose
  exception report is overdue; one overdue corrective action (a RAID action). Handed in late
  this period.
- STE-001 "Steady": green, nothing against it.
- LAT-001 "Late reporter": nothing handed in for the three past periods; a draft this period.
- NEW-001 "New": started recently, no report yet.
- CON-001 "Confidential": green, confidential, in the Finance department, sponsored by Fay.
- OLD-001: closed (not on the dashboard).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from pmo.core.models import User
from pmo.core.tests.module_data import shared_records
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Person, Project
from pmo.portfolio.tests.factories import OrgUnitFactory, PersonFactory, ProgrammeFactory, ProjectFactory
from pmo.raid.choices import ActionSource
from pmo.raid.models import Action
from pmo.raid.tests.factories import ActionFactory
from pmo.reporting.choices import ExceptionStatus, Rating, ReportStatus, ToleranceState
from pmo.reporting.models import (
    BaselineMilestone,
    HighlightReport,
    ProjectException,
    ReportingPeriod,
    ReportMilestone,
    ToleranceCheck,
)
from pmo.reporting.tests.factories import BaselineFactory, PeriodFactory, ReportFactory

RATING_FIELDS = (
    "overall_status",
    "schedule_status",
    "cost_status",
    "scope_status",
    "risks_status",
    "resources_status",
    "benefits_status",
)


@pytest.fixture
def browser_for(db: None) -> Callable[[User], Client]:
    """A test client signed in as the given user."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def make_periods() -> list[ReportingPeriod]:
    """Four fortnights, oldest first; the last holds today."""
    return [
        PeriodFactory(start=days(-5 - 14 * back), end=days(8 - 14 * back), due=days(13 - 14 * back))
        for back in (3, 2, 1, 0)
    ]


def hand_in(
    project: Project,
    period: ReportingPeriod,
    rating: str = Rating.GREEN,
    *,
    submitted: dt.datetime | None = None,
    **fields: object,
) -> HighlightReport:
    """A handed-in report, every status ``rating`` unless given."""
    statuses = dict.fromkeys(RATING_FIELDS, rating) | fields
    return ReportFactory(
        project=project,
        period=period,
        status=ReportStatus.SUBMITTED,
        submitted_at=submitted or timezone.now(),
        forecast_finish=days(60),
        **statuses,
    )


@dataclass
class Portfolio:
    periods: list[ReportingPeriod]
    projects: dict[str, Project]
    sponsor: Person
    confidential_pm: Person
    exception: ProjectException
    action: Action


@pytest.fixture(scope="module")
def _portfolio_written(module_data: Callable[..., Portfolio | None]) -> Portfolio | None:
    return module_data(make_portfolio)


@pytest.fixture
def portfolio(_portfolio_written: Portfolio | None, db: None) -> Portfolio:
    """The dashboard's portfolio, written once per module (pmo/core/tests/module_data.py)."""
    return shared_records(_portfolio_written, make_portfolio)


def make_portfolio() -> Portfolio:
    periods = make_periods()
    current = periods[-1]
    sponsor = PersonFactory(name="Sam Sponsor")
    digital_programme = ProgrammeFactory(code="DIG", name="Digital")
    common = {"sponsor": sponsor, "programme": digital_programme, "planned_start": days(-200)}
    projects = {
        "OPT-001": ProjectFactory(code="OPT-001", name="Optimistic", **common),
        "BRE-001": ProjectFactory(code="BRE-001", name="Breached", **common),
        "STE-001": ProjectFactory(code="STE-001", name="Steady", **common),
        "LAT-001": ProjectFactory(code="LAT-001", name="Late reporter", **common),
        "NEW-001": ProjectFactory(code="NEW-001", name="New", sponsor=sponsor, planned_start=days(-3)),
        "OLD-001": ProjectFactory(code="OLD-001", name="Closed one", status=ProjectStatus.CLOSED, **common),
    }
    fay = PersonFactory(name="Fay Finance")
    confidential_pm = PersonFactory(name="Carl Confidential")
    projects["CON-001"] = ProjectFactory(
        code="CON-001",
        name="Confidential",
        confidential=True,
        sponsor=fay,
        project_manager=confidential_pm,
        department=OrgUnitFactory(name="Finance"),
        planned_start=days(-3),
    )
    for project in projects.values():
        BaselineFactory(project=project, finish=days(60))

    # OPT-001: green every period; three milestones overdue in the latest report.
    for period in periods:
        report = hand_in(projects["OPT-001"], period)
    baseline = projects["OPT-001"].baselines.get()
    for name, planned, forecast in (("Design", -30, -20), ("Build", -40, -10), ("Test", -5, -5)):
        BaselineMilestone.objects.create(baseline=baseline, name=name, due=days(planned))
        ReportMilestone.objects.create(report=report, name=name, forecast=days(forecast))

    # BRE-001: worsening, red now and past its time tolerance; late this period.
    for period, rating in zip(periods, (Rating.GREEN, Rating.AMBER, Rating.RED, Rating.RED), strict=True):
        submitted = timezone.make_aware(dt.datetime.combine(period.due + dt.timedelta(days=1), dt.time(9)))
        hand_in(projects["BRE-001"], period, rating, submitted=submitted if period == current else None)
    ToleranceCheck.objects.create(
        project=projects["BRE-001"],
        dimension="time",
        status=ToleranceState.BREACHED,
        baseline_value=0,
        forecast_value=90,
        allowance=28,
        used=Decimal("3.2143"),
        explanation="time: forecast finish +90 days; tolerance 28 days, 321% used — breached",
        assessed_at=timezone.now(),
    )
    exception = ProjectException.objects.create(
        project=projects["BRE-001"],
        status=ExceptionStatus.REPORT_REQUESTED,
        dimensions="time",
        breach_summary="time +90 days",
        raised_at=timezone.now() - dt.timedelta(days=12),
        report_due=days(-2),
    )
    action = ActionFactory(
        project=projects["BRE-001"],
        title="Re-plan the build with the supplier",
        owner=PersonFactory(name="Olive Owner"),
        due=days(-3),
        source=ActionSource.EXCEPTION,
        source_reference=exception.reference,
    )
    ActionFactory(
        project=projects["BRE-001"], title="Already done", owner=action.owner, due=days(-9), status="done"
    )

    for period in periods:
        hand_in(projects["STE-001"], period)
    ReportFactory(project=projects["LAT-001"], period=current)  # a draft only
    hand_in(projects["CON-001"], current)
    hand_in(projects["OLD-001"], periods[0])
    return Portfolio(periods, projects, sponsor, confidential_pm, exception, action)
