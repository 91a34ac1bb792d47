"""Earned value and earned schedule: how much of the plan the work done is worth, what it cost,
and where cost and time are heading.

The three measures, all cumulative money from the start of the project:

- **PV** (planned value): what the baseline planned to have done by a moment. A ``Baseline`` holds
  it per period (the month-by-month phasing of the approved budget, or the spread of a baselined
  schedule's task budgets over the periods); its last value is the budget at completion (BAC).
- **EV** (earned value): the budget of the work done, counted per work package by percent
  complete, by weighted milestones achieved, 0/100 or 50/50.
- **AC** (actual cost): what the work has cost, from the actuals.

From them, at a status point (``measure``): the variances SV = EV - PV and CV = EV - AC, the indices
SPI = EV / PV and CPI = EV / AC, the four standard estimates at completion with their ETC, VAC and
TCPI, and TCPI to the BAC. Time is measured in periods of the baseline (months, weeks), counted
from its start: AT (actual time) is how many periods have passed at the status point, PD (planned
duration) how many the baseline needs to reach its BAC.

**Earned schedule** (Lipke, 2003) says the same in time: ES is the moment at which the baseline
planned to have earned today's EV, found as the number of whole periods whose cumulative PV the
EV has reached, plus the linear fraction of the next period. Then SV(t) = ES - AT, SPI(t) = ES / AT,
IEAC(t) = PD / SPI(t) (the forecast duration), and the forecast finish date is where IEAC(t) falls
on the baseline's calendar of periods. ES never exceeds PD, and reaches it only when EV reaches BAC,
so a late project's SPI(t) stays below 1 until it finishes; at the finish ES = PD and IEAC(t) = AT,
the actual duration.

Figures keep full ``Decimal`` precision (money and time alike): rounding is the page's business
(money to the penny, indices and periods to two places). A ratio that cannot be formed (SPI with
nothing planned yet, CPI with nothing spent, TCPI with no funds left) is ``None``, and the
measurement says why in ``undefined``. EV above BAC is refused: no work can earn more than its
budget, so such a figure is a data error to correct, not a number to clamp (ADR 0048).
"""

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from itertools import accumulate, pairwise
from math import ceil
from typing import Self

from pmo.engine.calendar import ELAPSED, Calendar

ZERO = Decimal(0)
HALF = Decimal("0.5")
HUNDRED = Decimal(100)

EMPTY_BASELINE = "A baseline needs at least one period of planned value."
FALLING_BASELINE = "Cumulative planned value cannot fall: period {period} plans {value} after {previous}."
NEGATIVE_BASELINE = "Planned value cannot be negative (period {period}: {value})."
NO_BUDGET = "A baseline needs a budget at completion above zero: earned value is measured against it."
BAD_PERIOD_ENDS = "Give one end date per period, each after the one before and on or after the start."
NO_DATES = "This baseline has no dates: give its start and period ends to turn periods into dates."
NEGATIVE_BUDGET = "A work package's budget cannot be negative (got {value})."
BAD_PERCENT = "Percent complete must be between 0 and 100 (got {value})."
NO_MILESTONES = "Earning by milestones needs milestones with weights that add up to more than zero."
NEGATIVE_WEIGHT = "A milestone's weight cannot be negative (got {value})."
TASK_BACKWARDS = "Task {name!r} finishes ({finish}) before it starts ({start})."
TASK_AFTER_BASELINE = "Task {name!r} finishes ({finish}) after the last period of the baseline ends ({end})."
EV_ABOVE_BAC = (
    "Earned value ({ev}) cannot exceed the budget at completion ({bac}): no work earns more than its budget."
)
NEGATIVE_EV = "Earned value cannot be negative (got {value})."
NEGATIVE_AC = "Actual cost to date cannot be negative (got {value})."
NEGATIVE_TIME = "Actual time cannot be negative (got {value} periods)."
NEGATIVE_ETC = "A bottom-up estimate to complete cannot be negative (got {value})."

# Why a figure is undefined, by the figure.
NOTHING_PLANNED = "nothing was planned by the status date, so there is no plan to compare progress with"
NOTHING_SPENT = "nothing has been spent yet, so there is no cost efficiency to measure"
NOTHING_EARNED = "nothing has been earned yet, so current performance cannot forecast the rest"
NO_TIME = "no time has passed since the start"
NO_WORK_LEFT = "the work is complete: nothing remains to perform"
BUDGET_SPENT = "the budget is spent: no funds remain for the work left"
ESTIMATE_SPENT = "the estimate at completion is spent: no funds remain for the work left"
NO_BOTTOM_UP = "no bottom-up estimate to complete was given"


class EacMethod(StrEnum):
    """The four standard estimates at completion (PMI Practice Standard for EVM)."""

    # The rest of the work costs what its budget says: the variance so far was a one-off.
    BUDGET_RATE = "budget_rate"  # AC + (BAC - EV)
    # The cost efficiency so far continues.
    CPI = "cpi"  # BAC / CPI
    # Cost and schedule pressure both continue: late work costs more.
    CPI_SPI = "cpi_spi"  # AC + (BAC - EV) / (CPI × SPI)
    # The team re-estimated the remaining work from the bottom up.
    BOTTOM_UP = "bottom_up"  # AC + bottom-up ETC


class EarningMethod(StrEnum):
    """How a work package earns its budget."""

    PERCENT_COMPLETE = "percent_complete"  # budget × percent complete
    MILESTONES = "milestones"  # budget × weights of the milestones achieved / all weights
    ZERO_HUNDRED = "zero_hundred"  # nothing until complete, then all
    FIFTY_FIFTY = "fifty_fifty"  # half on starting, the rest on completion


# -- planned value -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """The performance measurement baseline: cumulative planned value at the end of each period.

    ``cumulative[i]`` is what should have been earned by the end of period ``i + 1`` (before the
    first period nothing is planned). Periods are whole reporting periods (months, weeks); with
    ``start`` (the first day of period 1) and ``period_ends`` (the last day of each period) they map
    to dates. The series may run on past the planned finish at the BAC (a phasing laid out over a
    financial year); the planned duration stops where the BAC is first reached."""

    cumulative: tuple[Decimal, ...]
    start: date | None = None
    period_ends: tuple[date, ...] | None = None

    def __post_init__(self) -> None:
        if not self.cumulative:
            raise ValueError(EMPTY_BASELINE)
        previous = ZERO
        for period, value in enumerate(self.cumulative, start=1):
            if value < 0:
                raise ValueError(NEGATIVE_BASELINE.format(period=period, value=value))
            if value < previous:
                raise ValueError(FALLING_BASELINE.format(period=period, value=value, previous=previous))
            previous = value
        if self.bac <= 0:
            raise ValueError(NO_BUDGET)
        if (self.start is None) != (self.period_ends is None):
            raise ValueError(BAD_PERIOD_ENDS)
        if self.period_ends is not None and self.start is not None:
            ends = (self.start - timedelta(days=1), *self.period_ends)
            if len(self.period_ends) != len(self.cumulative) or any(a >= b for a, b in pairwise(ends)):
                raise ValueError(BAD_PERIOD_ENDS)

    @classmethod
    def from_phasing(
        cls,
        per_period: Iterable[Decimal],
        *,
        start: date | None = None,
        period_ends: Sequence[date] | None = None,
    ) -> Self:
        """A baseline from the budget planned in each period (a monthly phasing), summed up."""
        return cls(
            cumulative=cumulative(per_period),
            start=start,
            period_ends=None if period_ends is None else tuple(period_ends),
        )

    @property
    def bac(self) -> Decimal:
        """Budget at completion: all the planned value."""
        return self.cumulative[-1]

    @property
    def planned_duration(self) -> int:
        """PD: the number of periods the baseline takes to plan its whole budget."""
        return self.cumulative.index(self.bac) + 1

    def pv_at(self, periods: Decimal) -> Decimal:
        """Planned value ``periods`` periods after the start, linear within a period."""
        if periods <= 0:
            return ZERO
        whole = int(periods)
        if whole >= len(self.cumulative):
            return self.bac
        before = self.cumulative[whole - 1] if whole else ZERO
        return before + (self.cumulative[whole] - before) * (periods - whole)

    def earned_schedule(self, ev: Decimal) -> Decimal:
        """ES: the time (in periods) at which the baseline planned to have earned ``ev``.

        The whole periods counted are those, up to the planned duration, whose cumulative PV the EV
        has reached (C); to them is added the share of the next period's planned value the EV goes
        beyond the last one reached (I). ES is PD once EV reaches the BAC, and never more."""
        pd = self.planned_duration
        whole = bisect_right(self.cumulative, ev, hi=pd)
        if whole >= pd:
            return Decimal(pd)
        reached = self.cumulative[whole - 1] if whole else ZERO
        # The next period plans more than EV (else it would have been counted), so this is > 0.
        step = self.cumulative[whole] - reached
        return whole + (ev - reached) / step

    # -- periods and dates -------------------------------------------------------------------

    @cached_property
    def _dated(self) -> tuple[tuple[date, ...], bool]:
        """The day before the start and each period's last day, and whether they are all month
        ends (worked out once: a trend asks for every month end's date)."""
        if self.start is None or self.period_ends is None:
            raise ValueError(NO_DATES)
        edges = (self.start - timedelta(days=1), *self.period_ends)
        return edges, all(_month_end(edge) for edge in edges)

    def _edges(self, reaching: date | None = None, periods: int = 0) -> list[date]:
        """The day before the start, then each period's last day, run on past the baseline until
        ``reaching`` is covered or there are ``periods`` periods. Past the last period, periods are
        calendar months when the baseline's periods end on month ends, else as long as its last
        period (a week, a fortnight)."""
        dated, monthly = self._dated
        edges = list(dated)
        step = edges[-1] - edges[-2]
        while (reaching is not None and edges[-1] < reaching) or len(edges) - 1 < periods:
            edges.append(_next_month_end(edges[-1]) if monthly else edges[-1] + step)
        return edges

    def time_at(self, day: date) -> Decimal:
        """AT for a status date: the periods ended by the end of ``day`` plus the share of the days
        of the period it falls in (past the baseline, periods run on as ``_edges`` says)."""
        edges = self._edges(reaching=day)
        if day <= edges[0]:
            return ZERO
        index = bisect_right(edges, day) - 1  # edges[index] <= day < edges[index + 1], or the last
        if index == len(edges) - 1:
            return Decimal(index)
        length = Decimal((edges[index + 1] - edges[index]).days)
        return index + Decimal((day - edges[index]).days) / length

    def date_at(self, periods: Decimal) -> date:
        """The day by whose end ``periods`` periods after the start have passed: the inverse of
        ``time_at``, rounded up to a whole day."""
        whole = int(periods)
        edges = self._edges(periods=whole + 1)
        if periods <= 0:
            return edges[0] + timedelta(days=1)
        fraction = periods - whole
        if fraction == 0:
            return edges[whole]
        length = (edges[whole + 1] - edges[whole]).days
        return edges[whole] + timedelta(days=ceil(fraction * length))


@dataclass(frozen=True)
class MonthlyShape:
    """A monthly phasing told by three figures instead of its months: its BAC, its first month
    (with a line, even of nothing) and the last month that plans money. For a baseline of months
    (``Baseline.from_phasing`` of every month from the first to the last, dated by month ends)
    measured at a month end, that is enough for the BAC, PD, AT and PV (the budget planned
    before the month after the status date): the same figures, without reading the months.
    Earned schedule, milestone weights and a trend need the months."""

    bac: Decimal
    first: date
    last_planned: date

    @property
    def planned_duration(self) -> int:
        """PD: the months from the first to the last that plans money (as ``Baseline``)."""
        return _months(self.first, self.last_planned) + 1

    def time_at_month_start(self, month: date) -> Decimal:
        """AT at the end of the month before ``month`` (a month's first day): the whole months
        from the first to it, none before the first (``Baseline.time_at``)."""
        return Decimal(max(_months(self.first, month), 0))


def _months(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def _month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def _next_month_end(month_end: date) -> date:
    """The last day of the month after the one ``month_end`` ends."""
    first = month_end + timedelta(days=1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def cumulative(per_period: Iterable[Decimal]) -> tuple[Decimal, ...]:
    """Running totals of per-period figures (a phasing, a month's actuals), from the first period."""
    return tuple(accumulate(Decimal(value) for value in per_period))


@dataclass(frozen=True)
class PlannedTask:
    """A baselined task with its budget: planned value accrues linearly over its working time."""

    name: str
    start: datetime
    finish: datetime
    budget: Decimal

    def __post_init__(self) -> None:
        if self.finish < self.start:
            raise ValueError(TASK_BACKWARDS.format(name=self.name, start=self.start, finish=self.finish))
        if self.budget < 0:
            raise ValueError(NEGATIVE_BUDGET.format(value=self.budget))

    def planned_by(self, moment: datetime, calendar: Calendar) -> Decimal:
        """The task's planned value at ``moment``: its budget times the share of its working time
        (on ``calendar``) gone by. A task without working time (a milestone) plans all at its
        finish."""
        if moment >= self.finish:
            return self.budget
        if moment <= self.start:
            return ZERO
        total = calendar.working_minutes(self.start, self.finish)
        if total <= 0:
            return ZERO
        return self.budget * Decimal(calendar.working_minutes(self.start, moment)) / Decimal(total)


def baseline_from_schedule(
    tasks: Iterable[PlannedTask], *, start: date, period_ends: Sequence[date], calendar: Calendar = ELAPSED
) -> Baseline:
    """A baseline from a schedule: each task's budget spread linearly over its working time on
    ``calendar`` (round the clock unless a working calendar is given), summed at the end of each
    period (midnight after the period's last day). Every task must finish within the periods, or
    part of the budget would be planned nowhere."""
    tasks = list(tasks)
    ends = tuple(period_ends)
    if not ends:
        raise ValueError(EMPTY_BASELINE)
    last = datetime.combine(ends[-1] + timedelta(days=1), time())
    for task in tasks:
        if task.finish > last:
            raise ValueError(TASK_AFTER_BASELINE.format(name=task.name, finish=task.finish, end=ends[-1]))
    moments = [datetime.combine(end + timedelta(days=1), time()) for end in ends]
    values = tuple(sum((task.planned_by(moment, calendar) for task in tasks), ZERO) for moment in moments)
    return Baseline(cumulative=values, start=start, period_ends=ends)


# -- earned value --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    """A milestone of a work package earned by weighted milestones."""

    weight: Decimal
    achieved: bool = False

    def __post_init__(self) -> None:
        if self.weight < 0:
            raise ValueError(NEGATIVE_WEIGHT.format(value=self.weight))


@dataclass(frozen=True)
class WorkPackage:
    """A piece of work with a budget and the way it earns it. ``percent_complete`` (0–100) is the
    progress the team reports; 0/100 and 50/50 read only whether it has started (above 0) and
    finished (100); milestones read which are achieved."""

    budget: Decimal
    method: EarningMethod = EarningMethod.PERCENT_COMPLETE
    percent_complete: Decimal = ZERO
    milestones: tuple[Milestone, ...] = ()

    def __post_init__(self) -> None:
        if self.budget < 0:
            raise ValueError(NEGATIVE_BUDGET.format(value=self.budget))
        if not ZERO <= self.percent_complete <= HUNDRED:
            raise ValueError(BAD_PERCENT.format(value=self.percent_complete))
        if self.method is EarningMethod.MILESTONES and sum((m.weight for m in self.milestones), ZERO) <= 0:
            raise ValueError(NO_MILESTONES)

    @property
    def earned(self) -> Decimal:
        """The budget earned so far: never more than the budget."""
        method, done = self.method, self.percent_complete
        if method is EarningMethod.PERCENT_COMPLETE:
            return self.budget * done / HUNDRED
        if method is EarningMethod.MILESTONES:
            total = sum((m.weight for m in self.milestones), ZERO)
            achieved = sum((m.weight for m in self.milestones if m.achieved), ZERO)
            return self.budget * achieved / total
        if done == HUNDRED:
            return self.budget
        if method is EarningMethod.FIFTY_FIFTY and done > 0:
            return self.budget * HALF
        return ZERO


def earned_value(packages: Iterable[WorkPackage]) -> Decimal:
    """EV: the budget earned by all the work packages."""
    return sum((package.earned for package in packages), ZERO)


# -- measurement at a status point ---------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    """One estimate at completion with what follows from it. ``None`` where it cannot be formed
    (the measurement's ``undefined`` says why)."""

    method: EacMethod
    eac: Decimal | None
    etc: Decimal | None  # EAC - AC: still to spend
    vac: Decimal | None  # BAC - EAC: under (+) or over (-) budget at the end
    tcpi: Decimal | None  # (BAC - EV) / (EAC - AC): the cost efficiency needed to land on the EAC


@dataclass(frozen=True)
class Measurement:
    """Earned value and earned schedule at one status point. Money in the baseline's currency,
    time in its periods; ``undefined`` maps each figure that is ``None`` to the reason."""

    bac: Decimal
    planned_duration: int
    actual_time: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    sv: Decimal
    cv: Decimal
    spi: Decimal | None
    cpi: Decimal | None
    tcpi_bac: Decimal | None
    forecasts: tuple[Forecast, ...]
    es: Decimal
    sv_t: Decimal
    spi_t: Decimal | None
    ieac_t: Decimal | None
    forecast_finish: date | None
    undefined: Mapping[str, str] = field(default_factory=dict)

    def forecast(self, method: EacMethod) -> Forecast:
        """The estimate at completion by ``method``."""
        return next(f for f in self.forecasts if f.method is method)


def measure(
    baseline: Baseline,
    *,
    actual_time: Decimal,
    ev: Decimal,
    ac: Decimal,
    bottom_up_etc: Decimal | None = None,
) -> Measurement:
    """All the earned value and earned schedule figures ``actual_time`` periods after the start,
    with cumulative ``ev`` and ``ac``; ``bottom_up_etc`` is the team's own estimate of the cost of
    the work left, for the fourth EAC. The forecast finish is a date when the baseline has dates."""
    at, ev, ac = Decimal(actual_time), Decimal(ev), Decimal(ac)
    bac = baseline.bac
    if at < 0:
        raise ValueError(NEGATIVE_TIME.format(value=at))
    if ev < 0:
        raise ValueError(NEGATIVE_EV.format(value=ev))
    if ev > bac:
        raise ValueError(EV_ABOVE_BAC.format(ev=ev, bac=bac))
    if ac < 0:
        raise ValueError(NEGATIVE_AC.format(value=ac))
    if bottom_up_etc is not None and bottom_up_etc < 0:
        raise ValueError(NEGATIVE_ETC.format(value=bottom_up_etc))
    undefined: dict[str, str] = {}

    def ratio(name: str, top: Decimal, bottom: Decimal, reason: str) -> Decimal | None:
        if bottom == 0:
            undefined[name] = reason
            return None
        return top / bottom

    pv = baseline.pv_at(at)
    spi = ratio("spi", ev, pv, NOTHING_PLANNED)
    cpi = ratio("cpi", ev, ac, NOTHING_SPENT)
    remaining = bac - ev
    tcpi_bac = _to_complete("tcpi_bac", remaining, bac - ac, BUDGET_SPENT, undefined)
    forecasts = tuple(
        _forecast(method, bac=bac, pv=pv, ev=ev, ac=ac, etc=bottom_up_etc, undefined=undefined)
        for method in EacMethod
    )

    pd = baseline.planned_duration
    es = baseline.earned_schedule(ev)
    spi_t = ratio("spi_t", es, at, NO_TIME)
    ieac_t: Decimal | None = None
    if spi_t is not None:
        # PD / SPI(t), written PD × AT / ES so that a finished project's IEAC(t) is exactly its AT.
        ieac_t = ratio("ieac_t", pd * at, es, NOTHING_EARNED)
    elif "spi_t" in undefined:
        undefined["ieac_t"] = undefined["spi_t"]
    finish = None
    if ieac_t is not None and baseline.start is not None:
        finish = baseline.date_at(ieac_t)
    elif "ieac_t" in undefined:
        undefined["forecast_finish"] = undefined["ieac_t"]
    return Measurement(
        bac=bac,
        planned_duration=pd,
        actual_time=at,
        pv=pv,
        ev=ev,
        ac=ac,
        sv=ev - pv,
        cv=ev - ac,
        spi=spi,
        cpi=cpi,
        tcpi_bac=tcpi_bac,
        forecasts=forecasts,
        es=es,
        sv_t=es - at,
        spi_t=spi_t,
        ieac_t=ieac_t,
        forecast_finish=finish,
        undefined=undefined,
    )


def _to_complete(
    name: str, remaining: Decimal, funds: Decimal, spent: str, undefined: dict[str, str]
) -> Decimal | None:
    """TCPI: the work left over the funds left; undefined when no work or no funds remain."""
    if remaining == 0:
        undefined[name] = NO_WORK_LEFT
        return None
    if funds <= 0:
        undefined[name] = spent
        return None
    return remaining / funds


def _forecast(
    method: EacMethod,
    *,
    bac: Decimal,
    pv: Decimal,
    ev: Decimal,
    ac: Decimal,
    etc: Decimal | None,
    undefined: dict[str, str],
) -> Forecast:
    """One EAC with its ETC, VAC and TCPI. The index formulas are written without dividing by a
    rounded index (BAC / CPI as BAC × AC / EV; CPI × SPI as EV² / (AC × PV)), so that whole
    figures stay whole."""
    name = f"eac_{method.value}"
    eac: Decimal | None = None
    if method is EacMethod.BUDGET_RATE:
        eac = ac + (bac - ev)
    elif method is EacMethod.BOTTOM_UP:
        if etc is None:
            undefined[name] = NO_BOTTOM_UP
        else:
            eac = ac + etc
    elif ev == bac:
        eac = ac  # the work is done: what it cost is what it costs, whatever the indices
    elif ac == 0:
        undefined[name] = NOTHING_SPENT
    elif ev == 0:
        undefined[name] = NOTHING_EARNED
    elif method is EacMethod.CPI:
        eac = bac * ac / ev
    elif pv == 0:
        undefined[name] = NOTHING_PLANNED
    else:
        eac = ac + (bac - ev) * ac * pv / (ev * ev)
    if eac is None:
        return Forecast(method=method, eac=None, etc=None, vac=None, tcpi=None)
    tcpi = _to_complete(f"tcpi_{method.value}", bac - ev, eac - ac, ESTIMATE_SPENT, undefined)
    return Forecast(method=method, eac=eac, etc=eac - ac, vac=bac - eac, tcpi=tcpi)


def trend(baseline: Baseline, evs: Sequence[Decimal], acs: Sequence[Decimal]) -> tuple[Measurement, ...]:
    """The measurement at the end of each period from the first, for trend charts (CPI, SPI,
    SPI(t)): ``evs`` and ``acs`` are the cumulative EV and AC at each period end."""
    return tuple(
        measure(baseline, actual_time=Decimal(period), ev=ev, ac=ac)
        for period, (ev, ac) in enumerate(zip(evs, acs, strict=True), start=1)
    )
