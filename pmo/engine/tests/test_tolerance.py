"""The tolerance engine: within, forecast to breach or breached, with the figures."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmo.engine.tolerance import (
    BAD_WARNING,
    NEGATIVE_ALLOWANCE,
    NO_ALLOWANCE,
    Dimension,
    Direction,
    Status,
    Tolerance,
    assess,
    assess_finish,
    worst,
)

TEN_PERCENT = Tolerance(percent=Decimal(10))


@pytest.mark.parametrize(
    ("forecast", "status"),
    [
        (1_000_000, Status.WITHIN),
        (1_079_000, Status.WITHIN),
        (1_080_000, Status.FORECAST_TO_BREACH),
        (1_100_000, Status.FORECAST_TO_BREACH),
        (1_100_001, Status.BREACHED),
        (900_000, Status.WITHIN),
    ],
)
def test_cost_against_ten_percent_of_a_one_million_budget(forecast, status):
    result = assess(Dimension.COST, baseline=1_000_000, forecast=forecast, tolerance=TEN_PERCENT)
    assert result.status is status
    assert result.allowance == 100_000


def test_the_figures_prove_the_verdict():
    result = assess(Dimension.COST, baseline=1_000_000, forecast=1_150_000, tolerance=TEN_PERCENT)

    assert (result.variance, result.allowance, result.used) == (150_000, 100_000, Decimal("1.5"))
    assert result.explanation == (
        "cost: forecast £1,150,000 against baseline £1,000,000, a variance of +£150,000; "
        "tolerance +£100,000, 150% used — breached"
    )


@pytest.mark.parametrize(
    ("dimension", "baseline", "forecast", "tolerance", "explanation"),
    [
        (
            Dimension.COST,
            Decimal("1600000.00"),
            Decimal("1500000.00"),
            Tolerance(percent=Decimal("10.00"), direction=Direction.EITHER),
            "cost: forecast £1,500,000 against baseline £1,600,000, a variance of \u2212£100,000; "
            "tolerance ±£160,000, 62% used — within",
        ),
        (
            Dimension.BENEFITS,
            Decimal("200000.00"),
            Decimal("180000.50"),
            Tolerance(percent=Decimal("5.00"), direction=Direction.UNDER),
            "benefits: forecast £180,000.50 against baseline £200,000, a variance of \u2212£19,999.50; "
            "tolerance \u2212£10,000, 200% used — breached",
        ),
        (
            Dimension.SCOPE,
            Decimal(0),
            Decimal("12.50"),
            Tolerance(absolute=Decimal("10.00"), direction=Direction.EITHER),
            "scope: forecast scope change +12.5%; tolerance ±10%, 125% used — breached",
        ),
        (
            Dimension.QUALITY,
            Decimal(0),
            Decimal(1),
            Tolerance(absolute=Decimal(2)),
            "quality: 1 acceptance criterion at risk; tolerance +2, 50% used — within",
        ),
        (
            Dimension.RISK,
            Decimal(0),
            Decimal(4),
            Tolerance(absolute=Decimal(0)),
            "risk: 4 open high risks; tolerance +0, all used — breached",
        ),
    ],
)
def test_the_explanation_gives_each_figure_in_its_unit(dimension, baseline, forecast, tolerance, explanation):
    """Given a money tolerance set as a percentage (figures to the penny or beyond), when judged,
    then the explanation reads £160,000, not 160,000.0000; scope in %, counts as counts."""
    result = assess(dimension, baseline=baseline, forecast=forecast, tolerance=tolerance)

    assert result.explanation == explanation


def test_with_both_allowances_the_stricter_holds():
    tolerance = Tolerance(absolute=Decimal(50_000), percent=Decimal(10))
    assert assess(Dimension.COST, baseline=1_000_000, forecast=1_060_000, tolerance=tolerance).status is (
        Status.BREACHED
    )


def test_a_benefits_shortfall_counts_and_an_overachievement_does_not():
    tolerance = Tolerance(percent=Decimal(5), direction=Direction.UNDER)
    short = assess(Dimension.BENEFITS, baseline=200, forecast=180, tolerance=tolerance)
    more = assess(Dimension.BENEFITS, baseline=200, forecast=260, tolerance=tolerance)
    assert (short.status, more.status) == (Status.BREACHED, Status.WITHIN)


def test_a_finish_four_weeks_late_against_four_weeks_tolerance_is_forecast_to_breach():
    base = date(2027, 3, 31)

    on_edge = assess_finish(baseline=base, forecast=base + timedelta(weeks=4), tolerance_days=28)
    over = assess_finish(baseline=base, forecast=base + timedelta(days=29), tolerance_days=28)

    assert on_edge.status is Status.FORECAST_TO_BREACH
    assert over.status is Status.BREACHED
    assert over.explanation == (
        "time: forecast finish +29 days against the baseline; tolerance +28 days, 104% used — breached"
    )


def test_zero_tolerance_is_breached_by_any_deviation_that_counts():
    tolerance = Tolerance(absolute=Decimal(0))
    assert assess(Dimension.SCOPE, baseline=10, forecast=10, tolerance=tolerance).status is Status.WITHIN
    assert assess(Dimension.SCOPE, baseline=10, forecast=11, tolerance=tolerance).status is Status.BREACHED


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({}, NO_ALLOWANCE), ({"absolute": Decimal(-1)}, NEGATIVE_ALLOWANCE.format(value=-1))],
)
def test_a_tolerance_must_allow_something_non_negative(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Tolerance(**kwargs)


def test_the_warning_share_is_a_fraction():
    with pytest.raises(ValueError, match=re.escape(BAD_WARNING.format(value=Decimal(2)))):
        assess(Dimension.COST, baseline=1, forecast=1, tolerance=TEN_PERCENT, warning=Decimal(2))


def test_the_worst_status_wins():
    within = assess(Dimension.COST, baseline=100, forecast=100, tolerance=TEN_PERCENT)
    breached = assess(Dimension.COST, baseline=100, forecast=200, tolerance=TEN_PERCENT)
    assert worst([within, breached, within]) is Status.BREACHED
    assert worst([]) is Status.WITHIN


money = st.decimals(min_value=1, max_value=10**9, places=2)


@given(baseline=money, a=money, b=money, percent=st.integers(min_value=0, max_value=50))
def test_a_bigger_overrun_is_never_judged_less_serious(baseline, a, b, percent):
    order = [Status.WITHIN, Status.FORECAST_TO_BREACH, Status.BREACHED]
    tolerance = Tolerance(percent=Decimal(percent))
    low, high = sorted([a, b])
    first = assess(Dimension.COST, baseline=baseline, forecast=low, tolerance=tolerance)
    second = assess(Dimension.COST, baseline=baseline, forecast=high, tolerance=tolerance)
    assert order.index(first.status) <= order.index(second.status)


@given(baseline=money, forecast=money, percent=st.integers(min_value=1, max_value=50))
def test_breached_exactly_when_the_overrun_exceeds_the_allowance(baseline, forecast, percent):
    tolerance = Tolerance(percent=Decimal(percent))
    result = assess(Dimension.COST, baseline=baseline, forecast=forecast, tolerance=tolerance)
    assert (result.status is Status.BREACHED) == (forecast - baseline > baseline * percent / 100)
    assert result.variance == forecast - baseline


# Direction: over only, under only, or both ways ---------------------------------------------------

ORDER = [Status.WITHIN, Status.FORECAST_TO_BREACH, Status.BREACHED]
BOTH_WAYS = Tolerance(absolute=Decimal(52_500), direction=Direction.EITHER)


def test_both_ways_an_underspend_beyond_the_tolerance_is_a_breach():
    under = assess(Dimension.COST, baseline=525_000, forecast=467_000, tolerance=BOTH_WAYS)
    over_only = assess(
        Dimension.COST, baseline=525_000, forecast=467_000, tolerance=Tolerance(absolute=Decimal(52_500))
    )

    assert (under.status, over_only.status) == (Status.BREACHED, Status.WITHIN)
    assert under.explanation == (
        "cost: forecast £467,000 against baseline £525,000, a variance of \u2212£58,000; "
        "tolerance ±£52,500, 110% used — breached"
    )


def test_both_ways_a_finish_fifty_days_early_breaches_four_weeks():
    base = date(2028, 2, 18)

    early = assess_finish(
        baseline=base, forecast=base - timedelta(days=50), tolerance_days=28, direction=Direction.EITHER
    )
    late_only = assess_finish(baseline=base, forecast=base - timedelta(days=50), tolerance_days=28)

    assert (early.status, late_only.status) == (Status.BREACHED, Status.WITHIN)
    assert early.explanation == (
        "time: forecast finish \u221250 days against the baseline; tolerance ±28 days, 179% used — breached"
    )


@pytest.mark.parametrize(
    ("direction", "sign"), [(Direction.OVER, "+"), (Direction.UNDER, "-"), (Direction.EITHER, "±")]
)
def test_the_sign_says_which_way_the_tolerance_counts(direction, sign):
    assert Tolerance(absolute=Decimal(1), direction=direction).sign == sign


tolerances = st.builds(
    Tolerance,
    absolute=st.one_of(st.none(), st.decimals(min_value=0, max_value=10**7, places=2)),
    percent=st.integers(min_value=0, max_value=50).map(Decimal),
)


@given(baseline=money, deviation=money, tolerance=tolerances)
def test_both_ways_is_symmetric_about_the_baseline(baseline, deviation, tolerance):
    both = Tolerance(absolute=tolerance.absolute, percent=tolerance.percent, direction=Direction.EITHER)
    above = assess(Dimension.COST, baseline=baseline, forecast=baseline + deviation, tolerance=both)
    below = assess(Dimension.COST, baseline=baseline, forecast=baseline - deviation, tolerance=both)
    assert above.status is below.status
    assert above.used == below.used


@given(baseline=money, forecast=money, tolerance=tolerances)
def test_both_ways_judges_the_worse_of_over_only_and_under_only(baseline, forecast, tolerance):
    def judged(direction: Direction) -> Status:
        one = Tolerance(absolute=tolerance.absolute, percent=tolerance.percent, direction=direction)
        return assess(Dimension.COST, baseline=baseline, forecast=forecast, tolerance=one).status

    over, under, both = judged(Direction.OVER), judged(Direction.UNDER), judged(Direction.EITHER)
    assert both is max(over, under, key=ORDER.index)
    assert Status.WITHIN in (over, under)  # one side of the baseline never counts one way


@given(baseline=money, forecast=money, tolerance=tolerances)
def test_one_way_never_counts_a_deviation_the_other_way(baseline, forecast, tolerance):
    over = Tolerance(absolute=tolerance.absolute, percent=tolerance.percent, direction=Direction.OVER)
    under = Tolerance(absolute=tolerance.absolute, percent=tolerance.percent, direction=Direction.UNDER)
    if forecast <= baseline:
        assert assess(Dimension.COST, baseline=baseline, forecast=forecast, tolerance=over).status is (
            Status.WITHIN
        )
    if forecast >= baseline:
        assert assess(Dimension.COST, baseline=baseline, forecast=forecast, tolerance=under).status is (
            Status.WITHIN
        )


def test_a_forecast_from_elsewhere_says_where_it_came_from():
    judged = assess(
        Dimension.COST,
        baseline=Decimal(250000),
        forecast=Decimal(305000),
        tolerance=Tolerance(percent=Decimal(10)),
        source="finance's EAC",
    )

    assert judged.status is Status.BREACHED
    assert judged.explanation.startswith("cost: forecast £305,000 (finance's EAC) against baseline £250,000")
