"""Reads of finance, restricted to what the user may see (``pmo.finance.rules``), and a
project's figures by month and year, summed by ``pmo.engine.finance``."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.utils import timezone

from pmo.core import clock
from pmo.core.settings_rows import settings_row
from pmo.engine.finance import (
    NO_ACCURACY,
    ZERO,
    Accuracy,
    FinancialYear,
    MonthSums,
    Outturn,
    SumsRow,
    accuracy,
    add_months,
    by_month,
    financial_year,
    financial_years,
    in_year,
    month_end,
    month_of,
    outturn,
    profile_to_date,
    roll_up_sums,
)
from pmo.finance.choices import BudgetStatus
from pmo.finance.models import (
    ActualLine,
    BudgetLine,
    BudgetVersion,
    CostCode,
    FinanceSettings,
    ForecastLine,
    ForecastVersion,
    LedgerMapping,
    MonthLock,
)
from pmo.portfolio.models import Project

PROJECT_RELATIONS = ("project", "project__project_manager", "project__sponsor")
PENNY = Decimal("0.01")


def finance_settings() -> FinanceSettings:
    """How the PMO counts money (the one row; made with the defaults if missing)."""
    return settings_row(FinanceSettings)


def current_year(day: date | None = None) -> FinancialYear:
    """The financial year holding ``day`` (today by default)."""
    return financial_year(day or clock.today(), finance_settings().first_month)


def years_with_money() -> list[FinancialYear]:
    """Every financial year from the first month any budget, actual or forecast names to the
    last (the current year when there is none). Two queries: the settings row, and the six ends
    in one, each the first entry of a month index (MIN and MAX together read every line)."""
    row = finance_settings()
    ends: dict[str, Subquery] = {}
    for model in (BudgetLine, ActualLine, ForecastLine):
        months = model.objects.values("month")
        ends[f"{model.__name__}_first"] = Subquery(months.order_by("month")[:1])
        ends[f"{model.__name__}_last"] = Subquery(months.order_by("-month")[:1])
    bounds: dict[str, Any] = dict(FinanceSettings.objects.filter(pk=row.pk).values(**ends).get())
    firsts = [month for name, month in bounds.items() if month and name.endswith("_first")]
    lasts = [month for name, month in bounds.items() if month and name.endswith("_last")]
    if not firsts:
        return [current_year()]
    return financial_years(min(firsts), max(lasts), row.first_month)


def cost_code_list(*, user: Any, project: Project | None = None) -> QuerySet[CostCode]:
    found = CostCode.objects.restrict(user, "view").select_related(
        *PROJECT_RELATIONS, "category", "funding_source"
    )
    return found.filter(project=project) if project is not None else found


def _lines_total(model: type[BudgetLine] | type[ForecastLine]) -> Subquery:
    """A version's lines summed, read for each row shown (a join and GROUP BY summed every
    version's lines before a page of them was taken: 11 s for 5,000 budgets in make bench)."""
    lines = model.objects.filter(version=OuterRef("pk")).order_by().values("version")
    return Subquery(
        lines.annotate(total=Sum("amount")).values("total"),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def budget_version_list(*, user: Any, project: Project | None = None) -> QuerySet[BudgetVersion]:
    found = (
        BudgetVersion.objects.restrict(user, "view")
        .select_related(*PROJECT_RELATIONS, "approved_by", "baseline", "change_request", "exception")
        .annotate(total=_lines_total(BudgetLine))
        .order_by("project__code", "-number")
    )
    return found.filter(project=project) if project is not None else found


def actual_line_list(*, user: Any, project: Project | None = None) -> QuerySet[ActualLine]:
    found = ActualLine.objects.restrict(user, "view").select_related(
        "cost_code", "project", "category", "funding_source"
    )
    return found.filter(project=project) if project is not None else found


def forecast_version_list(*, user: Any, project: Project | None = None) -> QuerySet[ForecastVersion]:
    found = (
        ForecastVersion.objects.restrict(user, "view")
        .select_related(*PROJECT_RELATIONS, "period", "made_by")
        .annotate(total=_lines_total(ForecastLine))
        .order_by("project__code", "-period__start")
    )
    return found.filter(project=project) if project is not None else found


@dataclass(frozen=True)
class VersionSums:
    """A budget version's lines summed by financial year and by category (in their order)."""

    by_year: list[tuple[FinancialYear, Decimal]]
    by_category: list[tuple[str, Decimal]]


def version_sums(versions: Iterable[BudgetVersion]) -> dict[int, VersionSums]:
    """Each version's lines summed by financial year (from ``FinanceSettings.first_month``) and
    by category, by id: three queries whatever the number of versions (the settings row, the
    lines summed by version and month, put into their years here, and by version and category:
    a list of versions shows these, not their monthly lines)."""
    ids = [version.pk for version in versions]
    if not ids:
        return {}
    first_month = finance_settings().first_month
    lines = BudgetLine.objects.filter(version_id__in=ids).order_by()
    years: dict[int, dict[int, Decimal]] = {pk: {} for pk in ids}  # by the year it starts in
    year_of: dict[date, int] = {}  # a few dozen months among thousands of rows
    for pk, month, amount in lines.values_list("version_id", "month").annotate(amount=Sum("amount")):
        year = year_of.get(month) or year_of.setdefault(month, financial_year(month, first_month).start_year)
        summed = years[pk]
        summed[year] = summed.get(year, ZERO) + (penny(amount) or ZERO)
    categories: dict[int, list[tuple[int, str, Decimal]]] = {pk: [] for pk in ids}
    by_category = lines.values_list("version_id", "category__position", "category__name")
    for pk, position, name, amount in by_category.annotate(amount=Sum("amount")):
        categories[pk].append((position, name, penny(amount) or ZERO))
    return {
        pk: VersionSums(
            by_year=[
                (FinancialYear(year, first_month), amount) for year, amount in sorted(years[pk].items())
            ],
            by_category=[(name, amount) for _position, name, amount in sorted(categories[pk])],
        )
        for pk in ids
    }


def current_budgets(project_ids: Iterable[int]) -> dict[int, BudgetVersion]:
    """Each project's budget: its latest approved version (one query)."""
    found: dict[int, BudgetVersion] = {}
    for version in BudgetVersion.objects.filter(
        project_id__in=list(project_ids), status=BudgetStatus.APPROVED
    ).order_by("project_id", "-number"):
        found.setdefault(version.project_id, version)
    return found


def approved_budget_numbers(project_ids: Iterable[int]) -> dict[int, int]:
    """Each project's latest approved budget version number, by project id (one grouped query;
    projects with none are left out)."""
    rows = (
        BudgetVersion.objects.filter(project_id__in=list(project_ids), status=BudgetStatus.APPROVED)
        .values("project_id")
        .annotate(top=Max("number"))
    )
    return {row["project_id"]: row["top"] for row in rows}


def forecasts_made(project_ids: Iterable[int], day: date | None = None) -> dict[int, datetime]:
    """When each project's latest forecast (of those there were on ``day``) was made, by project
    id (one grouped query; projects with none are left out)."""
    rows = (
        ForecastVersion.objects.filter(made_by(day), project_id__in=list(project_ids))
        .values("project_id")
        .annotate(made=Max("made_at"))
    )
    return {row["project_id"]: row["made"] for row in rows}


def latest_forecasts(project_ids: Iterable[int], day: date | None = None) -> dict[int, ForecastVersion]:
    """Each project's latest forecast: the one of its latest period, of those there were on
    ``day`` when given (``made_by``; one query)."""
    found: dict[int, ForecastVersion] = {}
    for version in (
        ForecastVersion.objects.filter(made_by(day), project_id__in=list(project_ids))
        .select_related("period")
        .order_by("project_id", "-period__start")
    ):
        found.setdefault(version.project_id, version)
    return found


def made_by(day: date | None) -> Q:
    """The forecasts there were on ``day``: made by its end, or for a period begun by then
    (made again since); all of them without a day. A report of a past period sees the forecast
    of that period, not a later one."""
    if day is None:
        return Q()
    next_day = datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())
    return Q(made_at__lt=next_day) | Q(period__start__lte=day)


def _by_month(rows: Iterable[dict[str, Any]]) -> dict[date, Decimal]:
    return {row["month"]: row["amount"] for row in rows}


@dataclass(frozen=True)
class ProjectFinance:
    """A project's money: its budget, actuals and latest forecast by month, and what they come
    to over its whole life and in the current financial year."""

    project: Project
    budget_version: BudgetVersion | None
    forecast_version: ForecastVersion | None
    budget: dict[date, Decimal]
    actuals: dict[date, Decimal]
    forecast: dict[date, Decimal]
    year: FinancialYear
    whole_life: Outturn
    this_year: Outturn
    profile_to_date: Decimal  # what the year's budget planned to spend before the split

    @property
    def has_data(self) -> bool:
        return bool(self.budget_version or self.actuals or self.forecast_version)


def project_finance(*, project: Project, day: date | None = None) -> ProjectFinance:
    """A project's figures (its caller has checked the user may see the project): the latest approved
    budget is the BAC; EAC is the actuals of the months before the split plus the latest
    forecast from the split on (of the forecasts there were on ``day``: ``made_by``). The
    split is the latest forecast's period month, or the month after the last month finance has
    closed if that is later (a closed month's actuals are final, whatever an older forecast
    said of it). With no forecast yet, the rest of the budget stands as the forecast from the
    split (the current month, or after the last closed one) on: the project is taken to land
    on budget until someone says otherwise. Seven queries (the settings row among them),
    whatever the number of lines."""
    day = day or clock.today()
    budget_version = current_budgets([project.pk]).get(project.pk)
    forecast_version = latest_forecasts([project.pk], day).get(project.pk)
    budget = (
        _by_month(
            BudgetLine.objects.filter(version=budget_version)
            .values("month")
            .annotate(amount=Sum("amount"))
            .order_by()
        )
        if budget_version
        else {}
    )
    actuals = _by_month(
        ActualLine.objects.filter(project=project).values("month").annotate(amount=Sum("amount")).order_by()
    )
    closed = MonthLock.objects.aggregate(last=Max("month"))["last"]
    split = month_of(forecast_version.period.start) if forecast_version is not None else month_of(day)
    if closed is not None:
        split = max(split, add_months(closed, 1))
    if forecast_version is not None:
        forecast = _by_month(
            ForecastLine.objects.filter(version=forecast_version)
            .values("month")
            .annotate(amount=Sum("amount"))
            .order_by()
        )
    else:
        forecast = {month: amount for month, amount in budget.items() if month >= split}
    year = current_year(day)
    return ProjectFinance(
        project=project,
        budget_version=budget_version,
        forecast_version=forecast_version,
        budget=budget,
        actuals=actuals,
        forecast=forecast,
        year=year,
        whole_life=outturn(budget=budget, actuals=actuals, forecast=forecast, split=split),
        this_year=in_year(year=year, budget=budget, actuals=actuals, forecast=forecast, split=split),
        profile_to_date=profile_to_date(budget, year, split),
    )


# Roll-ups ----------------------------------------------------------------------------------

# What a roll-up groups by, as seen from a project (its programme, department…) or from a
# line (its category, capital or revenue, funding source).
PROJECT_KEYS = {
    "project": "code",
    "portfolio": "portfolio__name",
    "programme": "programme__code",
    "department": "department__name",
}
LINE_KEYS = {
    "category": "category__name",
    "spend_type": "spend_type",
    "funding_source": "funding_source__name",
}
ROLL_UP_BY = (*PROJECT_KEYS, *LINE_KEYS)
UNKNOWN_ROLL_UP = "A roll-up is by one of {choices}, not {by!r}."


def penny(value: Any) -> Decimal | None:
    """A sum read back, to the penny the lines are kept to (SQLite sums decimals as floats)."""
    return None if value is None else Decimal(value).quantize(PENNY)


def sums_by(
    queryset: QuerySet[Any],
    group: Sequence[str],
    *,
    total: bool = True,
    before: Iterable[date] = (),
    since: Iterable[date] = (),
) -> list[tuple[tuple[Any, ...], MonthSums]]:
    """The lines' amounts summed per ``group`` (one query, a row per group, however many
    months): in all (``total``), before each of the ``before`` months and from each of the
    ``since`` months (``None`` where no line falls there). Without the total, the lines that no
    sum needs are not read: those from the last ``before`` month (before the first ``since``),
    whose sum is then the plain sum of what is read."""
    cuts = {"before": sorted(set(before)), "since": sorted(set(since))}
    columns: dict[str, Any] = {}
    if total:
        columns["total"] = Sum("amount")
    elif cuts["before"] and not cuts["since"]:
        queryset = queryset.filter(month__lt=cuts["before"][-1])
    elif cuts["since"] and not cuts["before"]:
        queryset = queryset.filter(month__gte=cuts["since"][0])
    read = len(columns)
    for n, cut in enumerate(cuts["before"]):
        plain = not total and n == len(cuts["before"]) - 1 and not cuts["since"]
        columns[f"before_{n}"] = Sum("amount") if plain else Sum("amount", filter=Q(month__lt=cut))
    for n, cut in enumerate(cuts["since"]):
        plain = not total and n == 0 and not cuts["before"]
        columns[f"since_{n}"] = Sum("amount") if plain else Sum("amount", filter=Q(month__gte=cut))
    width, middle = len(group), len(group) + read + len(cuts["before"])
    found = []
    for row in queryset.values_list(*group).annotate(**columns).order_by():
        found.append(
            (
                tuple(row[:width]),
                MonthSums(
                    total=penny(row[width]) if total else None,
                    before=dict(zip(cuts["before"], map(penny, row[width + read : middle]), strict=True)),
                    since=dict(zip(cuts["since"], map(penny, row[middle:]), strict=True)),
                ),
            )
        )
    return found


def current_versions(
    model: type[BudgetVersion] | type[ForecastVersion],
    day: date,
    *,
    user: Any = None,
    projects: QuerySet[Any] | Iterable[int] | None = None,
) -> QuerySet[Any]:
    """The ids of the versions that count: each project's latest approved budget
    (``current_budgets``) or its latest forecast of those there were on ``day``
    (``latest_forecasts``), of those ``user`` may see (any, without a user), of ``projects``
    (ids, or a query of them; all without), as a subquery (the database picks them as it sums
    their lines; no list of ids is sent)."""
    latest: QuerySet[Any]
    if model is BudgetVersion:
        approved = BudgetVersion.objects.filter(project=OuterRef("project"), status=BudgetStatus.APPROVED)
        latest = approved.order_by("-number")
    else:
        latest = ForecastVersion.objects.filter(made_by(day), project=OuterRef("project"))
        latest = latest.order_by("-period__start")
    found: QuerySet[Any] = model.objects.restrict(user, "view") if user is not None else model.objects.all()
    if projects is not None:
        found = found.filter(project_id__in=projects)
    return found.filter(pk=Subquery(latest.values("pk")[:1])).order_by().values("pk")


def after_closed() -> date | None:
    """The month after the last month finance has closed (None: none closed): a split is never
    before it (one query)."""
    closed = MonthLock.objects.aggregate(last=Max("month"))["last"]
    return add_months(closed, 1) if closed is not None else None


def split_month(forecast_start: date | None, day: date, after: date | None) -> date:
    """Where a project's figures split: its latest forecast's month (``forecast_start``: the
    start of that forecast's period), or ``day``'s month with no forecast; never before the
    month after the last closed one (``after``)."""
    split = month_of(forecast_start if forecast_start is not None else day)
    return max(split, after) if after is not None else split


def portfolio_roll_up(
    *, user: Any, by: str, year: FinancialYear | None = None, day: date | None = None
) -> dict[Any, Outturn]:
    """Budget, actuals to date, forecast of the rest, EAC and variance of every project whose
    money ``user`` may see, summed by ``by`` (``portfolio_roll_up_profiled``, without the
    profile)."""
    return portfolio_roll_up_profiled(user=user, by=by, year=year, day=day)[0]


def portfolio_roll_up_profiled(
    *, user: Any, by: str, year: FinancialYear | None = None, day: date | None = None
) -> tuple[dict[Any, Outturn], dict[Any, Decimal] | None]:
    """Budget, actuals to date, forecast of the rest, EAC and variance of every project whose
    money ``user`` may see, summed by ``by`` (``ROLL_UP_BY``: project, portfolio, programme,
    department, category, spend_type, funding_source; a project outside a programme, or a line
    without a funding source, counts under None), over the whole life or within ``year``. Each
    project is split as ``project_finance`` splits it (its latest forecast's month, or after the
    last closed month; with no forecast, its budget from the current month stands). Six
    queries, whatever the number of projects: the database sums each project's lines (by the
    key when it is a line's) in all, before each split month and from it (``sums_by``), so a row
    per project comes back, not a row per month; ``engine.finance.roll_up_sums`` adds them up
    as ``roll_up`` adds up months (ADR 0049). Within a ``year``, also the profile to date by
    ``by`` (None over the whole life): what the year's budget planned to spend before each
    project's split, which in-year spend is judged against, summed with the budget (no query
    more)."""
    if by not in ROLL_UP_BY:
        raise ValueError(UNKNOWN_ROLL_UP.format(choices=", ".join(ROLL_UP_BY), by=by))
    day = day or clock.today()
    after = after_closed()
    unforecast_split = split_month(None, day, after)
    by_project = by in PROJECT_KEYS
    # Each project's current budget and latest forecast version, and, by a project's key, the
    # key of each project with money: read with the versions (and, for the projects with
    # ledger lines, in the same query) rather than joined to each line.
    named = (PROJECT_KEYS[by],) if by_project else ()
    names: dict[int | None, Any] = {None: None}  # a cost centre's ledger line has no project
    approved: QuerySet[Any] = (
        BudgetVersion.objects.restrict(user, "view")
        .filter(status=BudgetStatus.APPROVED)
        .order_by()
        .values_list("project_id", "pk", "number", *(f"project__{name}" for name in named))
    )
    if by_project:
        ledger = ActualLine.objects.restrict(user, "view").filter(project=OuterRef("pk"))
        spending = (
            Project.objects.filter(Exists(ledger))
            .order_by()
            .values_list("pk", Value(None, IntegerField()), Value(None, IntegerField()), *named)
        )
        approved = approved.union(spending, all=True)
    budgets: dict[int, tuple[int, int]] = {}  # project -> (number, version)
    for project_id, pk, number, *name in approved:
        names[project_id] = name[0] if name else None
        if pk is not None and (project_id not in budgets or number > budgets[project_id][0]):
            budgets[project_id] = (number, pk)
    forecasts: dict[int, tuple[int, date]] = {}  # project -> (version, its period's start)
    for project_id, pk, start, *name in (
        ForecastVersion.objects.restrict(user, "view")
        .filter(made_by(day))
        .order_by("project_id", "-period__start")
        .values_list("project_id", "pk", "period__start", *(f"project__{name}" for name in named))
    ):
        names[project_id] = name[0] if name else None
        forecasts.setdefault(project_id, (pk, start))
    splits = {project: split_month(start, day, after) for project, (_pk, start) in forecasts.items()}
    cuts = sorted({*splits.values(), unforecast_split})
    # Within a year, only its months are summed.
    months = {"month__gte": year.start, "month__lte": year.last_month} if year is not None else {}
    group = () if by_project else (LINE_KEYS[by],)

    def rows(found: list[tuple[tuple[Any, ...], MonthSums]], owners: dict[int, int] | None) -> list[SumsRow]:
        """Sums per version (or project) and line key, as rows of their project."""
        made = []
        for (owner, *line_key), sums in found:
            project = owners[owner] if owners is not None else owner
            made.append(SumsRow(project, line_key[0] if line_key else names[project], sums))
        return made

    budget = rows(
        sums_by(
            BudgetLine.objects.restrict(user, "view").filter(
                version__in=current_versions(BudgetVersion, day, user=user), **months
            ),
            ("version_id", *group),
            # the budget from the split stands as the forecast of a project with none
            since=[unforecast_split] if set(budgets) - set(forecasts) else [],
            # the year's profile to date: its budget before each split
            before=cuts if year is not None else (),
        ),
        {pk: project for project, (_number, pk) in budgets.items()},
    )
    forecast = rows(
        sums_by(
            ForecastLine.objects.restrict(user, "view").filter(
                version__in=current_versions(ForecastVersion, day, user=user), **months
            ),
            ("version_id", *group),
            total=False,
            since=splits.values(),
        ),
        {pk: project for project, (pk, _start) in forecasts.items()},
    )
    # A cost centre's lines (the PMO's own budget, ADR 0053) are not a project's: not rolled up.
    spent = ActualLine.objects.restrict(user, "view").filter(project__isnull=False, **months)
    actuals = rows(sums_by(spent, ("project_id", *group), total=False, before=cuts), None)
    for row in (*budget, *actuals):
        splits.setdefault(row.project, unforecast_split)
    unforecast = [row for row in budget if row.project not in forecasts]
    found = roll_up_sums(budget=budget, actuals=actuals, forecast=[*forecast, *unforecast], splits=splits)
    if year is None:
        return found, None
    profile: dict[Any, Decimal] = {}
    for row in budget:
        planned = row.sums.before[splits[row.project]]
        if planned is not None:
            profile[row.key] = profile.get(row.key, ZERO) + planned
    return found, profile


# Forecast accuracy -------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastAccuracy:
    """One forecast version measured against the actuals of the months it forecast that finance
    has since closed."""

    version: ForecastVersion
    accuracy: Accuracy


def forecast_accuracies(*, user: Any, project: Project | None = None) -> list[ForecastAccuracy]:
    """Every forecast the user may see that forecast at least one month now closed, measured
    over its closed months (``pmo.engine.finance.accuracy``), newest first per project. Four
    queries, whatever the number of forecasts."""
    closed = sorted(MonthLock.objects.values_list("month", flat=True))
    if not closed:
        return []
    versions = list(
        forecast_version_list(user=user, project=project)
        .filter(period__start__lte=month_end(closed[-1]))
        .prefetch_related("lines")
    )
    spent: dict[int, dict[date, Decimal]] = {}
    for row in (
        ActualLine.objects.filter(project_id__in={v.project_id for v in versions}, month__in=closed)
        .values("project_id", "month")
        .annotate(amount=Sum("amount"))
        .order_by()
    ):
        spent.setdefault(row["project_id"], {})[row["month"]] = row["amount"]
    found = []
    for version in versions:
        first = month_of(version.period.start)
        months = [month for month in closed if month >= first]
        lines = by_month((line.month, line.amount) for line in version.lines.all())
        found.append(ForecastAccuracy(version, accuracy(lines, spent.get(version.project_id, {}), months)))
    return found


ACCURACY_BY = {
    "project": lambda version: version.project.code,
    "project_manager": lambda version: str(version.project.project_manager),
    "made_by": lambda version: str(version.made_by) if version.made_by_id else None,
}


def accuracy_by(measured: Iterable[ForecastAccuracy], by: str) -> dict[Any, Accuracy]:
    """Forecast accuracy summed by project, by project manager or by who made the forecasts:
    errors and actuals are summed before the share is taken, so a big project's miss weighs as
    much as it cost."""
    key = ACCURACY_BY[by]
    totals: dict[Any, Accuracy] = {}
    for each in measured:
        name = key(each.version)
        totals[name] = totals.get(name, NO_ACCURACY) + each.accuracy
    return totals


def ledger_mapping(user: Any) -> dict[str, str] | None:
    """What each column of ``user``'s ledger extracts holds, as they last mapped them (header,
    folded, to field or "" to ignore), or None."""
    if getattr(user, "pk", None) is None:
        return None
    found = LedgerMapping.objects.filter(user_id=user.pk).first()
    return dict(found.columns) if found is not None else None
