"""Signing in and out, and managing API tokens on the profile page."""

import pytest
from django.urls import reverse

from pmo.core.models import ApiToken

pytestmark = pytest.mark.django_db


def test_pages_ask_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_signing_in_with_a_wrong_password_says_so(client, make_user):
    make_user(username="ann")
    response = client.post(reverse("login"), {"username": "ann", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_signing_in_and_out(client, make_user):
    make_user(username="ann", password="pass-Word-123")
    response = client.post(reverse("login"), {"username": "ann", "password": "pass-Word-123"})
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("profile")).status_code == 302


def test_a_new_token_is_shown_once_then_only_its_prefix(client, make_user):
    user = make_user(username="ann")
    client.force_login(user)

    page = client.post(reverse("token_create"), {"name": "Power BI refresh"}, follow=True).content.decode()
    token = ApiToken.objects.get(user=user)
    shown = page.split('data-testid="new-token">')[1].split("<")[0]
    assert ApiToken.digest_of(shown) == token.digest
    assert "Copy it now" in page

    again = client.get(reverse("profile")).content.decode()
    assert shown not in again
    assert token.prefix in again


def test_revoking_a_token_from_the_profile_page(client, make_user):
    user = make_user()
    client.force_login(user)
    client.post(reverse("token_create"), {"name": "Script"})
    token = ApiToken.objects.get(user=user)

    page = client.post(reverse("token_revoke", args=[token.pk]), follow=True).content.decode()

    assert "revoked; it no longer works" in page
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_revokes_someone_elses_token(client, make_user):
    owner, other = make_user(), make_user()
    client.force_login(owner)
    client.post(reverse("token_create"), {"name": "Mine"})
    token = ApiToken.objects.get(user=owner)

    client.force_login(other)
    assert client.post(reverse("token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_repeated_wrong_passwords_lock_the_account_out(client, make_user, settings):
    make_user(username="ann", password="pass-Word-123")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "ann", "password": "guess"})

    response = client.post(reverse("login"), {"username": "ann", "password": "pass-Word-123"})

    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert client.get(reverse("profile")).status_code == 302


def test_wrong_passwords_do_not_lock_out_colleagues_at_the_same_address(client, make_user, settings):
    make_user(username="ann", password="pass-Word-123")
    make_user(username="bob", password="pass-Word-123")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "ann", "password": "guess"})

    response = client.post(reverse("login"), {"username": "bob", "password": "pass-Word-123"})

    assert response.status_code == 302
