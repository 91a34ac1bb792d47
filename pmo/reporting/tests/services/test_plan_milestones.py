"""A project's plan feeds its reporting: a new highlight report takes its milestones from the
plan's key milestones (achieved once complete) and its forecast finish from the plan, which the
time tolerance then judges; a key milestone the plan shows late counts in the evidence, named;
the milestone trend draws each key milestone's forecast per period."""

import datetime as dt
from decimal import Decimal

import pytest

from pmo.engine.evidence import Area
from pmo.portfolio.models import Project
from pmo.reporting import services
from pmo.reporting.choices import ToleranceDimension
from pmo.reporting.evidence import project_evidence
from pmo.reporting.milestone_trend import milestone_trend, trend_chart
from pmo.reporting.models import ToleranceCheck
from pmo.reporting.services import MilestoneForecast
from pmo.reporting.tests.factories import PeriodFactory
from pmo.reporting.tests.services.steps import GREEN, baseline
from pmo.schedule import services as schedule
from pmo.schedule.models import PlanTask
from pmo.schedule.tests.plans import milestones_xml

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-04")]

# Design is done (signed off 18 Sep); the build overran: Go live is planned for Tue 10 Nov, not done.
LATE_PLAN = {"build_days": 30, "done_before": dt.datetime(2026, 9, 30)}


def planned(cast, **shape):
    """The plan imported by the PM: its key milestones those named as the baseline's."""
    return schedule.plan_import(
        actor=cast.pm, project=cast.project, data=milestones_xml(**shape), filename="p.xml"
    )


def go_live(plan) -> dt.date:
    return PlanTask.objects.get(plan=plan, name="Go live").finish_day


def test_a_new_report_takes_the_key_milestones_and_the_finish_from_the_plan(cast):
    baseline(cast)
    plan = planned(cast, **LATE_PLAN)

    report = services.highlight_report_start(actor=cast.pm, project=cast.project, period=cast.period)

    assert report.forecast_finish == plan.finish_day == go_live(plan)
    assert [(m.name, m.forecast, m.achieved_on) for m in report.milestones.all()] == [
        ("Design signed off", dt.date(2026, 9, 18), dt.date(2026, 9, 18)),
        ("Go live", go_live(plan), None),
    ]


def test_the_plan_replaces_the_previous_reports_milestones_and_the_pm_can_still_edit_them(cast):
    baseline(cast)
    october = PeriodFactory(start=dt.date(2026, 10, 1))
    earlier = services.highlight_report_start(actor=cast.pm, project=cast.project, period=october)
    services.highlight_report_update(
        actor=cast.pm,
        report=earlier,
        fields={**GREEN, "summary": "On track."},
        expected_version=earlier.version,
        milestones=[
            MilestoneForecast("Go live", dt.date(2026, 12, 1)),
            MilestoneForecast("Old", dt.date(2026, 12, 2)),
        ],
    )
    plan = planned(cast, **LATE_PLAN)

    report = services.highlight_report_start(actor=cast.pm, project=cast.project, period=cast.period)
    assert [m.name for m in report.milestones.all()] == ["Design signed off", "Go live"]
    edited = services.highlight_report_update(
        actor=cast.pm,
        report=report,
        fields={},
        expected_version=report.version,
        milestones=[MilestoneForecast("Go live", go_live(plan) + dt.timedelta(days=7))],
    )
    assert [(m.name, m.forecast) for m in edited.milestones.all()] == [("Go live", dt.date(2026, 11, 17))]


def test_the_time_tolerance_judges_the_plans_finish(cast):
    baseline(cast, finish=dt.date(2026, 10, 27))
    services.tolerance_set(
        actor=cast.head,
        project=cast.project,
        dimension=ToleranceDimension.TIME,
        absolute=Decimal(10),
        percent=None,
    )
    plan = planned(cast, **LATE_PLAN)
    report = services.highlight_report_start(actor=cast.pm, project=cast.project, period=cast.period)
    report = services.highlight_report_update(
        actor=cast.pm,
        report=report,
        fields={**GREEN, "summary": "Build overran.", "forecast_cost": Decimal(250000)},
        expected_version=report.version,
    )

    services.highlight_report_submit(actor=cast.pm, report=report, expected_version=report.version)

    check = ToleranceCheck.objects.get(project=cast.project, dimension=ToleranceDimension.TIME)
    assert plan.finish_day == dt.date(2026, 11, 10)
    assert check.forecast_value == Decimal(14)
    assert check.status == "breached"


def test_a_key_milestone_late_in_the_plan_counts_in_the_evidence_by_name(cast):
    baseline(cast, milestones=[("Go live", dt.date(2026, 12, 1))])  # not yet overdue by itself
    planned(cast, **LATE_PLAN)

    found = project_evidence(Project.objects.filter(pk=cast.project.pk))[cast.project.pk]

    assert found.evidence.overdue_milestones == 1
    assert found.evidence.late_key_milestones == (("Go live", 24),)
    assert "key milestone Go live 24 days late in the plan" in found.areas[Area.SCHEDULE].reasons
    assert "key milestone Go live 24 days late in the plan" in found.overall.reasons


def test_a_plan_on_time_or_unflagged_adds_nothing_to_the_evidence(cast):
    planned(cast, **LATE_PLAN)  # no baseline: no key milestone

    found = project_evidence(Project.objects.filter(pk=cast.project.pk))[cast.project.pk]

    assert found.evidence.late_key_milestones == ()
    assert found.evidence.overdue_milestones == 0


def test_the_trend_shows_each_key_milestones_forecast_per_period_and_how_far_it_moved(cast):
    baseline(cast)
    reports = []
    for start, forecast in (
        (dt.date(2026, 9, 1), dt.date(2026, 12, 1)),
        (dt.date(2026, 10, 1), dt.date(2026, 12, 15)),
    ):
        report = services.highlight_report_start(
            actor=cast.pm, project=cast.project, period=PeriodFactory(start=start)
        )
        report = services.highlight_report_update(
            actor=cast.pm,
            report=report,
            fields={**GREEN, "summary": "Slipping.", "forecast_cost": Decimal(250000)},
            expected_version=report.version,
            milestones=[
                MilestoneForecast("Design signed off", dt.date(2026, 6, 30), dt.date(2026, 6, 30)),
                MilestoneForecast("Go live", forecast),
            ],
        )
        reports.append(
            services.highlight_report_submit(actor=cast.pm, report=report, expected_version=report.version)
        )

    trend = milestone_trend(reports, ["Go live"])
    chart = str(trend_chart(trend))

    assert trend.periods == ("September 2026", "October 2026")
    assert [(line.name, line.slip) for line in trend.lines] == [("Go live", 14)]
    assert 'aria-label="Go live: forecast 15 Dec 2026 in the October 2026 report"' in chart
    assert "+14 days" in chart
    assert [line.name for line in milestone_trend(reports, []).lines] == ["Design signed off", "Go live"]
