"""Fixtures shared by every app's tests: users in each role, and Chromium for browser tests."""

import os
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group

from pmo.core.choices import Role
from pmo.core.models import User

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a downloaded browser."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    """Make a user holding the given roles: ``make_user(Role.PMO_HEAD, username="ann")``."""
    counter = {"n": 0}

    def make(
        *roles: Role, username: str | None = None, password: str = "pass-Word-123", **extra: Any
    ) -> User:
        counter["n"] += 1
        user = User.objects.create_user(
            username=username or f"user{counter['n']}", password=password, **extra
        )
        user.groups.add(*Group.objects.filter(name__in=[r.label for r in roles]))
        return user

    return make


@pytest.fixture
def pmo_head(make_user: Callable[..., User]) -> User:
    return make_user(Role.PMO_HEAD, username="head")
