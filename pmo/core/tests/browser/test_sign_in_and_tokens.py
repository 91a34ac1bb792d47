"""In Chromium: a person signs in, makes an API token on their profile and uses it."""

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from pmo.conftest import assert_accessible
from pmo.core.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_wrong_password_then_sign_in(live_server, page, make_user):
    make_user(Role.EXECUTIVE, username="exec", first_name="Erin", last_name="Shaw")
    page.goto(f"{live_server.url}/")

    assert "/accounts/login/" in page.url
    assert_accessible(page, "login")
    page.get_by_label("Username").fill("exec")
    page.get_by_label("Password").fill("not-it")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("Please enter a correct username and password")

    page.get_by_label("Password").fill("pass-Word-123")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_test_id("user-menu").inner_text() == "Erin Shaw"


def test_make_a_token_use_it_then_revoke_it(live_server, sign_in, make_user):
    page = sign_in(make_user(Role.PMO_ANALYST, username="ann"))
    page.goto(f"{live_server.url}/accounts/profile/")
    assert_accessible(page, "profile")

    page.get_by_label("Token name").fill("Power BI refresh")
    page.get_by_label("Expires").select_option(label="In 30 days")
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_test_id("new-token").inner_text()
    row = page.locator(f"tr[data-token='{secret[:10]}']")
    expect(row.locator("[data-column=expires]")).to_have_text(
        re.compile(r"^\d{1,2} \w{3} \d{4} \d{2}:\d{2}$")
    )
    expect(row.locator("[data-column=last-used]")).to_have_text("never")

    def whoami(token: str) -> int:
        request = urllib.request.Request(  # noqa: S310 (the local test server)
            f"{live_server.url}/api/v1/projects/", headers={"Authorization": f"Token {token}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (local test server)
                json.load(response)
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    assert whoami(secret) == 200
    page.reload()
    expect(row.locator("[data-column=last-used]")).not_to_have_text("never")
    expect(row.locator("[data-column=state]")).to_have_text("Active")
    page.get_by_role("button", name="Revoke Power BI refresh").click()
    assert "revoked; it no longer works" in page.get_by_role("alert").first.inner_text()
    assert whoami(secret) == 401
