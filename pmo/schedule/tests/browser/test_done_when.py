"""The issue's "done when", in Chromium: a PM imports an MS Project file (checked first), sees
its Gantt chart with the critical path, flags the key milestones, gives three-point estimates,
runs the schedule risk analysis and sees P80 against the baseline; the key milestones pre-fill
the next highlight report and show on the portfolio roadmap; the plan downloads as MS Project XML
that imports again as the same schedule and opens in MPXJ. The plan, schedule risk and roadmap
pages pass axe. Run on SQLite and on PostgreSQL (``DATABASE_URL``) like every test."""

import datetime as dt
import json
import re
import subprocess
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pmo.conftest import assert_accessible
from pmo.engine import project_files
from pmo.engine.mspdi import Baseline, project_from_plan, write_mspdi
from pmo.engine.schedule import Link, LinkType, Plan, Task, schedule
from pmo.reporting.tests.factories import PeriodFactory
from pmo.schedule.models import (
    KeyMilestone,
    PlanBaseline,
    PlanCalendar,
    PlanLink,
    PlanTask,
    ScheduleRun,
    TaskEstimate,
)
from pmo.schedule.models import Plan as StoredPlan
from pmo.schedule.tests.plans import DAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.today("2027-02-01")]
needs_java = pytest.mark.skipif(not project_files.java_available(), reason="no Java runtime for MPXJ")

TASK_FIELDS = (
    "uid",
    "row",
    "wbs",
    "outline_level",
    "parent_uid",
    "name",
    "duration",
    "summary",
    "milestone",
    "critical",
    "percent_complete",
    "start",
    "finish",
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "total_float",
    "free_float",
    "constraint",
    "deadline",
    "baseline_start",
    "baseline_finish",
)
LINK_FIELDS = ("predecessor_uid", "successor_uid", "type", "lag", "lag_percent")
BASELINE_FIELDS = ("number", "start", "finish", "duration", "start_variance", "finish_variance")
CALENDAR_FIELDS = ("uid", "name", "plan_calendar", "minutes_per_day", "monday", "saturday")
SUMMARY = "11 tasks, 10 critical · 1 Feb 2027 to 10 Mar 2027"


def relaunch(development_days: int) -> Plan:
    """A website relaunch from Monday 1 February 2027: research, then the requirements signed off;
    design, with the content migration starting two days into it, then development; testing,
    then go-live after the testing and the migration. Development is the plan's longest task."""
    tasks = [
        Task(id=1, name="Website relaunch", duration=0),
        Task(id=2, name="Discovery", duration=0, parent=1),
        Task(id=3, name="User research", duration=5 * DAY, parent=2),
        Task(id=4, name="Requirements signed off", duration=0, milestone=True, parent=2),
        Task(id=5, name="Build", duration=0, parent=1),
        Task(id=6, name="Design", duration=8 * DAY, parent=5),
        Task(id=7, name="Content migration", duration=6 * DAY, parent=5),
        Task(id=8, name="Development", duration=development_days * DAY, parent=5),
        Task(id=9, name="Launch", duration=0, parent=1),
        Task(id=10, name="Testing", duration=5 * DAY, parent=9),
        Task(id=11, name="Go live", duration=0, milestone=True, parent=9),
    ]
    links = [
        Link(3, 4),
        Link(4, 6),
        Link(6, 7, LinkType.SS, 2 * DAY),
        Link(6, 8),
        Link(8, 10),
        Link(10, 11),
        Link(7, 11),
    ]
    return Plan(tasks=tasks, links=links, start=datetime(2027, 2, 1, 8))


OUTLINE = ("1", "1.1", "1.1.1", "1.1.2", "1.2", "1.2.1", "1.2.2", "1.2.3", "1.3", "1.3.1", "1.3.2")


def relaunch_xml() -> bytes:
    """The relaunch as MS Project saves it (with its WBS codes): development now takes 10 days,
    its baseline (0) had 8, so go-live (Wednesday 10 March) is two working days after its
    baseline (Monday 8 March)."""
    baselined = schedule(relaunch(8)).tasks
    current = relaunch(10)
    project = project_from_plan(current, "Website relaunch")
    tasks = [
        replace(
            item,
            wbs=code,
            outline_number=code,
            baselines=(Baseline(0, baselined[item.uid].start, baselined[item.uid].finish),),
        )
        for item, code in zip(project.tasks, OUTLINE, strict=True)
    ]
    return write_mspdi(replace(project, tasks=tasks), schedule(current))


def the_schedule(plan: StoredPlan) -> dict[str, list[tuple[Any, ...]]]:
    """A plan's task rows, links, saved baselines and calendars as stored, field by field."""
    return {
        "tasks": list(PlanTask.objects.filter(plan=plan).order_by("uid").values_list(*TASK_FIELDS)),
        "links": sorted(PlanLink.objects.filter(plan=plan).values_list(*LINK_FIELDS)),
        "baselines": sorted(
            PlanBaseline.objects.filter(task__plan=plan).values_list("task__uid", *BASELINE_FIELDS)
        ),
        "calendars": sorted(
            PlanCalendar.objects.filter(plan=plan).values_list(
                *CALENDAR_FIELDS,
                "exceptions__start",
                "exceptions__finish",
                "exceptions__hours",
                "exceptions__name",
            )
        ),
    }


def wall(moment: datetime | None) -> str | None:
    """A moment as MPXJ writes it, to the minute, on the wall clock."""
    return None if moment is None else timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def upload(page: Page, name: str, data: bytes, *, check_only: bool) -> None:
    """Choose the file on the import page, tick or untick "Check only" and press Import."""
    page.get_by_label("MS Project file (.xml or .mpp)").set_input_files(
        {"name": name, "mimeType": "application/xml", "buffer": data}
    )
    page.get_by_label(re.compile("^Check only")).set_checked(check_only)
    page.get_by_role("button", name="Import").click()


@needs_java
def test_a_pm_imports_analyses_reports_and_exports_their_ms_project_plan(
    live_server: Any, sign_in: Any, pm: Any, project: Any, tmp_path: Path
) -> None:
    base = live_server.url
    period = PeriodFactory(start=dt.date(2027, 2, 1))

    # Given the PM signed in, on their project's Plan tab: no plan yet
    page: Page = sign_in(pm)
    page.goto(f"{base}{project.get_absolute_url()}")
    page.get_by_test_id("project-tabs").get_by_role("link", name="Plan").click()
    expect(page.locator("main")).to_contain_text("No plan yet")

    # When they upload a file cut short, it is refused and nothing is imported
    page.get_by_role("link", name="Import from MS Project").first.click()
    upload(page, "relaunch.xml", relaunch_xml()[:2000], check_only=False)
    expect(page.get_by_test_id("import-failed")).to_contain_text("Nothing was imported from relaunch.xml")
    assert not StoredPlan.objects.filter(project=project).exists()

    # When they check their MS Project file, then import it
    upload(page, "relaunch.xml", relaunch_xml(), check_only=True)
    expect(page.get_by_test_id("import-checked")).to_contain_text(
        "11 tasks, finishing 10 Mar 2027; nothing imported yet."
    )
    assert not StoredPlan.objects.filter(project=project).exists()
    upload(page, "relaunch.xml", relaunch_xml(), check_only=False)

    # Then the Plan tab shows its Gantt chart with the critical path: every task but the content
    # migration critical (it has 15 days of float)
    expect(page.locator(".messages")).to_contain_text("Import of relaunch.xml complete")
    expect(page.get_by_test_id("plan-summary")).to_contain_text(SUMMARY)
    rows = page.get_by_test_id("plan-tasks").locator("tbody tr")
    expect(rows).to_have_count(11)
    critical = page.get_by_test_id("plan-tasks").locator("tbody tr.critical th")
    expect(critical).to_have_count(10)
    expect(rows.filter(has_text="Content migration")).not_to_have_class(re.compile("critical"))
    expect(rows.filter(has_text="Content migration").locator("td").nth(3)).to_have_text("15d")
    plan = StoredPlan.objects.get(project=project)
    by_name = {t.name: t for t in PlanTask.objects.filter(plan=plan)}
    chart = page.get_by_test_id("gantt").locator("svg.gantt")
    # research, design, development and testing; the two milestones
    expect(chart.locator("rect.gantt-bar.critical")).to_have_count(4)
    expect(chart.locator("path.gantt-milestone.critical")).to_have_count(2)
    expect(chart.locator(f"#task-{by_name['Development'].uid}")).to_have_attribute(
        "aria-label", "Development: 18 Feb 2027 08:00 to 3 Mar 2027 17:00, critical"
    )
    expect(chart.locator(f"#task-{by_name['Content migration'].uid}")).not_to_have_attribute(
        "aria-label", re.compile("critical")
    )

    # When they flag the two milestones as key for reporting
    milestones = page.get_by_test_id("key-milestones")
    expect(milestones).to_contain_text("0 of 2 milestones key")
    milestones.get_by_label("Requirements signed off").check()
    milestones.get_by_label("Go live").check()
    milestones.get_by_role("button", name="Save key milestones").click()
    expect(page.locator(".messages")).to_contain_text("2 key milestone flags changed.")
    expect(rows.filter(has_text="Go live").locator("th")).to_contain_text("key")
    assert_accessible(page, "schedule-plan")

    # And give development and testing three-point estimates, and run the risk analysis
    page.get_by_role("link", name="Schedule risk").click()
    expect(page.get_by_test_id("risk-none")).to_contain_text("No run yet.")
    page.get_by_label("Development: minimum days").fill("10")
    page.get_by_label("Development: most likely days").fill("12")
    page.get_by_label("Development: maximum days").fill("18")
    page.get_by_label("Development: distribution").select_option("PERT")
    page.get_by_label("Testing: minimum days").fill("4")
    page.get_by_label("Testing: most likely days").fill("5")
    page.get_by_label("Testing: maximum days").fill("9")
    page.get_by_test_id("risk-save").click()
    expect(page.locator(".messages")).to_contain_text("Saved 2 estimates on this page.")
    page.get_by_test_id("risk-run").click()

    # Then they see the P80 finish against the baseline finish (go-live's, 8 March)
    run = ScheduleRun.objects.get(project=project)
    p80 = run.p80_day
    late = (p80 - dt.date(2027, 3, 8)).days
    assert p80 > dt.date(2027, 3, 10)  # development never takes less than its planned 10 days
    expect(page.locator(".messages")).to_contain_text(f"Simulated 10,000 times: P80 finish {p80:%-d %b %Y}.")
    forecast = page.get_by_test_id("risk-forecast")
    expect(forecast).to_contain_text(f"P80 finish{p80:%-d %b %Y}")
    expect(forecast).to_contain_text("Scheduled finish10 Mar 2027")
    expect(page.get_by_test_id("risk-p80-baseline")).to_have_text(f"{late} days late")
    expect(page.get_by_test_id("risk-chance")).to_have_text("0% by 8 Mar 2027 17:00")  # 14 days at least
    key_rows = page.get_by_test_id("risk-milestones").locator("tbody tr")
    expect(key_rows).to_have_count(2)
    expect(key_rows.nth(1)).to_contain_text("Go live")
    expect(key_rows.nth(1)).to_contain_text("8 Mar 2027")  # its baseline
    expect(key_rows.nth(1).locator("td").last).to_have_text("0%")  # and its chance of meeting it
    assert_accessible(page, "schedule-risk")

    # When they start the next highlight report
    page.get_by_test_id("project-tabs").get_by_role("link", name="Reporting").click()
    page.get_by_role("link", name=f"Start the {period} report").click()
    page.get_by_role("button", name="Start report").click()

    # Then its key milestones are the plan's, forecast as the plan dates them, and its forecast
    # finish is the plan's
    expect(page.get_by_label("Forecast finish", exact=True)).to_have_value("2027-03-10")
    expect(page.get_by_label("Milestone 1: Name")).to_have_value("Requirements signed off")
    expect(page.get_by_label("Milestone 1: Date")).to_have_value("2027-02-05")
    expect(page.get_by_label("Milestone 2: Name")).to_have_value("Go live")
    expect(page.get_by_label("Milestone 2: Date")).to_have_value("2027-03-10")

    # And the portfolio roadmap shows the project's next milestone, and its key milestones on
    # the chart, each over its baseline
    page.goto(f"{base}/plans/roadmap/")
    lane = page.get_by_test_id("roadmap-projects").locator("tbody tr", has_text="WEB")
    expect(lane).to_contain_text("Requirements signed off 5 Feb 2027")
    expect(lane).to_contain_text("2 days late")
    key = page.get_by_test_id("roadmap").locator("svg.roadmap path.gantt-milestone.key title")
    expect(key).to_have_text(
        [
            "WEB Requirements signed off (key milestone): 5 Feb 2027",
            "WEB Go live (key milestone): 10 Mar 2027",
        ]
    )
    assert_accessible(page, "schedule-roadmap")

    # When they download the plan as MS Project XML from the Plan tab
    page.goto(f"{base}/plans/projects/WEB/")
    before = the_schedule(plan)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export to MS Project").click()
    assert download.value.suggested_filename == "WEB-plan.xml"
    exported = tmp_path / "WEB-plan.xml"
    download.value.save_as(exported)

    # Then imported again through the import page, it is the same schedule, every task, link,
    # saved baseline and calendar field for field, the key milestones and estimates kept
    page.get_by_role("link", name="Import from MS Project").click()
    upload(page, exported.name, exported.read_bytes(), check_only=False)
    expect(page.locator(".messages")).to_contain_text(f"Import of {exported.name} complete: 11 tasks")
    plan.refresh_from_db()
    assert plan.source_name == "WEB-plan.xml"
    assert the_schedule(plan) == before
    assert len(before["baselines"]) == 11 and before["calendars"]  # compared, not empty
    assert set(KeyMilestone.objects.filter(plan=plan, key=True).values_list("name", flat=True)) == {
        "Requirements signed off",
        "Go live",
    }
    assert TaskEstimate.objects.filter(plan=plan).count() == 2
    expect(page.get_by_test_id("plan-summary")).to_contain_text(SUMMARY)

    # And MPXJ opens it as the same plan: its outline, dates, critical path, baseline,
    # milestones and links with their types and lags
    described = tmp_path / "WEB-plan.json"
    command = project_files.child_command(str(exported), str(described))
    subprocess.run(command, check=True, timeout=120, capture_output=True)
    seen = [t for t in json.loads(described.read_text())["tasks"] if t.get("unique_id") != 0]
    assert [
        (
            t["unique_id"],
            t["name"],
            t["wbs"],
            t["outline_level"],
            t.get("parent_task_unique_id"),
            t["start"][:16],
            t["finish"][:16],
            t.get("critical", False),
            t.get("baseline_finish", "")[:16] or None,
            t.get("milestone", False),
        )
        for t in seen
    ] == [
        (
            r.uid,
            r.name,
            r.wbs,
            r.outline_level,
            r.parent_uid,
            wall(r.start),
            wall(r.finish),
            r.critical,
            wall(r.baseline_finish),
            r.milestone,
        )
        for r in PlanTask.objects.filter(plan=plan).order_by("row")
    ]
    assert sorted(
        (s["predecessor_task_unique_id"], s["successor_task_unique_id"], s["type"], s.get("lag", 0) // 60)
        for t in seen
        for s in t.get("successors", ())
    ) == sorted(plan.links.values_list("predecessor_uid", "successor_uid", "type", "lag"))
