"""Size tiers: which tier a project's headline budget puts it in."""

from collections.abc import Mapping
from decimal import Decimal

NO_TIERS = "No size tiers are configured."
NEGATIVE_BUDGET = "A budget cannot be negative (got {budget})."


def classify_size_tier(budget: Decimal | int | float, thresholds: Mapping[str, int | float | Decimal]) -> str:
    """Return the tier with the highest threshold that ``budget`` reaches.

    ``thresholds`` maps tier name to the smallest budget in that tier. A budget below every
    threshold falls in the lowest tier.
    """
    if not thresholds:
        raise ValueError(NO_TIERS)
    amount = Decimal(str(budget))
    if amount < 0:
        raise ValueError(NEGATIVE_BUDGET.format(budget=budget))
    ordered = sorted(thresholds.items(), key=lambda item: Decimal(str(item[1])))
    tier = ordered[0][0]
    for name, floor in ordered:
        if amount >= Decimal(str(floor)):
            tier = name
    return tier
