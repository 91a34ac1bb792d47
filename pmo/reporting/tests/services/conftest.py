"""The people of one project and the PMO around it, for the reporting service tests."""

from typing import Any

import pytest

from pmo.conftest import user_maker
from pmo.core.choices import Role
from pmo.core.tests.module_data import shared_records
from pmo.portfolio.models import Project
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.reporting.models import ReportingPeriod
from pmo.reporting.tests.factories import PeriodFactory
from pmo.reporting.tests.services.steps import Cast


@pytest.fixture(scope="module")
def _cast_written(module_data: Any) -> Cast:
    return module_data(lambda: make_cast(user_maker()))


@pytest.fixture
def cast(_cast_written: Cast | None, db: None) -> Cast:
    """The people of one project, written once per module (pmo/core/tests/module_data.py)."""
    return shared_records(_cast_written, lambda: make_cast(user_maker()))


def make_cast(make_user: Any) -> Cast:
    pm = make_user(Role.PROJECT_MANAGER, username="pm", email="pm@council.example")
    sponsor = make_user(Role.SPONSOR, username="sponsor", email="sponsor@council.example")
    other_pm = make_user(Role.PROJECT_MANAGER, username="other_pm", email="other.pm@council.example")
    other_sponsor = make_user(Role.SPONSOR, username="other_sponsor", email="other.sponsor@council.example")
    project: Project = ProjectFactory(
        code="WEB",
        project_manager=PersonFactory(user=pm, name="Pat Manager"),
        sponsor=PersonFactory(user=sponsor, name="Sam Sponsor"),
    )
    ProjectFactory(
        code="OTHER",
        project_manager=PersonFactory(user=other_pm),
        sponsor=PersonFactory(user=other_sponsor),
    )
    period: ReportingPeriod = PeriodFactory()
    return Cast(
        project=project,
        period=period,
        pm=pm,
        sponsor=sponsor,
        head=make_user(Role.PMO_HEAD, username="head", email="head@council.example"),
        analyst=make_user(Role.PMO_ANALYST, username="analyst", email="analyst@council.example"),
        officer=make_user(Role.PMO_OFFICER, username="officer", email="officer@council.example"),
        executive=make_user(Role.EXECUTIVE, username="executive", email="cio@council.example"),
        finance=make_user(Role.FINANCE_PARTNER, username="finance", email="finance@council.example"),
        other_pm=other_pm,
        other_sponsor=other_sponsor,
    )
