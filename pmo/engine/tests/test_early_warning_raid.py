"""Early warning weighs RAID items left alone by severity and age: a low risk unreviewed or an
action a few days over is not a high risk ignored for months (ADR 0032)."""

from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from pmo.engine.early_warning import (
    HIGH,
    LOW,
    MEDIUM,
    SERIOUS,
    WARNING,
    WATCH,
    History,
    Kind,
    RaidItem,
    Thresholds,
    early_warnings,
    neglect_points,
)

AS_OF = date(2026, 12, 4)
DEFAULTS = Thresholds()  # stale after 30 days, a step past due every 14 days, 12 points to speak


def raid_weight(items: list[RaidItem], limits: Thresholds = DEFAULTS) -> int:
    signals = early_warnings(History(raid=items), AS_OF, limits)
    return max((s.weight for s in signals if s.kind is Kind.RAID_NEGLECT), default=0)


severities = st.sampled_from([LOW, MEDIUM, HIGH])
items = st.builds(
    RaidItem,
    reference=st.sampled_from(["RSK-1", "RSK-2", "ISS-3", "ACT-4", "DEP-5"]),
    severity=severities,
    unreviewed_days=st.integers(0, 400),
    overdue_days=st.integers(0, 400),
)
thresholds = st.builds(
    Thresholds,
    raid_stale_days=st.integers(1, 90),
    raid_overdue_days=st.integers(1, 60),
    raid_points=st.integers(1, 40),
)


@given(st.lists(items, max_size=8), st.data(), thresholds)
def test_a_more_severe_item_never_ranks_lower(found, data, limits):
    item = data.draw(items)
    heavier = replace(item, severity=data.draw(st.integers(item.severity, HIGH)))

    assert neglect_points(heavier, limits) >= neglect_points(item, limits)
    assert raid_weight([*found, heavier], limits) >= raid_weight([*found, item], limits)


@given(st.lists(items, max_size=8), st.data(), st.integers(0, 400), st.integers(0, 400), thresholds)
def test_an_older_item_never_ranks_lower(found, data, unreviewed_more, overdue_more, limits):
    item = data.draw(items)
    older = replace(
        item,
        unreviewed_days=item.unreviewed_days + unreviewed_more,
        overdue_days=item.overdue_days + overdue_more,
    )

    assert neglect_points(older, limits) >= neglect_points(item, limits)
    assert raid_weight([*found, older], limits) >= raid_weight([*found, item], limits)


@given(st.lists(items, max_size=8), items, thresholds)
def test_another_item_left_alone_never_lowers_the_signal(found, another, limits):
    assert raid_weight([*found, another], limits) >= raid_weight(found, limits)


@given(severities, st.integers(0, 400), st.integers(0, 400), thresholds)
def test_a_high_item_weighs_at_least_a_low_one_of_the_same_age(severity, unreviewed, overdue, limits):
    low = RaidItem("RSK-1", LOW, unreviewed, overdue)

    assert neglect_points(replace(low, severity=HIGH), limits) >= neglect_points(low, limits)
    assert neglect_points(replace(low, severity=severity), limits) >= neglect_points(low, limits)


@given(st.lists(items, max_size=8), thresholds)
def test_nothing_is_said_below_the_pmos_points(found, limits):
    total = sum(neglect_points(item, limits) for item in found)

    assert (raid_weight(found, limits) > 0) == (total >= limits.raid_points)


@given(severities, st.integers(0, 29), st.integers(0, 13))
def test_an_item_reviewed_in_time_and_not_a_step_past_due_weighs_nothing(severity, unreviewed, overdue):
    assert neglect_points(RaidItem("ACT-1", severity, unreviewed, overdue), DEFAULTS) == 0


def test_a_low_risk_unreviewed_and_an_action_a_few_days_over_are_not_a_high_risk_ignored():
    small = [RaidItem("RSK-1", LOW, unreviewed_days=45), RaidItem("ACT-2", LOW, overdue_days=5)]
    ignored = [RaidItem("RSK-3", HIGH, unreviewed_days=95)]  # three stale periods: 4 × 3 points

    assert raid_weight(small) == 0
    assert raid_weight(ignored) == WATCH
    assert raid_weight([replace(ignored[0], unreviewed_days=75)]) == 0  # two periods: 8 points, not yet
    assert raid_weight([RaidItem("RSK-4", MEDIUM, unreviewed_days=400)]) == 0  # a medium one alone: 8 at most
    signal = next(s for s in early_warnings(History(raid=ignored), AS_OF) if s.kind is Kind.RAID_NEGLECT)
    assert signal.reason == "RAID items left alone: RSK-3 (high, not reviewed in 95 days)"


def test_the_signal_grows_with_the_neglect_and_names_the_heaviest_first():
    items = [
        RaidItem("RSK-3", HIGH, unreviewed_days=130),  # 4 steps: 16 points
        RaidItem("ISS-4", MEDIUM, overdue_days=45),  # 3 steps past due: 6 points
        RaidItem("ACT-5", LOW, overdue_days=20),  # 1 step: 1 point
        RaidItem("ACT-6", LOW, overdue_days=15),
    ]

    signals = [s for s in early_warnings(History(raid=items), AS_OF) if s.kind is Kind.RAID_NEGLECT]

    assert [s.weight for s in signals] == [WARNING]  # 24 points: twice the 12 needed, not four times
    assert signals[0].reason == (
        "RAID items left alone: RSK-3 (high, not reviewed in 130 days), ISS-4 (medium, 45 days past due), "
        "ACT-5 (low, 20 days past due) and 1 more"
    )
    ignored = [RaidItem(f"RSK-{n}", HIGH, unreviewed_days=200) for n in (7, 8)]
    assert raid_weight([*items, *ignored]) == SERIOUS  # 56 points: four times the 12
