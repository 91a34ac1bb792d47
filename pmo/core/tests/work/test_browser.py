"""In Chromium: a project manager signs in, finds their work queue on the home page, overdue
first, and follows the returned report's link to the report; the page passes axe."""

import pytest

from pmo.conftest import assert_accessible
from pmo.core.tests.work.conftest import Desk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_project_manager_opens_a_report_from_their_work_queue(live_server, sign_in, desk: Desk):
    page = sign_in(desk.pm)

    queue = page.get_by_test_id("work-queue")
    assert queue.get_by_role("heading", name="Your work").is_visible()
    items = queue.get_by_test_id("work-item")
    assert items.count() == 9
    assert items.nth(0).inner_text().startswith("Overdue")
    assert_accessible(page, "work-queue-project-manager")

    returned = items.filter(has_text="Revise the November 2026 highlight report")
    assert "Returned with comments: Reconcile the forecast cost with the ledger." in returned.inner_text()
    returned.get_by_role("link", name="Revise the November 2026 highlight report").click()

    page.wait_for_url(f"{live_server.url}/reporting/reports/*/")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("IT-102 highlight report, November 2026")
