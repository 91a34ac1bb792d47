"""In Chromium: the PMO head creates a user with roles from "Users and roles"; the new user
chooses a password with the link and signs in; an officer is refused the page."""

import pytest
from playwright.sync_api import expect

from pmo.conftest import assert_accessible
from pmo.core.choices import Role
from pmo.core.permissions import NOT_ALLOWED
from pmo.core.views import MANAGE_LOGINS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_pmo_head_creates_a_user_who_chooses_a_password_and_signs_in(
    live_server, sign_in, make_user, browser
):
    page = sign_in(make_user(Role.PMO_HEAD, username="head", first_name="Hana", last_name="Head"))
    page.get_by_role("button", name="Reference data").click()
    page.get_by_role("link", name="Users and roles").click()
    expect(page.get_by_role("heading", name="Users and roles")).to_be_visible()
    assert_accessible(page, "users-list")

    page.get_by_role("link", name="New user").click()
    assert_accessible(page, "users-new")
    page.get_by_label("Username").fill("nina")
    page.get_by_label("First name").fill("Nina")
    page.get_by_label("Last name").fill("Shah")
    page.get_by_label("E-mail").fill("nina@example.org")
    page.get_by_label("Project manager").check()
    page.get_by_label("Sponsor").check()
    page.get_by_role("button", name="Create user").click()

    expect(page.get_by_role("alert").first).to_contain_text("Login “Nina Shah” created.")
    link = page.get_by_test_id("password-link").inner_text()
    assert_accessible(page, "users-edit-with-link")
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("table")).to_contain_text("Project manager, Sponsor")
    assert_accessible(page, "users-history")

    newcomer = browser.new_page()
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", name="Choose your password")).to_be_visible()
    assert_accessible(newcomer, "password-set")
    newcomer.get_by_label("New password", exact=True).fill("Orchard-lamp-77")
    newcomer.get_by_label("New password again").fill("Orchard-lamp-77")
    newcomer.get_by_role("button", name="Set my password").click()
    expect(newcomer.get_by_role("alert").first).to_contain_text("Your password is set")
    newcomer.get_by_label("Username").fill("nina")
    newcomer.get_by_label("Password").fill("Orchard-lamp-77")
    newcomer.get_by_role("button", name="Sign in").click()
    expect(newcomer.get_by_test_id("user-menu")).to_have_text("Nina Shah")
    newcomer.close()


def test_an_officer_is_refused_users_and_roles(live_server, sign_in, make_user):
    page = sign_in(make_user(Role.PMO_OFFICER, username="olly"))

    page.goto(f"{live_server.url}/settings/users/")

    expect(page.get_by_role("heading", name="You cannot do that")).to_be_visible()
    expect(page.get_by_test_id("reason")).to_have_text(NOT_ALLOWED.format(action=MANAGE_LOGINS))
    assert_accessible(page, "users-refused")
