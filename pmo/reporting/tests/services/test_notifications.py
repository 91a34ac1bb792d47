"""notify(): once per key per person, in the app and by e-mail after the change commits."""

import contextlib

import pytest
from django.core import mail
from django.db import transaction

from pmo.core.choices import Role
from pmo.core.models import Notification
from pmo.core.services import notifications_email, notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann(make_user):
    return make_user(Role.PROJECT_MANAGER, username="ann", email="ann@council.example")


def test_a_key_reaches_each_person_once(ann, make_user, django_capture_on_commit_callbacks):
    bob = make_user(Role.SPONSOR, username="bob", email="bob@council.example")

    with django_capture_on_commit_callbacks(execute=True):
        first = notify(recipients=[ann, bob, ann, None], key="k:1", subject="Report due", url="/x/")
        second = notify(recipients=[ann, bob], key="k:1", subject="Report due")

    assert (first, second) == (2, 0)
    assert Notification.objects.filter(key="k:1").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@council.example", "bob@council.example"]
    assert mail.outbox[0].body.endswith("/x/")


def test_inactive_people_are_not_told(ann, make_user, django_capture_on_commit_callbacks):
    gone = make_user(Role.SPONSOR, username="gone", email="gone@council.example", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        count = notify(recipients=[gone], key="k:2", subject="Hello")

    assert count == 0
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_nothing_is_mailed_about_a_change_that_was_rolled_back(ann, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        contextlib.suppress(RuntimeError),
        transaction.atomic(),
    ):
        notify(recipients=[ann], key="k:3", subject="Exception raised")
        raise RuntimeError("the write failed after the notification")

    assert not Notification.objects.filter(key="k:3").exists()
    assert mail.outbox == []


def test_the_email_waits_for_the_commit(ann, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[ann], key="k:4", subject="Decision needed")
        assert mail.outbox == []

    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.subject for m in mail.outbox] == ["Decision needed"]
    assert Notification.objects.get(key="k:4").emailed


def test_a_notification_already_sent_elsewhere_is_not_sent_again(ann):
    note = Notification.objects.create(recipient=ann, key="k:5", subject="Late")
    Notification.objects.filter(pk=note.pk).update(emailed=True)  # another run got there first

    assert notifications_email([note]) == 0
    assert mail.outbox == []


def test_a_failed_email_is_left_for_the_retry(ann, monkeypatch, caplog):
    def down(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("pmo.core.services.send_mail", down)
    note = Notification.objects.create(recipient=ann, key="k:6", subject="Late")

    assert notifications_email([note]) == 0

    note.refresh_from_db()
    assert not note.emailed
    assert f"Could not e-mail notification {note.pk} to ann@council.example" in caplog.text
