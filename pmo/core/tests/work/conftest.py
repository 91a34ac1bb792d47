"""A small PMO with work waiting for each role, on the tests' date (4 Dec 2026): the November
period has ended (reports due 5 Dec), October's were due 5 Nov."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from pmo.assurance.models import ComplianceRule
from pmo.change.choices import Authority, ChangeStatus, ChangeType
from pmo.change.models import ChangeRequest
from pmo.core.choices import Role
from pmo.core.models import User
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Person, Project
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid.choices import ActionSource
from pmo.raid.tests.factories import ActionFactory, RiskFactory
from pmo.reporting.choices import ExceptionStatus, ReportStatus
from pmo.reporting.models import ProjectException, ReportingPeriod, ReportingSettings
from pmo.reporting.tests.factories import PeriodFactory, ReportFactory

NOVEMBER = dt.date(2026, 11, 1)


@dataclass
class Desk:
    pm: User
    sponsor: User
    officer: User
    head: User
    executive: User
    pm_person: Person
    sponsor_person: Person
    period: ReportingPeriod


def moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def add_work(desk: Desk, n: int) -> None:
    """``n`` of each kind of work: for the project manager (a report not started, a draft, a
    returned report, an exception report asked for, a change to assess, an action past due and
    a stale risk), for the sponsor (an exception and a change to decide), for the officer (a
    submitted report to check) and for the head (a board change, an overdue exception report,
    an overdue corrective action), each on its own project."""
    start = Project.objects.count()

    def project(**extra: object) -> Project:
        fields = {
            "project_manager": desk.pm_person,
            "sponsor": desk.sponsor_person,
            "status": ProjectStatus.ACTIVE,
            "planned_start": dt.date(2026, 1, 1),
            # Its next gate beyond its notice: the gates' items have their own tests (pmo/governance).
            "planned_finish": dt.date(2027, 12, 17),
            **extra,
        }
        return ProjectFactory(code=f"IT-{100 + start + len(made)}", **fields)

    made: list[Project] = []
    for _ in range(n):
        for status in (None, ReportStatus.DRAFT, ReportStatus.RETURNED):
            made.append(project())
            if status is not None:
                ReportFactory(
                    project=made[-1],
                    period=desk.period,
                    status=status,
                    review_comments="Reconcile the forecast cost with the ledger."
                    if status == ReportStatus.RETURNED
                    else "",
                    reviewed_at=moment(dt.date(2026, 12, 1)) if status == ReportStatus.RETURNED else None,
                )
        made.append(project())
        ProjectException.objects.create(
            project=made[-1],
            status=ExceptionStatus.REPORT_REQUESTED,
            dimensions="cost",
            breach_summary="Forecast £30,000 over.",
            raised_at=moment(dt.date(2026, 11, 27)),
            report_due=dt.date(2026, 12, 7),
        )
        ChangeRequest.objects.create(
            project=made[-1],
            title="Add the councillors' iPads",
            change_type=ChangeType.SCOPE,
            description="More devices.",
            reason="Asked by members.",
            raised_on=dt.date(2026, 11, 30),
        )
        ActionFactory(
            project=made[-1], owner=desk.pm_person, title="Chase the supplier", due=dt.date(2026, 11, 20)
        )
        RiskFactory(
            project=made[-1],
            owner=desk.pm_person,
            title="Supplier fails",
            last_reviewed_on=dt.date(2026, 10, 1),
        )
        # The sponsor's decisions.
        made.append(project())
        ProjectException.objects.create(
            project=made[-1],
            status=ExceptionStatus.REPORT_SUBMITTED,
            dimensions="time",
            breach_summary="Forecast 40 days late.",
            raised_at=moment(dt.date(2026, 11, 10)),
            report_submitted_at=moment(dt.date(2026, 11, 20)),
            recommendation="Option B: phase the roll-out.",
        )
        ChangeRequest.objects.create(
            project=made[-1],
            title="Extend testing",
            change_type=ChangeType.TIME,
            description="Two more weeks.",
            reason="Defects.",
            raised_on=dt.date(2026, 11, 2),
            status=ChangeStatus.ASSESSED,
            authority=Authority.SPONSOR,
            impact_days=14,
            impact_cost=Decimal("12000"),
            assessed_at=moment(dt.date(2026, 11, 3)),
        )
        # The officer's report to check (another manager's project).
        made.append(project(project_manager=PersonFactory()))
        ReportFactory(
            project=made[-1],
            period=desk.period,
            status=ReportStatus.SUBMITTED,
            submitted_at=moment(dt.date(2026, 12, 1)),
        )
        # The head's: a board change, an overdue exception report, an overdue corrective action.
        made.append(project(project_manager=PersonFactory(), sponsor=PersonFactory()))
        ChangeRequest.objects.create(
            project=made[-1],
            title="Replace 200 devices",
            change_type=ChangeType.COST,
            description="New kit.",
            reason="Old kit fails.",
            raised_on=dt.date(2026, 11, 2),
            status=ChangeStatus.ASSESSED,
            authority=Authority.BOARD,
            impact_cost=Decimal("96000"),
            assessed_at=moment(dt.date(2026, 11, 25)),
        )
        ProjectException.objects.create(
            project=made[-1],
            status=ExceptionStatus.REPORT_REQUESTED,
            dimensions="cost, time",
            breach_summary="Over on both.",
            raised_at=moment(dt.date(2026, 11, 8)),
            report_due=dt.date(2026, 11, 18),
        )
        ActionFactory(
            project=made[-1],
            title="Agree the recovery plan",
            source=ActionSource.EXCEPTION,
            source_reference="EXC-1",
            due=dt.date(2026, 11, 30),
        )


@pytest.fixture
def desk(make_user: Callable[..., User]) -> Desk:
    pm = make_user(Role.PROJECT_MANAGER, username="pm", email="pm@council.example", first_name="Dan")
    sponsor = make_user(Role.SPONSOR, username="sponsor", email="sponsor@council.example", first_name="Helen")
    officer = make_user(
        Role.PMO_OFFICER, username="officer", email="officer@council.example", first_name="Grace"
    )
    head = make_user(Role.PMO_HEAD, username="head", email="head@council.example", first_name="Priya")
    executive = make_user(Role.EXECUTIVE, username="exec", email="exec@council.example")
    desk = Desk(
        pm=pm,
        sponsor=sponsor,
        officer=officer,
        head=head,
        executive=executive,
        pm_person=PersonFactory(user=pm, name="Dan Whitaker"),
        sponsor_person=PersonFactory(user=sponsor, name="Helen Marsh"),
        period=PeriodFactory(start=NOVEMBER),
    )
    # The queues' tests count each app's own items; the early warning that RAID items left alone
    # raise (its own tests: pmo/insights/tests/test_early_warnings_raid.py) is set out of reach.
    ReportingSettings.objects.update(early_raid_points=200)
    # Likewise the PMO standards each project falls short of (compliance's own tests:
    # pmo/assurance/tests/services/test_compliance_work.py): its rules are switched off.
    ComplianceRule.objects.update(enabled=False)
    add_work(desk, 1)
    return desk
