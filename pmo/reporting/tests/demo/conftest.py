"""The demo's day, and a fingerprint of its reporting year (the demo itself is the ``demo``
fixture, built once per test run: pmo/core/tests/demo_database.py)."""

from typing import Any

from django.db.models import Q

from pmo.core.tests.demo_database import DEMO_TODAY
from pmo.raid.models import Action
from pmo.reporting.demo import ACTIONS
from pmo.reporting.models import Baseline, HighlightReport, ProjectException

TODAY = DEMO_TODAY
"""A Monday late in the month: the October reports are overdue, November's are being written."""

RECOVERY = [text for _name, text, *_rest in ACTIONS]  # the Board's actions (the RAID demo has more)


def fingerprint() -> list[tuple[Any, ...]]:
    """Reports, baselines, exceptions and actions by value, with their history's authors,
    reasons and dates (no primary keys)."""

    def history(record: Any) -> tuple[Any, ...]:
        return tuple(
            record.history.order_by("history_date", "history_id").values_list(
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
