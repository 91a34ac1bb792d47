"""The demo's money: cost codes, budgets phased by month, two years of ledger actuals, a
forecast per reporting period and the months finance has closed, for the demo portfolio's active
projects, each written through ``pmo.finance.services`` with the clock held at when it happened
(``demo_run``).

- every active project has cost codes (contractors on the capital programme, staff and software
  or hardware on the revenue budget) and an approved budget phased by month and category over its
  life, the same as its first baseline's budget at completion, approved by the finance partner
  the day the baseline was; where a change request, an exception decision or the PMO moved the
  baseline, a later budget version re-phases the months left to its new budget (the months before
  kept as they were) and names the baseline, change request or exception;
- the ledger is loaded once a month for every project (the month's extract, on the fourth of the
  next month), from the earliest start up to two years back, to last month; finance closes each
  month a few days after loading it;
- each project's manager makes a forecast in each reporting period: most forecast the run rate
  the ledger shows (accurate), the slipping projects forecast their budget while spending more
  (drifting), the two cost-breach projects of the reporting demo overspend and say so from the
  period they breached (``OVERSPENDING``);
- the reporting demo's over-optimistic project (``EARLY_WARNING``) spends to budget and reports
  green, but has achieved only its first milestone: its earned schedule (SPI(t), milestone
  weights from the budget's phasing) is far below the threshold a year before its PM says so;
  its latest forecast lands its EAC near its cost tolerance (forecast to breach);
- the project whose baseline the change demo's board moved this period (``BOARD_MOVED``) has its
  manager's forecast of the budget before the board met: its EAC is under the new baseline
  beyond tolerance, as the reporting demo's exception for it says;
- on the demo's day the finance partner turns on the cost tolerance's use of finance's EAC
  (``FinanceSettings.cost_tolerance_on_eac``, off while the year is replayed: the ledger is
  loaded before the reports are written), and every budgeted project is judged again on
  finance's figures, agreeing with the reporting demo's stories (ADR 0049's amendment).

The finance steps run before the year of highlight reports (order 215), while every reporting
period is still open, so the forecasts of past periods are made in their period as a PM makes
them; the budget versions of later baselines and the closed months come after the change log
(order 280); finance's EAC is turned on last (order 290). Randomness comes from the module's
own seeded generator: drawing from the context's would move every later step's draws (the
reports, the change log) and change their stories.
"""

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pmo.change.models import ChangeRequest
from pmo.core.demo import demo_moment, demo_run, demo_settings, demo_step
from pmo.core.models import User
from pmo.engine.finance import add_months, financial_year, month_of, months_between
from pmo.finance import demo_cost_centres, selectors, services
from pmo.finance.choices import SpendType
from pmo.finance.models import ActualLine, CostCategory, CostCode, ForecastVersion, FundingSource
from pmo.finance.services import LedgerRow, MonthAmount
from pmo.portfolio.choices import ProjectStatus
from pmo.portfolio.demo import DemoContext
from pmo.portfolio.models import Project
from pmo.reporting.choices import PeriodStatus
from pmo.reporting.models import Baseline, ProjectException, ReportingPeriod, Tolerance, ToleranceDefault

FINANCE_SEED = 12
"""The finance demo's own generator (the context's stays the reports' and change log's)."""

ACTUALS_MONTHS = 24
"""The ledger goes back two years (or to the project's start, if later)."""
LOADED_ON = 4  # the day of the next month a month's extract is loaded
CLOSED_ON = 8  # the day of the next month finance closes it

# The reporting demo's stories (pmo/reporting/demo.py, named again here: a domain app reads
# another's records, not its modules; the finance demo's tests check the names agree).
EARLY_WARNING = "Migrate data centre to Azure"  # its OVER_OPTIMISTIC project
"""Spends to budget and reports green; its earned schedule says it is months behind."""
OVERSPENDING = {
    # name: (run rate of the actuals against the budget, the period (from the end) from which
    # its forecasts say so)
    "Cyber incident remediation": (Decimal("1.22"), 1),  # its AWAITING_REPORT: breached cost now
    "Technology-enabled care: digital alarm switchover": (Decimal("1.2"), 2),  # AWAITING_DECISION
}
"""The two projects whose cost breach the reporting demo tells: EAC above budget beyond the
cost tolerance."""
NEAR_TOLERANCE = Decimal("0.9")
"""The early-warning project's latest forecast lands this share of its cost tolerance above its
budget: forecast to breach (the reporting demo's story: its forecasts near tolerance while it
reports green), not beyond."""
BOARD_MOVED = "Cloud backup and disaster recovery"
"""The change demo's board added £145,000 to its baseline this period; its manager's forecast,
made before, is still of the old budget: finance's EAC is that far under the new baseline (the
reporting demo's exception for it, raised both ways)."""
DRIFTING = frozenset(
    ("Windows 11 rollout", "Contact centre telephony replacement", "Council tax online self-service")
)  # its SLIPPING projects
"""Spend above budget while their forecasts keep to it: their forecasts' accuracy is poor."""

# (suffix, category, spend type, funding source, share of the budget, description)
CODES = (
    (
        "CON",
        "Contractors",
        SpendType.CAPITAL,
        "Capital programme",
        Decimal("0.55"),
        "supplier and contractors",
    ),
    ("STF", "Staff", SpendType.REVENUE, "Revenue budget", Decimal("0.25"), "project team and backfill"),
    ("SW", "Software", SpendType.REVENUE, "Revenue budget", Decimal("0.20"), "licences and subscriptions"),
)
HARDWARE = (
    "HW",
    "Hardware",
    SpendType.CAPITAL,
    "Capital programme",
    Decimal("0.20"),
    "devices and equipment",
)
HARDWARE_WORDS = ("device", "Wi-Fi", "network", "data centre", "backup", "Windows", "alarm", "telephony")
SMALL_BUDGET = Decimal(300_000)  # below it, a project has no third cost code
ACCURATE = (
    "Replace Children's social care case management system",
    "Corporate data platform",
    "Customer portal and single sign-on (My Northshire account)",
    "Planning and building control system replacement",
)
"""Forecast the run rate the ledger shows, period after period."""
FORECASTING = frozenset({EARLY_WARNING, *OVERSPENDING, *DRIFTING, *ACCURATE})
"""The projects whose managers forecast every period (the others' budgets stand as their
forecasts: a forecast per project and period would double the demo's finance build time)."""


def _pounds(value: float | Decimal) -> Decimal:
    return Decimal(math.floor(value))


@dataclass
class _Money:
    """One project's money as the demo tells it."""

    project: Project
    baseline: Baseline
    codes: list[CostCode] = field(default_factory=list)
    budget: dict[tuple[dt.date, int], Decimal] = field(default_factory=dict)  # (month, code index)
    rate: Decimal = Decimal(1)  # actuals against the budget

    @property
    def months(self) -> list[dt.date]:
        return sorted({month for month, _ in self.budget})


def _start(project: Project) -> dt.date:
    assert project.planned_start is not None
    return project.planned_start


def _shape(months: list[dt.date]) -> list[float]:
    """A budget's profile over its months: steady (the team's costs), busier mid-way (the
    supplier's build). Flat enough that a plan's percent complete, which counts working time,
    earns value about as fast as the budget plans it: a project on plan has an SPI(t) near 1."""
    count = len(months)
    return [1.5 + math.sin(math.pi * (index + 0.5) / count) for index in range(count)]


def _phase(
    total: Decimal, months: list[dt.date], shares: list[Decimal], life: list[dt.date] | None = None
) -> dict[tuple[dt.date, int], Decimal]:
    """``total`` spread over ``months`` by the profile of the project's ``life`` (``months``
    when not given) and over the codes by ``shares``, in whole pounds, the pennies of rounding on
    the largest line, so the lines add up to ``total``."""
    profile = dict(zip(life or months, _shape(life or months), strict=True))
    weights = [profile[month] for month in months]
    whole = sum(weights)
    lines: dict[tuple[dt.date, int], Decimal] = {}
    for month, weight in zip(months, weights, strict=True):
        for index, share in enumerate(shares):
            lines[(month, index)] = _pounds(float(total) * weight / whole * float(share))
    largest = max(lines, key=lambda key: lines[key])
    lines[largest] += total - sum(lines.values())
    return lines


def _lines(money: _Money, amounts: dict[tuple[dt.date, int], Decimal]) -> list[MonthAmount]:
    return [
        MonthAmount(
            month=month,
            category=money.codes[index].category,
            spend_type=money.codes[index].spend_type,
            funding_source=money.codes[index].funding_source,
            amount=amount,
        )
        for (month, index), amount in sorted(amounts.items())
    ]


def _shares(money: _Money) -> list[Decimal]:
    shares = [share for *_rest, share, _text in _kinds(money.project, money.baseline)]
    return [share / sum(shares) for share in shares]


def _kinds(project: Project, baseline: Baseline) -> tuple[tuple[Any, ...], ...]:
    third = HARDWARE if any(word in project.name for word in HARDWARE_WORDS) else CODES[2]
    if baseline.budget_at_completion < SMALL_BUDGET:
        return CODES[:2]
    return (*CODES[:2], third)


_STATE: dict[int, tuple[dict[str, _Money], random.Random]] = {}


@demo_step(order=120)
def finance_settings(ctx: DemoContext) -> None:
    """The finance settings (the defaults: April to March, pounds), set up a year ago."""
    demo_settings(ctx.today, selectors.finance_settings)


def _actor(project: Project, fallback: User) -> User:
    manager = project.project_manager
    return manager.user if manager is not None and manager.user is not None else fallback


@demo_step(order=215)
def finance_records(ctx: DemoContext) -> None:
    """Cost codes and first budgets, then, month by month, the ledger loads and the forecasts,
    each on its day."""
    rng = random.Random(FINANCE_SEED)  # noqa: S311 - reproducible demo data, not security
    finance = ctx.users["finance"]
    # While the year is replayed, the cost tolerance judges what the reports state, as a PMO does
    # while finance's figures are being checked (FinanceSettings.cost_tolerance_on_eac): the
    # ledger is loaded here, before the reports are written, so a report of May judged on
    # finance's EAC would be judged on November's figures. The finance partner turns it on on
    # the demo's day (``finance_eac_judged``), once the year is in.
    first = min(
        b.approved_at for b in Baseline.objects.filter(project__status=ProjectStatus.ACTIVE, number=1)
    )
    config = selectors.finance_settings()
    demo_run(
        first - dt.timedelta(hours=2),
        services.finance_settings_update,
        actor=finance,
        settings_row=config,
        fields={"cost_tolerance_on_eac": False},
        expected_version=config.version,
    )
    categories = {row.name: row for row in CostCategory.objects.all()}
    sources = {row.name: row for row in FundingSource.objects.all()}
    active = sorted(
        (p for p in ctx.projects.values() if p.status == ProjectStatus.ACTIVE), key=lambda p: p.code
    )
    baselines = {
        b.project_id: b
        for b in Baseline.objects.filter(project__in=active, number=1).select_related("project")
    }
    state: dict[str, _Money] = {}
    events: list[tuple[dt.datetime, int, Any, dict[str, Any]]] = []
    for project in active:
        baseline = baselines.get(project.pk)
        if baseline is None:
            continue
        money = state[project.name] = _Money(project, baseline)
        at = baseline.approved_at
        for suffix, category, spend_type, source, _share, text in _kinds(project, baseline):
            money.codes.append(
                demo_run(
                    at + dt.timedelta(hours=1), services.cost_code_create, actor=finance,
                    fields={
                        "code": f"{project.code.replace('-', '')}-{suffix}",
                        "description": f"{project.name}: {text}",
                        "project": project, "category": categories[category], "spend_type": spend_type,
                        "funding_source": sources[source],
                    },
                )
            )  # fmt: skip
        months = months_between(month_of(_start(project)), month_of(baseline.finish))
        money.budget = _phase(baseline.budget_at_completion, months, _shares(money))
        version = demo_run(
            at + dt.timedelta(hours=2), services.budget_draft, actor=finance, project=project,
            reason="The business case's budget, phased by month as the project plan spends it.",
            lines=_lines(money, money.budget), baseline=baseline,
        )  # fmt: skip
        demo_run(at + dt.timedelta(hours=3), services.budget_approve, actor=finance, version=version,
                 expected_version=version.version)  # fmt: skip
        if project.name in OVERSPENDING:
            money.rate = OVERSPENDING[project.name][0]
        elif project.name in DRIFTING:
            money.rate = Decimal(str(round(rng.uniform(1.1, 1.14), 3)))
        elif project.name == EARLY_WARNING:
            money.rate = Decimal(1)
        else:
            money.rate = Decimal(str(round(rng.uniform(0.93, 1.05), 3)))
    this_month = month_of(ctx.today)
    first = max(
        min(m for money in state.values() for m in money.months), add_months(this_month, -ACTUALS_MONTHS)
    )
    for month in months_between(first, add_months(this_month, -1)):
        loaded = demo_moment(add_months(month, 1).replace(day=LOADED_ON), 10)
        if loaded.date() >= ctx.today:
            continue  # not loaded yet
        events.append((loaded, 0, _load, {"ctx": ctx, "state": state, "month": month, "rng": rng}))
    periods = list(ReportingPeriod.objects.order_by("start"))
    for number, period in enumerate(periods):
        made = period.start + dt.timedelta(days=10)
        made = min(made, ctx.today - dt.timedelta(days=1))
        for money in state.values():
            if month_of(period.start) > money.months[-1] or month_of(_start(money.project)) > period.start:
                continue
            at = demo_moment(made, 11) if made >= period.start else demo_moment(ctx.today, 0, 30)
            if money.project.name == BOARD_MOVED and period == periods[-1]:
                at = demo_moment(period.start + dt.timedelta(days=2), 11)  # before the board met
            elif money.project.name not in FORECASTING:
                continue
            from_end = len(periods) - number
            events.append(
                (
                    at,
                    1,
                    _forecast,
                    {
                        "money": money,
                        "period": period,
                        "from_end": from_end,
                        "rng": rng,
                        "actor": _actor(money.project, finance),
                    },
                )
            )
    for at, _order, call, kwargs in sorted(events, key=lambda e: (e[0], e[1])):
        demo_run(at, call, **kwargs)
    _STATE[id(ctx)] = (state, rng)


def _load(*, ctx: DemoContext, state: dict[str, _Money], month: dt.date, rng: random.Random) -> None:
    """The month's ledger extract for every project spending in it: each cost code's spend at
    the project's run rate, give or take 8%; now and then a supplier's credit note."""
    rows: list[LedgerRow] = []
    for money in state.values():
        for index, code in enumerate(money.codes):
            planned = money.budget.get((month, index))
            if planned is None:
                continue
            amount = (planned * money.rate * Decimal(str(round(rng.uniform(0.92, 1.08), 3)))).quantize(
                Decimal("0.01")
            )
            rows.append(
                LedgerRow(
                    code.code,
                    month,
                    amount,
                    f"{code.description[:150]}",
                    f"J{month:%y%m}-{len(rows) + 1:05d}",
                )
            )
            if rng.random() < 0.02:
                credit = -(amount * Decimal("0.1")).quantize(Decimal("0.01"))
                rows.append(
                    LedgerRow(
                        code.code,
                        month,
                        credit,
                        "Supplier credit note",
                        f"CN{month:%y%m}-{len(rows) + 1:05d}",
                    )
                )
    rows += demo_cost_centres.ledger_rows(month)  # the PMO's own budget's lines, in the same extract
    if rows:
        year = financial_year(month, selectors.finance_settings().first_month)
        services.actuals_load(
            actor=ctx.users["finance"],
            rows=rows,
            reference=f"General ledger extract {month:%B %Y}",
            year=year,
        )


def _forecast(
    *, money: _Money, period: ReportingPeriod, from_end: int, rng: random.Random, actor: User
) -> None:
    """The project's forecast in ``period``: its budget from the period's month on, at the rate
    its manager expects."""
    name = money.project.name
    first = month_of(period.start)
    if name in OVERSPENDING:
        rate, since = OVERSPENDING[name]
        factor = rate if from_end <= since else Decimal(1)
    elif name == EARLY_WARNING and from_end == 1:
        factor = _near_tolerance(money, first)
    elif name in DRIFTING or name in (EARLY_WARNING, BOARD_MOVED):
        factor = Decimal(1)
    else:
        factor = money.rate * Decimal(str(round(rng.uniform(0.98, 1.02), 3)))
    amounts = {key: _pounds(amount * factor) for key, amount in money.budget.items() if key[0] >= first}
    if not amounts:
        return
    note = "On budget." if factor == 1 else f"Spending at {factor:.0%} of the budget's rate."
    services.forecast_make(
        actor=actor, project=money.project, period=period, lines=_lines(money, amounts), note=note
    )


def _near_tolerance(money: _Money, first: dt.date) -> Decimal:
    """The rate at which the rest of ``money``'s budget, from ``first`` on, lands its EAC
    ``NEAR_TOLERANCE`` of its cost tolerance above the budget (the tolerance the project's own,
    or its size tier's default, both read as the cost tolerance reads them)."""
    budget = sum(money.budget.values(), Decimal(0))
    own = Tolerance.objects.filter(project=money.project, dimension="cost").first()
    row: Tolerance | ToleranceDefault = (
        own
        if own is not None
        else ToleranceDefault.objects.get(size_tier=money.project.size_tier, portfolio=None, dimension="cost")
    )
    allowances = [Decimal(row.absolute)] if row.absolute is not None else []
    allowances += [budget * Decimal(row.percent) / 100] if row.percent is not None else []
    spent = sum(
        ActualLine.objects.filter(project=money.project, month__lt=first).values_list("amount", flat=True),
        Decimal(0),
    )
    rest = sum((amount for (month, _), amount in money.budget.items() if month >= first), Decimal(0))
    return ((budget + NEAR_TOLERANCE * min(allowances) - spent) / rest).quantize(Decimal("0.001"))


@demo_step(order=280)
def finance_rebudgets_and_closes(ctx: DemoContext) -> None:
    """A budget version for each later baseline (the change request or exception decision that
    made it named), the open periods' forecasts made again against it, and the months finance
    closed, each on its day."""
    saved = _STATE.pop(id(ctx), None)
    if saved is None:
        return
    state, rng = saved
    finance = ctx.users["finance"]
    by_project = {money.project.pk: money for money in state.values()}
    later = Baseline.objects.filter(project_id__in=by_project, number__gt=1).order_by("approved_at", "pk")
    for baseline in later:
        money = by_project[baseline.project_id]
        at = baseline.approved_at
        moved = month_of(at.date())
        kept = {key: amount for key, amount in money.budget.items() if key[0] < moved}
        months = months_between(moved, max(month_of(baseline.finish), moved))
        rest = baseline.budget_at_completion - sum(kept.values(), Decimal(0))
        life = months_between(month_of(_start(money.project)), months[-1])
        money.budget = {**kept, **_phase(rest, months, _shares(money), life)}
        version = demo_run(
            at + dt.timedelta(hours=2), services.budget_draft, actor=finance, project=money.project,
            reason=f"Re-phased to baseline v{baseline.number}: {baseline.reason}"[:1000],
            lines=_lines(money, money.budget),
            baseline=baseline, change_request=ChangeRequest.objects.filter(new_baseline=baseline).first(),
            exception=ProjectException.objects.filter(new_baseline=baseline).first(),
        )  # fmt: skip
        demo_run(at + dt.timedelta(hours=3), services.budget_approve, actor=finance, version=version,
                 expected_version=version.version)  # fmt: skip
        # The manager makes the open periods' forecasts again against the new budget (but the
        # board's project's has not yet: its forecast is of the budget before the board met).
        for made in (
            ForecastVersion.objects.filter(project=money.project, period__status=PeriodStatus.OPEN)
            .select_related("period")
            .order_by("period__start")
        ):
            remade = max(at + dt.timedelta(days=1), made.made_at + dt.timedelta(hours=1))
            if remade.date() < ctx.today and money.project.name != BOARD_MOVED:
                demo_run(remade, _forecast, money=money, period=made.period, from_end=0, rng=rng,
                         actor=_actor(money.project, finance))  # fmt: skip
    first = ActualLine.objects.order_by("month").values_list("month", flat=True).first()
    if first is None:
        return
    for month in months_between(first, add_months(month_of(ctx.today), -1)):
        closed = demo_moment(add_months(month, 1).replace(day=CLOSED_ON), 16)
        if closed.date() >= ctx.today:
            break
        demo_run(closed, services.month_lock, actor=finance, month=month)


@demo_step(order=290)
def finance_eac_judged(ctx: DemoContext) -> None:
    """On the demo's day, the year of reports and ledger in, the finance partner turns on the
    cost tolerance's use of finance's EAC: every budgeted project's tolerances are judged again
    on finance's figures (ADR 0052), which agree with the reporting demo's stories — the two
    overspending projects beyond tolerance (their exceptions already raised), the board's project
    under its new baseline, the early-warning project forecast to breach, the rest within."""
    config = selectors.finance_settings()
    demo_run(
        demo_moment(ctx.today, 8),
        services.finance_settings_update,
        actor=ctx.users["finance"],
        settings_row=config,
        fields={"cost_tolerance_on_eac": True},
        expected_version=config.version,
    )
