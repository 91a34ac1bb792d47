"""On the demo (a PMO a year into its cycle) the head's first-run checklist is all done, so the
home page does not show it."""

import pytest

from pmo.core.first_run import SETUP_STEPS
from pmo.core.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_every_step_is_done_and_the_home_page_shows_no_checklist(client):
    head = User.objects.get(username="head")
    client.force_login(head)

    page = client.get("/")

    assert {name: step.done(head) for name, step in SETUP_STEPS.items()} == dict.fromkeys(SETUP_STEPS, True)
    assert page.context["first_run"] == []
    assert b'data-testid="first-run"' not in page.content
