"""API clients, and the cast's project WEB with a baseline and tolerances: changes within 5 days
and £5,000 are the project manager's, within 30 days and £20,000 the sponsor's, beyond the
board's."""

import datetime as dt
from decimal import Decimal

import pytest

from pmo.portfolio.models import Project
from pmo.raid.tests.api.conftest import client_for  # noqa: F401 (the same clients as the RAID API's)
from pmo.raid.tests.cast import Cast
from pmo.reporting.choices import ToleranceDimension
from pmo.reporting.services import baseline_approve, tolerance_set

FINISH = dt.date(2027, 6, 30)
BUDGET = Decimal(200000)


@pytest.fixture
def web(cast: Cast) -> Project:
    baseline_approve(
        actor=cast.head,
        project=cast.project,
        finish=FINISH,
        budget_at_completion=BUDGET,
        reason="Business case approved",
        milestones=[("Go live", dt.date(2027, 5, 3))],
    )
    for dimension, absolute in ((ToleranceDimension.TIME, 30), (ToleranceDimension.COST, 20000)):
        tolerance_set(
            actor=cast.head,
            project=cast.project,
            dimension=dimension,
            absolute=Decimal(absolute),
            percent=None,
        )
    return cast.project
