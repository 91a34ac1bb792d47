"""`pmo demo` on an empty register: all or nothing, extensible (that it is deterministic is
proved by pmo/tests/test_demo_deterministic.py)."""

from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pmo.core import demo as demo_framework
from pmo.core.models import User
from pmo.portfolio import demo
from pmo.portfolio.demo import USERNAMES_TAKEN, DemoContext, demo_build, demo_step
from pmo.portfolio.models import Person, Project
from pmo.portfolio.tests.demo.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_the_command_reports_what_it_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the demo reduced to its first steps (the whole demo is tested elsewhere)
    demo.demo_steps()  # every app's steps discovered before the registry is narrowed
    monkeypatch.setattr(
        demo_framework, "_STEPS", {k: v for k, v in demo_framework._STEPS.items() if v[0] <= 50}
    )
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
    monkeypatch.setattr(
        demo_framework, "_STEPS", {k: v for k, v in demo_framework._STEPS.items() if v[0] <= 50}
    )
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
