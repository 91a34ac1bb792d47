"""``/api/v1/users/``: the PMO head lists, creates and changes logins and reads their history;
everyone else is refused; nobody raises their own rights."""

from collections.abc import Callable

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from pmo.core.api_users import PASSWORD_ONLY_ON_CREATE
from pmo.core.choices import Role
from pmo.core.models import User
from pmo.core.services import OWN_DEACTIVATION, OWN_ROLES, SUPERUSER_ACCOUNT, SUPERUSER_ONLY, USERNAME_TAKEN

pytestmark = pytest.mark.django_db

USERS = "/api/v1/users/"
NEW = {
    "username": "nina",
    "first_name": "Nina",
    "last_name": "Shah",
    "email": "nina@example.org",
    "roles": ["project_manager", "sponsor"],
}


def api_as(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def head_api(pmo_head: User) -> APIClient:
    return api_as(pmo_head)


def test_the_pmo_head_creates_a_login_with_roles_and_a_set_password_link(head_api):
    response = head_api.post(USERS, NEW, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["roles"] == ["project_manager", "sponsor"]
    assert (body["is_active"], body["is_staff"], body["is_superuser"]) == (True, False, False)
    assert body["set_password_url"].startswith("http://testserver/accounts/set-password/")
    assert "password" not in body
    user = User.objects.get(username="nina")
    assert set(user.groups.values_list("name", flat=True)) == {"Project manager", "Sponsor"}


def test_a_login_created_with_a_password_signs_in_with_it(head_api):
    response = head_api.post(USERS, {**NEW, "password": "Orchard-lamp-77"}, format="json")

    assert response.status_code == 201
    assert response.json()["set_password_url"] is None
    token = APIClient().post("/api/v1/auth/token/", {"username": "nina", "password": "Orchard-lamp-77"})
    assert token.status_code == 201
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert me.get("/api/v1/auth/me/").json()["roles"] == ["Project manager", "Sponsor"]


@pytest.mark.parametrize("form", ["json", "multipart"])
def test_a_login_created_without_is_active_may_sign_in_whatever_the_body(head_api, form):
    """Given a new login posted as JSON or as a form (multipart) without ``is_active``, then it
    is active and signs in with its password: a form's missing boolean is not "false"."""
    response = head_api.post(USERS, {**NEW, "password": "Orchard-lamp-77"}, format=form)

    assert response.status_code == 201, response.json()
    assert (response.json()["is_active"], response.json()["is_superuser"]) == (True, False)
    token = APIClient().post("/api/v1/auth/token/", {"username": "nina", "password": "Orchard-lamp-77"})
    assert token.status_code in (200, 201), token.json()


@pytest.mark.parametrize("form", ["json", "multipart"])
def test_a_login_created_inactive_when_asked(head_api, form):
    response = head_api.post(USERS, {**NEW, "is_active": False}, format=form)

    assert response.status_code == 201, response.json()
    assert response.json()["is_active"] is False
    assert User.objects.get(username="nina").is_active is False


@pytest.mark.parametrize("form", ["json", "multipart"])
def test_a_full_change_without_is_active_leaves_it(head_api, make_user, form):
    other = make_user(Role.SPONSOR, username="sid", first_name="Sid")
    body = {"username": "sid", "first_name": "Sidney", "last_name": "", "email": "", "roles": ["sponsor"]}

    response = head_api.put(f"{USERS}{other.pk}/", body, format=form)

    assert response.status_code == 200, response.json()
    assert (response.json()["first_name"], response.json()["is_active"]) == ("Sidney", True)


def test_the_pmo_head_lists_and_filters_logins_by_role(head_api, make_user):
    make_user(Role.SPONSOR, username="sid")
    make_user(Role.EXECUTIVE, username="eve", is_active=False)

    everyone = head_api.get(USERS).json()
    sponsors = head_api.get(USERS, {"role": "sponsor"}).json()
    inactive = head_api.get(USERS, {"is_active": "false"}).json()

    assert [u["username"] for u in everyone["results"]] == ["eve", "head", "sid"]
    assert [u["username"] for u in sponsors["results"]] == ["sid"]
    assert [u["username"] for u in inactive["results"]] == ["eve"]
    assert head_api.get(USERS, {"role": "emperor"}).status_code == 400


@pytest.mark.parametrize("role", [Role.PMO_OFFICER, Role.PMO_ANALYST, Role.PROJECT_MANAGER, Role.EXECUTIVE])
def test_everyone_else_is_refused(make_user, role):
    someone = make_user(role)
    other = make_user(Role.SPONSOR)
    api = api_as(someone)

    calls = [
        api.get(USERS),
        api.get(f"{USERS}{other.pk}/"),
        api.get(f"{USERS}{other.pk}/history/"),
        api.post(USERS, NEW, format="json"),
        api.patch(f"{USERS}{other.pk}/", {"roles": ["pmo_head"]}, format="json"),
        api.patch(f"{USERS}{someone.pk}/", {"roles": ["pmo_head"]}, format="json"),
        api.post(f"{USERS}{other.pk}/password-link/"),
    ]

    assert [r.status_code for r in calls] == [403] * len(calls)
    assert all(set(r.json()) == {"message", "fields"} for r in calls)
    assert not User.objects.filter(username="nina").exists()
    assert list(someone.groups.values_list("name", flat=True)) == [role.label]


def test_signed_out_callers_are_refused(pmo_head):
    assert api_as(None).get(USERS).status_code in (401, 403)


def test_the_pmo_head_changes_roles_and_deactivates(head_api, make_user):
    other = make_user(Role.PROJECT_MANAGER, username="pam")

    response = head_api.patch(
        f"{USERS}{other.pk}/", {"roles": ["pmo_analyst"], "is_active": False}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["roles"] == ["pmo_analyst"]
    assert response.json()["is_staff"] is True
    assert response.json()["is_active"] is False


def test_nobody_changes_their_own_roles_or_deactivates_themselves(head_api, pmo_head):
    roles = head_api.patch(f"{USERS}{pmo_head.pk}/", {"roles": []}, format="json")
    active = head_api.patch(f"{USERS}{pmo_head.pk}/", {"is_active": False}, format="json")
    unchanged = head_api.patch(
        f"{USERS}{pmo_head.pk}/", {"roles": ["pmo_head"], "first_name": "Hana"}, format="json"
    )

    assert (roles.status_code, roles.json()["message"]) == (403, OWN_ROLES)
    assert (active.status_code, active.json()["message"]) == (403, OWN_DEACTIVATION)
    assert unchanged.status_code == 200
    pmo_head.refresh_from_db()
    assert pmo_head.is_active and list(pmo_head.groups.values_list("name", flat=True)) == ["PMO head"]


def test_the_pmo_head_cannot_grant_superuser_or_touch_a_superuser(head_api, make_user):
    other = make_user(Role.SPONSOR)
    root = make_user(username="root", is_superuser=True)

    create = head_api.post(USERS, {**NEW, "is_superuser": True}, format="json")
    grant = head_api.patch(f"{USERS}{other.pk}/", {"is_superuser": True}, format="json")
    touch = head_api.patch(f"{USERS}{root.pk}/", {"first_name": "Mallory"}, format="json")

    assert (create.status_code, create.json()["message"]) == (403, SUPERUSER_ONLY)
    assert (grant.status_code, grant.json()["message"]) == (403, SUPERUSER_ONLY)
    assert (touch.status_code, touch.json()["message"]) == (403, SUPERUSER_ACCOUNT)
    assert list(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == ["root"]


def test_bad_input_says_which_field(head_api, make_user):
    make_user(username="sid")

    taken = head_api.post(USERS, {**NEW, "username": "Sid"}, format="json")
    bad_email = head_api.post(USERS, {**NEW, "email": "nope"}, format="json")
    bad_role = head_api.post(USERS, {**NEW, "roles": ["emperor"]}, format="json")
    sid = User.objects.get(username="sid")
    password_later = head_api.patch(f"{USERS}{sid.pk}/", {"password": "x"}, format="json")

    assert taken.status_code == 400
    assert taken.json()["fields"]["username"] == [USERNAME_TAKEN.format(username="Sid")]
    assert bad_email.status_code == 400 and "email" in bad_email.json()["fields"]
    assert bad_role.status_code == 400 and "roles" in bad_role.json()["fields"]
    assert password_later.json()["fields"]["password"] == [PASSWORD_ONLY_ON_CREATE]


def test_users_are_never_deleted_through_the_api(head_api, make_user):
    other = make_user()

    assert head_api.delete(f"{USERS}{other.pk}/").status_code == 405
    assert User.objects.filter(pk=other.pk).exists()


def test_the_history_shows_who_changed_the_roles_from_and_to(head_api, make_user):
    other = make_user(Role.PROJECT_MANAGER, username="pam")
    head_api.patch(f"{USERS}{other.pk}/", {"roles": ["project_manager", "sponsor"]}, format="json")

    history = head_api.get(f"{USERS}{other.pk}/history/").json()

    assert history[0]["who"] == "head"
    assert history[0]["kind"] == "changed"
    assert {"field": "groups", "before": "Project manager", "after": "Project manager, Sponsor"} in (
        history[0]["changes"]
    )
    assert all(change["field"] != "password" for entry in history for change in entry["changes"])


def test_a_new_set_password_link(head_api, make_user):
    other = make_user(Role.SPONSOR)

    response = head_api.post(f"{USERS}{other.pk}/password-link/")

    assert response.status_code == 200
    assert response.json()["set_password_url"].startswith("http://testserver/accounts/set-password/")


# Pinned: the session, the user, their roles (the permission check), the count, the users and
# their groups. The same with 3 logins as with 20.
USER_LIST_QUERIES = 6


def test_the_list_costs_the_same_queries_with_3_logins_as_with_20(head_api, make_user: Callable[..., User]):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert head_api.get(USERS).status_code == 200
        return len(captured.captured_queries)

    for _ in range(2):
        make_user(Role.SPONSOR, Role.EXECUTIVE)
    few = count()
    for _ in range(17):
        make_user(Role.PMO_OFFICER, Role.PROJECT_MANAGER)
    many = count()

    assert User.objects.count() == 20
    assert (few, many) == (USER_LIST_QUERIES, USER_LIST_QUERIES)


@pytest.mark.parametrize(("suffix", "pinned"), [("", 5), ("history/", 8)])
def test_a_login_and_its_history_cost_a_fixed_number_of_queries(head_api, make_user, suffix, pinned):
    other = make_user(Role.SPONSOR)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert head_api.get(f"{USERS}{other.pk}/{suffix}").status_code == 200
        return len(captured.captured_queries)

    few = count()
    for n in range(10):
        head_api.patch(f"{USERS}{other.pk}/", {"first_name": f"Name {n}"}, format="json")
    assert (few, count()) == (pinned, pinned)


def _password_rules_say(password: str, username: str) -> list[str]:
    """What Django's configured password validators say of ``password`` for a new login."""
    with pytest.raises(ValidationError) as refused:
        validate_password(password, User(username=username))
    return refused.value.messages


@pytest.mark.parametrize("form", ["json", "multipart"])
@pytest.mark.parametrize("password", ["", " ", "nina"])
def test_a_blank_or_weak_password_is_refused_by_the_password_rules(head_api, form, password):
    response = head_api.post(USERS, {**NEW, "roles": ["sponsor"], "password": password}, format=form)

    assert response.status_code == 400
    assert response.json()["fields"] == {"password": _password_rules_say(password, NEW["username"])}
    assert not User.objects.filter(username="nina").exists()
