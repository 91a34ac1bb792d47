"""The daily e-mail digest of each person's work queue: plain text and HTML, only to people
with work waiting, what they may see only; sent by the worker's daily task or `pmo digest`."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings

from pmo.core.tasks import work_digest
from pmo.core.tests.work.conftest import Desk
from pmo.core.work import work_digest_send
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.raid.tests.factories import ActionFactory

pytestmark = pytest.mark.django_db
SITE = "https://pmo.example"


def digest_to(address: str) -> mail.EmailMultiAlternatives:
    return next(message for message in mail.outbox if message.to == [address])


@override_settings(PMO_SITE_URL=SITE)
def test_each_person_with_work_gets_their_queue_and_nobody_else_is_mailed(desk: Desk):
    sent = work_digest_send()

    assert sent == 4
    assert sorted(message.to[0] for message in mail.outbox) == [
        "head@council.example", "officer@council.example", "pm@council.example", "sponsor@council.example",
    ]  # the executive has nothing waiting: no e-mail
    sponsor = digest_to("sponsor@council.example")
    assert sponsor.subject == "Your work for 4 Dec 2026: 2 items, 2 overdue"
    assert sponsor.body.splitlines()[:3] == [
        "Hello Helen,",
        "",
        "Here is what is yours to do, as of 4 Dec 2026 (2 overdue):",
    ]
    assert "OVERDUE due 13 Nov 2026: Decide CR-" in sponsor.body
    assert "Impact: +14 days, +£12,000 cost. Approval needed from sponsor." in sponsor.body
    assert "Decide the exception (time)" in sponsor.body
    assert f"{SITE}/reporting/exceptions/" in sponsor.body


@override_settings(PMO_SITE_URL=SITE)
def test_the_html_part_lists_the_same_items_with_links(desk: Desk):
    work_digest_send()

    html, kind = digest_to("pm@council.example").alternatives[0]
    assert kind == "text/html"
    assert html.count("<tr ") == 9
    assert "Overdue" in html
    assert ">5 Dec 2026<" in html  # dates as the pages show them
    assert "05 Dec" not in html
    assert f'<a href="{SITE}/reporting/projects/IT-100/periods/' in html
    assert "Reconcile the forecast cost with the ledger." in html


def test_a_confidential_projects_work_stays_out_of_the_digest(desk: Desk):
    secret = ProjectFactory(code="SEC-1", name="Covert move", confidential=True, status=ProjectStatus.ACTIVE,
                            project_manager=PersonFactory())
    ActionFactory(project=secret, owner=desk.pm_person, title="Sign the lease")

    work_digest_send(users=[desk.pm])

    (message,) = mail.outbox
    assert "SEC-1" not in message.body
    assert "Sign the lease" not in message.body
    assert "Covert move" not in message.alternatives[0][0]


def test_the_worker_task_sends_the_digest(desk: Desk):
    assert work_digest.enqueue().return_value == 4
    assert len(mail.outbox) == 4


def test_pmo_digest_sends_it_now_to_everyone_or_to_the_logins_named(desk: Desk, capsys):
    call_command("digest", "pm", "exec")
    assert capsys.readouterr().out == "Work digest e-mailed to 1 person with work waiting.\n"
    assert [message.to for message in mail.outbox] == [["pm@council.example"]]

    call_command("digest")
    assert "e-mailed to 4 people" in capsys.readouterr().out


def test_pmo_digest_names_a_login_it_cannot_mail(desk: Desk):
    desk.officer.email = ""
    desk.officer.save()

    with pytest.raises(CommandError) as refused:
        call_command("digest", "officer", "nobody", "pm")

    assert str(refused.value) == "No active login with an e-mail address is called nobody, officer."
    assert mail.outbox == []


def test_a_failed_send_is_logged_and_the_others_still_go(desk: Desk, monkeypatch, caplog):
    real_send = mail.EmailMultiAlternatives.send

    def send(message, *args, **kwargs):
        if message.to == ["officer@council.example"]:
            raise OSError("mail server down")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", send)

    assert work_digest_send() == 3
    assert "Could not e-mail the work digest to officer@council.example" in caplog.text
