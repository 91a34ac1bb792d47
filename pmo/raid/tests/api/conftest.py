"""API clients for the RAID API tests (the ``cast`` fixture comes from ``pmo/raid/tests``)."""

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from pmo.core.models import User


@pytest.fixture
def client_for() -> Callable[[User | None], APIClient]:
    """An API client signed in (by session) as the given user, or anonymous for None."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make
