"""A project's figures on a past day use the forecast there was on that day (made by then, or
for a period begun by then), not a later one: a report of November sees November's forecast
after December's is made. Run on 4 December 2026, WEB's December forecast made that day."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from pmo.core import clock
from pmo.finance import evm, selectors, services
from pmo.finance.tests.conftest import line
from pmo.reporting.tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db
OCT, NOV, DEC = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)


@pytest.fixture
def november(money):
    """WEB's forecast for November, made on 5 November: £900 that month and £800 in December."""
    with clock.as_at(datetime(2026, 11, 5, 10, tzinfo=UTC)):
        services.forecast_make(
            actor=money.cast.pm,
            project=money.cast.project,
            period=PeriodFactory(start=NOV),
            lines=[line(NOV, money.software, 900), line(DEC, money.software, 800)],
        )
    return money


def whole_life(figures):
    return (figures.split, figures.budget, figures.actual_to_date, figures.forecast_remaining)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # before any forecast: the budget from October stands
        (date(2026, 10, 20), (OCT, Decimal(3_000), Decimal(0), Decimal(3_000))),
        # November's forecast from November, October's £1,200 spent
        (date(2026, 11, 20), (NOV, Decimal(3_000), Decimal(1_200), Decimal(1_700))),
        # December's (the latest): £1,500 in December and £500 next April
        (date(2026, 12, 4), (DEC, Decimal(3_000), Decimal(1_200), Decimal(2_000))),
    ],
)
def test_each_day_sees_the_forecast_there_was_then(november, day, expected):
    web = november.cast.project
    figures = selectors.project_finance(project=web, day=day)
    assert whole_life(figures.whole_life) == expected
    version = figures.forecast_version
    assert (version.period.start if version else None) == (None if expected[0] == OCT else expected[0])
    # the many-project forms, the earned value's figures and the roll-up agree
    assert evm.project_finances([web], day)[web.pk] == figures
    assert whole_life(evm.evm_figures([web], day)[web.pk].whole_life) == expected
    rolled = selectors.portfolio_roll_up(user=november.finance, by="project", day=day)["WEB"]
    assert (rolled.budget, rolled.actual_to_date, rolled.forecast_remaining) == expected[1:]


def test_a_forecast_made_early_for_a_later_period_counts_from_the_day_it_was_made(money):
    """Made on 4 December for January's period: it is the latest there is on 4 December."""
    web = money.cast.project
    services.forecast_make(
        actor=money.cast.pm,
        project=web,
        period=PeriodFactory(start=date(2027, 1, 1)),
        lines=[line(date(2027, 1, 1), money.software, 2_500)],
    )
    figures = selectors.project_finance(project=web, day=date(2026, 12, 4))
    assert figures.forecast_version.period.start == date(2027, 1, 1)
    assert figures.whole_life.forecast_remaining == Decimal(2_500)
    earlier = selectors.project_finance(project=web, day=date(2026, 12, 3))
    assert earlier.forecast_version.period.start == DEC
