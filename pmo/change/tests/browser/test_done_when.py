"""The issue's "done when", in Chromium: a PM logs a risk on their project, escalates it to the
programme, raises a change request with a time impact and assesses it (the sponsor's to
decide); the sponsor finds it awaiting their decision and approves it; the new baseline version
shows on the project's reporting page and on the change, and the baseline names the change.
Each change page on the way passes axe."""

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from pmo.change import services
from pmo.change.models import ChangeRequest
from pmo.conftest import assert_accessible
from pmo.portfolio.tests.browser.conftest import sign_in_on, sign_out
from pmo.raid.models import Risk
from pmo.raid.tests.cast import Cast
from pmo.reporting import services as reporting_services
from pmo.reporting.models import Baseline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(cast: Cast) -> Cast:
    """WEB with its first baseline: finish 30 Jun 2027, time tolerance 28 days."""
    reporting_services.baseline_approve(
        actor=cast.head,
        project=cast.project,
        finish=dt.date(2027, 6, 30),
        budget_at_completion=Decimal(250000),
        reason="Business case approved",
    )
    return cast


def field(page: Page, label: str) -> Any:
    """The form field of this label (a required one's label ends with its asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def messages_of(page: Page) -> Any:
    return page.locator("main .messages")


def test_a_risk_leads_to_a_change_the_sponsor_approves_into_a_new_baseline(live_server, page, world):
    base = live_server.url

    # Given the PM signed in, on their project's RAID risks
    sign_in_on(page, base, world.pm)
    page.goto(f"{base}/raid/projects/WEB/?kind=risks")

    # When they log a risk
    page.get_by_role("link", name="Add risk").click()
    field(page, "Title").fill("Payment provider may not certify in time")
    field(page, "Category").select_option(label="Commercial and supplier")
    field(page, "Inherent probability").fill("4")
    field(page, "Inherent impact").fill("4")
    field(page, "Residual probability").fill("3")
    field(page, "Residual impact").fill("4")
    page.get_by_role("button", name="Raise risk").click()
    risk = Risk.objects.get(project=world.project)
    expect(page.locator("h1")).to_have_text(f"{risk.reference} Payment provider may not certify in time")

    # And escalate it to the programme
    page.get_by_role("link", name="Escalate").click()
    field(page, "Escalate to").select_option(label="Programme register")
    field(page, "Why (required)").fill("Only the programme can change the payments contract.")
    page.get_by_role("button", name="Escalate").click()
    expect(page.get_by_test_id("escalation")).to_contain_text("Escalated to the programme register")

    # And raise a change request with a time impact from the project's change log
    page.goto(f"{base}/changes/projects/WEB/")
    expect(page.get_by_role("heading", name="WEB Website: change requests")).to_be_visible()
    assert_accessible(page, "change-project")
    page.get_by_role("link", name="Raise a change request").click()
    field(page, "Title").fill("Move go-live for certification")
    field(page, "Type").select_option(label="Time")
    field(page, "Description").fill(f"Wait for the provider's certification ({risk.reference}).")
    field(page, "Reason for the change").fill("Cannot take payments uncertified.")
    assert_accessible(page, "change-raise")
    page.get_by_role("button", name="Raise the change request").click()
    change = ChangeRequest.objects.get(project=world.project)
    expect(page.get_by_test_id("change-status")).to_have_text("Raised")
    expect(messages_of(page)).to_contain_text(f"{change.reference} raised.")

    # And assess it at 20 days: beyond their own limits, within the project's time tolerance
    page.get_by_role("link", name="Assess").click()
    expect(page.get_by_test_id("limits")).to_contain_text("within the project's tolerances: 28 days")
    field(page, "Impact on time (days)").fill("20")
    field(page, "Options considered").fill("A: move go-live. B: launch without card payments.")
    field(page, "Recommendation").fill("A")
    assert_accessible(page, "change-assess")
    page.get_by_role("button", name="Record the assessment").click()
    expect(messages_of(page)).to_contain_text("it needs the approval of the sponsor")
    expect(page.get_by_test_id("authority")).to_contain_text("Sponsor:")
    expect(page.get_by_role("link", name="Decide")).to_have_count(0)  # not the PM's to decide
    assert_accessible(page, "change-detail-assessed")
    sign_out(page)

    # Then the sponsor, signed in, finds it awaiting their decision
    sign_in_on(page, base, world.sponsor)
    page.goto(f"{base}/notifications/")
    expect(page.get_by_test_id("notifications")).to_contain_text(
        f"{change.reference} on WEB assessed as needing the sponsor's decision"
    )
    page.goto(f"{base}/changes/")
    page.get_by_label("Awaiting my decision").check()
    page.get_by_role("button", name="Filter").click()
    awaiting = page.get_by_test_id("changes").locator("tbody tr")
    expect(awaiting).to_have_count(1)
    expect(awaiting).to_contain_text("Move go-live for certification")
    assert_accessible(page, "change-log-awaiting")

    # When they approve it
    awaiting.get_by_role("link", name=change.reference).click()
    page.get_by_role("link", name="Decide").click()
    page.get_by_label("Approve").check()
    field(page, "Decision notes").fill("Certification first.")
    assert_accessible(page, "change-decide")
    page.get_by_role("button", name="Record the decision").click()

    # Then the change shows the new baseline version, with its link
    expect(messages_of(page)).to_contain_text(
        f"{change.reference} approved. Baseline v2 of WEB is now in force."
    )
    expect(page.get_by_test_id("change-status")).to_have_text("Approved")
    expect(page.get_by_test_id("new-baseline")).to_contain_text("WEB baseline v2 (finish 20 Jul 2027")
    assert_accessible(page, "change-detail-approved")
    new_baseline = Baseline.objects.get(project=world.project, number=2)
    assert new_baseline.finish == dt.date(2027, 7, 20)

    # And the baseline page names the change that made it
    page.get_by_test_id("new-baseline").get_by_role("link", name="WEB baseline v2").click()
    made_by = page.get_by_test_id("made-by-changes")
    expect(made_by).to_have_text(f"Change request {change.reference}: Move go-live for certification")
    made_by.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text(f"{change.reference} Move go-live for certification")

    # And the project's reporting page shows v2 as the current baseline
    page.goto(f"{base}/reporting/projects/WEB/")
    expect(page.get_by_test_id("current-baseline")).to_contain_text("v2")
    expect(page.get_by_test_id("current-baseline")).to_contain_text("20 Jul 2027")


def test_the_pmo_head_changes_the_delegated_limits_and_reads_a_changes_history(live_server, page, world):
    base = live_server.url
    change = services.change_request_raise(
        actor=world.pm,
        project=world.project,
        fields={"title": "Add a help page", "change_type": "scope", "description": "d", "reason": "r"},
    )

    # Given the PMO head on the delegated limits
    sign_in_on(page, base, world.head)
    page.goto(f"{base}/changes/settings/")
    assert_accessible(page, "change-settings")

    # When they raise the project manager's limit to ten days
    field(page, "Project manager may approve up to (days of delay)").fill("10")
    page.get_by_role("button", name="Save").click()

    # Then the page says so, and the table of who approves what follows
    expect(messages_of(page)).to_contain_text("Change control settings saved.")
    expect(page.get_by_test_id("limits")).to_contain_text("Up to 10 days of delay")

    # And a change's history reads as who did what
    page.goto(f"{base}{change.get_absolute_url()}")
    page.get_by_role("link", name="History").click()
    expect(page.locator("table.history-table")).to_contain_text("Raised")
    assert_accessible(page, "change-history")
