"""`pmo demo` on an empty register: deterministic, all or nothing, extensible."""

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from pmo.core.models import User
from pmo.portfolio import demo
from pmo.portfolio.demo import USERNAMES_TAKEN, DemoContext, demo_build, demo_step
from pmo.portfolio.models import Person, Project
from pmo.portfolio.tests.demo.conftest import (
    FINGERPRINT_FINISH,
    FINGERPRINT_START,
    TODAY,
    fingerprint,
)

pytestmark = pytest.mark.django_db


def build_and_undo(build: Callable[[], object]) -> list[tuple[Any, ...]]:
    """Build the demo into the empty register, take its fingerprint, and roll it back."""
    with transaction.atomic():
        build()
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_pmo_demo_twice_gives_identical_data_and_dates_follow_today(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given an empty register and a fixed today
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)

    # When `pmo demo` runs twice, each time into an empty register
    first = build_and_undo(lambda: call_command("demo", stdout=StringIO()))
    second = build_and_undo(lambda: call_command("demo", stdout=StringIO()))
    # and the demo is built once more a week later
    week_later = build_and_undo(lambda: demo_build(today=TODAY + dt.timedelta(days=7)))

    # Then both runs give exactly the same projects, down to their history
    assert len(first) > 60
    assert first == second
    # and a week later every planned date has moved on a week while nothing else changed
    start, finish = FINGERPRINT_START, FINGERPRINT_FINISH
    for old, new in zip(first, week_later, strict=True):
        assert (new[start] - old[start], new[finish] - old[finish]) == (dt.timedelta(days=7),) * 2
        assert old[:start] + old[finish + 1 :] == new[:start] + new[finish + 1 :]


def test_the_command_reports_what_it_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the demo reduced to its first steps (the rest is tested above)
    demo.demo_steps()  # every app's steps discovered before the registry is narrowed
    monkeypatch.setattr(demo, "_STEPS", {k: v for k, v in demo._STEPS.items() if v[0] <= 50})
    out = StringIO()

    call_command("demo", stdout=out)

    assert out.getvalue().strip() == (
        "Loaded the demo portfolio: 0 projects (0 active) in 6 programmes, 36 people, 8 demo logins."
    )


def test_existing_demo_usernames_are_refused_and_nothing_is_loaded(make_user: Callable[..., User]) -> None:
    make_user(username="pm")

    with pytest.raises(CommandError) as error:
        call_command("demo", stdout=StringIO())

    assert str(error.value) == f"The demo was not loaded: {USERNAMES_TAKEN.format(usernames='pm')}"
    assert not Project.objects.exists()
    assert not Person.objects.exists()


def test_logins_says_so_when_there_are_none() -> None:
    out = StringIO()
    call_command("demo", "--logins", stdout=out)
    assert out.getvalue().strip() == "No demo logins in this database."


def test_other_apps_add_steps_that_run_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the demo's first steps, and an app's step registered between programmes and projects
    demo.demo_steps()  # every app's steps discovered before the registry is narrowed
    monkeypatch.setattr(demo, "_STEPS", {k: v for k, v in demo._STEPS.items() if v[0] <= 50})
    seen: list[tuple[str, int]] = []

    @demo_step(order=45)
    def before_programmes(ctx: DemoContext) -> None:
        seen.append(("before", len(ctx.programmes)))

    @demo_step(order=55)
    def after_programmes(ctx: DemoContext) -> None:
        seen.append(("after", len(ctx.programmes)))

    # When the demo is built
    demo_build(today=TODAY)

    # Then each step ran in its place, seeing what the earlier steps made
    assert seen == [("before", 0), ("after", 6)]
