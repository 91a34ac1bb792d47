"""Evidence-based status: what the data says a project's status is, and whether the project
manager's declared status is better than that ("green outside, red inside").

Each report dimension gets a rating from the evidence with the reasons for it; the ratings are
green (0), amber (2) and red (4) on the five-point delivery-confidence ladder, so declared RAG and
delivery-confidence ratings compare on one scale.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import IntEnum, StrEnum

from pmo.engine.tolerance import Dimension, Status


class Rating(IntEnum):
    """Delivery confidence, worse is higher. RAG uses GREEN, AMBER and RED."""

    GREEN = 0
    AMBER_GREEN = 1
    AMBER = 2
    AMBER_RED = 3
    RED = 4


class Area(StrEnum):
    """The areas a highlight report rates."""

    SCHEDULE = "schedule"
    COST = "cost"
    SCOPE = "scope"
    RISKS = "risks"
    RESOURCES = "resources"
    BENEFITS = "benefits"


# Which tolerance dimensions bear on which report area.
AREA_TOLERANCES: dict[Area, tuple[Dimension, ...]] = {
    Area.SCHEDULE: (Dimension.TIME,),
    Area.COST: (Dimension.COST,),
    Area.SCOPE: (Dimension.SCOPE, Dimension.QUALITY),
    Area.RISKS: (Dimension.RISK,),
    Area.RESOURCES: (),
    Area.BENEFITS: (Dimension.BENEFITS,),
}
TOLERANCE_RATING = {
    Status.WITHIN: Rating.GREEN,
    Status.FORECAST_TO_BREACH: Rating.AMBER,
    Status.BREACHED: Rating.RED,
}


@dataclass(frozen=True)
class Thresholds:
    """Where evidence turns amber and red (set by the PMO)."""

    overdue_milestones_amber: int = 1
    overdue_milestones_red: int = 3
    high_risks_amber: int = 2
    high_risks_red: int = 4
    missing_reports_amber: int = 1
    missing_reports_red: int = 2
    stale_report_days: int = 45
    # Open RAID items not reviewed within ``stale_raid_days`` (the PMO's RAID setting), and open
    # items whose date has passed, count against the risks area.
    stale_raid_days: int = 30
    stale_raid_amber: int = 3
    stale_raid_red: int = 10
    past_due_raid_amber: int = 2
    past_due_raid_red: int = 5
    # Earned value below these (finance's settings) turns cost (CPI) and schedule (SPI(t))
    # amber; None: not judged.
    cpi: Decimal | None = None
    spi_t: Decimal | None = None


@dataclass(frozen=True)
class Evidence:
    """The facts about one project that its status should agree with."""

    tolerances: Mapping[Dimension, Status] = field(default_factory=dict)
    overdue_milestones: int = 0  # all overdue, the plan's key milestones below included
    # The plan's key milestones past their finish and not complete: (name, days late).
    late_key_milestones: tuple[tuple[str, int], ...] = ()
    open_high_risks: int = 0
    missing_reports: int = 0  # reports owed in recent periods and not handed in
    days_since_report: int | None = None  # None: never reported
    stale_raid_items: int = 0  # open RAID items not reviewed within the stale period
    past_due_raid_items: int = 0  # open RAID items whose date has passed
    cpi: Decimal | None = None  # earned value: None where not measured (no budget, no plan…)
    spi_t: Decimal | None = None


@dataclass(frozen=True)
class Verdict:
    rating: Rating
    reasons: tuple[str, ...]


def _count_rating(count: int, amber: int, red: int) -> Rating:
    if count >= red:
        return Rating.RED
    if count >= amber:
        return Rating.AMBER
    return Rating.GREEN


def _items(count: int) -> str:
    return f"{count} RAID item{'' if count == 1 else 's'}"


def _raid_reasons(evidence: Evidence, thresholds: Thresholds) -> tuple[Rating, list[str]]:
    """What the RAID registers say against the risks area: stale and past-due items."""
    rating, reasons = Rating.GREEN, []
    stale = _count_rating(evidence.stale_raid_items, thresholds.stale_raid_amber, thresholds.stale_raid_red)
    if stale > Rating.GREEN:
        rating = stale
        reasons.append(
            f"{_items(evidence.stale_raid_items)} not reviewed in {thresholds.stale_raid_days} days"
        )
    late = _count_rating(
        evidence.past_due_raid_items, thresholds.past_due_raid_amber, thresholds.past_due_raid_red
    )
    if late > Rating.GREEN:
        rating = max(rating, late)
        reasons.append(f"{_items(evidence.past_due_raid_items)} past due")
    return rating, reasons


def _late_reasons(evidence: Evidence) -> list[str]:
    """Each of the plan's late key milestones by name and how late, then the other overdue ones."""
    reasons = [
        f"key milestone {name} {days} day{'' if days == 1 else 's'} late in the plan"
        for name, days in evidence.late_key_milestones
    ]
    others = evidence.overdue_milestones - len(evidence.late_key_milestones)
    if others > 0:
        reasons.append(f"{others} {'other ' if reasons else ''}milestone(s) overdue")
    return reasons


HUNDREDTH = Decimal("0.01")


def _performance(name: str, value: Decimal | None, threshold: Decimal | None) -> str | None:
    """ "CPI 0.82 below 0.95" when ``value`` is below ``threshold`` (both given), else None;
    "CPI just below 0.95" when it rounds to the threshold (not "0.95 below 0.95")."""
    if value is None or threshold is None or value >= threshold:
        return None
    shown = value.quantize(HUNDREDTH)
    if shown >= threshold:
        return f"{name} just below {threshold.quantize(HUNDREDTH)}"
    return f"{name} {shown} below {threshold.quantize(HUNDREDTH)}"


# The earned value index judged in an area: (name, the evidence's figure, the threshold).
PERFORMANCE = {
    Area.COST: ("CPI", "cpi"),
    Area.SCHEDULE: ("SPI(t)", "spi_t"),
}


def assess_evidence(evidence: Evidence, thresholds: Thresholds = Thresholds()) -> dict[Area, Verdict]:
    """A rating per report area from the evidence, each with the reasons that raised it."""
    verdicts: dict[Area, Verdict] = {}
    for area, dimensions in AREA_TOLERANCES.items():
        rating, reasons = Rating.GREEN, []
        for dimension in dimensions:
            status = evidence.tolerances.get(dimension)
            if status is not None and status is not Status.WITHIN:
                rating = max(rating, TOLERANCE_RATING[status])
                reasons.append(f"{dimension.value} tolerance {status.value.replace('_', ' ')}")
        if area is Area.SCHEDULE and evidence.overdue_milestones:
            found = _count_rating(
                evidence.overdue_milestones,
                thresholds.overdue_milestones_amber,
                thresholds.overdue_milestones_red,
            )
            if found > Rating.GREEN:
                rating = max(rating, found)
                reasons += _late_reasons(evidence)
        if area is Area.RISKS and evidence.open_high_risks:
            found = _count_rating(
                evidence.open_high_risks, thresholds.high_risks_amber, thresholds.high_risks_red
            )
            if found > Rating.GREEN:
                rating = max(rating, found)
                reasons.append(f"{evidence.open_high_risks} open high risk(s)")
        if area is Area.RISKS:
            found, raid = _raid_reasons(evidence, thresholds)
            rating = max(rating, found)
            reasons += raid
        if area in PERFORMANCE:
            name, figure = PERFORMANCE[area]
            below = _performance(name, getattr(evidence, figure), getattr(thresholds, figure))
            if below is not None:
                rating = max(rating, Rating.AMBER)
                reasons.append(below)
        verdicts[area] = Verdict(rating, tuple(reasons))
    return verdicts


def overall(
    evidence: Evidence, verdicts: Mapping[Area, Verdict], thresholds: Thresholds = Thresholds()
) -> Verdict:
    """The overall evidence rating: the worst area, made worse by missing or stale reports."""
    rating = max((v.rating for v in verdicts.values()), default=Rating.GREEN)
    reasons = [reason for v in verdicts.values() for reason in v.reasons]
    if evidence.missing_reports:
        rating = max(
            rating,
            _count_rating(
                evidence.missing_reports, thresholds.missing_reports_amber, thresholds.missing_reports_red
            ),
        )
        reasons.append(f"{evidence.missing_reports} report(s) missing")
    if evidence.days_since_report is None:
        rating = max(rating, Rating.AMBER)
        reasons.append("no highlight report yet")
    elif evidence.days_since_report > thresholds.stale_report_days:
        rating = max(rating, Rating.AMBER)
        reasons.append(f"last report {evidence.days_since_report} days old")
    return Verdict(rating, tuple(reasons))


def milestone_overdue(
    expected: date | None,
    achieved_on: date | None,
    today: date,
    *,
    reported_to: date | None = None,
    covering_due: date | None = None,
    grace_days: int = 14,
) -> bool:
    """Whether a milestone not achieved by its date (``expected``: the latest forecast, else the
    baseline date) is known to be overdue: at once when the latest report covers its date
    (``reported_to``, the end of that report's period, is after it) and does not say it was
    achieved; else only once the report that would cover it is past due (``covering_due``, the
    due date of the period holding the date), never before; where no period holds the date,
    ``grace_days`` after it."""
    if achieved_on is not None or expected is None or expected >= today:
        return False
    if reported_to is not None and expected < reported_to:
        return True
    if covering_due is not None:
        return covering_due < today
    return expected < today - timedelta(days=grace_days)


def is_optimistic(declared: Rating, evidence: Rating) -> bool:
    """True when the declared status is better than the evidence by more than one step of the
    five-point ladder: green declared against amber or red evidence, amber against red."""
    return evidence - declared > 1
