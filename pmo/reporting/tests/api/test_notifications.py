"""The signed-in user's own notifications: read them, mark one or all read; never anyone
else's."""

import pytest

from pmo.core.models import Notification
from pmo.core.services import notify

pytestmark = pytest.mark.django_db

NOTIFICATIONS = "/api/v1/notifications/"


@pytest.fixture
def mine(cycle):
    notify(recipients=[cycle.pm], key="a", subject="Report due soon", url="/reporting/reports/")
    notify(recipients=[cycle.pm], key="b", subject="Report returned", body="Costs missing.")
    notify(recipients=[cycle.sponsor], key="c", subject="Exception raised")
    return list(Notification.objects.filter(recipient=cycle.pm).order_by("pk"))


def test_each_user_lists_only_their_own(client_for, cycle, mine):
    rows = client_for(cycle.pm).get(NOTIFICATIONS).json()["results"]

    assert [r["subject"] for r in rows] == ["Report returned", "Report due soon"]
    assert rows[0]["body"] == "Costs missing."
    assert rows[1]["url"] == "/reporting/reports/"
    assert all(r["is_read"] is False and r["read_at"] is None for r in rows)


def test_marking_one_read(client_for, cycle, mine):
    client = client_for(cycle.pm)

    response = client.post(f"{NOTIFICATIONS}{mine[0].pk}/read/")

    assert response.status_code == 200
    assert response.json()["is_read"] is True
    assert [r["subject"] for r in client.get(NOTIFICATIONS + "?read=false").json()["results"]] == [
        "Report returned"
    ]
    assert [r["subject"] for r in client.get(NOTIFICATIONS + "?read=true").json()["results"]] == [
        "Report due soon"
    ]


def test_someone_elses_notification_is_not_found(client_for, cycle, mine):
    client = client_for(cycle.sponsor)

    assert client.get(f"{NOTIFICATIONS}{mine[0].pk}/").status_code == 404
    assert client.post(f"{NOTIFICATIONS}{mine[0].pk}/read/").status_code == 404
    mine[0].refresh_from_db()
    assert mine[0].read_at is None


def test_marking_all_read_touches_only_ones_own(client_for, cycle, mine):
    response = client_for(cycle.pm).post(NOTIFICATIONS + "read-all/")

    assert response.json() == {"marked": 2}
    assert not Notification.objects.filter(recipient=cycle.pm, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=cycle.sponsor, read_at__isnull=True).count() == 1
    assert client_for(cycle.pm).post(NOTIFICATIONS + "read-all/").json() == {"marked": 0}


def test_notifications_are_not_written_over_the_api(client_for, cycle, mine):
    client = client_for(cycle.pm)

    assert client.post(NOTIFICATIONS, {"subject": "Fake"}, format="json").status_code == 405
    assert client.delete(f"{NOTIFICATIONS}{mine[0].pk}/").status_code == 405
    assert client_for(None).get(NOTIFICATIONS).status_code in (401, 403)
