"""How long a personal API token works: until its expiry if it has one, and never past a password
change — issuing a set-password link, choosing a password with one, a superuser setting the
password in the admin or with ``pmo changepassword``, or any other save of a new password ends
every token the login holds."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.management.commands import changepassword
from django.core.exceptions import ValidationError
from django.core.management import call_command

from pmo.core.choices import Role
from pmo.core.models import ApiToken
from pmo.core.services import (
    PASSWORD_CHANGED,
    PASSWORD_LINK_ISSUED,
    PASSWORD_SET,
    TOKEN_EXPIRY_PASSED,
    TOKENS_ENDED_BY_ADMIN,
    api_token_create,
    api_token_revoke,
    user_password_link_create,
    user_password_set,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOON = dt.datetime(2026, 12, 4, 12, 0, tzinfo=LONDON)


def works(token: ApiToken) -> bool:
    return ApiToken.objects.active().filter(pk=token.pk).exists()


def test_a_token_with_an_expiry_works_until_then_and_not_after(make_user):
    ann = make_user(username="ann")
    with time_machine.travel(NOON, tick=False):
        token, _ = api_token_create(user=ann, name="Power BI", expires_at=NOON + dt.timedelta(days=30))
        forever, _ = api_token_create(user=ann, name="Nightly export")

    with time_machine.travel(NOON + dt.timedelta(days=30, seconds=-1), tick=False):
        assert works(token) and not token.is_expired
    with time_machine.travel(NOON + dt.timedelta(days=30), tick=False):
        assert not works(token) and token.is_expired and not token.is_active
        assert works(forever)
    with time_machine.travel(NOON + dt.timedelta(days=3650), tick=False):
        assert works(forever)


def test_an_expiry_that_has_passed_is_refused_saying_when(make_user):
    ann = make_user(username="ann")

    with time_machine.travel(NOON, tick=False), pytest.raises(ValidationError) as refused:
        api_token_create(user=ann, name="Power BI", expires_at=NOON - dt.timedelta(minutes=5))

    assert refused.value.message_dict == {
        "expires_at": [TOKEN_EXPIRY_PASSED.format(when="04 Dec 2026 11:55")]
    }
    assert not ApiToken.objects.filter(user=ann).exists()


def test_a_set_password_link_ends_every_token_of_that_login_only(make_user):
    # given Sid with two working tokens and one he revoked last week, and Ann with one
    head = make_user(Role.PMO_HEAD, username="hanna")
    sid = make_user(Role.PROJECT_MANAGER, username="sid")
    ann = make_user(username="ann")
    with time_machine.travel(NOON - dt.timedelta(days=7), tick=False):
        old, _ = api_token_create(user=sid, name="Old script")
        api_token_revoke(user=sid, token=old)
    power_bi, _ = api_token_create(user=sid, name="Power BI")
    expiring, _ = api_token_create(user=sid, name="Export", expires_at=NOON + dt.timedelta(days=90))
    anns, _ = api_token_create(user=ann, name="Ann's")

    # when the PMO head issues Sid a set-password link
    with time_machine.travel(NOON, tick=False):
        user_password_link_create(actor=head, user=sid)

    # then Sid's working tokens end now, saying why; the one he revoked keeps its own date
    for token in (power_bi, expiring):
        token.refresh_from_db()
        assert not works(token)
        assert (token.revoked_at, token.revoked_reason) == (NOON, PASSWORD_LINK_ISSUED)
    old.refresh_from_db()
    assert (old.revoked_at, old.revoked_reason) == (NOON - dt.timedelta(days=7), "")
    # and his password stopped working at the same moment; Ann's token still works
    sid.refresh_from_db()
    assert not sid.has_usable_password()
    assert works(anns)


def test_choosing_a_password_with_the_link_ends_tokens_made_before(make_user):
    sid = make_user(username="sid")
    token, _ = api_token_create(user=sid, name="Power BI")

    with time_machine.travel(NOON, tick=False):
        user_password_set(user=sid, password="Orchard-lamp-77")

    token.refresh_from_db()
    assert (token.revoked_at, token.revoked_reason) == (NOON, PASSWORD_SET)
    sid.refresh_from_db()
    assert sid.check_password("Orchard-lamp-77")
    entry = sid.history.first()
    assert (entry.history_user, entry.history_change_reason) == (sid, PASSWORD_SET)


def set_in_the_admin(client, make_user, password):
    """A superuser sets Sid's password in the admin; Sid has a token. Returns Sid, the token and
    the admin's answer."""
    root = make_user(username="root", is_staff=True, is_superuser=True)
    sid = make_user(username="sid")
    token, _ = api_token_create(user=sid, name="Power BI")
    client.force_login(root)
    response = client.post(
        f"/admin/core/user/{sid.pk}/password/",
        {"password1": password, "password2": password, "usable_password": "true"},
    )
    return sid, token, response


def test_a_superuser_setting_a_password_in_the_admin_ends_the_tokens(client, make_user):
    sid, token, response = set_in_the_admin(client, make_user, "Orchard-lamp-77")

    assert response.status_code == 302
    token.refresh_from_db()
    assert not works(token)
    assert token.revoked_reason == TOKENS_ENDED_BY_ADMIN
    sid.refresh_from_db()
    assert sid.check_password("Orchard-lamp-77")


def test_a_refused_admin_password_ends_nothing(client, make_user):
    _sid, token, response = set_in_the_admin(client, make_user, "short-7")

    assert response.status_code == 200  # the form again, with the password rules' message
    assert "at least 12 characters" in response.content.decode()
    assert works(token)


def test_pmo_changepassword_ends_the_tokens(make_user, monkeypatch):
    """Given sid's token, when an administrator sets sid's password with ``pmo changepassword``
    (Django's command), then the token no longer works, saying why."""
    sid = make_user(username="sid")
    token, _ = api_token_create(user=sid, name="Power BI")
    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": "Orchard-lamp-77")

    with time_machine.travel(NOON, tick=False):
        call_command("changepassword", "sid", stdout=io.StringIO())

    token.refresh_from_db()
    assert (token.revoked_at, token.revoked_reason) == (NOON, PASSWORD_CHANGED)
    sid.refresh_from_db()
    assert sid.check_password("Orchard-lamp-77")


def test_any_saved_password_change_ends_the_tokens_and_only_that_login_s(make_user):
    sid, ann = make_user(username="sid"), make_user(username="ann")
    sids, _ = api_token_create(user=sid, name="Power BI")
    anns, _ = api_token_create(user=ann, name="Power BI")

    sid.set_password("Orchard-lamp-77")
    assert works(sids)  # not saved yet: nothing has changed
    sid.save()

    assert (works(sids), works(anns)) == (False, True)


def test_a_password_form_says_that_a_new_password_ends_the_tokens(client, make_user):
    root = make_user(username="root", is_staff=True, is_superuser=True)
    sid = make_user(username="sid")
    client.force_login(root)

    page = client.get(f"/admin/core/user/{sid.pk}/password/")

    assert "Setting a new password ends every API token made with the login." in page.content.decode()


def test_turning_password_sign_in_off_in_the_admin_ends_the_tokens(client, make_user):
    root = make_user(username="root", is_staff=True, is_superuser=True)
    sid = make_user(username="sid")
    token, _ = api_token_create(user=sid, name="Power BI")
    client.force_login(root)

    response = client.post(
        f"/admin/core/user/{sid.pk}/password/", {"usable_password": "false", "unset-password": "1"}
    )

    assert response.status_code == 302
    sid.refresh_from_db()
    assert not sid.has_usable_password()
    token.refresh_from_db()
    assert token.revoked_reason == TOKENS_ENDED_BY_ADMIN
