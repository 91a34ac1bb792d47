"""Finance data for reporting's tests: an approved budget phased by month, actuals loaded from a
ledger, and a plan with its percent complete (the earned value ``pmo.finance.feeds`` reads)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from pmo.finance import services
from pmo.finance.choices import SpendType
from pmo.finance.models import BudgetVersion, CostCategory, CostCode
from pmo.finance.services import LedgerRow, MonthAmount
from pmo.portfolio.models import Project
from pmo.schedule.models import Plan, PlanTask

DATES = ("start", "finish", "early_start", "early_finish", "late_start", "late_finish")


def budget(actor: Any, project: Project, months: dict[date, Any]) -> BudgetVersion:
    """``project``'s approved budget: these months' amounts (staff, revenue)."""
    staff = CostCategory.objects.get(name="Staff")
    lines = [MonthAmount(m, staff, SpendType.REVENUE, Decimal(amount)) for m, amount in months.items()]
    draft = services.budget_draft(actor=actor, project=project, reason="Business case", lines=lines)
    return services.budget_approve(actor=actor, version=draft, expected_version=draft.version)


def spend(actor: Any, project: Project, months: dict[date, Any]) -> None:
    """Load ``project``'s actuals for these months (financial year 2026/27) under a cost code of
    its own."""
    code, _ = CostCode.objects.get_or_create(
        code=f"C-{project.code}",
        defaults={
            "project": project,
            "category": CostCategory.objects.get(name="Staff"),
            "spend_type": SpendType.REVENUE,
        },
    )
    rows = [LedgerRow(code.code, month, Decimal(amount)) for month, amount in months.items()]
    services.actuals_load(actor=actor, rows=rows, reference="Ledger", year=2026)


def plan(project: Project, percent: int) -> Plan:
    """A plan of one working task ``percent`` complete."""
    moment = timezone.make_aware(datetime(2026, 10, 1, 9))
    made = Plan.objects.create(
        project=project, document=b"", start=moment, finish=moment, imported_at=moment, status_date=moment
    )
    PlanTask.objects.create(
        plan=made,
        uid=1,
        row=1,
        duration=480,
        duration_unit="days",
        summary=False,
        percent_complete=Decimal(percent),
        **dict.fromkeys(DATES, moment),
        total_float=0,
        free_float=0,
    )
    return made
