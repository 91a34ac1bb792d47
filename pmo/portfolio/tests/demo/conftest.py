"""The demo's day and a fingerprint of its register (the demo itself is the ``demo`` fixture,
built once per test run: pmo/core/tests/demo_database.py)."""

from typing import Any

from pmo.core.tests.demo_database import DEMO_TODAY
from pmo.portfolio.models import Project

TODAY = DEMO_TODAY


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
