import pytest

from pmo.core.choices import Role
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory


@pytest.fixture
def pm(make_user):
    return make_user(Role.PROJECT_MANAGER, username="pm")


@pytest.fixture
def project(pm):
    """WEB, managed by ``pm``."""
    return ProjectFactory(code="WEB", name="Website", project_manager=PersonFactory(user=pm, name="Pat PM"))
