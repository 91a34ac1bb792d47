"""In Chromium: a project manager sees the unread badge, opens their notifications, follows one
to its record and marks them read; the page passes the accessibility check."""

import pytest

from pmo.conftest import assert_accessible
from pmo.core.choices import Role
from pmo.core.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_read_notifications_from_the_badge(live_server, sign_in, make_user):
    pm = make_user(Role.PROJECT_MANAGER, username="pat")
    Notification.objects.create(recipient=pm, key="a", subject="Reminder: October report due")
    Notification.objects.create(
        recipient=pm, key="b", subject="Late: November report", url="/accounts/profile/",
        body="It was due on 5 Dec 2026.",
    )
    page = sign_in(pm)

    assert page.get_by_test_id("notification-badge").text_content() == "2 unread"
    page.get_by_test_id("notifications-link").click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    assert page.get_by_role("heading", name="Notifications").is_visible()
    items = page.get_by_test_id("notification")
    assert items.nth(0).inner_text().startswith("Unread Late: November report")
    assert_accessible(page, "notifications")

    page.get_by_role("button", name="Mark read").filter(has_text="Reminder: October report due").click()
    assert page.get_by_role("alert").inner_text().startswith("Marked read: “Reminder: October report due”.")
    assert page.get_by_test_id("notification-badge").text_content() == "1 unread"

    page.get_by_role("link", name="Late: November report").click()
    page.wait_for_url(f"{live_server.url}/accounts/profile/")
    page.go_back()

    page.get_by_role("button", name="Mark all read").click()
    alert = page.get_by_role("alert").inner_text()
    assert alert.startswith("All your notifications are marked read (1 changed).")
    assert page.get_by_test_id("notification-badge").count() == 0
    assert page.locator("[data-unread]").count() == 0
    assert_accessible(page, "notifications-all-read")
