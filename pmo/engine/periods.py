"""Reporting periods: which period a day falls in, for a monthly or fortnightly cadence."""

import calendar
from datetime import date, timedelta

# Fortnights are counted from this Monday, so every PMO's fortnights line up the same way.
FORTNIGHT_ANCHOR = date(2024, 1, 1)
UNKNOWN_CADENCE = "Unknown reporting cadence {cadence!r}: use 'monthly' or 'fortnightly'."


def period_containing(day: date, cadence: str) -> tuple[date, date]:
    """The first and last day of the period that holds ``day``."""
    if cadence == "monthly":
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    if cadence == "fortnightly":
        start = FORTNIGHT_ANCHOR + timedelta(days=(day - FORTNIGHT_ANCHOR).days // 14 * 14)
        return start, start + timedelta(days=13)
    raise ValueError(UNKNOWN_CADENCE.format(cadence=cadence))


def previous_periods(day: date, cadence: str, count: int) -> list[tuple[date, date]]:
    """The ``count`` periods ending with the one that holds ``day``, oldest first."""
    periods = [period_containing(day, cadence)]
    while len(periods) < count:
        periods.append(period_containing(periods[-1][0] - timedelta(days=1), cadence))
    return periods[::-1]
