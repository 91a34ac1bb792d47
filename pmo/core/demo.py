"""The demo framework every pmo app's demo builds on: a registry of steps and the replay of past
events through the one clock (``pmo.core.clock``).

An app adds to the demo with steps in its own ``demo`` module, which ``demo_steps()`` imports
(as the admin finds ``admin`` modules); the portfolio's ``demo_build()`` runs them in order::

    from pmo.core.demo import demo_step
    from pmo.portfolio.demo import DemoContext

    @demo_step(order=200)
    def reporting_periods(ctx: DemoContext) -> None:
        ...

A step sees everything earlier steps made through its context and draws any randomness from
the context's generator only, so the demo stays deterministic."""

import datetime as dt
from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from pmo.core import clock

DemoStep = Callable[[Any], None]
_STEPS: dict[str, tuple[int, DemoStep]] = {}


def demo_step(*, order: int) -> Callable[[DemoStep], DemoStep]:
    """Register a step of the demo; steps run by ascending ``order``."""

    def register(step: DemoStep) -> DemoStep:
        _STEPS[f"{step.__module__}.{step.__qualname__}"] = (order, step)
        return step

    return register


def demo_steps() -> list[DemoStep]:
    """The registered steps, in the order they run (every pmo app's ``demo`` module included)."""
    for app_config in apps.get_app_configs():
        if app_config.name.startswith("pmo.") and module_has_submodule(app_config.module, "demo"):
            import_module(f"{app_config.name}.demo")
    return [step for _, step in sorted(_STEPS.values(), key=lambda item: item[0])]


def demo_moment(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """``day`` at ``hour:minute`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def demo_run(moment: dt.datetime, call: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a service as at ``moment`` (``pmo.core.clock.as_at``): everything it stamps —
    submission and decision times, history dates, created and updated times, notifications —
    carries that moment, and the events of one call keep their order."""
    with clock.as_at(moment):
        return call(**kwargs)


SETTINGS_SET_UP_DAYS_AGO = 365
"""An app's settings row in the demo was set up (with the defaults) a year before the demo's day."""


def demo_settings(today: dt.date, read: Callable[[], Any]) -> None:
    """Make an app's one settings row, if missing, as set up a year before ``today``: ``read`` is
    the app's getter, which makes the row with the defaults when there is none. An app's demo
    calls it in a step before any service reads the row; otherwise the first service to read it
    would make it inside a replayed event, whose later stamps would move on by the row's clock
    reads, and a row already there (a page opened before the demo was loaded, a row a test left)
    would give a different demo."""
    demo_run(demo_moment(today - dt.timedelta(days=SETTINGS_SET_UP_DAYS_AGO), 9), read)
