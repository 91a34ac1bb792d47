from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmo.engine.tiers import NEGATIVE_BUDGET, NO_TIERS, classify_size_tier

THRESHOLDS = {"small": 0, "medium": 100_000, "large": 500_000, "major": 2_000_000}


@pytest.mark.parametrize(
    ("budget", "tier"),
    [
        (0, "small"),
        (99_999.99, "small"),
        (100_000, "medium"),
        (499_999, "medium"),
        (500_000, "large"),
        (2_000_000, "major"),
        (Decimal("75000000"), "major"),
    ],
)
def test_budget_lands_in_the_tier_whose_threshold_it_reaches(budget, tier):
    assert classify_size_tier(budget, THRESHOLDS) == tier


def test_negative_budget_is_refused_with_the_amount_named():
    with pytest.raises(
        ValueError, match=NEGATIVE_BUDGET.format(budget=-5).replace("(", r"\(").replace(")", r"\)")
    ):
        classify_size_tier(-5, THRESHOLDS)


def test_no_tiers_configured_is_an_error():
    with pytest.raises(ValueError, match=NO_TIERS):
        classify_size_tier(10, {})


@given(
    st.decimals(min_value=0, max_value=10**9, places=2), st.decimals(min_value=0, max_value=10**9, places=2)
)
def test_a_bigger_budget_never_lands_in_a_smaller_tier(a, b):
    order = list(THRESHOLDS)
    low, high = sorted([a, b])
    assert order.index(classify_size_tier(low, THRESHOLDS)) <= order.index(
        classify_size_tier(high, THRESHOLDS)
    )
