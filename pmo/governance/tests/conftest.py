from collections.abc import Callable

import pytest

from pmo.conftest import user_maker
from pmo.core.tests.module_data import shared_records
from pmo.raid.tests.cast import Cast, make_cast


@pytest.fixture(scope="module")
def _cast_written(module_data: Callable[..., Cast]) -> Cast:
    return module_data(lambda: make_cast(user_maker()))


@pytest.fixture
def cast(_cast_written: Cast | None, db: None) -> Cast:
    """Everyone around one project (WEB, medium, in Delivery), written once per module."""
    return shared_records(_cast_written, lambda: make_cast(user_maker()))
