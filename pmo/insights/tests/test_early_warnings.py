"""Early warnings read for many projects at once (``pmo.insights.early_warning``): each trend
caught from the stored reports with its reason, the PMO's thresholds obeyed, and the same
number of queries with 2 projects as with 6."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo.engine.early_warning import Kind
from pmo.insights.early_warning import early_warnings
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import ProjectFactory
from pmo.raid.selectors import raid_settings
from pmo.raid.tests.factories import DependencyFactory
from pmo.reporting.choices import Rating, ReportStatus, ToleranceState
from pmo.reporting.models import ReportingPeriod, ReportMilestone, ToleranceCheck
from pmo.reporting.selectors import reporting_settings
from pmo.reporting.tests.factories import PeriodFactory, ReportFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 4)


@pytest.fixture
def periods():
    """May to October 2026 (all due before today), November (due tomorrow) and December."""
    return [PeriodFactory(start=dt.date(2026, month, 1)) for month in range(5, 13)]


def report(project, period, *, late_days=0, status=ReportStatus.SUBMITTED, **fields):
    submitted = dt.datetime.combine(period.due + dt.timedelta(days=late_days), dt.time(12), tzinfo=dt.UTC)
    return ReportFactory(project=project, period=period, status=status, submitted_at=submitted, **fields)


def allowance(project, dimension: str, value: int) -> None:
    ToleranceCheck.objects.create(
        project=project,
        dimension=dimension,
        status=ToleranceState.WITHIN,
        baseline_value=0,
        forecast_value=0,
        allowance=value,
        used=Decimal(0),
        explanation="",
        assessed_at=timezone.now(),
    )


def reasons(project) -> list[str]:
    found = early_warnings(Project.objects.filter(pk=project.pk), TODAY)
    return [s.reason for s in found[project.pk].signals] if project.pk in found else []


def test_a_milestone_slipping_report_after_report_is_caught_with_its_reason(periods):
    project = ProjectFactory(code="SLP-001")
    allowance(project, "time", 60)
    for step, period in enumerate(periods[:6]):
        made = report(project, period)
        ReportMilestone.objects.create(
            report=made,
            name="Go live",
            forecast=dt.date(2027, 3, 1) + dt.timedelta(days=7 * max(step - 2, 0)),
        )
    assert reasons(project) == [
        "Go live forecast later in 3 reports running, 21 days in all (35% of the tolerance)"
    ]


def test_cost_creep_confidence_and_lateness_read_from_the_reports(periods):
    project = ProjectFactory(code="TRD-001")
    ratings = [Rating.GREEN, Rating.GREEN, Rating.GREEN, Rating.GREEN, Rating.AMBER, Rating.RED]
    for step, (period, rating) in enumerate(zip(periods[:6], ratings, strict=True)):
        report(
            project,
            period,
            late_days=6 if step >= 3 else 0,
            overall_status=rating,
            forecast_cost=Decimal(100_000 + 1_000 * max(step - 2, 0)),
        )
    assert reasons(project) == [
        "confidence down in 2 reports without recovering, green to red",
        "cost forecast up in 3 reports running, £3,000 in all",
        "3 of the last 6 reports late",
    ]


def test_a_report_not_handed_in_counts_as_late_but_a_draft_not_yet_due_does_not(periods):
    project = ProjectFactory(code="MIS-001")
    for period in periods[:3]:
        report(project, period)
    report(project, periods[6], status=ReportStatus.DRAFT)  # November's, due tomorrow
    assert reasons(project) == ["3 of the last 6 reports late, 3 never handed in"]


def test_a_dependency_forecast_after_its_need_by_date_is_inherited_named(periods):
    provider = ProjectFactory(code="IT-131")
    report(provider, periods[5], forecast_finish=dt.date(2027, 4, 12))
    waiting = ProjectFactory(code="WAI-001")
    DependencyFactory(project=waiting, depends_on=provider, provider="", due=dt.date(2027, 3, 1))
    DependencyFactory(
        project=waiting, depends_on=provider, provider="", due=dt.date(2027, 3, 1), status="delivered"
    )
    for period in periods[:6]:
        report(waiting, period)
    assert reasons(waiting) == ["waits on IT-131, forecast 6 weeks after need"]


def test_the_pmo_thresholds_hold(periods):
    project = ProjectFactory(code="THR-001")
    for step, period in enumerate(periods[:6]):
        report(project, period, late_days=3 if step >= 4 else 0)
    assert reasons(project) == []  # two late: under the default three
    settings = reporting_settings()
    settings.early_late_reports = 2
    settings.save()
    assert reasons(project) == ["2 of the last 6 reports late"]


def grow(count: int, periods: list[ReportingPeriod]):
    provider = ProjectFactory(planned_start=dt.date(2026, 10, 1))
    report(provider, periods[5], forecast_finish=dt.date(2027, 6, 1))
    for _ in range(count):
        project = ProjectFactory()
        allowance(project, "time", 30)
        allowance(project, "cost", 10_000)
        DependencyFactory(project=project, depends_on=provider, provider="", due=dt.date(2027, 3, 1))
        for step, period in enumerate(periods[:6]):
            made = report(project, period, late_days=step % 2 * 5, forecast_cost=Decimal(1000 * step))
            ReportMilestone.objects.create(
                report=made, name="M", forecast=dt.date(2027, 1, 1) + dt.timedelta(days=step)
            )
    return provider


@pytest.mark.parametrize("count", [2, 6])
def test_the_queries_do_not_grow_with_the_projects(periods, count):
    provider = grow(count, periods)
    reporting_settings()
    raid_settings()  # made on a first read
    with CaptureQueriesContext(connection) as queries:
        found = early_warnings(Project.objects.exclude(pk=provider.pk), TODAY)
    assert len(found) == count
    assert {s.kind for s in next(iter(found.values())).signals} == {
        Kind.MILESTONE_SLIP,
        Kind.COST_CREEP,
        Kind.LATE_REPORTS,
        Kind.DEPENDENCY,
    }
    # the projects, the reporting and RAID settings, periods, reports, milestones, hand-ins,
    # allowances, dependencies, providers, the RAID items left alone
    assert len(queries) == 11


def test_the_api_lists_the_early_warnings_a_reader_may_see_with_their_reasons(periods, pmo_head, make_user):
    from rest_framework.test import APIClient

    from pmo.core.choices import Role
    from pmo.insights.early_warning_api import EarlyWarningSerializer
    from pmo.portfolio.tests.factories import PersonFactory

    provider = ProjectFactory(code="IT-131", confidential=True)  # hidden from the manager
    report(provider, periods[5], forecast_finish=dt.date(2027, 4, 12))
    manager = make_user(Role.PROJECT_MANAGER)
    waiting = ProjectFactory(code="WAI-001", project_manager=PersonFactory(user=manager), confidential=False)
    DependencyFactory(project=waiting, depends_on=provider, provider="", due=dt.date(2027, 3, 1))
    other = ProjectFactory(code="OTH-001", confidential=True)  # five missing; hidden from the manager
    for period in periods[:6]:
        report(waiting, period)
    report(other, periods[0])

    client = APIClient()
    client.force_authenticate(pmo_head)
    body = client.get("/api/v1/early-warnings/").json()
    assert [(row["code"], [s["reason"] for s in row["signals"]]) for row in body] == [
        ("IT-131", ["5 of the last 6 reports late, 5 never handed in"]),
        ("OTH-001", ["5 of the last 6 reports late, 5 never handed in"]),
        ("WAI-001", ["waits on IT-131, forecast 6 weeks after need"]),
    ]
    assert body[2]["signals"][0] == {
        "kind": "dependency",
        "label": "Waits on a late project",
        "weight": 2,
        "level": "warning",
        "reason": "waits on IT-131, forecast 6 weeks after need",
        "subject": "IT-131",
    }
    assert EarlyWarningSerializer(data=body, many=True).is_valid()

    # The manager waiting on IT-131, which they may not see, is told how late, not what it is
    client.force_authenticate(manager)
    unseen = "waits on a project you cannot see, forecast 6 weeks after need"
    theirs = client.get("/api/v1/early-warnings/")
    assert [row["code"] for row in theirs.json()] == ["WAI-001"]
    assert theirs.json()[0]["signals"][0] == {**body[2]["signals"][0], "reason": unseen, "subject": ""}
    assert "IT-131" not in theirs.content.decode()
    assert client.get("/api/v1/early-warnings/?portfolio=x").status_code == 400
    for page in ("/dashboard/early-warnings/", "/dashboard/"):  # the page and the cockpit
        client.force_login(manager)
        html = client.get(page).content.decode()
        assert unseen in html.replace("Waits on a project", "waits on a project")
        assert "IT-131" not in html


def test_the_work_queue_tells_the_manager_and_the_pmo_but_not_an_executive(periods, make_user):
    from pmo.core.choices import Role
    from pmo.core.work import work_queue
    from pmo.portfolio.tests.factories import PersonFactory

    provider = ProjectFactory(code="IT-131", planned_start=dt.date(2026, 10, 1))
    report(provider, periods[5], forecast_finish=dt.date(2027, 6, 1))  # 3 months after need: serious
    manager = make_user(Role.PROJECT_MANAGER)
    waiting = ProjectFactory(code="WAI-001", project_manager=PersonFactory(user=manager), confidential=False)
    DependencyFactory(project=waiting, depends_on=provider, provider="", due=dt.date(2027, 3, 1))
    for period in periods[:6]:
        report(waiting, period)

    def early(user):
        return [
            (i.title, i.reason, i.due, i.url)
            for i in work_queue(user, today=TODAY)
            if i.kind == "early-warning"
        ]

    expected = (
        "Early warning on WAI-001",
        "waits on IT-131, forecast 13 weeks after need",
        TODAY,
        "/projects/WAI-001/",
    )
    assert early(manager) == [expected]
    assert early(make_user(Role.PMO_OFFICER)) == [expected]
    assert early(make_user(Role.EXECUTIVE)) == []


def test_beyond_the_items_listed_one_by_one_one_item_stands_for_every_early_warning(
    periods, make_user, settings
):
    from pmo.core.choices import Role
    from pmo.core.work import work_queue

    provider = ProjectFactory(code="IT-131", planned_start=dt.date(2026, 10, 1))
    report(provider, periods[5], forecast_finish=dt.date(2027, 6, 1))
    for code in ("WAI-001", "WAI-002"):
        waiting = ProjectFactory(code=code)
        DependencyFactory(project=waiting, depends_on=provider, provider="", due=dt.date(2027, 3, 1))
        for period in periods[:6]:
            report(waiting, period)
    settings.PMO_WORK_ONE_BY_ONE = 1

    items = [i for i in work_queue(make_user(Role.PMO_OFFICER), today=TODAY) if i.kind == "early-warning"]

    assert [(i.title, i.reason, i.due, i.url) for i in items] == [
        ("Look at early warnings on 2 projects", "2 serious; the heaviest on WAI-001, WAI-002.", TODAY,
         "/dashboard/early-warnings/")
    ]  # fmt: skip


def test_the_early_warning_page_lists_each_project_with_its_reasons(periods, pmo_head, client):
    provider = ProjectFactory(code="IT-131", planned_start=dt.date(2026, 10, 1))
    report(provider, periods[5], forecast_finish=dt.date(2027, 4, 12))
    waiting = ProjectFactory(code="WAI-001")
    DependencyFactory(project=waiting, depends_on=provider, provider="", due=dt.date(2027, 3, 1))
    for period in periods[:6]:
        report(waiting, period)
    client.force_login(pmo_head)
    page = client.get("/dashboard/early-warnings/").content.decode()
    assert "1 active project whose reports show trouble coming" in page
    assert 'href="/projects/WAI-001/"' in page
    assert "Waits on a late project</strong>: waits on IT-131, forecast 6 weeks after need" in page

    waiting.status = "on_hold"
    waiting.save()
    assert "No early warnings" in client.get("/dashboard/early-warnings/").content.decode()


def test_a_delivery_needed_before_the_providers_finish_is_late_only_by_the_providers_slip(periods):
    provider = ProjectFactory(
        code="IT-200", planned_start=dt.date(2026, 10, 1), planned_finish=dt.date(2027, 9, 1)
    )
    report(provider, periods[5], forecast_finish=dt.date(2027, 9, 15))  # two weeks late
    waiting = ProjectFactory(code="WAI-002")
    DependencyFactory(project=waiting, depends_on=provider, provider="", due=dt.date(2027, 3, 1))
    for period in periods[:6]:
        report(waiting, period)
    assert reasons(waiting) == ["waits on IT-200, forecast 2 weeks after need"]
    report(provider, periods[6], forecast_finish=dt.date(2027, 9, 8))  # one week late: inside 14 days
    assert reasons(waiting) == []
