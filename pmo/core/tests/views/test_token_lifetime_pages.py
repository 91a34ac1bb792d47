"""The profile page shows each token's expiry, last use and why it ended; the login's page says
that a set-password link ends the current password, and it does."""

import datetime as dt
from zoneinfo import ZoneInfo

import lxml.html
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from pmo.core.choices import Role
from pmo.core.models import ApiToken
from pmo.core.services import PASSWORD_LINK_ISSUED, api_token_create
from pmo.core.views import PASSWORD_LINK_CREATED

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 12, 4, 12, 0, tzinfo=ZoneInfo("Europe/London"))


def cells(html: str, prefix: str) -> dict[str, str]:
    """The profile table's cells of the token starting with ``prefix``, by column."""
    row = lxml.html.fromstring(html).xpath(f"//tr[@data-token='{prefix}']")[0]
    return {
        td.get("data-column"): " ".join(td.text_content().split()) for td in row.xpath("td[@data-column]")
    }


def test_a_token_made_on_the_profile_page_expires_as_chosen(client, make_user):
    ann = make_user(username="ann")
    client.force_login(ann)

    with time_machine.travel(NOON, tick=False):
        client.post(reverse("token_create"), {"name": "Power BI", "expires_in": "30"})
        client.post(reverse("token_create"), {"name": "Nightly", "expires_in": "never"})
        client.post(reverse("token_create"), {"name": "Old form"})  # a form without the choice
        page = client.get(reverse("profile")).content.decode()

    tokens = {token.name: token for token in ApiToken.objects.filter(user=ann)}
    assert tokens["Power BI"].expires_at == NOON + dt.timedelta(days=30)
    assert tokens["Nightly"].expires_at is None
    assert tokens["Old form"].expires_at == NOON + dt.timedelta(days=90)
    assert cells(page, tokens["Power BI"].prefix) == {
        "last-used": "never",
        "expires": "3 Jan 2027 12:00",
        "state": "Active",
    }
    assert cells(page, tokens["Nightly"].prefix)["expires"] == "never"
    assert '<option value="90" selected>In 90 days</option>' in page


def test_an_unknown_expiry_is_refused_on_the_page_and_makes_no_token(client, make_user):
    ann = make_user(username="ann")
    client.force_login(ann)

    page = client.post(reverse("token_create"), {"name": "Power BI", "expires_in": "forever"})

    assert page.status_code == 200
    errors = lxml.html.fromstring(page.content.decode()).xpath("string(//*[@data-testid='token-errors'])")
    assert "Expires: Select a valid choice. forever is not one of the available choices." in " ".join(
        errors.split()
    )
    assert not ApiToken.objects.filter(user=ann).exists()


def test_the_profile_page_says_when_each_token_was_last_used_expired_or_ended(client, make_user, pmo_head):
    ann = make_user(username="ann")
    with time_machine.travel(NOON - dt.timedelta(days=60), tick=False):
        expired, _ = api_token_create(user=ann, name="Trial", expires_at=NOON - dt.timedelta(days=30))
        used, _ = api_token_create(user=ann, name="Power BI")
    with time_machine.travel(NOON - dt.timedelta(days=2), tick=False):
        used.mark_used()

    # when the PMO head issues Ann a set-password link, and Ann later looks at her tokens
    with time_machine.travel(NOON, tick=False):
        pmo_head_client = Client()
        pmo_head_client.force_login(pmo_head)
        pmo_head_client.post(reverse("user_password_link", args=[ann.pk]))
    ann.refresh_from_db()  # her password is now the unusable one the link left
    client.force_login(ann)
    with time_machine.travel(NOON + dt.timedelta(hours=1), tick=False):
        response = client.get(reverse("profile"))
    assert response.status_code == 200, response
    page = response.content.decode()

    assert cells(page, used.prefix) == {
        "last-used": "2 Dec 2026 12:00",
        "expires": "never",
        "state": f"Revoked 4 Dec 2026 {PASSWORD_LINK_ISSUED}",
    }
    assert cells(page, expired.prefix)["state"] == "Expired"
    assert cells(page, expired.prefix)["expires"] == "4 Nov 2026 12:00"
    assert lxml.html.fromstring(page).xpath("//table//button") == []  # nothing left to revoke


def test_the_login_page_says_a_link_ends_the_password_and_issuing_one_does(client, make_user, pmo_head):
    sid = make_user(Role.PROJECT_MANAGER, username="sid", first_name="Sid", last_name="Vaz")
    sids_browser = Client()
    sids_browser.force_login(sid)
    client.force_login(pmo_head)

    # when the PMO head opens Sid's login, then the page says what a new link does
    page = lxml.html.fromstring(client.get(reverse("user_update", args=[sid.pk])).content.decode())
    effect = " ".join(page.xpath("string(//*[@data-testid='password-link-effect'])").split())
    assert effect == (
        "A new link ends Sid Vaz\u2019s current password at once: they are signed out everywhere, their API "
        "tokens stop working, and they cannot sign in again until they choose a new password with the link."
    )
    button = page.xpath("//button[@aria-describedby='password-link-effect']")[0]
    assert button.text_content() == "End their password and make a set-password link"

    # when they issue it, then the message says so, and Sid's password and session end at once
    issued = client.post(reverse("user_password_link", args=[sid.pk]), follow=True).content.decode()
    assert PASSWORD_LINK_CREATED.format(user="Sid Vaz") in issued.replace("&#x27;", "'")
    old_password = Client().post(reverse("login"), {"username": "sid", "password": "pass-Word-123"})
    assert old_password.status_code == 200  # the sign-in form again, not a redirect into the site
    assert "Please enter a correct username and password" in old_password.content.decode()
    assert sids_browser.get(reverse("profile")).status_code == 302
    after = lxml.html.fromstring(client.get(reverse("user_update", args=[sid.pk])).content.decode())
    assert "This user has no password now" in after.xpath("string(//*[@data-testid='password-state'])")
