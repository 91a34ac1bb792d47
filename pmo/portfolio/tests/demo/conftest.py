"""The demo built once per test module (rolled back afterwards), and a fingerprint of it."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from pmo.portfolio.demo import DemoContext, demo_build
from pmo.portfolio.models import Project

TODAY = dt.date(2026, 11, 23)


def fingerprint() -> list[tuple[Any, ...]]:
    """Every project's fields by value (no primary keys, no timestamps) and its history's
    authors and reasons, in code order."""
    return [
        (
            p.code, p.name, p.description, p.portfolio.name,
            p.programme.code if p.programme else None, p.department.name,
            p.sponsor.email, p.project_manager.email,
            p.business_owner.email if p.business_owner else None,
            p.category, p.methodology, p.size_tier, p.stage.name, p.status,
            p.planned_start, p.planned_finish, p.budget, p.priority, p.confidential, p.version,
            tuple(sorted(o.code for o in p.strategic_objectives.all())),
            tuple(
                p.history.order_by("history_id").values_list(
                    "history_type", "history_user__username", "history_change_reason"
                )
            ),
        )
        for p in Project.objects.select_related(
            "portfolio", "programme", "department", "sponsor", "project_manager", "business_owner", "stage"
        )
        .prefetch_related("strategic_objectives")
        .order_by("code")
    ]


FINGERPRINT_START, FINGERPRINT_FINISH = 14, 15


@pytest.fixture(scope="module")
def demo_portfolio(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoContext]:
    """The demo as of ``TODAY``, shared by a module's tests (each test's own changes are rolled
    back by its ``db`` fixture; the demo itself when the module ends)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_build(today=TODAY)
        transaction.set_rollback(True)
