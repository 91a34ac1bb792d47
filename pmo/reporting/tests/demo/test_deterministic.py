"""The demo's reporting year is the same on every run on the same day."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Q

from pmo.portfolio.demo import demo_build
from pmo.raid.models import Action
from pmo.raid.tests.references import without_ids
from pmo.reporting.demo import ACTIONS
from pmo.reporting.models import Baseline, HighlightReport, ProjectException
from pmo.reporting.tests.demo.conftest import TODAY

RECOVERY = [text for _name, text, *_rest in ACTIONS]  # the Board's actions (the RAID demo has more)

pytestmark = pytest.mark.django_db


def fingerprint() -> list[tuple[Any, ...]]:
    """Reports, baselines, exceptions and actions by value, with their history's authors,
    reasons and dates (no primary keys)."""

    def history(record: Any) -> tuple[Any, ...]:
        return tuple(
            record.history.order_by("history_date").values_list(
                "history_user__username", "history_change_reason", "history_date"
            )
        )

    reports = HighlightReport.objects.select_related("project", "period").prefetch_related("milestones")
    return [
        *(
            (
                r.project.code, r.period.start, r.revision, r.status, r.overall_status, r.forecast_finish,
                r.forecast_cost, r.submitted_at, r.reviewed_at, r.published_at, r.tolerance_status,
                r.summary, tuple((m.name, m.forecast, m.achieved_on) for m in r.milestones.all()),
                history(r),
            )
            for r in reports.order_by("project__code", "period__start", "revision")
        ),
        *(
            (b.project.code, b.number, b.finish, b.budget_at_completion, b.approved_at, b.source, history(b))
            for b in Baseline.objects.select_related("project").order_by("project__code", "number")
        ),
        *(
            (e.project.code, e.status, e.dimensions, e.raised_at, e.report_due, e.decided_at, history(e))
            for e in ProjectException.objects.select_related("project").order_by("project__code")
        ),
        *(
            (a.project.code, a.title, a.owner.name, a.due, a.status, a.closed_on, a.source, history(a))
            for a in Action.objects.filter(Q(source="exception") | Q(title__in=RECOVERY))
            .select_related("project", "owner")
            .order_by("project__code", "title")
        ),
    ]


def build_and_undo(build: Callable[[], object]) -> list[tuple[Any, ...]]:
    with transaction.atomic():
        build()
        result = without_ids(fingerprint())
        transaction.set_rollback(True)
    return result


def test_two_builds_on_the_same_day_give_the_same_reporting_year() -> None:
    first = build_and_undo(lambda: demo_build(today=TODAY))
    second = build_and_undo(lambda: demo_build(today=TODAY))

    assert len(first) > 400
    assert first == second
