"""Work queues: what is each person's to do now, gathered from every app (ADR 0030).

Core names no app. Each domain app declares its provider, a function ``(user, today) -> items``
reading its own selectors (so visibility is its restrictions', ADR 0024), in its ``work``
module, which ``work_queue`` imports (as the demo's steps are found)::

    from pmo.core.work import WorkItem, work_provider

    @work_provider
    def reporting_work(user, today):
        ...

``work_queue(user)`` asks every provider and sorts what they give: overdue first, then by due
date. Beyond ``PMO_WORK_ONE_BY_ONE`` items of a kind, a provider gives one item standing for
them all (``one_by_one``), linking to the page that lists them. The home page,
``GET /api/v1/my-work/`` and the daily e-mail digest all show that one list. A provider runs
a fixed number of queries whatever the data, and gives only what is still to do: an item done
since (a report submitted, a change decided) is simply no longer found."""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.module_loading import module_has_submodule

from pmo.core import clock, formatting
from pmo.core.memory import collector_paused
from pmo.core.models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkItem:
    """One thing a person should do: what, by when, where to do it and why it is theirs."""

    key: str  # unique in a queue and stable from day to day: "report-due:12:345"
    kind: str  # what sort of work: "report-due", "change-decide"…
    title: str  # what to do, in a few words: "Write the October 2026 highlight report"
    due: date
    url: str  # the page to do it on, within the site
    reason: str = ""  # why it is yours, or what it is about: "returned with comments"
    project: str = ""  # the project's code, where the work is a project's
    project_name: str = ""

    def is_overdue(self, today: date) -> bool:
        return self.due < today


WorkProvider = Callable[[Any, date], Iterable[WorkItem]]
_PROVIDERS: dict[str, WorkProvider] = {}


def work_provider(provider: WorkProvider) -> WorkProvider:
    """Register ``provider`` as a source of everyone's work queue."""
    _PROVIDERS[f"{provider.__module__}.{provider.__qualname__}"] = provider
    return provider


def work_providers() -> list[WorkProvider]:
    """The registered providers (every pmo app's ``work`` module imported first)."""
    for app_config in apps.get_app_configs():
        if app_config.name.startswith("pmo.") and module_has_submodule(app_config.module, "work"):
            import_module(f"{app_config.name}.work")
    return list(_PROVIDERS.values())


def day(value: date) -> str:
    """A date as the pages show it: 7 Oct 2026."""
    return formatting.date(value)


def response_due(since: date) -> date:
    """When something waiting for someone (a change to assess, a decision, a report to check)
    is due: ``PMO_WORK_RESPONSE_DAYS`` after it started waiting."""
    return since + timedelta(days=settings.PMO_WORK_RESPONSE_DAYS)


def one_by_one(count: int) -> bool:
    """Whether a queue lists ``count`` items of one kind one by one, or gives one item standing
    for them all (beyond ``PMO_WORK_ONE_BY_ONE``: thousands of reports to check or projects to
    look at are a list to work through, not a queue to read; the item links to that list)."""
    return count <= settings.PMO_WORK_ONE_BY_ONE


def work_queue(user: Any, *, today: date | None = None) -> list[WorkItem]:
    """What ``user`` has to do now, from every app: overdue first, then by due date (then
    project and title); an item two apps both give is listed once. Nothing for a visitor not
    signed in or a deactivated login."""
    if not (getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)):
        return []
    today = today or clock.today()
    found: dict[str, WorkItem] = {}
    with collector_paused():  # thousands of items for the PMO at 5,000 projects
        for provider in work_providers():
            for item in provider(user, today):
                found.setdefault(item.key, item)
    return sorted(found.values(), key=lambda item: (item.due, item.project, item.title, item.key))


SHOWN_ON_THE_HOME_PAGE = 15  # the first items the home page lists, before "Show all"


def work_page(user: Any, *, show_all: bool = False) -> dict[str, Any]:
    """What a page listing ``user``'s work queue shows: each item with whether it is overdue
    (``work``: the first ``SHOWN_ON_THE_HOME_PAGE``, or all), how many there are and are
    overdue, and how many more there are than shown."""
    today = clock.today()
    items = work_queue(user, today=today)
    shown = items if show_all else items[:SHOWN_ON_THE_HOME_PAGE]
    return {
        "work": [(item, item.is_overdue(today)) for item in shown],
        "work_total": len(items),
        "work_overdue": sum(item.is_overdue(today) for item in items),
        "work_more": len(items) - len(shown),
    }


# The daily digest ------------------------------------------------------------------------------

DIGEST_SUBJECT = "Your work for {day}: {count} item{plural}, {overdue} overdue"


def digest_message(user: User, items: list[WorkItem], today: date) -> EmailMultiAlternatives:
    """The digest e-mail of ``items`` for ``user``: plain text and HTML."""
    overdue = sum(item.is_overdue(today) for item in items)
    context = {
        "user": user,
        "items": [(item, item.is_overdue(today)) for item in items],
        "today": today,
        "overdue": overdue,
        "site": settings.PMO_SITE_URL,
    }
    subject = DIGEST_SUBJECT.format(
        day=formatting.date(today), count=len(items), plural="" if len(items) == 1 else "s", overdue=overdue
    )
    message = EmailMultiAlternatives(
        subject, render_to_string("core/email/work_digest.txt", context), None, [user.email]
    )
    message.attach_alternative(render_to_string("core/email/work_digest.html", context), "text/html")
    return message


def work_digest_send(*, today: date | None = None, users: Iterable[User] | None = None) -> int:
    """E-mail each active user with an address their work queue, if it holds anything; returns
    how many were sent. A failed send is logged and the others still go."""
    today = today or clock.today()
    recipients = users if users is not None else User.objects.filter(is_active=True).exclude(email="")
    sent = 0
    for user in recipients:
        if not user.email or not user.is_active:
            continue
        items = work_queue(user, today=today)
        if not items:
            continue
        try:
            digest_message(user, items, today).send()
        except (OSError, BadHeaderError):
            logger.exception("Could not e-mail the work digest to %s", user.email)
            continue
        sent += 1
    return sent
