"""Finance's records as the earned value engine's inputs (``pmo.engine.earned_value``): the
approved budget's monthly phasing is the performance measurement baseline (PV), the actuals to
date are AC, and the latest forecast of the months left is the team's bottom-up ETC. EV comes
from the caller (percent complete, milestones: the schedule's or the report's), as ADR 0048
leaves it."""

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal

from pmo.engine.earned_value import Baseline, Measurement, measure
from pmo.engine.finance import ZERO, month_end, months_between, total
from pmo.finance.selectors import ProjectFinance


def pv_baseline(budget: Mapping[date, Decimal]) -> Baseline | None:
    """The baseline of a monthly budget: one period per month from its first month to its last
    (a month with no line plans nothing), dated by the months' last days. None with no budget
    to measure against."""
    if not budget or total(budget) <= 0:
        return None
    months = months_between(min(budget), max(budget))
    return Baseline.from_phasing(
        [budget.get(month, ZERO) for month in months],
        start=months[0],
        period_ends=[month_end(month) for month in months],
    )


def project_measurement(figures: ProjectFinance, *, ev: Decimal) -> Measurement | None:
    """Earned value and earned schedule at the end of the last month whose actuals count (the
    month before the figures' split), with the project's budget, its actuals to date and ``ev``
    earned by then; the forecast of the months left, when there is a forecast, is the bottom-up
    ETC. None when the project has no budget."""
    baseline = pv_baseline(figures.budget)
    split = figures.whole_life.split  # a project's figures are always split at a month
    if baseline is None or split is None:
        return None
    status = split - timedelta(days=1)
    bottom_up = figures.whole_life.forecast_remaining if figures.forecast_version is not None else None
    return measure(
        baseline,
        actual_time=baseline.time_at(status),
        ev=ev,
        ac=figures.whole_life.actual_to_date,
        bottom_up_etc=bottom_up,
    )
