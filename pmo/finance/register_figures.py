"""What finance gives the project register (``pmo.core.register_figures``, ADR 0055): each
project's forecast cost (finance's whole-life EAC, the figure the Finance tab, the highlight
report's forecast cost and the cost tolerance read: ``pmo.finance.feeds.finance_eac``) and its
spend to date, once it has an approved budget; the month end they are as of.

``project_finance`` reads one project in seven queries; a page of the register reads its
projects' figures in one, worked out the same way in the database: the split month is the latest
forecast's month (of those there were today: ``selectors.made_by``), or this month without one,
never before the month after the last closed month; the spend to date is the actuals before the
split, the EAC that plus the latest forecast (or, with none, the approved budget) from the split
on. The months are the first days of months, so "before the month after the last closed one" is
"on or before the last closed one": no date arithmetic in SQL. The query is compiled once a day
(its SQL holds the day) and run with the page's ids (``pmo.core.compiled``)."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db.models import (
    Case,
    DecimalField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from pmo.core import clock
from pmo.core.compiled import CompiledQuery
from pmo.core.register_figures import RegisterFigure, register_figures
from pmo.engine.finance import add_months, month_of
from pmo.finance.choices import BudgetStatus
from pmo.finance.models import ActualLine, BudgetLine, BudgetVersion, ForecastLine, ForecastVersion, MonthLock
from pmo.finance.selectors import made_by
from pmo.portfolio.models import Project

PENNY = Decimal("0.01")
NEVER_CLOSED = date(1, 1, 1)  # stands for "no month closed": every month is after it
MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)

FORECAST_COST = RegisterFigure(
    "forecast_cost",
    "Forecast cost (£, EAC)",
    help="The estimate at completion from finance (actuals to date plus the latest forecast, or "
    "the approved budget, of the rest): the figure of the project's Finance tab and its highlight "
    "report; null until finance has approved a budget for the project.",
    default=True,
    none="None from finance yet (no approved budget)",
    beside_approved_budget=True,
)
SPENT_TO_DATE = RegisterFigure(
    "spent_to_date",
    "Spent to date (£)",
    help="The actuals finance has loaded for the months before the forecast starts; null until "
    "finance has approved a budget for the project.",
    none="None from finance yet",
)
FINANCE_AS_OF = RegisterFigure(
    "finance_as_of",
    "Actuals counted to",
    help="The last day of the last month whose actuals count in the spend to date and the "
    "forecast cost; null until finance has approved a budget for the project.",
    kind="date",
    none="—",
)


def _sum(lines: QuerySet[Any], owner: str) -> Coalesce:
    """The amounts of ``lines`` (correlated to one ``owner``: the project, or a version) summed;
    0 where there are none."""
    summed = lines.order_by().values(owner)
    return Coalesce(
        Subquery(summed.annotate(total=Sum("amount")).values("total")), Value(Decimal(0)), output_field=MONEY
    )


def _figures_query(day: date) -> CompiledQuery:
    """Each project's current budget, split months and sums, by id (see the module)."""
    latest = ForecastVersion.objects.filter(made_by(day), project=OuterRef("pk")).order_by("-period__start")
    current = BudgetVersion.objects.filter(project=OuterRef("pk"), status=BudgetStatus.APPROVED)
    closed = MonthLock.objects.order_by("-month").values("month")[:1]
    before = Q(month__lt=OuterRef("split")) | Q(month__lte=OuterRef("closed"))
    after = Q(month__gte=OuterRef("split"), month__gt=OuterRef("closed"))
    budget_after = BudgetLine.objects.filter(after, version=OuterRef("budget_id"))
    forecast_after = ForecastLine.objects.filter(after, version=OuterRef("forecast_id"))

    def build(ids: Any) -> QuerySet[Any]:
        return (
            Project.objects.filter(pk__in=ids)
            .annotate(
                budget_id=Subquery(current.order_by("-number").values("pk")[:1]),
                forecast_id=Subquery(latest.values("pk")[:1]),
                split=Coalesce(
                    Subquery(latest.annotate(first=TruncMonth("period__start")).values("first")[:1]),
                    Value(month_of(day)),
                ),
                closed=Coalesce(Subquery(closed), Value(NEVER_CLOSED)),
            )
            .filter(budget_id__isnull=False)
            .annotate(
                spent=_sum(ActualLine.objects.filter(before, project=OuterRef("pk")), "project"),
                rest=Case(
                    When(forecast_id__isnull=True, then=_sum(budget_after, "version")),
                    default=_sum(forecast_after, "version"),
                    output_field=MONEY,
                ),
            )
            .order_by()
            .values_list("pk", "split", "closed", "spent", "rest")
        )

    return CompiledQuery(build)


@lru_cache(maxsize=4)
def _query(day: date, zone: str) -> CompiledQuery:
    """The query of ``day`` in time zone ``zone`` (both in its SQL), compiled once."""
    return _figures_query(day)


def _penny(value: Any) -> Decimal:
    """A sum read back, to the penny the lines are kept to (SQLite sums decimals as floats)."""
    return Decimal(value).quantize(PENNY)


@register_figures(FORECAST_COST, SPENT_TO_DATE, FINANCE_AS_OF)
def finance_figures(project_ids: Sequence[int], day: date | None = None) -> dict[int, dict[str, Any]]:
    """The forecast cost, spend to date and their date of each of the projects with an approved
    budget, by id, on ``day`` (today); one query, whatever the number of projects."""
    day = day or clock.today()
    query = _query(day, timezone.get_current_timezone_name())
    found: dict[int, dict[str, Any]] = {}
    for project_id, split, closed, spent, rest in query.rows(ids=project_ids):
        if isinstance(split, datetime):  # PostgreSQL truncates a date to a timestamp (midnight)
            split = split.date()
        if closed != NEVER_CLOSED:
            split = max(split, add_months(closed, 1))
        found[project_id] = {
            FORECAST_COST.key: _penny(spent) + _penny(rest),
            SPENT_TO_DATE.key: _penny(spent),
            FINANCE_AS_OF.key: split - timedelta(days=1),
        }
    return found
