"""People in each relationship to a small portfolio that is mid-cycle, and API clients."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from pmo.core.choices import Role
from pmo.core.models import User
from pmo.portfolio.models import Person, Project
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.reporting import services
from pmo.reporting.models import ReportingPeriod
from pmo.reporting.tests.factories import PeriodFactory


@dataclass
class Cycle:
    pm: User  # manages ``own`` and ``own_secret``
    pm_person: Person
    sponsor: User  # sponsors ``own`` and ``own_secret``
    sponsor_person: Person
    other_pm: User  # manages ``other``
    officer: User
    head: User
    own: Project
    other: Project  # someone else's, open to all
    secret: Project  # someone else's, confidential
    period: ReportingPeriod  # November 2026, open


@pytest.fixture
def cycle(make_user: Callable[..., User], pmo_head: User) -> Cycle:
    pm = make_user(Role.PROJECT_MANAGER, username="pam", first_name="Pam", last_name="Manager")
    sponsor = make_user(Role.SPONSOR, username="sid", first_name="Sid", last_name="Sponsor")
    other_pm = make_user(Role.PROJECT_MANAGER, username="oscar", first_name="Oscar", last_name="Other")
    officer = make_user(Role.PMO_OFFICER, username="olly", first_name="Olly", last_name="Officer")
    pm_person = PersonFactory(name="Pam Manager", user=pm)
    sponsor_person = PersonFactory(name="Sid Sponsor", user=sponsor)
    start = dt.date(2026, 4, 1)
    own = ProjectFactory(
        code="OWN-1",
        name="Libraries Wi-Fi",
        project_manager=pm_person,
        sponsor=sponsor_person,
        planned_start=start,
        confidential=False,
    )
    other = ProjectFactory(
        code="OTH-1",
        name="Payroll upgrade",
        project_manager=PersonFactory(name="Oscar Other", user=other_pm),
        planned_start=start,
        confidential=False,
    )
    secret = ProjectFactory(code="SEC-1", name="Office closure", confidential=True, planned_start=start)
    for project in (own, other, secret):
        services.baseline_approve(
            actor=pmo_head,
            project=project,
            finish=dt.date(2026, 12, 18),
            budget_at_completion=Decimal(250000),
            reason="Business case approved",
            milestones=[("Go live", dt.date(2026, 12, 1))],
        )
    return Cycle(
        pm=pm,
        pm_person=pm_person,
        sponsor=sponsor,
        sponsor_person=sponsor_person,
        other_pm=other_pm,
        officer=officer,
        head=pmo_head,
        own=own,
        other=other,
        secret=secret,
        period=PeriodFactory(),
    )


@pytest.fixture
def client_for() -> Callable[[User | None], APIClient]:
    """An API client signed in (by session) as the given user, or anonymous for None."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make


COMPLETE = {
    "overall_status": "green",
    "schedule_status": "green",
    "cost_status": "green",
    "scope_status": "green",
    "risks_status": "green",
    "resources_status": "green",
    "benefits_status": "green",
    "summary": "On track.",
}


@pytest.fixture
def draft(cycle: Cycle):
    """The PM's complete draft for OWN-1 in November, forecasting the baseline."""
    report = services.highlight_report_start(actor=cycle.pm, project=cycle.own, period=cycle.period)
    return services.highlight_report_update(
        actor=cycle.pm, report=report, fields=COMPLETE, expected_version=report.version
    )


@pytest.fixture
def breach(cycle: Cycle, draft):
    """OWN-1's report forecasts finishing three months late: an exception is raised."""
    report = services.highlight_report_update(
        actor=cycle.pm,
        report=draft,
        fields={"forecast_finish": dt.date(2027, 3, 1), "summary": "Supplier late."},
        expected_version=draft.version,
    )
    services.highlight_report_submit(actor=cycle.pm, report=report, expected_version=report.version)
    return cycle.own.exceptions.get()
