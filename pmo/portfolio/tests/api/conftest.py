"""A small register with people in each relationship to its projects, and API clients."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from pmo.core.choices import Role
from pmo.core.models import User
from pmo.portfolio.models import Person, Project
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory


@dataclass
class Register:
    pm: User
    pm_person: Person
    sponsor: User
    sponsor_person: Person
    own: Project  # managed by ``pm``, sponsored by ``sponsor``
    other: Project  # someone else's, open to all
    secret: Project  # someone else's, confidential
    own_secret: Project  # confidential, managed by ``pm``, sponsored by ``sponsor``


@pytest.fixture
def register(make_user: Callable[..., User]) -> Register:
    pm = make_user(Role.PROJECT_MANAGER, username="pam", first_name="Pam", last_name="Manager")
    sponsor = make_user(Role.SPONSOR, username="sid", first_name="Sid", last_name="Sponsor")
    pm_person = PersonFactory(name="Pam Manager", user=pm)
    sponsor_person = PersonFactory(name="Sid Sponsor", user=sponsor)
    return Register(
        pm=pm,
        pm_person=pm_person,
        sponsor=sponsor,
        sponsor_person=sponsor_person,
        own=ProjectFactory(
            code="OWN-1", name="Libraries Wi-Fi", project_manager=pm_person, sponsor=sponsor_person
        ),
        other=ProjectFactory(code="OTH-1", name="Payroll upgrade"),
        secret=ProjectFactory(code="SEC-1", name="Office closure", confidential=True),
        own_secret=ProjectFactory(
            code="SEC-2",
            name="Restructure of IT",
            confidential=True,
            project_manager=pm_person,
            sponsor=sponsor_person,
        ),
    )


@pytest.fixture
def client_for() -> Callable[[User | None], APIClient]:
    """An API client signed in (by session) as the given user, or anonymous for None."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def user_in(make_user: Callable[..., User], register: Register) -> Callable[[str], User]:
    """A user by their part: a role name, ``pm`` (of OWN-1 and SEC-2), ``sponsor`` (of the same)
    or ``no_role``."""

    def get(who: str) -> User:
        if who == "pm":
            return register.pm
        if who == "sponsor":
            return register.sponsor
        if who == "no_role":
            return make_user()
        return make_user(Role[who.upper()])

    return get
