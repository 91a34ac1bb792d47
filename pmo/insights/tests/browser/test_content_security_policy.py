"""In Chromium, under the strict Content-Security-Policy: the PMO head signs in and goes through
the main pages (the register with its live search, the dashboard's chart, RAID, reporting,
change control, the profile, logins, the API's docs and the admin), and the browser refuses
nothing on any of them: no CSP violation, no console error."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation the browser reports, kept by the page (the listener is added before any of
# the page's own scripts run, and is not itself subject to the policy).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI || "inline"} at ${where}`);
});
"""

PAGES = [
    ("/", "Portfolio overview"),
    ("/projects/", "Project register"),
    ("/dashboard/", "Portfolio dashboard"),
    ("/raid/", "RAID overview"),
    ("/raid/risks/", "Risks"),
    ("/raid/dependencies/map/", "Dependency map"),
    ("/reporting/reports/", "Highlight reports"),
    ("/reporting/periods/", "Reporting periods"),
    ("/reporting/exceptions/", "Exceptions"),
    ("/changes/", "Change log"),
    ("/notifications/", "Notifications"),
    ("/accounts/profile/", "Your profile"),
    ("/settings/users/", "Users and roles"),
]


def favicon_missing(message: Any) -> bool:
    """The admin and the browsable API name no icon, so Chromium asks for /favicon.ico (404)."""
    return message.location.get("url", "").endswith("/favicon.ico")


def test_the_main_pages_work_under_the_policy_with_nothing_refused(live_server, page, pmo_head, portfolio):
    pmo_head.is_staff = True
    pmo_head.save()
    page.add_init_script(RECORD_VIOLATIONS)
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            message.type == "error" and not favicon_missing(message) and errors.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    policies: list[str] = []
    page.on(
        "response",
        lambda response: (
            response.request.resource_type == "document"
            and policies.append(response.headers.get("content-security-policy", ""))
        ),
    )

    def violations() -> list[str]:
        return page.evaluate("window.__cspViolations")

    # Given the PMO head signs in through the sign-in page
    page.goto(f"{live_server.url}/accounts/login/")
    assert violations() == []
    page.get_by_label("Username").fill(pmo_head.username)
    page.get_by_label("Password").fill("pass-Word-123")
    page.get_by_role("button", name="Sign in").click()

    # When they open each main page, then it shows and the browser refused nothing on it
    for path, heading in PAGES:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        page.wait_for_load_state("networkidle")
        assert violations() == [], path

    # And the register's live search (htmx) swaps in its results
    page.goto(f"{live_server.url}/projects/")
    page.get_by_role("searchbox", name="Search").fill("Optimistic")
    expect(page.locator("#record-results")).to_contain_text("OPT-001")
    expect(page.locator("#record-results")).not_to_contain_text("STE-001")
    assert violations() == []

    # And the dashboard's chart shows, its stylesheet applied (the bars scale to the card)
    page.goto(f"{live_server.url}/dashboard/")
    chart = page.get_by_test_id("trend-chart").locator("svg").first
    expect(chart).to_be_visible()
    expect(chart).to_have_css("display", "block")
    assert violations() == []

    # And the API's interactive documentation starts and lists the endpoints
    page.goto(f"{live_server.url}/api/docs/")
    # (the schema is generated on its first request: seconds on a busy machine, as the API grows)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Portfolio Office API", timeout=30_000)
    expect(page.locator("#operations-actions-v1_actions_list")).to_be_visible()
    assert violations() == []

    # And the browsable API and the admin work too
    page.goto(f"{live_server.url}/api/v1/projects/")
    expect(page.locator(".response-info")).to_contain_text("OPT-001")
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.get_by_role("link", name="Projects").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("project")
    assert violations() == []

    # Then every page came with the strict policy, and nothing reached the console
    assert policies and all(re.search(r"script-src 'self'(;|$)", policy) for policy in policies), policies
    assert errors == []
