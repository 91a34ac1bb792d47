"""The "Users and roles" pages: the PMO head lists, creates and edits logins and reads their
history; everyone else is refused; the set-password link lets the new user choose a password."""

from collections.abc import Callable

import lxml.html
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pmo.core.choices import Role
from pmo.core.models import User
from pmo.core.permissions import NOT_ALLOWED
from pmo.core.services import SUPERUSER_ACCOUNT, user_update
from pmo.core.views import MANAGE_LOGINS, PASSWORD_IS_SET, USER_CREATED, USER_SAVED

pytestmark = pytest.mark.django_db

NEW_USER = {
    "username": "nina",
    "first_name": "Nina",
    "last_name": "Shah",
    "email": "nina@example.org",
    "roles": ["project_manager", "sponsor"],
}


@pytest.fixture
def head_client(client: Client, pmo_head: User) -> Client:
    client.force_login(pmo_head)
    return client


def text_of(response) -> str:
    return " ".join(lxml.html.fromstring(response.content.decode()).text_content().split())


def doc(response):
    return lxml.html.fromstring(response.content.decode())


def usernames(response) -> list[str]:
    rows = doc(response).xpath("//table[@data-testid='users']/tbody/tr/th")
    return [th.text_content().split()[0] for th in rows]


def test_the_pmo_head_sees_everyone_with_their_roles(head_client, make_user):
    make_user(Role.PROJECT_MANAGER, Role.SPONSOR, username="pam", first_name="Pam", email="pam@example.org")
    make_user(username="gone", is_active=False)

    response = head_client.get(reverse("user_list"))

    assert response.status_code == 200
    rows = {
        row.xpath("string(th)").split()[0]: [" ".join(td.text_content().split()) for td in row.xpath("td")]
        for row in doc(response).xpath("//table[@data-testid='users']/tbody/tr")
    }
    assert rows["pam"][:5] == ["Pam", "pam@example.org", "Project manager, Sponsor", "Active", "never"]
    assert rows["gone"][3] == "Deactivated"
    assert rows["head"][2] == "PMO head"
    assert doc(response).xpath("//table[@data-testid='users']/caption")


def test_the_list_filters_by_role_and_searches(head_client, make_user):
    make_user(Role.SPONSOR, username="sid")
    make_user(Role.EXECUTIVE, username="eve", email="eve@council.example")

    by_role = head_client.get(reverse("user_list"), {"role": "sponsor"})
    by_word = head_client.get(reverse("user_list"), {"q": "council"})

    assert usernames(by_role) == ["sid"]
    assert "1 user" in text_of(by_role)
    assert usernames(by_word) == ["eve"]


def test_the_nav_shows_users_and_roles_to_the_pmo_head_only(client, head_client, make_user):
    assert "Users and roles" in text_of(head_client.get("/"))
    client.force_login(make_user(Role.PMO_OFFICER))
    assert "Users and roles" not in text_of(client.get("/"))


@pytest.mark.parametrize("role", [Role.PMO_OFFICER, Role.PMO_ANALYST, Role.PROJECT_MANAGER, Role.EXECUTIVE])
def test_everyone_else_is_refused_every_page(client, make_user, role):
    someone = make_user(role)
    other = make_user(Role.SPONSOR)
    client.force_login(someone)

    pages = [
        ("get", reverse("user_list")),
        ("get", reverse("user_create")),
        ("post", reverse("user_create")),
        ("get", reverse("user_update", args=[other.pk])),
        ("post", reverse("user_update", args=[other.pk])),
        ("get", reverse("user_history", args=[other.pk])),
        ("post", reverse("user_password_link", args=[other.pk])),
    ]
    for method, url in pages:
        response = getattr(client, method)(url, NEW_USER if method == "post" else None)
        assert response.status_code == 403, url
        assert "You cannot do that" in text_of(response)

    refused = client.get(reverse("user_list"))
    reason = doc(refused).xpath("string(//*[@data-testid='reason'])")
    assert reason == NOT_ALLOWED.format(action=MANAGE_LOGINS)
    assert not User.objects.filter(username="nina").exists()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("user_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_pmo_head_creates_a_user_who_sets_a_password_and_signs_in_with_those_roles(head_client):
    created = head_client.post(reverse("user_create"), NEW_USER, follow=True)

    assert created.status_code == 200
    assert USER_CREATED.format(user="Nina Shah") in text_of(created)
    link = doc(created).xpath("string(//*[@data-testid='password-link'])")
    assert link.startswith("http://testserver/accounts/set-password/")
    again = head_client.get(created.request["PATH_INFO"])
    assert link not in again.content.decode(), "the link is shown only once"

    newcomer = Client()
    form_page = newcomer.get(link, follow=True)
    assert "Choose your password" in text_of(form_page)
    done = newcomer.post(
        form_page.request["PATH_INFO"],
        {"new_password1": "Orchard-lamp-77", "new_password2": "Orchard-lamp-77"},
        follow=True,
    )
    assert PASSWORD_IS_SET in text_of(done)

    signed_in = newcomer.post(
        reverse("login"), {"username": "nina", "password": "Orchard-lamp-77"}, follow=True
    )
    assert "Project manager, Sponsor" in text_of(signed_in)
    assert "Users and roles" not in text_of(signed_in)

    used_again = Client().get(link, follow=True)
    assert "This set-password link does not work" in text_of(used_again)


def test_a_new_set_password_link_from_the_edit_page(head_client, make_user):
    other = make_user(Role.SPONSOR)

    page = head_client.post(reverse("user_password_link", args=[other.pk]), follow=True)

    assert "/accounts/set-password/" in doc(page).xpath("string(//*[@data-testid='password-link'])")


def test_form_errors_are_shown_beside_their_fields_and_nothing_is_saved(head_client, make_user):
    make_user(username="sid")

    response = head_client.post(reverse("user_create"), {**NEW_USER, "username": "SID", "email": "nope"})

    assert response.status_code == 400
    summary = doc(response).xpath("string(//*[@data-testid='error-summary'])")
    assert "Nothing was saved" in summary
    assert "Enter a valid email address." in text_of(response)
    assert User.objects.filter(username__iexact="sid").count() == 1

    taken = head_client.post(reverse("user_create"), {**NEW_USER, "username": "SID"})
    assert taken.status_code == 400
    assert "The username “SID” is already taken" in doc(taken).xpath("string(//*[@id='id_username_error'])")


def test_the_pmo_head_changes_roles_and_deactivates_a_user(head_client, make_user):
    other = make_user(Role.PROJECT_MANAGER, username="pam", first_name="Pam")

    response = head_client.post(
        reverse("user_update", args=[other.pk]),
        {"username": "pam", "first_name": "Pam", "roles": ["pmo_officer"]},
        follow=True,
    )

    assert USER_SAVED.format(user="Pam") in text_of(response)
    other.refresh_from_db()
    assert list(other.groups.values_list("name", flat=True)) == ["PMO officer"]
    assert not other.is_active and other.is_staff


def test_editing_oneself_the_roles_and_active_cannot_be_changed(head_client, pmo_head):
    page = head_client.get(reverse("user_update", args=[pmo_head.pk]))
    ticks = doc(page).xpath("//input[@name='roles' or @name='is_active']")
    assert ticks and all(tick.get("disabled") is not None for tick in ticks)
    assert "You cannot change your own roles or deactivate yourself" in text_of(page)

    # A crafted post is ignored for the disabled fields: still PMO head, still active.
    head_client.post(
        reverse("user_update", args=[pmo_head.pk]), {"username": "head", "first_name": "Hana", "roles": []}
    )
    pmo_head.refresh_from_db()
    assert pmo_head.first_name == "Hana"
    assert pmo_head.is_active and list(pmo_head.groups.values_list("name", flat=True)) == ["PMO head"]


def test_the_pmo_head_cannot_open_a_superusers_login(head_client, make_user):
    root = make_user(username="root", is_superuser=True)

    response = head_client.get(reverse("user_update", args=[root.pk]))

    assert response.status_code == 403
    assert doc(response).xpath("string(//*[@data-testid='reason'])") == SUPERUSER_ACCOUNT


def test_superuser_can_only_be_granted_by_a_superuser(head_client, make_user):
    other = make_user(Role.SPONSOR, username="sid")

    form = head_client.get(reverse("user_update", args=[other.pk]))
    assert not doc(form).xpath("//input[@name='is_superuser']")
    head_client.post(reverse("user_update", args=[other.pk]), {"username": "sid", "is_superuser": "on"})
    other.refresh_from_db()
    assert not other.is_superuser

    root = Client()
    root.force_login(make_user(username="root", is_superuser=True))
    root.post(
        reverse("user_update", args=[other.pk]), {"username": "sid", "is_active": "on", "is_superuser": "on"}
    )
    other.refresh_from_db()
    assert other.is_superuser


def test_the_history_page_shows_who_changed_the_roles_from_and_to(head_client, pmo_head, make_user):
    other = make_user(Role.PROJECT_MANAGER, username="pam")
    user_update(actor=pmo_head, user=other, fields={}, roles=[Role.PROJECT_MANAGER, Role.SPONSOR])

    response = head_client.get(reverse("user_history", args=[other.pk]))

    first_row = doc(response).xpath("//table/tbody/tr")[0]
    cells = [" ".join(td.text_content().split()) for td in first_row.xpath("td")]
    assert cells[1:3] == ["head", "Changed"]
    assert " ".join(cells[3].replace("→", "").split()) == (
        "Roles: Project manager changed to Project manager, Sponsor"
    )
    assert "password" not in text_of(response).lower().replace("set-password", "")


def test_a_deactivated_user_cannot_sign_in(head_client, make_user):
    other = make_user(Role.SPONSOR, username="sid")
    head_client.post(reverse("user_update", args=[other.pk]), {"username": "sid", "roles": ["sponsor"]})

    response = Client().post(reverse("login"), {"username": "sid", "password": "pass-Word-123"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in text_of(response)


# The list page's queries, pinned: the session, the user, their roles (the navigation), the count,
# the users and their groups. The same with 3 users as with 20.
USER_LIST_QUERIES = 7


def test_the_list_page_costs_the_same_queries_with_3_users_as_with_20(
    head_client, make_user: Callable[..., User]
):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert head_client.get(reverse("user_list")).status_code == 200
        return len(captured.captured_queries)

    for _ in range(2):
        make_user(Role.SPONSOR, Role.EXECUTIVE)
    few = count()
    for _ in range(17):
        make_user(Role.PMO_OFFICER, Role.PROJECT_MANAGER)
    many = count()

    assert User.objects.count() == 20
    assert (few, many) == (USER_LIST_QUERIES, USER_LIST_QUERIES)


@pytest.mark.parametrize(
    ("url_name", "pinned"),
    [("user_update", 6), ("user_history", 9)],
)
def test_the_edit_and_history_pages_cost_a_fixed_number_of_queries(
    head_client, pmo_head, make_user, url_name, pinned
):
    other = make_user(Role.SPONSOR)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert head_client.get(reverse(url_name, args=[other.pk])).status_code == 200
        return len(captured.captured_queries)

    few = count()
    for n in range(10):
        user_update(actor=pmo_head, user=other, fields={"first_name": f"Name {n}"}, roles=[Role.SPONSOR])
    assert (few, count()) == (pinned, pinned)


def test_the_admins_user_pages_are_for_superusers_only(client, make_user):
    head = make_user(Role.PMO_HEAD, username="boss", is_staff=True)
    client.force_login(head)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/core/user/").status_code == 403
    assert client.get(f"/admin/core/user/{head.pk}/change/").status_code == 403

    client.force_login(make_user(username="root", is_staff=True, is_superuser=True))
    assert client.get("/admin/core/user/").status_code == 200


def test_a_taken_username_shows_with_the_forms_own_problems_in_one_submit(head_client, make_user):
    # Given a username someone has (in other capitals), a bad e-mail and a last name too long
    make_user(username="sid")
    data = {**NEW_USER, "username": "SID", "email": "nope", "last_name": "x" * 151}

    response = head_client.post(reverse("user_create"), data)

    # Then all three show at once, and nothing is saved
    summary = " ".join(doc(response).xpath("string(//*[@data-testid='error-summary'])").split())
    assert "Enter a valid email address." in summary
    assert "The username “SID” is already taken" in summary
    assert "Last name: Ensure this value has at most 150 characters (it has 151)." in summary
    assert User.objects.filter(username__iexact="sid").count() == 1
