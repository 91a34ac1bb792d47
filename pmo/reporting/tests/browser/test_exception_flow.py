"""The issue's "done when", in Chromium: a PM submits a report whose forecast breaches tolerance;
the PMO sees the exception; the sponsor is notified; the PM writes the exception report; the
sponsor decides on a new baseline; and the exception's history shows every step. Each page on
the way passes axe."""

import datetime as dt
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from pmo.conftest import assert_accessible
from pmo.core.choices import Role
from pmo.core.models import Notification, User
from pmo.portfolio.tests.browser.conftest import choose, sign_in_on
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.reporting import services
from pmo.reporting.choices import ExceptionDecision, ExceptionStatus, ReportStatus
from pmo.reporting.models import Baseline, HighlightReport, ProjectException
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATUSES = (
    "Overall status",
    "Schedule status",
    "Cost status",
    "Scope status",
    "Risks and issues status",
    "Resources status",
    "Benefits status",
)


@pytest.fixture
def open_as(browser: Browser, live_server: Any) -> Iterator[Callable[[User], Page]]:
    """A separate browser (own cookies) signed in as the given user."""
    contexts = []

    def open_for(user: User) -> Page:
        context = browser.new_context()
        contexts.append(context)
        return sign_in_on(context.new_page(), live_server.url, user)

    yield open_for
    for context in contexts:
        context.close()


@pytest.fixture
def people(make_user, pmo_head) -> dict[str, Any]:
    pm = make_user(Role.PROJECT_MANAGER, username="pat", first_name="Pat", last_name="Manager")
    sponsor = make_user(Role.SPONSOR, username="sam", first_name="Sam", last_name="Sponsor")
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
    period = PeriodFactory(start=dt.date.today().replace(day=1))
    return {"pm": pm, "sponsor": sponsor, "head": pmo_head, "project": project, "period": period}


def test_a_breach_goes_from_report_to_decision(live_server, open_as, people):
    base = live_server.url
    period = people["period"]

    # Given the PM on their project's reporting page
    pm = open_as(people["pm"])
    pm.goto(f"{base}/reporting/projects/DFD-001/")
    expect(pm.get_by_role("heading", name="DFD-001 Resident portal: reporting")).to_be_visible()
    assert_accessible(pm, "reporting-project")

    # When they start this period's report and forecast a finish far beyond the time tolerance
    pm.get_by_role("link", name=f"Start the {period} report").click()
    pm.get_by_role("button", name="Start report").click()
    expect(pm.get_by_role("heading", name=f"DFD-001 highlight report, {period}")).to_be_visible()
    assert_accessible(pm, "reporting-report-form")
    for label in STATUSES:
        pm.get_by_label(label, exact=True).select_option("amber")
    pm.get_by_label("Status summary", exact=True).fill("The supplier has gone into administration.")
    pm.get_by_label("Forecast finish", exact=True).fill("2027-06-30")
    pm.get_by_role("button", name="Submit to the PMO").click()

    # Then the report is submitted and shows the breach
    expect(pm.get_by_test_id("report-status")).to_have_text("Submitted")
    expect(pm.locator("main")).to_contain_text("Breached")
    expect(pm.get_by_test_id("forecast-finish")).to_contain_text("30 Jun 2027")
    assert_accessible(pm, "reporting-report-detail")
    report = HighlightReport.objects.get(project=people["project"], period=period)
    assert report.status == ReportStatus.SUBMITTED

    # And the sponsor has an in-app notification of the exception, shown on their
    # notifications page
    exception = ProjectException.objects.get(project=people["project"])
    assert Notification.objects.filter(
        recipient=people["sponsor"], url=exception.get_absolute_url(), subject__startswith="Exception raised"
    ).exists()
    sponsor = open_as(people["sponsor"])
    sponsor.goto(f"{base}/notifications/")
    notifications = sponsor.get_by_test_id("notifications")
    expect(notifications).to_contain_text("Exception raised: DFD-001 Resident portal")

    # And the PMO sees it appear on the dashboard: one open exception, the project amber
    pmo = open_as(people["head"])
    pmo.goto(f"{base}/dashboard/")
    expect(pmo.get_by_test_id("count-exceptions")).to_have_text("1")
    expect(pmo.get_by_test_id("exception-ages")).to_contain_text("DFD-001")
    pmo.goto(f"{base}/dashboard/projects/")
    expect(pmo.get_by_test_id("heatmap").locator("tr", has_text="DFD-001")).to_contain_text("Amber")

    # And on the exceptions list
    pmo.goto(f"{base}/reporting/exceptions/")
    row = pmo.get_by_test_id("exceptions").locator("tbody tr").first
    expect(row).to_contain_text("DFD-001 Resident portal")
    expect(row).to_contain_text("Exception report requested")
    row.get_by_role("link", name="DFD-001 Resident portal").click()
    expect(pmo.get_by_test_id("breach")).to_contain_text("time")
    assert_accessible(pmo, "reporting-exception-detail")

    # When the PM writes the exception report
    pm.goto(f"{base}{exception.get_absolute_url()}")
    pm.get_by_role("link", name="Write the exception report").click()
    pm.get_by_label("Cause", exact=True).fill("Supplier insolvency")
    pm.get_by_label("Consequences", exact=True).fill("Six months late; £15k more")
    pm.get_by_label("Options", exact=True).fill("A: re-tender (+6 months). B: descope (no delay).")
    pm.get_by_label("Recommendation", exact=True).fill("A: re-tender")
    pm.get_by_role("button", name="Submit exception report").click()
    expect(pm.get_by_test_id("exception-status")).to_have_text("Exception report submitted")

    # And the sponsor decides on a new baseline
    sponsor.goto(f"{base}{exception.get_absolute_url()}")
    sponsor.get_by_role("link", name="Decide").click()
    sponsor.get_by_label("Approve a new baseline").check()
    sponsor.get_by_label("Decision notes").fill("Re-tender approved by the board")
    sponsor.get_by_label("New baseline finish").fill("2027-07-31")
    sponsor.get_by_label("New budget at completion (£)").fill("265000")
    sponsor.get_by_role("button", name="Record the decision").click()

    # Then the exception is decided with a new baseline
    expect(sponsor.get_by_test_id("decision")).to_contain_text("Approve a new baseline by Sam Sponsor")
    expect(sponsor.get_by_test_id("exception-status")).to_have_text("Decided")
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.DECIDED
    assert exception.decision == ExceptionDecision.NEW_BASELINE
    assert exception.new_baseline == Baseline.objects.get(project=people["project"], number=2)

    # And its history shows every step
    sponsor.get_by_role("link", name="History").click()
    history = sponsor.locator("table.history-table")
    for step in (
        "Raised automatically: forecast beyond tolerance",
        "Exception report requested from the project manager",
        "Exception report submitted",
        "Decided: Approve a new baseline",
    ):
        expect(history).to_contain_text(step)

    # And the PM records a corrective action (a RAID action) that the PMO reads on the exception
    pm.goto(f"{base}{exception.get_absolute_url()}")
    pm.get_by_role("link", name="Add corrective action").click()
    assert_accessible(pm, "reporting-exception-action-form")
    pm.get_by_label(re.compile(r"^Action")).fill("Run the re-tender")
    choose(pm, "Owner", "pat", "Pat Manager")
    pm.get_by_label("Due date").fill((dt.date.today() + dt.timedelta(days=14)).isoformat())
    pm.get_by_role("button", name="Add action").click()
    expect(pm.get_by_role("heading", name="Corrective actions")).to_be_visible()
    pmo.goto(f"{base}{exception.get_absolute_url()}")
    pmo.get_by_role("link", name=re.compile("Run the re-tender")).click()
    expect(pmo).to_have_url(re.compile(r"/raid/actions/\d+/$"))
