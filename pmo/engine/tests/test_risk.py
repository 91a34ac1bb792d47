"""The risk matrix: scores, bands, likelihoods and expected values."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmo.engine.risk import BAD_BANDS, BAD_LIKELIHOODS, Band, Matrix

DEFAULT = Matrix()


@pytest.mark.parametrize(
    ("probability", "impact", "score", "band"),
    [
        (1, 1, 1, Band.LOW),
        (2, 2, 4, Band.LOW),
        (1, 5, 5, Band.MEDIUM),
        (3, 4, 12, Band.MEDIUM),
        (3, 5, 15, Band.HIGH),
        (5, 5, 25, Band.HIGH),
    ],
)
def test_a_council_five_by_five(probability, impact, score, band):
    assert DEFAULT.score(probability, impact) == score
    assert DEFAULT.band(score) is band


@pytest.mark.parametrize(
    ("probability", "impact", "message"),
    [
        (0, 3, "Probability must be a whole number from 1 to 5 on this matrix (got 0)."),
        (6, 3, "Probability must be a whole number from 1 to 5 on this matrix (got 6)."),
        (3, 7, "Impact must be a whole number from 1 to 5 on this matrix (got 7)."),
        (True, 3, "Probability must be a whole number from 1 to 5 on this matrix (got True)."),
    ],
)
def test_scores_off_the_matrix_are_refused_by_name(probability, impact, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        DEFAULT.score(probability, impact)


def test_expected_value_is_the_likelihood_of_the_probability_times_the_cost():
    assert DEFAULT.expected_value(3, Decimal(100_000)) == Decimal("40000.00")
    assert DEFAULT.expected_value(5, Decimal("333.33")) == Decimal("283.33")
    assert DEFAULT.expected_value(1, None) is None


def test_cells_run_from_the_highest_probability_down():
    cells = Matrix(
        probability_levels=3,
        impact_levels=4,
        medium_from=3,
        high_from=8,
        likelihoods=(Decimal(10), Decimal(50), Decimal(90)),
    ).cells()
    assert [row[0][0] for row in cells] == [3, 2, 1]
    assert cells[0] == [(3, 1, Band.MEDIUM), (3, 2, Band.MEDIUM), (3, 3, Band.HIGH), (3, 4, Band.HIGH)]
    assert cells[2][0] == (1, 1, Band.LOW)


@pytest.mark.parametrize("bands", [(1, 15), (15, 15), (5, 26), (20, 10)])
def test_bands_must_rise_within_the_matrix(bands):
    with pytest.raises(ValueError, match="medium band must start above 1"):
        Matrix(medium_from=bands[0], high_from=bands[1])
    assert "25" in BAD_BANDS.format(top=25)


@pytest.mark.parametrize(
    "likelihoods",
    [
        (Decimal(5), Decimal(20), Decimal(40), Decimal(60)),  # one short
        (Decimal(5), Decimal(20), Decimal(20), Decimal(60), Decimal(85)),  # not rising
        (Decimal(5), Decimal(20), Decimal(40), Decimal(60), Decimal(120)),  # over 100 %
    ],
)
def test_likelihoods_must_be_one_per_level_rising_and_percentages(likelihoods):
    with pytest.raises(ValueError, match=BAD_LIKELIHOODS.replace("(", r"\(").replace(")", r"\)")):
        Matrix(likelihoods=likelihoods)


@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5), st.integers(1, 5))
def test_a_higher_score_is_never_in_a_lower_band(p1, i1, p2, i2):
    order = [Band.LOW, Band.MEDIUM, Band.HIGH]
    s1, s2 = DEFAULT.score(p1, i1), DEFAULT.score(p2, i2)
    if s1 <= s2:
        assert order.index(DEFAULT.band(s1)) <= order.index(DEFAULT.band(s2))


@given(st.integers(1, 5), st.decimals(min_value=0, max_value=10**9, places=2))
def test_expected_value_never_exceeds_the_cost(probability, cost):
    value = DEFAULT.expected_value(probability, cost)
    assert value is not None and Decimal(0) <= value <= cost + Decimal("0.01")
