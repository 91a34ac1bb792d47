"""Finance's part of everyone's work queue (``pmo.core.work``):

- a project manager's forecasts due: each active project they manage that has money to forecast
  (an approved budget or a cost code in use) and no forecast yet for the open reporting period,
  due the period's due date;
- a finance partner's months: past months of the financial year with actuals loaded that finance
  has not closed (close them), and those with no ledger load at all (load them), each due
  ``PMO_WORK_RESPONSE_DAYS`` after the month ends;
- finance partners' and the PMO's draft budgets awaiting approval, due that many days after
  they were drafted;
- a cost centre's (ADR 0053), for finance partners (every one in use) and its budget holder
  (theirs): its non-staff spend forecast to land over the year's non-staff limit (the year
  page's figures, ``cost_centres.cost_centre_years_of``: the actuals to date and the latest
  forecast made of the rest, else its budget; none where no limit is set), due at once, one item
  whose reason says whether the spend has passed the limit already or the forecast says it
  will (and when the forecast warns before the budget would); and, for those who may set it,
  the current financial year's budget while it has none, due ``PMO_WORK_RESPONSE_DAYS`` into
  the year.

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
from pmo.engine.finance import FinancialYear, add_months, month_of, months_between
from pmo.finance import cost_centres, selectors
from pmo.finance.choices import BudgetStatus
from pmo.finance.models import (
    ActualLine,
    BudgetVersion,
    CostCentre,
    CostCode,
    ForecastVersion,
    MonthLock,
)
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
    year = None  # the financial year holding today, read once (the settings) when needed
    if has_role(user, Role.FINANCE_PARTNER):
        year = selectors.current_year(today)
        items += _months(today, year)
    if keeps_the_books(user):
        items += _budgets_to_approve(user)
    items += _cost_centres(user, today, year)
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


def _months(today: date, year: FinancialYear) -> list[WorkItem]:
    """The financial year's (``year``, holding today) past months not closed: to close where
    actuals are loaded, to load where none are (two queries)."""
    this_month = month_of(today)
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


def _cost_centres(user: Any, today: date, year: FinancialYear | None) -> list[WorkItem]:
    """The cost centres in use that are the user's to watch (every one for a finance partner,
    else those they hold): each whose current year's non-staff spend will land over its limit,
    and, where the user may set it, each without a budget for the year (one query; then the
    year page's six for them all, ``cost_centres.cost_centre_years_of``, when there are any)."""
    centres = CostCentre.objects.restrict(user, "view").filter(active=True)
    if not has_role(user, Role.FINANCE_PARTNER):
        centres = centres.filter(holder=user.pk)
    found = list(centres.order_by("code"))
    if not found:
        return []
    year = year or selectors.current_year(today)
    figures = cost_centres.cost_centre_years_of(found, year=year, day=today)
    items = []
    if user.has_perm("finance.add_costcentrebudget"):
        items += [
            WorkItem(
                key=f"centre-budget:{centre.pk}:{year.start_year}",
                kind="centre-budget",
                title=f"Set {centre.name}'s budget for {year}",
                due=response_due(year.start),
                url=reverse("finance:costcentre_budget", args=[centre.code, year.start_year]),
                reason=f"Cost centre {centre.code} has no budget for {year} yet: phase it by month "
                "and category, with its non-staff limit.",
            )
            for centre in found
            if figures[centre.pk].budget is None
        ]
    for centre in found:
        figure = figures[centre.pk]
        if figure.limit is None or not figure.over_limit:  # no limit set: nothing to land over
            continue
        items.append(_over_limit_item(centre, figure, year, today))
    return items


def _over_limit_item(
    centre: CostCentre, figure: cost_centres.CostCentreYear, year: FinancialYear, today: date
) -> WorkItem:
    """One item for a cost centre whose year lands over its non-staff limit, whichever says so:
    its spend, or the forecast of the rest (the latest forecast made; the budget without one).
    Its reason says which, and, where the forecast warns before the budget would, that too."""
    spend = f"Cost centre {centre.code}'s spend outside staff costs is forecast to land at"
    rest = (
        f"the rest as forecast for {figure.forecast.month:%B %Y}"
        if figure.forecast is not None
        else "the rest at budget"
    )
    if figure.spent_over_limit:
        spent = money(figure.non_staff.actual_to_date)
        reason = (
            f"Cost centre {centre.code} has spent {spent} outside staff costs in {year}, at or over its "
            f"{money(figure.limit)} limit already; with {rest} the year lands at "
            f"{money(figure.non_staff.eac)}."
        )
    elif figure.limit_headroom:
        reason = (
            f"{spend} {money(figure.non_staff.eac)} for {year} ({money(figure.non_staff.actual_to_date)} "
            f"spent, {rest}): {money(-figure.limit_headroom)} over the limit."
        )
    else:
        reason = f"{spend} its limit for {year}: nothing more may be spent outside the budget."
    if figure.forecast is not None and not figure.over_limit_at_budget and figure.non_staff_at_budget:
        reason += (
            f" At budget it would land at {money(figure.non_staff_at_budget.eac)}, within the limit: "
            "the forecast warns first."
        )
    return WorkItem(
        key=f"centre-over-limit:{centre.pk}:{year.start_year}",
        kind="centre-over-limit",
        title=f"Non-staff spend on {centre.name} will land over its {money(figure.limit)} limit",
        due=today,
        url=f"{reverse('finance:costcentre_detail', args=[centre.code])}?year={year.start_year}",
        reason=reason,
    )
