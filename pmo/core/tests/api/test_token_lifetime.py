"""A token's expiry over the API: chosen when it is made, refused after it with a 401 in JSON
saying when it expired; a password reset ends the token (401)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from pmo.core.authentication import EXPIRED_TOKEN, INVALID_TOKEN
from pmo.core.choices import Role
from pmo.core.models import ApiToken
from pmo.core.services import TOKEN_EXPIRY_PASSED, user_password_link_create

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/auth/me/"
NOON = dt.datetime(2026, 12, 4, 12, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def ann(make_user):
    return make_user(Role.EXECUTIVE, username="ann")


def new_token(**fields) -> dict:
    body = {"username": "ann", "password": "pass-Word-123", "name": "Power BI", **fields}
    return APIClient().post(TOKEN_URL, body, format="json")


def as_token(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_a_token_made_with_an_expiry_works_until_then_and_is_refused_after_saying_when(ann):
    # given Ann makes a token that expires at the end of the year
    with time_machine.travel(NOON, tick=False):
        created = new_token(expires_at="2026-12-31T17:00:00Z")
    assert created.status_code == 201
    assert created.json()["expires_at"] == "2026-12-31T17:00:00Z"
    secret = created.json()["token"]

    # when she uses it the day before, then it works and its last use is kept
    with time_machine.travel(dt.datetime(2026, 12, 30, 9, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        assert as_token(secret).get(ME_URL).status_code == 200
    assert ApiToken.objects.get(user=ann).last_used_at == dt.datetime(
        2026, 12, 30, 9, 0, tzinfo=ZoneInfo("UTC")
    )

    # when she uses it after it expired, then a 401 in JSON says when it expired
    with time_machine.travel(dt.datetime(2027, 1, 2, 9, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        refused = as_token(secret).get(ME_URL)
    assert refused.status_code == 401
    assert refused.json() == {"message": EXPIRED_TOKEN.format(when="31 Dec 2026 17:00"), "fields": {}}
    assert refused["WWW-Authenticate"] == "Token"


def test_a_token_made_without_an_expiry_says_so(ann):
    created = new_token()

    assert created.status_code == 201
    assert created.json()["expires_at"] is None


def test_an_expiry_in_the_past_or_not_a_time_is_refused_by_field(ann):
    with time_machine.travel(NOON, tick=False):
        past = new_token(expires_at="2026-12-01T09:00:00Z")
        nonsense = new_token(expires_at="next week")

    assert past.status_code == 400
    assert past.json()["fields"] == {"expires_at": [TOKEN_EXPIRY_PASSED.format(when="01 Dec 2026 09:00")]}
    assert nonsense.status_code == 400
    assert list(nonsense.json()["fields"]) == ["expires_at"]
    assert not ApiToken.objects.filter(user=ann).exists()


def test_a_set_password_link_ends_the_token(ann, pmo_head):
    secret = new_token().json()["token"]
    assert as_token(secret).get(ME_URL).status_code == 200

    user_password_link_create(actor=pmo_head, user=ann)
    refused = as_token(secret).get(ME_URL)

    assert refused.status_code == 401
    assert refused.json() == {"message": INVALID_TOKEN, "fields": {}}
