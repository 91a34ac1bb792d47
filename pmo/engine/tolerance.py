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


# How a tolerance's allowance is written, by the deviation it counts: +28 days, -£5,000, ±10%.
SIGNS = {Direction.OVER: "+", Direction.UNDER: "-", Direction.EITHER: "±"}


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

    @property
    def explanation(self) -> str:
        share = f"{self.used * HUNDRED:.0f}%" if self.allowance else "all"
        verdict = self.status.value.replace("_", " ")
        sign = SIGNS[self.direction]
        if self.dimension is Dimension.TIME:
            return (
                f"time: forecast finish {self.variance:+,} days against the baseline; tolerance "
                f"{sign}{self.allowance:,} days, {share} used — {verdict}"
            )
        return (
            f"{self.dimension.value}: forecast {self.forecast:,} against baseline {self.baseline:,}, "
            f"a variance of {self.variance:+,}; tolerance {sign}{self.allowance:,}, {share} used — {verdict}"
        )


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
) -> Assessment:
    """Judge one dimension: breached when the deviation that counts exceeds the allowance,
    forecast to breach when it uses at least ``warning`` of it, within otherwise."""
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
    return Assessment(dimension, status, base, fore, variance, allowance, used, tolerance.direction)


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
