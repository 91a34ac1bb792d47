from collections.abc import Callable

import pytest

from pmo.core.models import User
from pmo.raid.tests.cast import Cast, make_cast


@pytest.fixture
def cast(make_user: Callable[..., User]) -> Cast:
    return make_cast(make_user)
