"""The home page opens on the signed-in person's work queue: each item with its due date, a
link and why it is theirs, overdue first; the first 15, then "Show all"; when nothing waits, it
says what to do next."""

import re

import pytest
from django.test import Client

from pmo.core.tests.work.conftest import Desk, add_work

pytestmark = pytest.mark.django_db


def home(user, query: str = "") -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/{query}")
    assert response.status_code == 200
    return response.content.decode()


def queue_of(html: str) -> str:
    return html[html.index('data-testid="work-queue"') : html.index("</section>", html.index("work-queue"))]


def items_in(html: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", " ", item).split())
        for item in re.findall(r'data-testid="work-item">(.*?)</li>', queue_of(html), re.S)
    ]


def test_a_project_manager_sees_their_work_overdue_first_with_links(desk: Desk):
    html = home(desk.pm)

    queue = queue_of(html)
    assert "Your work" in queue
    assert ">9</span>" in queue and "2 overdue" in queue
    items = items_in(html)
    assert len(items) == 9
    assert items[0].startswith("Overdue Due 31 Oct 2026 Complete ACT-")
    assert items[2].startswith("Due 5 Dec 2026 Write the November 2026 highlight report IT-100")
    assert items[-1].startswith("Due 11 Dec 2026 Revise the November 2026 highlight report IT-102")
    assert f'href="/reporting/projects/IT-100/periods/{desk.period.pk}/report/"' in queue


def test_a_long_queue_shows_the_first_fifteen_then_all_on_asking(desk: Desk):
    add_work(desk, 2)

    first = home(desk.pm)
    everything = home(desk.pm, "?work=all")

    assert len(items_in(first)) == 15
    assert "Show all 27 (12 more)" in queue_of(first)
    assert len(items_in(everything)) == 27
    assert "Show all" not in queue_of(everything)


def test_with_nothing_waiting_the_page_says_what_to_do_next(desk: Desk):
    html = home(desk.executive)

    assert "Nothing is waiting for you." in queue_of(html)
    assert 'href="/projects/">open the register</a>' in queue_of(html)
    assert items_in(html) == []
