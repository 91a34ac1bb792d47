"""Personal API tokens over the API: create with a password, use, revoke; bad passwords and
lockout answered in JSON."""

import pytest
from rest_framework.test import APIClient

from pmo.core.api import BAD_CREDENTIALS, LOCKED_OUT, REVOKE_NEEDS_TOKEN
from pmo.core.authentication import INVALID_TOKEN
from pmo.core.choices import Role
from pmo.core.models import ApiToken

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/auth/me/"


@pytest.fixture
def ann(make_user):
    return make_user(
        Role.EXECUTIVE, username="ann", password="pass-Word-123", first_name="Ann", last_name="Lee"
    )


def test_a_token_is_created_used_and_revoked(ann):
    client = APIClient()

    # when Ann signs in for a token
    created = client.post(TOKEN_URL, {"username": "ann", "password": "pass-Word-123", "name": "Power BI"})

    # then she gets the secret once, and it works as her
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "Power BI"
    assert body["token"].startswith(body["prefix"])
    token = ApiToken.objects.get(user=ann)
    assert token.digest == ApiToken.digest_of(body["token"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    me = client.get(ME_URL)
    assert me.status_code == 200
    assert me.json()["username"] == "ann"
    token.refresh_from_db()
    assert token.last_used_at is not None

    # when she revokes it with itself
    revoked = client.delete(TOKEN_URL)

    # then it stops working at once
    assert revoked.status_code == 204
    refused = client.get(ME_URL)
    assert refused.status_code == 401
    assert refused.json() == {"message": INVALID_TOKEN, "fields": {}}
    assert refused["WWW-Authenticate"] == "Token"


def test_a_bearer_header_works_too(ann):
    client = APIClient()
    secret = client.post(TOKEN_URL, {"username": "ann", "password": "pass-Word-123"}, format="json").json()[
        "token"
    ]

    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert client.get(ME_URL).status_code == 200


def test_a_token_without_a_name_is_called_api_token(ann):
    response = APIClient().post(TOKEN_URL, {"username": "ann", "password": "pass-Word-123"}, format="json")

    assert response.json()["name"] == "API token"


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "ann", "password": "wrong"},
        {"username": "nobody", "password": "pass-Word-123"},
    ],
)
def test_wrong_credentials_get_a_clear_message_and_no_token(ann, credentials):
    response = APIClient().post(TOKEN_URL, credentials, format="json")

    assert response.status_code == 400
    assert response.json() == {"message": BAD_CREDENTIALS, "fields": {"non_field_errors": [BAD_CREDENTIALS]}}
    assert not ApiToken.objects.exists()


def test_an_inactive_account_gets_no_token(make_user):
    make_user(username="gone", password="pass-Word-123", is_active=False)

    response = APIClient().post(TOKEN_URL, {"username": "gone", "password": "pass-Word-123"}, format="json")

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_missing_credentials_are_named(db):
    response = APIClient().post(TOKEN_URL, {}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "username": ["This field is required."],
        "password": ["This field is required."],
    }


def test_repeated_wrong_passwords_lock_the_account_out_of_tokens_too(ann, settings):
    client = APIClient()
    guesses = [
        client.post(TOKEN_URL, {"username": "ann", "password": "guess"}, format="json")
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    response = client.post(TOKEN_URL, {"username": "ann", "password": "pass-Word-123"}, format="json")

    # the guess that reaches the limit is told of the lockout, and so is the right password after it
    assert [r.status_code for r in guesses] == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert guesses[-1].json() == {"message": LOCKED_OUT, "fields": {}}
    assert response.status_code == 429
    assert response.json() == {"message": LOCKED_OUT, "fields": {}}
    assert not ApiToken.objects.exists()


def test_revoking_needs_the_token_itself(ann):
    client = APIClient()
    client.force_authenticate(ann)

    response = client.delete(TOKEN_URL)

    assert response.status_code == 400
    assert response.json()["message"] == REVOKE_NEEDS_TOKEN


def test_revoking_without_signing_in_is_refused(db):
    response = APIClient().delete(TOKEN_URL)

    assert response.status_code == 401


def test_a_malformed_token_header_is_refused(ann):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token two parts")

    assert client.get(ME_URL).json() == {"message": INVALID_TOKEN, "fields": {}}


def test_the_token_address_only_takes_post_and_delete(db):
    response = APIClient().get(TOKEN_URL)

    assert response.status_code == 405
    assert response.json() == {"message": 'Method "GET" not allowed.', "fields": {}}
