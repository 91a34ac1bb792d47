"""The reads the cycle is built on: the latest revisions, the current baselines, the latest
handed-in forecasts, the tolerance that applies — each in a fixed number of queries."""

import datetime as dt
from decimal import Decimal

import pytest

from pmo.portfolio.choices import ProjectStatus, SizeTier
from pmo.portfolio.tests.factories import PortfolioFactory, ProjectFactory
from pmo.reporting import selectors
from pmo.reporting.choices import ReportStatus
from pmo.reporting.models import (
    BaselineMilestone,
    ProjectException,
    ReportMilestone,
    Tolerance,
    ToleranceDefault,
)
from pmo.reporting.tests.factories import BaselineFactory, PeriodFactory, ReportFactory

pytestmark = pytest.mark.django_db

NOV, DEC = dt.date(2026, 11, 1), dt.date(2026, 12, 1)


def test_current_reports_are_the_latest_revision_of_each_period(pmo_head):
    project = ProjectFactory()
    november, december = PeriodFactory(start=NOV), PeriodFactory(start=DEC)
    ReportFactory(project=project, period=november, revision=1, status=ReportStatus.SUPERSEDED)
    latest = ReportFactory(project=project, period=november, revision=2, status=ReportStatus.SUBMITTED)
    only = ReportFactory(project=project, period=december)

    assert sorted(r.pk for r in selectors.current_reports(user=pmo_head)) == sorted([latest.pk, only.pk])
    assert selectors.report_for(project=project, period=november) == latest
    assert selectors.report_list(user=pmo_head).count() == 3


def test_previous_report_is_the_latest_revision_before_the_period():
    project = ProjectFactory()
    october, november, december = (
        PeriodFactory(start=dt.date(2026, 10, 1)),
        PeriodFactory(start=NOV),
        PeriodFactory(start=DEC),
    )
    ReportFactory(project=project, period=october)
    ReportFactory(project=project, period=november, revision=1, status=ReportStatus.SUPERSEDED)
    latest = ReportFactory(project=project, period=november, revision=2)
    ReportFactory(project=project, period=december)

    assert selectors.previous_report(project=project, before=december) == latest
    assert selectors.previous_report(project=project, before=october) is None


def test_current_baselines_are_the_highest_version_with_milestones(django_assert_num_queries):
    first, second = ProjectFactory(), ProjectFactory()
    BaselineFactory(project=first, number=1)
    newest = BaselineFactory(project=first, number=2, finish=dt.date(2027, 3, 31))
    BaselineMilestone.objects.create(baseline=newest, name="Go live", due=dt.date(2027, 3, 1))
    only = BaselineFactory(project=second, number=1)
    ProjectFactory()  # no baseline

    with django_assert_num_queries(2):
        current = selectors.current_baselines([p.pk for p in (first, second)])
        milestones = {pk: [m.name for m in b.milestones.all()] for pk, b in current.items()}

    assert current == {first.pk: newest, second.pk: only}
    assert milestones == {first.pk: ["Go live"], second.pk: []}


def test_latest_handed_in_skips_drafts_and_returned_reports(django_assert_num_queries):
    steady, redrafting, silent = ProjectFactory(), ProjectFactory(), ProjectFactory()
    november, december = PeriodFactory(start=NOV), PeriodFactory(start=DEC)
    ReportFactory(project=steady, period=november, status=ReportStatus.ACCEPTED)
    newest = ReportFactory(project=steady, period=december, status=ReportStatus.PUBLISHED)
    ReportMilestone.objects.create(report=newest, name="Go live", forecast=dt.date(2027, 1, 4))
    handed_in = ReportFactory(project=redrafting, period=november, status=ReportStatus.SUBMITTED)
    ReportFactory(project=redrafting, period=december, status=ReportStatus.RETURNED)
    ReportFactory(project=redrafting, period=december, revision=2, status=ReportStatus.DRAFT)
    ReportFactory(project=silent, period=december, status=ReportStatus.DRAFT)

    with django_assert_num_queries(2):
        latest = selectors.latest_handed_in([steady.pk, redrafting.pk, silent.pk])
        milestones = [m.name for m in latest[steady.pk].milestones.all()]

    assert latest == {steady.pk: newest, redrafting.pk: handed_in}
    assert milestones == ["Go live"]


def test_the_tolerance_that_applies_is_own_then_portfolio_then_size_tier(django_assert_num_queries):
    it, estates = PortfolioFactory(name="IT"), PortfolioFactory(name="Estates")
    own = ProjectFactory(portfolio=it, size_tier=SizeTier.SMALL)
    by_portfolio = ProjectFactory(portfolio=it, size_tier=SizeTier.SMALL)
    by_tier = ProjectFactory(portfolio=estates, size_tier=SizeTier.SMALL)
    portfolio_time = ToleranceDefault.objects.create(portfolio=it, dimension="time", absolute=Decimal(21))
    own_time = Tolerance.objects.create(project=own, dimension="time", absolute=Decimal(7))
    tier_time = ToleranceDefault.objects.get(size_tier=SizeTier.SMALL, dimension="time")
    tier_cost = ToleranceDefault.objects.get(size_tier=SizeTier.SMALL, dimension="cost")

    with django_assert_num_queries(2):
        result = selectors.effective_tolerances([own, by_portfolio, by_tier])

    assert result[own.pk]["time"] == own_time
    assert result[by_portfolio.pk]["time"] == portfolio_time
    assert result[by_tier.pk]["time"] == tier_time
    assert {p: rows["cost"] for p, rows in result.items()} == dict.fromkeys(
        [own.pk, by_portfolio.pk, by_tier.pk], tier_cost
    )
    assert set(result[by_tier.pk]) == {"time", "cost", "scope", "quality", "risk", "benefits"}


@pytest.mark.parametrize("size", [1, 6])
def test_effective_tolerances_cost_the_same_queries_at_any_size(size, django_assert_num_queries):
    projects = [ProjectFactory() for _ in range(size)]
    for project in projects:
        Tolerance.objects.create(project=project, dimension="time", absolute=Decimal(7))

    with django_assert_num_queries(2):
        selectors.effective_tolerances(projects)


def test_projects_owing_reports_are_the_active_started_ones_without_a_handed_in_report():
    november = PeriodFactory(start=NOV)
    owing = ProjectFactory(code="OWING")
    returned = ProjectFactory(code="RETURNED")
    ReportFactory(project=returned, period=november, status=ReportStatus.RETURNED)
    done = ProjectFactory(code="DONE")
    ReportFactory(project=done, period=november, status=ReportStatus.SUBMITTED)
    ProjectFactory(code="HELD", status=ProjectStatus.ON_HOLD)
    ProjectFactory(code="LATER", planned_start=dt.date(2026, 12, 7), planned_finish=dt.date(2027, 6, 30))
    unplanned = ProjectFactory(code="UNPLANNED", planned_start=None)

    owed = list(selectors.projects_owing_reports(november))

    assert [p.code for p in owed] == ["OWING", "RETURNED", "UNPLANNED"]
    assert unplanned in owed and owing in owed


def test_open_exception_ignores_decided_ones():
    project = ProjectFactory()
    ProjectException.objects.create(
        project=project,
        dimensions="time",
        breach_summary="x",
        raised_at=dt.datetime(2026, 5, 1, tzinfo=dt.UTC),
        status="decided",
    )
    assert selectors.open_exception(project) is None
    current = ProjectException.objects.create(
        project=project,
        dimensions="cost",
        breach_summary="y",
        raised_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
    )

    assert selectors.open_exception(project) == current
