"""The change-control pages' world: the RAID cast (project WEB in programme DIG) with a baseline
to change, and clients signed in as each of them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from pmo.core.models import User
from pmo.raid.tests.cast import Cast
from pmo.reporting import services as reporting_services


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(cast: Cast) -> Cast:
    """The cast, with WEB's first baseline approved by the PMO head."""
    reporting_services.baseline_approve(
        actor=cast.head,
        project=cast.project,
        finish=dt.date(2027, 6, 30),
        budget_at_completion=Decimal(250000),
        reason="Business case approved",
        milestones=[("Go live", dt.date(2027, 6, 1))],
    )
    return cast
