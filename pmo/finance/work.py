"""Finance's part of everyone's work queue (``pmo.core.work``):

- a project manager's forecasts due: each active project they manage that has money to forecast
  (an approved budget or a cost code in use) and no forecast yet for the open reporting period,
  due the period's due date;
- a finance partner's months: past months of the financial year with actuals loaded that finance
  has not closed (close them), and those with no ledger load at all (load them), each due
  ``PMO_WORK_RESPONSE_DAYS`` after the month ends;
- finance partners' and the PMO's draft budgets awaiting approval, due that many days after
  they were drafted.

Read through the finance selectors and restrictions (what the user may see), in a fixed number
of queries whatever the number of projects, months or budgets."""

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone

from pmo.core.choices import Role
from pmo.core.formatting import money
from pmo.core.permissions import has_role
from pmo.core.work import WorkItem, day, one_by_one, response_due, work_provider
from pmo.engine.finance import add_months, month_of, months_between
from pmo.finance import selectors
from pmo.finance.choices import BudgetStatus
from pmo.finance.models import ActualLine, BudgetVersion, CostCode, ForecastVersion, MonthLock
from pmo.finance.rules import keeps_the_books
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.models import Project
from pmo.portfolio.selectors import person_id_of
from pmo.reporting.choices import PeriodStatus
from pmo.reporting.models import ReportingPeriod


@work_provider
def finance_work(user: Any, today: date) -> list[WorkItem]:
    """What finance asks of ``user`` now."""
    items: list[WorkItem] = []
    mine = person_id_of(user)
    if mine is not None:
        items += _forecasts_due(user, mine, today)
    if has_role(user, Role.FINANCE_PARTNER):
        items += _months(today)
    if keeps_the_books(user):
        items += _budgets_to_approve(user)
    return items


def _forecasts_due(user: Any, mine: int, today: date) -> list[WorkItem]:
    """The projects ``mine`` manages with money to forecast and no forecast for the open
    period (two queries)."""
    # The open period holding today, else the latest open one begun (``pages.forecast_period``
    # in one query: periods do not overlap, so the one holding today is the latest begun).
    period = (
        ReportingPeriod.objects.filter(status=PeriodStatus.OPEN, start__lte=today).order_by("-start").first()
    )
    if period is None:
        return []
    has_budget = BudgetVersion.objects.filter(project=OuterRef("pk"), status=BudgetStatus.APPROVED)
    has_code = CostCode.objects.filter(project=OuterRef("pk"), active=True)
    forecast = ForecastVersion.objects.filter(project=OuterRef("pk"), period=period)
    projects = (
        Project.objects.restrict(user, "view")
        .filter(project_manager_id=mine, status=ProjectStatus.ACTIVE)
        .filter(Q(Exists(has_budget)) | Q(Exists(has_code)))
        .exclude(Exists(forecast))
        .order_by("code")
    )
    return [
        WorkItem(
            key=f"forecast-due:{period.pk}:{project.pk}",
            kind="forecast-due",
            title=f"Forecast the cost for {period}",
            due=period.due,
            url=reverse("finance:forecast", args=[project.code]),
            reason=f"No forecast yet for {period}: say what you expect to spend each month from "
            f"{month_of(period.start):%B %Y}.",
            project=project.code,
            project_name=project.name,
        )
        for project in projects
    ]


def _months(today: date) -> list[WorkItem]:
    """The financial year's past months not closed: to close where actuals are loaded, to load
    where none are (two queries)."""
    this_month = month_of(today)
    year = selectors.current_year(today)
    if this_month == year.start:  # the year's first month: last year's last month is still to see to
        year = selectors.current_year(add_months(this_month, -1))
    months = [month for month in months_between(year.start, year.last_month) if month < this_month]
    if not months:
        return []
    closed = set(MonthLock.objects.filter(month__in=months).values_list("month", flat=True))
    loaded = set(
        ActualLine.objects.filter(month__in=months).values_list("month", flat=True).distinct().order_by()
    )
    open_months = [month for month in months if month not in closed]
    url = reverse("finance:months")
    items = []
    for month in open_months:
        due = response_due(add_months(month, 1))
        if month in loaded:
            items.append(
                WorkItem(
                    key=f"month-close:{month:%Y-%m}",
                    kind="month-close",
                    title=f"Close {month:%B %Y}",
                    due=due,
                    url=url,
                    reason="Its actuals are loaded but it is not closed: close it once the ledger is final.",
                )
            )
        else:
            items.append(
                WorkItem(
                    key=f"ledger-load:{month:%Y-%m}",
                    kind="ledger-load",
                    title=f"Load the ledger for {month:%B %Y}",
                    due=due,
                    url=reverse("finance:actuals_import"),
                    reason="No actuals are loaded for it yet.",
                )
            )
    return items


def _budgets_to_approve(user: Any) -> list[WorkItem]:
    """Draft budget versions of the projects the user may see, waiting for approval (one
    query); beyond ``PMO_WORK_ONE_BY_ONE`` of them, one item for them all."""
    drafts = list(
        BudgetVersion.objects.restrict(user, "view")
        .filter(status=BudgetStatus.DRAFT)
        .select_related("project", "drafted_by")
        .annotate(total=Sum("lines__amount"))
        .order_by("created_at", "pk")
    )
    if not drafts:
        return []
    if not one_by_one(len(drafts)):
        first = timezone.localdate(drafts[0].created_at)
        return [
            WorkItem(
                key="budget-approve:many",
                kind="budget-approve",
                title=f"Approve or change {len(drafts):,} draft budgets",
                due=response_due(first),
                url=reverse("finance:portfolio"),
                reason=f"The first was drafted {day(first)}.",
            )
        ]
    items = []
    for draft in drafts:
        drafted = timezone.localdate(draft.created_at)
        who = f" by {draft.drafted_by}" if draft.drafted_by else ""
        items.append(
            WorkItem(
                key=f"budget-approve:{draft.pk}",
                kind="budget-approve",
                title=f"Approve budget v{draft.number}",
                due=response_due(drafted),
                url=reverse("finance:budget", args=[draft.project.code]),
                reason=f"Drafted{who} {day(drafted)}: {money(draft.total or 0)}. {draft.reason}".strip(),
                project=draft.project.code,
                project_name=draft.project.name,
            )
        )
    return items
