"""Finance's reads shaped for its pages (the selectors give the figures; this lays them out):
a project's month-by-month table and budget by financial year and category, its earned value
where it can be measured, and the portfolio roll-up as rows."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.safestring import SafeString

from pmo.core import formatting
from pmo.engine.finance import (
    ZERO,
    FinancialYear,
    Outturn,
    add_months,
    financial_year,
    month_of,
    months_between,
)
from pmo.finance import charts, evm
from pmo.finance.choices import BudgetStatus
from pmo.finance.evm import EV_FROM_MILESTONES, ProjectEvm
from pmo.finance.grids import LineKey, line_amounts
from pmo.finance.models import (
    BudgetLine,
    BudgetVersion,
    CostCode,
    FinanceSettings,
    ForecastVersion,
    MonthLock,
)
from pmo.finance.selectors import PROJECT_KEYS, ProjectFinance, portfolio_roll_up_profiled
from pmo.portfolio.models import Project
from pmo.reporting.choices import PeriodStatus
from pmo.reporting.models import ReportingPeriod

ROLL_UP_LABELS = {
    "portfolio": "Portfolio",
    "programme": "Programme",
    "department": "Department",
    "category": "Cost category",
    "spend_type": "Capital or revenue",
    "funding_source": "Funding source",
    "project": "Project",
}


@dataclass(frozen=True)
class MonthRow:
    month: date
    budget: Decimal
    actual: Decimal | None  # None: a month not yet actual (from the split on)
    forecast: Decimal | None  # None: a month already actual (before the split)
    closed: bool

    @property
    def label(self) -> str:
        return f"{self.month:%b %Y}"


def month_rows(figures: ProjectFinance, closed: set[date]) -> list[MonthRow]:
    """Every month from the first any budget, actual or forecast names to the last: its budget,
    its actuals (months before the split) or its forecast (the split and after)."""
    named = {*figures.budget, *figures.actuals, *figures.forecast}
    if not named:
        return []
    split = figures.whole_life.split
    assert split is not None
    return [
        MonthRow(
            month=month,
            budget=figures.budget.get(month, ZERO),
            actual=figures.actuals.get(month, ZERO) if month < split else None,
            forecast=figures.forecast.get(month, ZERO) if month >= split else None,
            closed=month in closed,
        )
        for month in months_between(min(named), max(named))
    ]


def closed_months() -> set[date]:
    return set(MonthLock.objects.values_list("month", flat=True))


@dataclass(frozen=True)
class YearBudget:
    year: FinancialYear
    cells: list[tuple[str, Decimal]]  # (category, amount) in the categories' order
    total: Decimal


def budget_by_year(figures: ProjectFinance, first_month: int) -> tuple[list[str], list[YearBudget]]:
    """The approved budget by financial year and cost category (one query): the categories in
    their list order, and a row per year."""
    if figures.budget_version is None:
        return [], []
    sums = (
        BudgetLine.objects.filter(version=figures.budget_version)
        .values("month", "category__name", "category__position")
        .annotate(amount=Sum("amount"))
        .order_by("category__position", "category__name", "month")
    )
    categories: list[str] = []
    years: dict[FinancialYear, dict[str, Decimal]] = {}
    for row in sums:
        name = row["category__name"]
        if name not in categories:
            categories.append(name)
        amounts = years.setdefault(financial_year(row["month"], first_month), {})
        amounts[name] = amounts.get(name, ZERO) + row["amount"]
    rows = []
    for year, amounts in sorted(years.items()):
        cells = [(name, amounts.get(name, ZERO)) for name in categories]
        rows.append(YearBudget(year, cells, sum(amounts.values(), ZERO)))
    return categories, rows


@dataclass(frozen=True)
class EvmFigure:
    """One earned value figure as the page shows it: its value in words, or why it is missing."""

    key: str
    label: str
    shown: str
    missing: str = ""


EVM_LABELS: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    ("status_date", "Status date", formatting.date),
    ("ev_method", "EV from", str),
    ("percent_complete", "Percent complete (from the plan)", lambda v: formatting.percent(v, 1)),
    ("milestones_achieved", "Key milestones achieved", str),
    ("bac", "Budget at completion (BAC)", formatting.money),
    ("pv", "Planned value (PV)", formatting.money),
    ("ev", "Earned value (EV)", formatting.money),
    ("ac", "Actual cost (AC)", formatting.money),
    ("sv", "Schedule variance (SV)", formatting.signed_money),
    ("cv", "Cost variance (CV)", formatting.signed_money),
    ("spi", "Schedule performance (SPI)", formatting.number),
    ("cpi", "Cost performance (CPI)", formatting.number),
    ("tcpi_bac", "To-complete performance to BAC (TCPI)", formatting.number),
    ("planned_duration", "Planned duration (months)", formatting.number),
    ("es", "Earned schedule (ES, months)", formatting.number),
    ("sv_t", "Schedule variance in time (SV(t), months)", lambda v: f"{v:+.2f}".replace("-", "\u2212")),
    ("spi_t", "Schedule performance in time (SPI(t))", formatting.number),
    ("ieac_t", "Duration at completion (IEAC(t), months)", formatting.number),
    ("forecast_finish", "Forecast finish", formatting.date),
)
EAC_LABELS = {
    "budget_rate": "At budget rate: AC + (BAC - EV)",
    "cpi": "At the cost performance so far: BAC / CPI",
    "cpi_spi": "Cost and schedule pressure: AC + (BAC - EV) / (CPI × SPI)",
    "bottom_up": "Bottom-up: AC + the forecast of the rest",
}


def evm_figures(measured: ProjectEvm) -> list[EvmFigure]:
    """The figures in order, each shown or with the reason it is missing (the percent complete
    only when EV is earned by the plan, the milestones only when by them)."""
    found = []
    for key, label, shown in EVM_LABELS:
        if key == "percent_complete" and measured.ev_method == EV_FROM_MILESTONES:
            continue
        if key == "milestones_achieved" and measured.ev_method != EV_FROM_MILESTONES:
            continue
        value = getattr(measured, key)
        if key == "milestones_achieved" and value is not None:
            value = f"{value} of {measured.milestones}"
        if value is None:
            reason = measured.undefined.get(key, "not measured")
            found.append(EvmFigure(key, label, "", reason[:1].upper() + reason[1:] + "."))
        else:
            found.append(EvmFigure(key, label, shown(value)))
    return found


def evm_charts(measured: ProjectEvm, settings_row: FinanceSettings) -> list[SafeString]:
    """The S-curve and the trend of the indices (with the PMO's thresholds), for the Finance tab."""
    thresholds = {"CPI": settings_row.cpi_threshold, "SPI(t)": settings_row.spi_t_threshold}
    return [charts.s_curve(measured), charts.index_trend(measured, thresholds)]


def evm_forecasts(measured: ProjectEvm) -> list[dict[str, Any]]:
    """The four EACs, each with its ETC, VAC and TCPI, or why it is missing."""
    rows = []
    for each in measured.forecasts:
        method = each["method"]
        reason = measured.undefined.get(f"eac_{method}", "") if each["eac"] is None else ""
        rows.append(
            {
                "label": EAC_LABELS.get(method, method),
                "eac": each["eac"],
                "etc": each["etc"],
                "vac": each["vac"],
                "tcpi": formatting.number(each["tcpi"]) if each["tcpi"] is not None else "—",
                "missing": reason[:1].upper() + reason[1:] + "." if reason else "",
            }
        )
    return rows


@dataclass(frozen=True)
class RollUpRow:
    """One key of the roll-up with its outturn (``key`` as the page shows it)."""

    key: str
    outturn: Outturn
    profile: Decimal | None = None  # in a year: what its budget planned to spend to date

    @property
    def budget(self) -> Decimal:
        return self.outturn.budget

    @property
    def actual_to_date(self) -> Decimal:
        return self.outturn.actual_to_date

    @property
    def forecast_remaining(self) -> Decimal:
        return self.outturn.forecast_remaining

    @property
    def eac(self) -> Decimal:
        return self.outturn.eac

    @property
    def variance(self) -> Decimal:
        return self.outturn.variance

    @property
    def against_profile(self) -> Decimal | None:
        """Spent to date less what the profile planned by now: positive is spending ahead."""
        return None if self.profile is None else self.actual_to_date - self.profile


def key_label(by: str, key: Any) -> str:
    if key is None:
        return {"programme": "No programme", "funding_source": "No funding source"}.get(by, "None")
    if by == "spend_type":
        return {"capital": "Capital (capex)", "revenue": "Revenue (opex)"}.get(str(key), str(key))
    return str(key)


def _within(
    *, user: Any, by: str, year: FinancialYear | None, day: date | None, within: dict[str, Any]
) -> tuple[dict[Any, Outturn], dict[Any, Decimal] | None]:
    """The roll-up of the projects ``within`` chooses (a portfolio, programme, department), by a
    key of the project (``PROJECT_KEYS``): each project's own outturn (and profile) summed by
    its key, as the roll-up sums them (one more query, for the projects)."""
    projects = Project.objects.filter(**within).values_list("code", f"{PROJECT_KEYS[by]}")
    key_of = dict(projects)
    each, profiles = portfolio_roll_up_profiled(user=user, by="project", year=year, day=day)
    found: dict[Any, Outturn] = {}
    profile: dict[Any, Decimal] | None = {} if profiles is not None else None
    for code, outturn in each.items():
        if code not in key_of:
            continue
        key = key_of[code]
        was = found.get(key, Outturn(ZERO, ZERO, ZERO))
        found[key] = Outturn(
            budget=was.budget + outturn.budget,
            actual_to_date=was.actual_to_date + outturn.actual_to_date,
            forecast_remaining=was.forecast_remaining + outturn.forecast_remaining,
        )
        if profile is not None and profiles is not None:
            profile[key] = profile.get(key, ZERO) + profiles.get(code, ZERO)
    return found, profile


def roll_up_rows(
    *,
    user: Any,
    by: str,
    year: FinancialYear | None,
    day: date | None = None,
    within: dict[str, Any] | None = None,
) -> tuple[list[RollUpRow], RollUpRow]:
    """The roll-up's rows, by key, and their total (sums of the rows' figures); ``within``
    narrows it to a portfolio's, programme's or department's projects (when summed by a key of
    the project)."""
    if within:
        found, profile = _within(user=user, by=by, year=year, day=day, within=within)
    else:
        found, profile = portfolio_roll_up_profiled(user=user, by=by, year=year, day=day)
    rows = sorted(
        (
            RollUpRow(key_label(by, key), each, profile.get(key, ZERO) if profile is not None else None)
            for key, each in found.items()
        ),
        key=lambda r: r.key,
    )
    total = RollUpRow(
        "Total",
        Outturn(
            budget=sum((r.budget for r in rows), ZERO),
            actual_to_date=sum((r.actual_to_date for r in rows), ZERO),
            forecast_remaining=sum((r.forecast_remaining for r in rows), ZERO),
        ),
        sum((r.profile or ZERO for r in rows), ZERO) if profile is not None else None,
    )
    return rows, total


# The forecast grid -----------------------------------------------------------------------------

GRID_MONTHS = 12  # at least a year of months from the period's month


@dataclass(frozen=True)
class ForecastGrid:
    """The months a project's forecast for ``period`` covers (its month on), the keys its lines
    count under, and the amounts to show: the period's own forecast if made, else the latest
    earlier forecast's, else the budget's, for those months."""

    period: ReportingPeriod
    months: list[date]
    keys: list[LineKey]
    amounts: dict[tuple[int, date], Decimal]  # (key index, month) -> amount
    made: ForecastVersion | None  # the period's forecast, when already made
    source: str  # where the amounts shown come from, in words


def forecast_period(day: date) -> ReportingPeriod | None:
    """The open reporting period holding ``day``, else the latest open one (forecasts are made
    in an open period)."""
    open_periods = ReportingPeriod.objects.filter(status=PeriodStatus.OPEN)
    return (
        open_periods.filter(start__lte=day, end__gte=day).first()
        or open_periods.filter(start__lte=day).order_by("-start").first()
    )


def forecast_grid(project: Project, period: ReportingPeriod) -> ForecastGrid:
    """The grid a forecast is entered in (three or four queries)."""
    first = month_of(period.start)
    versions = ForecastVersion.objects.filter(project=project, period__start__lte=period.start)
    latest = versions.select_related("period").order_by("-period__start").first()
    made = latest if latest is not None and latest.period_id == period.pk else None
    related = ("category", "funding_source")
    if latest is not None:
        lines: Any = latest.lines.filter(month__gte=first).select_related(*related)
        source = "this period's forecast" if made else f"the forecast of {latest.period}"
    else:
        budget = (
            BudgetVersion.objects.filter(project=project, status=BudgetStatus.APPROVED)
            .order_by("-number")
            .first()
        )
        lines = budget.lines.filter(month__gte=first).select_related(*related) if budget else []
        source = "the approved budget" if budget else "nothing yet"
    keys, amounts = line_amounts(lines)
    if not keys:
        codes = CostCode.objects.filter(project=project, active=True).select_related(*related)
        keys = list(dict.fromkeys(LineKey.of(code) for code in codes))
    last = max([add_months(first, GRID_MONTHS - 1), *(month for _, month in amounts)])
    return ForecastGrid(period, months_between(first, last), keys, amounts, made, source)


# Portfolio earned value ------------------------------------------------------------------------

RATING_LABELS = {
    "green": "Green",
    "amber_green": "Amber/green",
    "amber": "Amber",
    "amber_red": "Amber/red",
    "red": "Red",
}


@dataclass(frozen=True)
class PortfolioEvmRow:
    """A project's earned value on the portfolio page: its figures, its CPI and SPI(t) over the
    last months, what its manager last reported, and the early warning (in words) when an index
    is below or heading below its threshold while the report does not say amber or red."""

    measured: ProjectEvm
    cpi: evm.IndexTrend
    spi_t: evm.IndexTrend
    rating: str  # the latest handed-in report's overall rating ("" with none)
    report_period: str

    @property
    def project(self) -> Project:
        return self.measured.project

    @property
    def rating_label(self) -> str:
        return RATING_LABELS.get(self.rating, "No report handed in")

    @property
    def warning(self) -> str:
        """Why this project is flagged before its manager reports trouble ("" when it is not). By
        milestones, only once a key milestone is overdue: between milestones EV stays at the last
        one achieved while PV climbs, so the indices fall without anything being late."""
        if self.rating in evm.REPORTED_TROUBLE:
            return ""
        if self.measured.ev_method == evm.EV_FROM_MILESTONES and not self.measured.milestones_overdue:
            return ""  # by milestones EV lags between them: only a milestone missed is a shortfall
        found = [each.warning for each in (self.spi_t, self.cpi) if each.warning]
        if not found:
            return ""
        said = (
            f"the {self.report_period} report says {self.rating_label.lower()}"
            if self.rating
            else "no report has been handed in"
        )
        overdue = self.measured.milestones_overdue
        missed = f" ({overdue} key milestone{'s' if overdue != 1 else ''} overdue)" if overdue else ""
        return "; ".join(found) + f"{missed}, while {said}."


def portfolio_evm(
    projects: Any, settings_row: FinanceSettings, day: date | None = None
) -> list[PortfolioEvmRow]:
    """The earned value of ``projects`` with an approved budget, flagged projects first, then by
    SPI(t), lowest first, judged against ``settings_row``'s thresholds (a fixed number of
    queries: the projects, their EVM, their latest reports)."""
    projects = list(
        projects.filter(budget_versions__status=BudgetStatus.APPROVED).distinct().order_by("code")
    )
    measured = evm.project_evms(projects, day, trends=True)
    ratings = evm.latest_ratings([p.pk for p in projects])
    rows = []
    for each in measured:
        rating, period = ratings.get(each.project.pk, ("", ""))
        rows.append(
            PortfolioEvmRow(
                measured=each,
                cpi=evm.index_trend(each.trend, "cpi", "CPI", settings_row.cpi_threshold),
                spi_t=evm.index_trend(each.trend, "spi_t", "SPI(t)", settings_row.spi_t_threshold),
                rating=rating,
                report_period=period,
            )
        )
    return sorted(
        rows,
        key=lambda r: (not r.warning, r.measured.spi_t is None, r.measured.spi_t or 0, r.project.code),
    )
