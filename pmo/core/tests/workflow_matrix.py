"""What a person is offered and what the services let them do, compared role by role: a
lifecycle's test builds a record in each state and calls ``offered_and_accepted`` for it."""

from collections.abc import Callable, Mapping
from typing import Any

import lxml.html
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client

from pmo.core.models import User
from pmo.core.workflow import Workflow


class _Undo(Exception):
    """Raised to roll back an action that succeeded (the next one starts from the same state)."""


def accepted(attempt: Callable[[User, str], Any], user: User, action: str) -> bool:
    """Whether the service takes ``action`` from ``user`` (then undone); a refusal is a
    PermissionDenied or a ValidationError."""
    try:
        with transaction.atomic():
            attempt(user, action)
            raise _Undo
    except _Undo:
        return True
    except (PermissionDenied, ValidationError):
        return False


def page_actions(client: Client, url: str) -> list[str]:
    """The actions a page's buttons take (their ``data-action``), in the page's order."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    page = lxml.html.fromstring(response.content.decode())
    return [action for names in page.xpath("//*[@data-action]/@data-action") for action in names.split()]


def api_actions(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return list(response.json()["actions"])


def offered_and_accepted(
    *,
    workflow: Workflow,
    users: Mapping[str, User],
    record: Callable[[User], Any],
    page: str,
    api: str,
    attempt: Callable[[User, str], Any],
) -> dict[str, dict[str, list[str]]]:
    """For each role: the table's ``allowed`` actions on ``record(user)`` (the record as its
    selector gives it), the buttons of its ``page``, the ``actions`` of its ``api`` record and
    the actions the services ``accepted`` when tried one by one."""
    seen = {}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        seen[name] = {
            "allowed": workflow.allowed_actions(record(user), user),
            "page": sorted(page_actions(client, page), key=workflow.actions.index),
            "api": api_actions(client, api),
            "accepted": [action for action in workflow.actions if accepted(attempt, user, action)],
        }
    return seen


def agreeing(expected: Mapping[str, list[str]]) -> dict[str, dict[str, list[str]]]:
    """What ``offered_and_accepted`` gives when the page, the API and the services all agree
    with the table, and the table gives each role ``expected``."""
    return {
        name: {"allowed": actions, "page": actions, "api": actions, "accepted": actions}
        for name, actions in expected.items()
    }
