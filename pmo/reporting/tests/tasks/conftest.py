"""A reporting period whose report a PM still owes, for the reporting cycle's tests."""

import datetime as dt

import pytest
from django.utils import timezone

from pmo.core.choices import Role
from pmo.portfolio.tests.factories import PersonFactory, ProjectFactory
from pmo.reporting.tests.factories import PeriodFactory


@pytest.fixture
def last_period_due_tomorrow(make_user):
    """An active project whose PM has not reported for last month's period, due tomorrow."""
    today = timezone.localdate()
    pm_user = make_user(Role.PROJECT_MANAGER, email="pm@council.example")
    project = ProjectFactory(code="ICT-042", project_manager=PersonFactory(user=pm_user))
    end = today.replace(day=1) - dt.timedelta(days=1)
    period = PeriodFactory(start=end.replace(day=1), end=end, due=today + dt.timedelta(days=1))
    return pm_user, project, period
