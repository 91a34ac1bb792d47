"""Tolerance: is a forecast within what the baseline allows?

Each dimension of a project (time, cost, scope, quality, risk, benefits) has a baseline value, a
forecast and a tolerance (an absolute allowance and/or a percentage of the baseline). The result
says *within*, *forecast to breach* (more than a warning share of the tolerance used) or
*breached*, with the numbers that prove it. Dates are compared in days.

A tolerance counts deviation one way (over: later, dearer; under: fewer benefits) or both ways;
its ``sign`` says which (+, - or ±), and the explanation shows it, so what a page shows is what
the engine judged.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal(0)
HUNDRED = Decimal(100)

NO_ALLOWANCE = "A tolerance needs an absolute allowance, a percentage, or both."
NEGATIVE_ALLOWANCE = "A tolerance allowance cannot be negative (got {value})."
BAD_WARNING = "The warning share must be between 0 and 1 (got {value})."


class Dimension(StrEnum):
    TIME = "time"
    COST = "cost"
    SCOPE = "scope"
    QUALITY = "quality"
    RISK = "risk"
    BENEFITS = "benefits"


class Direction(StrEnum):
    """Which deviation from the baseline counts against the tolerance."""

    OVER = "over"  # later, dearer: time and cost
    UNDER = "under"  # smaller: benefits
    EITHER = "either"  # both ways: early or late, under or over


# How a tolerance's allowance is written, by the deviation it counts: +28 days, -£5,000, ±10%
# (the sign as the API gives it).
SIGNS = {Direction.OVER: "+", Direction.UNDER: "-", Direction.EITHER: "±"}
# Explanations are written as the app writes figures (pmo.core.formatting): a real minus sign.
MINUS = "\N{MINUS SIGN}"
WRITTEN_SIGNS = {**SIGNS, Direction.UNDER: MINUS}


class Status(StrEnum):
    WITHIN = "within"
    FORECAST_TO_BREACH = "forecast_to_breach"
    BREACHED = "breached"


@dataclass(frozen=True)
class Tolerance:
    """What the baseline allows. With both allowances, the stricter one holds."""

    absolute: Decimal | None = None
    percent: Decimal | None = None
    direction: Direction = Direction.OVER

    def __post_init__(self) -> None:
        if self.absolute is None and self.percent is None:
            raise ValueError(NO_ALLOWANCE)
        for value in (self.absolute, self.percent):
            if value is not None and value < 0:
                raise ValueError(NEGATIVE_ALLOWANCE.format(value=value))

    @property
    def sign(self) -> str:
        """+ (over only), - (under only) or ± (both ways)."""
        return SIGNS[self.direction]

    def allowance(self, baseline: Decimal) -> Decimal:
        """The deviation allowed from ``baseline``."""
        candidates = []
        if self.absolute is not None:
            candidates.append(Decimal(self.absolute))
        if self.percent is not None:
            candidates.append(abs(baseline) * Decimal(self.percent) / HUNDRED)
        return min(candidates)


@dataclass(frozen=True)
class Assessment:
    """One dimension judged: the figures and the verdict."""

    dimension: Dimension
    status: Status
    baseline: Decimal
    forecast: Decimal
    variance: Decimal  # forecast - baseline
    allowance: Decimal
    used: Decimal  # share of the allowance used by the deviation that counts (1 = all; ∞ if none allowed)
    direction: Direction = Direction.OVER  # the deviation that counted
    source: str = ""  # where the forecast came from, when not the report ("finance's EAC")

    @property
    def explanation(self) -> str:
        """The verdict with the figures it rests on, each in its dimension's unit: days, £, % of
        scope, or a count (of acceptance criteria at risk, of open high risks)."""
        share = f"{self.used * HUNDRED:.0f}%" if self.allowance else "all"
        verdict = self.status.value.replace("_", " ")
        sign = WRITTEN_SIGNS[self.direction]
        dimension, variance = self.dimension, _signed(self.dimension, self.variance)
        tolerance = f"tolerance {sign}{_in_unit(dimension, self.allowance)}, {share} used — {verdict}"
        if dimension is Dimension.TIME:
            return f"time: forecast finish {variance} against the baseline; {tolerance}"
        if dimension is Dimension.SCOPE:
            return f"scope: forecast scope change {variance}; {tolerance}"
        if dimension in COUNTED:
            one, many = COUNTED[dimension]
            counted = one if self.forecast == 1 else many
            return f"{dimension.value}: {_number(self.forecast)} {counted}; {tolerance}"
        forecast, baseline = _in_unit(dimension, self.forecast), _in_unit(dimension, self.baseline)
        if self.source:
            forecast = f"{forecast} ({self.source})"
        return (
            f"{dimension.value}: forecast {forecast} against baseline {baseline}, a variance of {variance}; "
            f"{tolerance}"
        )


# What the counted dimensions count, from a baseline of zero.
COUNTED = {
    Dimension.QUALITY: ("acceptance criterion at risk", "acceptance criteria at risk"),
    Dimension.RISK: ("open high risk", "open high risks"),
}


def _number(value: Decimal) -> str:
    """1,234 or 34.7: grouped, without trailing zeros."""
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value.normalize():,f}"


def _in_unit(dimension: Dimension, value: Decimal) -> str:
    """28 days, 1 day, £160,000 (pence only where there are some), 10%, or a bare count."""
    if dimension is Dimension.TIME:
        return f"{_number(value)} {'day' if value == 1 else 'days'}"
    if dimension in (Dimension.COST, Dimension.BENEFITS):
        return f"£{value:,.0f}" if value == value.to_integral_value() else f"£{value:,.2f}"
    if dimension is Dimension.SCOPE:
        return f"{_number(value)}%"
    return _number(value)


def _signed(dimension: Dimension, value: Decimal) -> str:
    """+29 days, (minus)£58,000, +12% (with a real minus sign)."""
    return f"{MINUS if value < 0 else '+'}{_in_unit(dimension, abs(value))}"


def _counted(variance: Decimal, direction: Direction) -> Decimal:
    if direction is Direction.OVER:
        return max(variance, ZERO)
    if direction is Direction.UNDER:
        return max(-variance, ZERO)
    return abs(variance)


def assess(
    dimension: Dimension,
    *,
    baseline: Decimal | int,
    forecast: Decimal | int,
    tolerance: Tolerance,
    warning: Decimal = Decimal("0.8"),
    source: str = "",
) -> Assessment:
    """Judge one dimension: breached when the deviation that counts exceeds the allowance,
    forecast to breach when it uses at least ``warning`` of it, within otherwise. ``source``
    names where the forecast came from when not the report (the explanation says so)."""
    if not ZERO <= warning <= 1:
        raise ValueError(BAD_WARNING.format(value=warning))
    base, fore = Decimal(baseline), Decimal(forecast)
    variance = fore - base
    deviation = _counted(variance, tolerance.direction)
    allowance = tolerance.allowance(base)
    used = deviation / allowance if allowance else (ZERO if deviation == 0 else Decimal("Infinity"))
    if deviation > allowance:
        status = Status.BREACHED
    elif deviation > 0 and used >= warning:
        status = Status.FORECAST_TO_BREACH
    else:
        status = Status.WITHIN
    return Assessment(dimension, status, base, fore, variance, allowance, used, tolerance.direction, source)


def assess_finish(
    *,
    baseline: date,
    forecast: date,
    tolerance_days: int,
    warning: Decimal = Decimal("0.8"),
    direction: Direction = Direction.OVER,
) -> Assessment:
    """Time tolerance on a finish date: later than the baseline by more than ``tolerance_days``
    is a breach (or earlier, too, when ``direction`` is both ways). Figures are in days from the
    baseline finish."""
    return assess(
        Dimension.TIME,
        baseline=0,
        forecast=(forecast - baseline).days,
        tolerance=Tolerance(absolute=Decimal(tolerance_days), direction=direction),
        warning=warning,
    )


def worst(assessments: Iterable[Assessment]) -> Status:
    """The most serious status among ``assessments`` (within when there are none)."""
    order = [Status.WITHIN, Status.FORECAST_TO_BREACH, Status.BREACHED]
    return max((a.status for a in assessments), key=order.index, default=Status.WITHIN)
