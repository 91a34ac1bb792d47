"""A small reporting world for the page tests: a project with its PM, sponsor, baseline and an
open period, and clients signed in as each of them."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client

from pmo.core.choices import Role
from pmo.core.models import User
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.reporting import services
from pmo.reporting.models import HighlightReport, ReportingPeriod
from pmo.reporting.tests.factories import PeriodFactory


@dataclass
class World:
    project: Project
    period: ReportingPeriod
    pm: User
    sponsor: User
    head: User
    officer: User
    other_pm: User

    def client(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def draft(self) -> HighlightReport:
        """The PM's draft for the period, complete and forecasting the baseline."""
        report = services.highlight_report_start(actor=self.pm, project=self.project, period=self.period)
        fields = dict.fromkeys(services.STATUS_FIELDS, "green") | {"summary": "On track."}
        return services.highlight_report_update(
            actor=self.pm, report=report, fields=fields, expected_version=report.version
        )

    def breaching_submission(self) -> HighlightReport:
        """A submitted report forecasting a finish far beyond the time tolerance."""
        report = self.draft()
        report = services.highlight_report_update(
            actor=self.pm,
            report=report,
            fields={"forecast_finish": dt.date(2027, 6, 30)},
            expected_version=report.version,
        )
        return services.highlight_report_submit(actor=self.pm, report=report, expected_version=report.version)


@pytest.fixture
def world(make_user, pmo_head) -> World:
    pm = make_user(Role.PROJECT_MANAGER, username="pat", first_name="Pat", last_name="Manager")
    sponsor = make_user(Role.SPONSOR, username="sam", first_name="Sam", last_name="Sponsor")
    officer = make_user(Role.PMO_OFFICER, username="olly", first_name="Olly", last_name="Officer")
    other_pm = make_user(Role.PROJECT_MANAGER, username="quinn")
    PersonFactory(user=other_pm, name="Quinn Other")
    project = ProjectFactory(
        code="DFD-001",
        name="Resident portal",
        project_manager=PersonFactory(user=pm, name="Pat Manager"),
        sponsor=PersonFactory(user=sponsor, name="Sam Sponsor"),
    )
    services.baseline_approve(
        actor=pmo_head,
        project=project,
        finish=dt.date(2026, 12, 18),
        budget_at_completion=Decimal(250000),
        reason="Business case approved",
        milestones=[("Go live", dt.date(2026, 12, 1))],
    )
    return World(project, PeriodFactory(), pm, sponsor, pmo_head, officer, other_pm)
