"""The notifications page and the unread badge: each person sees only their own notifications,
newest first with the unread ones marked, marks them read one by one or all at once, and the
badge in the navigation counts what is still unread."""

from collections.abc import Callable

import lxml.html
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pmo.core.choices import Role
from pmo.core.models import Notification, User
from pmo.core.views import NOTIFICATION_READ, NOTIFICATIONS_ALL_READ

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _notify(user: User, subject: str, *, url: str = "", read: bool = False) -> Notification:
    return Notification.objects.create(
        recipient=user,
        key=f"test:{subject}",
        subject=subject,
        url=url,
        read_at=timezone.now() if read else None,
    )


def _html(response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.content.decode())


def _rows(response) -> list[tuple[str, bool]]:
    """Each notification shown: its subject and whether it is marked unread."""
    rows = []
    for li in _html(response).xpath("//*[@data-testid='notification']"):
        subject = li.xpath(".//a[1] | .//span[@class='fw-semibold']")[0].text_content().strip()
        rows.append((subject, li.get("data-unread") == "true"))
    return rows


def _badge(response) -> str | None:
    found = _html(response).xpath("//*[@data-testid='notification-badge']")
    return " ".join(found[0].text_content().split()) if found else None


@pytest.fixture
def pm(make_user: Callable[..., User]) -> User:
    return make_user(Role.PROJECT_MANAGER, username="pat")


def test_the_page_lists_only_my_notifications_newest_first_unread_marked(pm, make_user) -> None:
    other = make_user(Role.SPONSOR, username="sam")
    _notify(pm, "Reminder: the October 2026 report is due", url="/projects/ICT-1/", read=True)
    _notify(pm, "Late: the November 2026 report", url="/projects/ICT-1/")
    _notify(other, "Exception raised on ICT-9")

    response = _client(pm).get(reverse("notification_list"))

    assert response.status_code == 200
    assert _rows(response) == [
        ("Late: the November 2026 report", True),
        ("Reminder: the October 2026 report is due", False),
    ]
    links = _html(response).xpath("//*[@data-testid='notification']//a/@href")
    assert links == ["/projects/ICT-1/", "/projects/ICT-1/"]
    assert b"Exception raised on ICT-9" not in response.content
    assert "1 unread of 2" in response.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(reverse("notification_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_marking_one_read_clears_it_and_the_badge_counts_the_rest(pm) -> None:
    first = _notify(pm, "First")
    _notify(pm, "Second")
    client = _client(pm)
    assert _badge(client.get(reverse("notification_list"))) == "2 unread"

    response = client.post(reverse("notification_read", args=[first.pk]), follow=True)

    assert response.redirect_chain == [(reverse("notification_list"), 302)]
    assert NOTIFICATION_READ.format(subject="First") in response.content.decode()
    assert _rows(response) == [("Second", True), ("First", False)]
    assert _badge(response) == "1 unread"
    first.refresh_from_db()
    assert first.read_at is not None


def test_mark_all_read_clears_every_unread_one_and_the_badge(pm) -> None:
    _notify(pm, "First")
    _notify(pm, "Second")
    _notify(pm, "Old", read=True)

    response = _client(pm).post(reverse("notification_read_all"), follow=True)

    assert NOTIFICATIONS_ALL_READ.format(count=2) in response.content.decode()
    assert [unread for _subject, unread in _rows(response)] == [False, False, False]
    assert _badge(response) is None
    assert not _html(response).xpath("//button[normalize-space()='Mark all read']")


def test_nobody_marks_someone_elses_notification_read(pm, make_user) -> None:
    theirs = _notify(make_user(Role.SPONSOR), "Exception raised on ICT-9")

    response = _client(pm).post(reverse("notification_read", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_leaves_other_peoples_notifications_unread(pm, make_user) -> None:
    theirs = _notify(make_user(Role.SPONSOR), "Exception raised on ICT-9")
    _notify(pm, "Mine")

    _client(pm).post(reverse("notification_read_all"))

    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("name", ["notification_read_all", "notification_read"])
def test_marking_read_needs_a_post(pm, name) -> None:
    mine = _notify(pm, "Mine")
    args = [mine.pk] if name == "notification_read" else []

    response = _client(pm).get(reverse(name, args=args))

    assert response.status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None


def test_the_badge_is_on_every_page_and_absent_with_nothing_unread(pm) -> None:
    client = _client(pm)
    assert _badge(client.get(reverse("profile"))) is None
    assert _html(client.get(reverse("profile"))).xpath("//a[@data-testid='notifications-link']")

    for n in range(3):
        _notify(pm, f"Reminder {n}")

    assert _badge(client.get(reverse("profile"))) == "3 unread"


def test_the_sign_in_page_has_no_badge_and_counts_nothing() -> None:
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(reverse("login"))

    assert _badge(response) is None
    assert not any("core_notification" in q["sql"] for q in captured.captured_queries)


# The page's queries, pinned: the session, the user, their roles (the navigation), the unread
# count (the badge), the total and the page of notifications. The same with 3 as with 30.
NOTIFICATION_LIST_QUERIES = 6


def test_the_page_costs_the_same_queries_with_3_notifications_as_with_30(pm) -> None:
    client = _client(pm)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("notification_list")).status_code == 200
        return len(captured.captured_queries)

    for n in range(3):
        _notify(pm, f"Reminder {n}", url="/projects/ICT-1/", read=n == 0)
    few = count()
    for n in range(3, 30):
        _notify(pm, f"Reminder {n}", url="/projects/ICT-1/", read=n % 2 == 0)
    many = count()

    assert (few, many) == (NOTIFICATION_LIST_QUERIES, NOTIFICATION_LIST_QUERIES)


def test_the_badge_costs_one_query(pm) -> None:
    _notify(pm, "Reminder")
    client = _client(pm)

    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("profile"))

    counting = [q["sql"] for q in captured.captured_queries if "core_notification" in q["sql"]]
    assert len(counting) == 1
    assert "COUNT(" in counting[0]
