"""Risk scoring on a probability × impact matrix.

A matrix has ``probability_levels`` rows and ``impact_levels`` columns (5 × 5 by default). A
risk's score is probability × impact; scoring bands turn the score into low / medium / high, and
each probability level stands for a likelihood (a percentage) from which the expected value of a
risk's cost impact follows.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

HUNDRED = Decimal(100)
OUTSIDE_MATRIX = "{what} must be a whole number from 1 to {top} on this matrix (got {value})."
BAD_BANDS = "The medium band must start above 1 and below the high band, within the matrix's top score {top}."
BAD_LIKELIHOODS = "Give one likelihood (0–100 %) per probability level, rising with the level."


class Band(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True)
class Matrix:
    probability_levels: int = 5
    impact_levels: int = 5
    medium_from: int = 5
    high_from: int = 15
    likelihoods: tuple[Decimal, ...] = (Decimal(5), Decimal(20), Decimal(40), Decimal(60), Decimal(85))

    def __post_init__(self) -> None:
        if not 1 < self.medium_from < self.high_from <= self.top_score:
            raise ValueError(BAD_BANDS.format(top=self.top_score))
        rising = all(a < b for a, b in pairwise(self.likelihoods))
        in_range = all(Decimal(0) <= p <= HUNDRED for p in self.likelihoods)
        if len(self.likelihoods) != self.probability_levels or not rising or not in_range:
            raise ValueError(BAD_LIKELIHOODS)

    @property
    def top_score(self) -> int:
        return self.probability_levels * self.impact_levels

    def check(self, probability: int, impact: int) -> None:
        """Raise ValueError naming the value that lies outside the matrix."""
        for what, value, top in (
            ("Probability", probability, self.probability_levels),
            ("Impact", impact, self.impact_levels),
        ):
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= top:
                raise ValueError(OUTSIDE_MATRIX.format(what=what, top=top, value=value))

    def score(self, probability: int, impact: int) -> int:
        self.check(probability, impact)
        return probability * impact

    def band(self, score: int) -> Band:
        if score >= self.high_from:
            return Band.HIGH
        if score >= self.medium_from:
            return Band.MEDIUM
        return Band.LOW

    def likelihood(self, probability: int) -> Decimal:
        """The chance (percent) a probability level stands for."""
        self.check(probability, 1)
        return self.likelihoods[probability - 1]

    def expected_value(self, probability: int, cost_impact: Decimal | None) -> Decimal | None:
        """Likelihood × cost impact, to the penny (None without a cost impact)."""
        if cost_impact is None:
            return None
        return (self.likelihood(probability) * Decimal(cost_impact) / HUNDRED).quantize(Decimal("0.01"))

    def cells(self) -> list[list[tuple[int, int, Band]]]:
        """The grid for a heat map, highest probability first: rows of (probability, impact, band)."""
        return [
            [(p, i, self.band(p * i)) for i in range(1, self.impact_levels + 1)]
            for p in range(self.probability_levels, 0, -1)
        ]
