"""Records a whole test module shares, written once for the module, as Django's
``TestCase.setUpTestData`` writes a class's (docs/adr/0057).

A module's first test to ask writes them inside a transaction that stays open until the module's
last test is done, then is rolled back. Each test runs in a savepoint within it (pytest-django's
``db`` fixture), so whatever a test writes, the next one finds the records as first written; and
each test is handed its own deep copy of the Python objects, so what a test changes on them (a
field, a cached relation, a user's cached permissions) is not seen by the next.

They are written at the earliest moment any test of the module runs at (its ``today`` markers),
so nothing a test reads is dated after the test's own day.

A transactional test (a browser test's live server) empties the database after it, so it makes
its own records instead, at its own moment (``shared_records``).

Use::

    @pytest.fixture(scope="module")
    def _cast_written(module_data):
        return module_data(make_cast)

    @pytest.fixture
    def cast(_cast_written, db):
        return shared_records(_cast_written, make_cast)
"""

import copy
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
import time_machine
from django.db import transaction

T = TypeVar("T")


def _items_of(module: pytest.Module) -> list[pytest.Item]:
    return [item for item in module.session.items if item.path == module.path]


def _earliest_moment(module: pytest.Module) -> Any:
    from pmo.conftest import TESTS_RUN_AT, frozen_moment

    days = {TESTS_RUN_AT}
    for item in _items_of(module):
        marker = item.get_closest_marker("today")
        if marker and marker.args:
            days.add(marker.args[0])
    return min(frozen_moment(day) for day in days)


@pytest.fixture(scope="module")
def module_data(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[Callable[[Callable[[], T]], T | None]]:
    """``module_data(build)``: what ``build()`` writes and returns, written once for the module
    (see the module's docstring); every call within a module shares the one transaction. None in
    a module of transactional tests, which make their own (``shared_records``)."""
    opened: list[transaction.Atomic] = []
    moment = _earliest_moment(request.node)
    transactional = any(is_transactional(item) for item in _items_of(request.node))

    def write(build: Callable[[], T]) -> T | None:
        if transactional:
            return None
        with django_db_blocker.unblock():
            if not opened:
                opened.append(transaction.atomic())
                opened[0].__enter__()
            with time_machine.travel(moment, tick=False):
                return build()

    yield write
    if opened:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            opened[0].__exit__(None, None, None)


def shared_records(written: T | None, build: Callable[[], T]) -> T:
    """A test's own copy of the records ``module_data`` wrote once for the module (their Python
    objects; the rows are shared), or, in a module of transactional tests, ``build()`` made for
    the test alone, at its own moment."""
    return build() if written is None else copy.deepcopy(written)


def is_transactional(item: Any) -> bool:
    """Whether a test runs outside a transaction: it asks for one, or drives a live server."""
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or "live_server" in getattr(
        item, "fixturenames", ()
    )
