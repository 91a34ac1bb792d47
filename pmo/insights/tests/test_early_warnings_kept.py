"""The portfolio's early warnings are worked out once and kept (ADR 0032): a second read costs the
stamp alone, yet a report handed in, a RAID item reviewed, a tolerance re-evaluated or a settings
change shows on the very next read, and a reader sees only the projects they may see, whoever
filled what is kept."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.core.choices import Role
from pmo.engine.early_warning import Kind
from pmo.insights import early_warning
from pmo.insights.early_warning import active, early_warnings
from pmo.insights.work import early_warning_work
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid.selectors import raid_settings
from pmo.raid.services import raid_item_review
from pmo.raid.tests.factories import DependencyFactory, RiskFactory
from pmo.reporting.choices import ReportStatus, ToleranceState
from pmo.reporting.models import HighlightReport, ReportMilestone, ToleranceCheck
from pmo.reporting.selectors import reporting_settings
from pmo.reporting.services import reporting_settings_update
from pmo.reporting.tests.factories import PeriodFactory, ReportFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]

TODAY = dt.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def _every_reader_reads_what_is_kept(monkeypatch):
    """A reader of a few projects has them worked out directly (``FEW``): here every one reads
    what is kept, however few the projects."""
    monkeypatch.setattr(early_warning, "FEW", 0)


@pytest.fixture
def periods():
    """May to October 2026 (all due before today), November (due tomorrow) and December."""
    reporting_settings()
    raid_settings()  # both made on a first read
    return [PeriodFactory(start=dt.date(2026, month, 1)) for month in range(5, 13)]


def hand_in(project, period, **fields):
    submitted = dt.datetime.combine(period.due, dt.time(12), tzinfo=dt.UTC)
    return ReportFactory(
        project=project, period=period, status=ReportStatus.SUBMITTED, submitted_at=submitted, **fields
    )


def reasons(project=None) -> dict[str, list[str]]:
    """Every active project's reasons, by code (read the way the cockpit reads them)."""
    found = early_warnings(active(Project.objects.all()), TODAY)
    return {w.project.code: [s.reason for s in w.signals] for w in found.values()}


def slipping(code: str, periods, allowance: int = 60, **fields):
    project = ProjectFactory(code=code, planned_start=dt.date(2026, 4, 1), **fields)
    ToleranceCheck.objects.create(
        project=project,
        dimension="time",
        status=ToleranceState.WITHIN,
        baseline_value=0,
        forecast_value=0,
        allowance=allowance,
        used=Decimal(0),
        explanation="",
        assessed_at=dt.datetime(2026, 12, 4, 9, tzinfo=dt.UTC),
    )
    for step, period in enumerate(periods[:6]):
        ReportMilestone.objects.create(
            report=hand_in(project, period),
            name="Go live",
            forecast=dt.date(2027, 3, 1) + dt.timedelta(days=7 * max(step - 2, 0)),
        )
    return project


def test_a_second_read_costs_only_the_stamp_and_gives_the_same(periods):
    slipping("SLP-001", periods)
    ProjectFactory(code="CLS-001", status="closed")
    with CaptureQueriesContext(connection) as first:
        before = reasons()
    with CaptureQueriesContext(connection) as second:
        again = reasons()
    assert (
        again
        == before
        == {"SLP-001": ["Go live forecast later in 3 reports running, 21 days in all (35% of the tolerance)"]}
    )
    # the reader's first few (it reads more than a few), the stamp, the portfolio, nine reads (no
    # provider), the reader's projects with signals
    assert len(first) == 13
    assert len(second) == 3  # the reader's first few, the stamp, the reader's projects with signals


def test_a_report_handed_in_shows_at_once(periods):
    project = slipping("SLP-001", periods)
    late = ProjectFactory(code="LAT-001", planned_start=dt.date(2026, 4, 1))
    for period in periods[:3]:
        hand_in(late, period)
    assert reasons()["LAT-001"] == ["3 of the last 6 reports late, 3 never handed in"]

    hand_in(late, periods[3])  # August's report comes in

    assert "LAT-001" not in reasons()
    assert reasons()["SLP-001"] == [
        "Go live forecast later in 3 reports running, 21 days in all (35% of the tolerance)"
    ]
    assert project.pk in early_warnings([project], TODAY)


def test_a_tolerance_re_evaluated_in_bulk_shows_at_once(periods):
    """The evaluation rewrites checks in bulk with no version (``tolerances_evaluate_all``)."""
    slipping("SLP-001", periods)
    assert reasons()["SLP-001"] == [
        "Go live forecast later in 3 reports running, 21 days in all (35% of the tolerance)"
    ]

    ToleranceCheck.objects.filter(project__code="SLP-001").update(allowance=30)

    assert reasons()["SLP-001"] == [
        "Go live forecast later in 3 reports running, 21 days in all (70% of the tolerance)"
    ]


def test_a_raid_item_reviewed_and_a_settings_change_show_at_once(periods, make_user):
    project = ProjectFactory(code="RSK-001", planned_start=dt.date(2026, 11, 1))
    risk = RiskFactory(
        project=project,
        residual_probability=5,
        residual_impact=5,
        raised_on=dt.date(2026, 6, 1),
        last_reviewed_on=dt.date(2026, 8, 1),
    )
    assert reasons()["RSK-001"] == [
        f"RAID items left alone: {risk.reference} (high, not reviewed in 125 days)"
    ]
    head = make_user(Role.PMO_HEAD)
    row = reporting_settings()

    reporting_settings_update(
        actor=head, settings_row=row, fields={"early_raid_points": 40}, expected_version=row.version
    )

    assert "RSK-001" not in reasons()  # 16 points, under the PMO's 40 now

    reporting_settings_update(
        actor=head, settings_row=row, fields={"early_raid_points": 8}, expected_version=row.version
    )
    assert "RSK-001" in reasons()

    raid_item_review(actor=None, item=risk, expected_version=risk.version)

    assert "RSK-001" not in reasons()


def test_a_reader_sees_only_the_projects_they_may_see_whoever_filled_the_cache(periods, make_user):
    manager = make_user(Role.PROJECT_MANAGER)
    mine = slipping("MIN-001", periods)
    mine.project_manager = PersonFactory(user=manager)
    mine.save()
    other = slipping("OTH-001", periods, confidential=True)
    HighlightReport.objects.filter(project=other).update(forecast_finish=dt.date(2027, 4, 12))
    DependencyFactory(project=mine, depends_on=other, provider="", due=dt.date(2027, 3, 1))
    officer = make_user(Role.PMO_OFFICER)

    told = {item.project: item.reason for item in early_warning_work(officer, TODAY)}
    assert set(told) == {"MIN-001", "OTH-001"}
    assert told["MIN-001"].startswith("waits on OTH-001, forecast 6 weeks after need; ")
    theirs = early_warning_work(manager, TODAY)  # read from what the officer's read kept

    assert [item.project for item in theirs] == ["MIN-001"]
    assert theirs[0].reason == told["MIN-001"].replace("OTH-001", "a project you cannot see")
    hidden = early_warnings(active(Project.objects.restrict(manager, "view")).filter(code="OTH-001"), TODAY)
    assert hidden == {}
    kinds = {s.kind for s in early_warnings([mine], TODAY)[mine.pk].signals}
    assert kinds == {Kind.MILESTONE_SLIP, Kind.DEPENDENCY}
