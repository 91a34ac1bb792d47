"""In Chromium: the API's documentation page (Swagger UI) passes axe as it opens, with an
operation open to try out and with the authorisation dialog open; it says its language and
leads back to the app."""

import pytest
from playwright.sync_api import expect

from pmo.conftest import assert_accessible
from pmo.core.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_pass_axe_as_they_are_used_and_lead_back_to_the_app(live_server, sign_in, make_user):
    # Given a PMO analyst signed in, reading the API's documentation
    page = sign_in(make_user(Role.PMO_ANALYST, username="ann"))
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    operations = page.locator(".opblock-summary-control")
    # the page draws its operations once the schema is generated (under a second of CPU, but
    # longer beside the rest of CI: it once missed Playwright's default 5 s)
    expect(operations.first).to_be_visible(timeout=20_000)
    assert_accessible(page, "api-docs")

    # When they open an operation and try it out, its parameters are named for screen readers
    operations.first.click()
    page.get_by_role("button", name="Try it out").click()
    expect(page.get_by_role("button", name="Execute")).to_be_visible()
    expect(page.get_by_role("combobox", name="escalated_to")).to_be_visible()
    assert_accessible(page, "api-docs-try-it-out")

    # And the authorisation dialog too, its cross named "Close"
    page.get_by_role("button", name="Authorize").first.click()
    expect(page.get_by_role("heading", name="Available authorizations")).to_be_visible()
    assert_accessible(page, "api-docs-authorize")
    page.get_by_role("button", name="Close", exact=True).first.click()
    expect(page.get_by_role("heading", name="Available authorizations")).to_have_count(0)

    # Then "Back to Portfolio Office" takes them home
    page.get_by_role("link", name="Back to Portfolio Office").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_test_id("user-menu")).to_be_visible()
