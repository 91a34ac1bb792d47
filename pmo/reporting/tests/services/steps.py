"""Steps of the cycle the reporting service tests share: a baseline, a draft, a submission."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pmo.core.models import User
from pmo.portfolio.models import Project
from pmo.reporting import services
from pmo.reporting.models import HighlightReport, ReportingPeriod
from pmo.reporting.tests.factories import PeriodFactory

BASELINE_FINISH = dt.date(2026, 12, 18)
BUDGET = Decimal(250000)


@dataclass
class Cast:
    """Everyone with a relation to ``project`` (and some without)."""

    project: Project
    period: ReportingPeriod
    pm: User
    sponsor: User
    head: User
    analyst: User
    officer: User
    executive: User
    finance: User
    other_pm: User
    other_sponsor: User

    def by_name(self, name: str) -> User:
        return getattr(self, name)


# Every role, with its relation to the project, by the name tests use.
EVERYONE = (
    "pm",
    "sponsor",
    "head",
    "analyst",
    "officer",
    "executive",
    "finance",
    "other_pm",
    "other_sponsor",
)


def baseline(cast: Cast, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "finish": BASELINE_FINISH,
        "budget_at_completion": BUDGET,
        "benefits_value": Decimal(400000),
        "reason": "Business case approved",
        "milestones": [("Design signed off", dt.date(2026, 6, 30)), ("Go live", dt.date(2026, 12, 1))],
    }
    fields.update(overrides)
    return services.baseline_approve(actor=cast.head, project=cast.project, **fields)


GREEN = dict.fromkeys(services.STATUS_FIELDS, "green")


def draft(cast: Cast, period: ReportingPeriod | None = None, **fields: Any) -> HighlightReport:
    """The PM's draft for the period, completed with all-green statuses, a summary and ``fields``."""
    report = services.highlight_report_start(
        actor=cast.pm, project=cast.project, period=period or cast.period
    )
    values = {**GREEN, "summary": "On track.", "forecast_finish": BASELINE_FINISH, "forecast_cost": BUDGET}
    values.update(fields)
    return services.highlight_report_update(
        actor=cast.pm, report=report, fields=values, expected_version=report.version
    )


def submitted(cast: Cast, period: ReportingPeriod | None = None, **fields: Any) -> HighlightReport:
    report = draft(cast, period, **fields)
    return services.highlight_report_submit(actor=cast.pm, report=report, expected_version=report.version)


def next_period(start: dt.date = dt.date(2026, 12, 1)) -> ReportingPeriod:
    period: ReportingPeriod = PeriodFactory(start=start)
    return period
