"""The demo built once per test module (rolled back afterwards), as the reporting demo tests
build it."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from pmo.portfolio.demo import DemoContext, demo_build

TODAY = dt.date(2026, 11, 23)
"""The reporting demo tests' day: a Monday late in the month."""


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoContext]:
    """The whole demo as of ``TODAY``, shared by a module's tests (each test's own changes are
    rolled back by its ``db`` fixture; the demo itself when the module ends)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_build(today=TODAY)
        transaction.set_rollback(True)
