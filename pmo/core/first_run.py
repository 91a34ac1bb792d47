"""The head of PMO's first-run checklist: what a new PMO sets up before its first reporting
cycle, each step ticked by the data itself (never by a stored click) and linking to its page.

Each app registers its steps from its ``AppConfig.ready()`` (core the logins, the portfolio the
lifecycle and the register's data, reporting the tolerances and the cycle), so the home page
shows them without knowing any app. The checklist is for the PMO head only and disappears once
every step is done."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from pmo.core.models import User
from pmo.core.permissions import is_pmo_head


@dataclass(frozen=True)
class SetupStep:
    """One thing to set up: what it is, how to do it, where, and how the data shows it done."""

    order: int
    title: str
    how: str
    url_name: str
    done: Callable[[Any], bool]  # given the head, whether the data shows it done


SETUP_STEPS: dict[str, SetupStep] = {}
"""The checklist's steps by name, filled by each app's ``ready()``."""


@dataclass(frozen=True)
class ChecklistItem:
    title: str
    how: str
    url: str
    done: bool


def first_run_checklist(user: Any) -> list[ChecklistItem]:
    """The steps in order with whether each is done, for the PMO head; empty for anyone else
    and once every step is done."""
    if not is_pmo_head(user):
        return []
    steps = sorted(SETUP_STEPS.values(), key=lambda s: s.order)
    items = [ChecklistItem(s.title, s.how, reverse(s.url_name), s.done(user)) for s in steps]
    return [] if all(item.done for item in items) else items


def others_have_logins(user: Any) -> bool:
    """Another active login holds a role: the PMO has started giving people access."""
    return User.objects.filter(is_active=True, groups__isnull=False).exclude(pk=user.pk).exists()


SETUP_STEPS["logins"] = SetupStep(
    40,
    "Give logins and roles",
    "Add your PMO team, project managers and sponsors, each with their role. Done once someone "
    "else has a login with a role.",
    "user_list",
    others_have_logins,
)
